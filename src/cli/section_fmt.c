// SPDX-License-Identifier: GPL-2.0-or-later
/* Formatting of section facts (see section_fmt.h). */
#include <stdio.h>
#include <string.h>

#include "section_fmt.h"

static const struct {
	enum ms_section_bit bit;
	const char *name;
	char letter;
} section_flags[] = {
	{ MS_SECTION_PRESENT, "present", 'P' },
	{ MS_SECTION_HAS_MEM_MAP, "memmap", 'M' },
	{ MS_SECTION_ONLINE, "online", 'O' },
	{ MS_SECTION_EARLY, "early", 'E' },
	{ MS_SECTION_ZONE_DEVICE, "zone_device", 'D' },
	{ MS_SECTION_VMEMMAP_PREINIT, "vmemmap_preinit", 'V' },
};

#define NR_FLAGS (sizeof(section_flags) / sizeof(*section_flags))

static void append(char *buf, size_t len, size_t *used, const char *sep,
		   const char *word)
{
	*used += snprintf(buf + *used, *used < len ? len - *used : 0, "%s%s",
			  *used ? sep : "", word);
}

void ms_fmt_section_flags(const struct ms_sparse *sp, const struct ms_section *s,
			  char *buf, size_t len)
{
	uint64_t known = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_FLAGS; i++) {
		int b = sp->layout->section_bit[section_flags[i].bit];

		if (b < 0)
			continue;
		known |= 1ULL << b;
		if (s->flag_bits & (1ULL << b))
			append(buf, len, &used, ",", section_flags[i].name);
	}
	for (int b = 0; b < 64; b++) {
		char word[8];

		if (!(s->flag_bits & ~known & (1ULL << b)))
			continue;
		snprintf(word, sizeof(word), "bit%d", b);
		append(buf, len, &used, ",", word);
	}
}

void ms_fmt_section_state(const struct ms_sparse *sp, const struct ms_section *s,
			  char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_FLAGS && used + 1 < len; i++)
		if (ms_section_has(sp, s, section_flags[i].bit))
			buf[used++] = section_flags[i].letter;
	buf[used] = '\0';
}

uint64_t ms_section_bytes(const struct ms_sparse *sp)
{
	return 1ULL << sp->layout->section_size_bits;
}

const char *ms_fmt_block_state(const struct ms_block *b)
{
	return !strcmp(b->state, "going-offline") ? "on->off" : b->state;
}
