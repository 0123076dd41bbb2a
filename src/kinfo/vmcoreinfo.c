// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VMCOREINFO note: text written by the kernel at boot
 * (kernel/vmcore_info.c, kernel/crash_core.c before 6.9, plus
 * arch_crash_save_vmcoreinfo()), one KEY=value per line:
 *
 *   OSRELEASE=6.12.48+deb13-amd64      PAGESIZE=4096
 *   SYMBOL(init_top_pgt)=ffffffff8a...  (%lx, no 0x)
 *   OFFSET(page.flags)=0  SIZE(page)=64  LENGTH(mem_section)=2048  (%lu)
 *   NUMBER(SECTION_SIZE_BITS)=27   (%ld; some NUMBER()s are 0x%lx)
 *   KERNELOFFSET=9000000            (%lx)
 *
 * The note is small (a few hundred lines), so the table is a plain array
 * searched linearly; the first occurrence of a key wins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "internal.h"

struct vmcoreinfo_entry {
	const char *key;
	const char *value;
};

struct ms_vmcoreinfo {
	char *text;			/* a copy, cut into keys and values */
	struct vmcoreinfo_entry *entries;
	size_t nr;
};

struct ms_error *ms_vmcoreinfo_parse(const char *text,
				     struct ms_vmcoreinfo **out)
{
	struct ms_vmcoreinfo *vi;
	size_t cap = 0;
	char *line, *next;

	vi = calloc(1, sizeof(*vi));
	if (!vi || !(vi->text = strdup(text))) {
		free(vi);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	for (line = vi->text; *line; line = next) {
		char *eq, *nl = strchr(line, '\n');

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;	/* blank or foreign line: ignore */
		*eq = '\0';
		if (vi->nr == cap) {
			struct vmcoreinfo_entry *e;

			e = ms_array_grow(vi->entries, &cap, sizeof(*e), 128);
			if (!e) {
				ms_vmcoreinfo_free(vi);
				return ms_error_new(MS_ERR_NOMEM,
						    "out of memory");
			}
			vi->entries = e;
		}
		vi->entries[vi->nr].key = line;
		vi->entries[vi->nr].value = eq + 1;
		vi->nr++;
	}
	*out = vi;
	return NULL;
}

void ms_vmcoreinfo_free(struct ms_vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->entries);
	free(vi->text);
	free(vi);
}

const char *ms_vmcoreinfo_get(const struct ms_vmcoreinfo *vi, const char *key)
{
	for (size_t i = 0; vi && i < vi->nr; i++)
		if (!strcmp(vi->entries[i].key, key))
			return vi->entries[i].value;
	return NULL;
}

static struct ms_error *value_missing(const char *key)
{
	return ms_error_new(MS_ERR_MISSING, "VMCOREINFO lacks %s", key);
}

static struct ms_error *value_malformed(const char *key, const char *value)
{
	return ms_error_new(MS_ERR_FORMAT, "VMCOREINFO %s=%s is not a number",
			    key, value);
}

struct ms_error *ms_vmcoreinfo_u64(const struct ms_vmcoreinfo *vi,
				   const char *key, int base, uint64_t *val)
{
	const char *value = ms_vmcoreinfo_get(vi, key);
	char *end;

	if (!value)
		return value_missing(key);
	if (!*value || *value == '-')
		return value_malformed(key, value);
	errno = 0;
	*val = strtoull(value, &end, base);
	if (errno || *end)
		return value_malformed(key, value);
	return NULL;
}

struct ms_error *ms_vmcoreinfo_s64(const struct ms_vmcoreinfo *vi,
				   const char *key, int64_t *val)
{
	const char *value = ms_vmcoreinfo_get(vi, key);
	char *end;

	if (!value)
		return value_missing(key);
	errno = 0;
	/*
	 * NUMBER(VMALLOC_START)=0xffffc90000000000 does not fit an int64_t:
	 * hex values are taken as the bit pattern they print.
	 */
	if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
		*val = (int64_t)strtoull(value, &end, 16);
	else
		*val = strtoll(value, &end, 10);
	if (errno || !*value || *end)
		return value_malformed(key, value);
	return NULL;
}
