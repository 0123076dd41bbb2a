// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope blocks: one row per memory block, lsmem-compatible columns
 * (as `lsmem -a`) plus the sections inside each and whether the block
 * carries its own memmap (memory_hotplug.memmap_on_memory).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"
#include "commands.h"
#include "section_fmt.h"

enum {
	COL_BLOCK, COL_RANGE, COL_SIZE, COL_STATE, COL_REMOVABLE, COL_NODE,
	COL_ZONES, COL_SECTIONS, COL_MEMMAP_ON_MEMORY, COL_PRESENT,
};

const struct ms_coldesc ms_blocks_columns[] = {
	[COL_BLOCK] = { "BLOCK", 5, true, true, MS_COL_NUMBER, "memory block number" },
	[COL_RANGE] = { "RANGE", 37, false, true, MS_COL_STRING, "physical address range" },
	[COL_SIZE] = { "SIZE", 5, true, true, MS_COL_SIZE, "size of the block" },
	[COL_STATE] = { "STATE", 7, false, true, MS_COL_STRING, "online, offline or on->off" },
	[COL_REMOVABLE] = { "REMOVABLE", 3, true, true, MS_COL_BOOLEAN, "the kernel says it can be offlined" },
	[COL_NODE] = { "NODE", 2, true, true, MS_COL_NUMBER, "NUMA node" },
	[COL_ZONES] = { "ZONES", 8, false, true, MS_COL_STRING, "valid zones (lsmem style)" },
	[COL_SECTIONS] = { "SECTIONS", 7, false, true, MS_COL_STRING, "memory sections in the block" },
	[COL_MEMMAP_ON_MEMORY] = { "MEMMAP_ON_MEMORY", 3, true, true, MS_COL_BOOLEAN, "its struct pages live in the block itself" },
	[COL_PRESENT] = { "PRESENT", 3, true, false, MS_COL_NUMBER, "present sections in the block" },
};
const size_t ms_blocks_nr_columns =
	sizeof(ms_blocks_columns) / sizeof(*ms_blocks_columns);

struct block_row {
	struct ms_cli *cli;
	const struct ms_block *b;
};

/* Present sections of the block, and the first of them (or NULL). */
static const struct ms_section *block_sections(const struct ms_sparse *sp,
					       const struct ms_block *b,
					       unsigned int *present)
{
	uint64_t first_pfn = b->start >> sp->layout->page_shift;
	uint64_t nr_pfns = b->size >> sp->layout->page_shift;
	const struct ms_section *first = NULL;

	*present = 0;
	for (uint64_t pfn = first_pfn; pfn < first_pfn + nr_pfns;) {
		const struct ms_section *s = ms_sparse_find(sp, pfn);

		if (s) {
			if (!first)
				first = s;
			++*present;
		}
		pfn += 1ULL << (sp->layout->section_size_bits - sp->layout->page_shift);
	}
	return first;
}

/*
 * What the kernel means by memmap_on_memory: at hot-add, the block's own
 * struct pages were allocated from the start of the block through an
 * altmap (mhp_supports_memmap_on_memory(), 5.15+; the memmap pages are
 * marked PageVmemmapSelfHosted since 6.1). Boot memory never is: memblock
 * may happen to place a boot section's memmap inside that section, which
 * is where the boot memmap lies, not memmap_on_memory. So: a hot-added
 * block (its sections not early) whose first struct page is backed by a
 * frame inside the block itself.
 */
static void memmap_on_memory(struct ms_cli *c, const struct ms_block *b,
			     char *buf, size_t len)
{
	const struct ms_section *s;
	struct ms_pt_xlate x;
	unsigned int present;
	struct ms_error *err;

	s = block_sections(c->sparse, b, &present);
	if (!s || !s->memmap)
		return;
	if (ms_section_has(c->sparse, s, MS_SECTION_EARLY)) {
		snprintf(buf, len, "no");
		return;
	}
	err = ms_target_translate(c->target, s->memmap, &x);
	if (err) {
		ms_error_free(err);	/* unknown: the cell stays empty */
		return;
	}
	snprintf(buf, len, "%s", x.paddr >= b->start &&
		 x.paddr < b->start + b->size ? "yes" : "no");
}

static void block_cell(const struct ms_cli *cc, int id, const void *row,
		       char *buf, size_t len)
{
	const struct block_row *r = row;
	const struct ms_block *b = r->b;
	const struct ms_layout *lay = r->cli->sparse->layout;
	uint64_t first = b->start >> lay->section_size_bits;
	uint64_t last = (b->start + b->size - 1) >> lay->section_size_bits;
	unsigned int present;

	switch (id) {
	case COL_BLOCK:
		snprintf(buf, len, "%" PRIu64, b->nr);
		break;
	case COL_RANGE:
		snprintf(buf, len, "0x%016" PRIx64 "-0x%016" PRIx64, b->start,
			 b->start + b->size - 1);
		break;
	case COL_SIZE:
		snprintf(buf, len, "%" PRIu64, b->size);
		break;
	case COL_STATE:
		snprintf(buf, len, "%s", ms_block_state_format(b));
		break;
	case COL_REMOVABLE:
		/* as lsmem: only an online block can be removable ("-", false) */
		if (strcmp(b->state, "online"))
			snprintf(buf, len, "%s", cc->json ? "no" : "-");
		else if (b->has_removable)
			snprintf(buf, len, "%s", b->removable ? "yes" : "no");
		break;
	case COL_NODE:
		if (b->nid >= 0)
			snprintf(buf, len, "%d", b->nid);
		break;
	case COL_ZONES:
		snprintf(buf, len, "%s", b->zones);
		break;
	case COL_SECTIONS:
		if (first == last)
			snprintf(buf, len, "%" PRIu64, first);
		else
			snprintf(buf, len, "%" PRIu64 "-%" PRIu64, first, last);
		break;
	case COL_MEMMAP_ON_MEMORY:
		memmap_on_memory(r->cli, b, buf, len);
		break;
	case COL_PRESENT:
		block_sections(r->cli->sparse, b, &present);
		snprintf(buf, len, "%u", present);
		break;
	}
}

int ms_cmd_blocks(struct ms_cli *c, int argc, char **argv)
{
	const struct ms_blocks *bl;
	struct block_row row = { .cli = c };
	struct ms_error *err;
	struct ms_table *t;

	if (argc > 1)
		return ms_cli_usage_error("blocks takes no arguments");
	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (!err && !bl)
		err = ms_error_new(MS_ERR_USAGE,
				   "no memory blocks: a core file carries no sysfs (use --sysroot DIR)");
	if (err)
		return ms_cli_fail(err);
	t = ms_table_new(c, "memory", ms_blocks_columns, ms_blocks_nr_columns,
			 block_cell);
	if (!t)
		return MS_EXIT_USAGE;
	for (size_t i = 0; i < bl->nr; i++) {
		row.b = &bl->blocks[i];
		ms_table_add_row(t, &row);
	}
	return ms_table_print(t);
}
