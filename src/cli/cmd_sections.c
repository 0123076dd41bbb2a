// SPDX-License-Identifier: GPL-2.0-or-later
/* memscope sections: one row per present memory section. */
#include <inttypes.h>
#include <stdio.h>

#include "columns.h"
#include "commands.h"
#include "section_fmt.h"

enum {
	COL_SECTION, COL_START, COL_END, COL_NODE, COL_ZONE, COL_STATE,
	COL_FLAGS, COL_ACTIVE, COL_SUBSECTIONS, COL_MEMMAP, COL_BLOCK,
	COL_OWNER, COL_RAW, COL_USAGE, COL_SIZE, COL_CLASS,
};

const struct ms_coldesc ms_sections_columns[] = {
	[COL_SECTION] = { "SECTION", 5, true, true, MS_COL_NUMBER, "section number" },
	[COL_START] = { "START", 12, false, true, MS_COL_HEX, "first physical address" },
	[COL_END] = { "END", 12, false, true, MS_COL_HEX, "last physical address" },
	[COL_NODE] = { "NODE", 2, true, true, MS_COL_NUMBER, "NUMA node whose span holds it" },
	[COL_ZONE] = { "ZONE", 6, false, true, MS_COL_STRING, "zones whose spans touch it" },
	[COL_STATE] = { "STATE", 4, false, true, MS_COL_STRING, "flag letters: Present, Memmap, Online, Early, Device, Vmemmap-preinit" },
	[COL_FLAGS] = { "FLAGS", 20, false, true, MS_COL_STRING, "section_mem_map flags by name" },
	[COL_ACTIVE] = { "ACTIVE", 3, true, true, MS_COL_NUMBER, "active sub-sections" },
	[COL_SUBSECTIONS] = { "SUBSECTIONS", 3, true, true, MS_COL_NUMBER, "sub-sections per section" },
	[COL_MEMMAP] = { "MEMMAP", 18, false, true, MS_COL_HEX, "struct page of the first pfn" },
	[COL_BLOCK] = { "BLOCK", 5, true, true, MS_COL_NUMBER, "memory block (none for ZONE_DEVICE)" },
	[COL_OWNER] = { "OWNER", 12, false, false, MS_COL_STRING, "owner in /proc/iomem" },
	[COL_RAW] = { "RAW", 18, false, false, MS_COL_HEX, "raw section_mem_map word" },
	[COL_USAGE] = { "USAGE", 18, false, false, MS_COL_HEX, "struct mem_section_usage address" },
	[COL_SIZE] = { "SIZE", 5, true, false, MS_COL_SIZE, "section size (-b: in bytes)" },
	[COL_CLASS] = { "CLASS", 7, false, false, MS_COL_STRING, "early, hotadded, kmem, online, offline or device (the TUI map's)" },
};
const size_t ms_sections_nr_columns =
	sizeof(ms_sections_columns) / sizeof(*ms_sections_columns);

struct section_row {
	const struct ms_sparse *sp;
	const struct ms_section *s;
	const struct ms_section_facts *f;	/* facts.h: the TUI's too */
};

static void section_cell(const struct ms_cli *c, int id, const void *row,
			 char *buf, size_t len)
{
	const struct section_row *r = row;
	const struct ms_section *s = r->s;
	uint64_t start = s->start_pfn << r->sp->layout->page_shift;
	uint64_t size = ms_section_bytes(r->sp);

	switch (id) {
	case COL_SECTION:
		snprintf(buf, len, "%" PRIu64, s->nr);
		break;
	case COL_START:
		snprintf(buf, len, "0x%" PRIx64, start);
		break;
	case COL_END:
		snprintf(buf, len, "0x%" PRIx64, start + size - 1);
		break;
	case COL_NODE:
		if (r->f->nid >= 0)
			snprintf(buf, len, "%d", r->f->nid);
		break;
	case COL_ZONE:
		ms_section_zone_names(r->sp, s, buf, len);
		break;
	case COL_STATE:
		ms_section_state_format(r->sp, s, buf, len);
		break;
	case COL_FLAGS:
		ms_section_flags_format(r->sp, s, buf, len);
		break;
	case COL_ACTIVE:
		snprintf(buf, len, "%u", s->active);
		break;
	case COL_SUBSECTIONS:
		snprintf(buf, len, "%u", r->sp->layout->subsections_per_section);
		break;
	case COL_MEMMAP:
		if (s->memmap)
			snprintf(buf, len, "0x%" PRIx64, s->memmap);
		break;
	case COL_BLOCK:
		if (r->f->block)
			snprintf(buf, len, "%" PRIu64, r->f->block->nr);
		break;
	case COL_OWNER:
		if (r->f->owner)
			snprintf(buf, len, "%s", r->f->owner);
		break;
	case COL_RAW:
		snprintf(buf, len, "0x%" PRIx64, s->section_mem_map);
		break;
	case COL_USAGE:
		snprintf(buf, len, "0x%" PRIx64, s->usage);
		break;
	case COL_SIZE:
		snprintf(buf, len, "%" PRIu64, size);
		break;
	case COL_CLASS:
		snprintf(buf, len, "%s", ms_section_class_name(r->f->cls));
		break;
	}
}

int ms_cmd_sections(struct ms_cli *c, int argc, char **argv)
{
	struct section_row row = { 0 };
	struct ms_facts facts;
	struct ms_error *err;
	struct ms_table *t;
	int ret;

	if (argc > 1)
		return ms_cli_usage_error("sections takes no arguments");
	err = ms_cli_facts(c, &facts);
	if (err)
		return ms_cli_fail(err);
	t = ms_table_new(c, "sections", ms_sections_columns,
			 ms_sections_nr_columns, section_cell);
	if (!t) {
		ms_facts_release(&facts);
		return MS_EXIT_USAGE;
	}
	row.sp = c->sparse;
	for (size_t i = 0; i < c->sparse->nr_sections; i++) {
		row.s = &c->sparse->sections[i];
		row.f = &facts.sections[i];
		ms_table_add_row(t, &row);
	}
	ret = ms_table_print(t);
	ms_facts_release(&facts);
	return ret;
}
