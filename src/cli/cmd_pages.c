// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope pages RANGE...: one row per pfn with a struct page: its flags by
 * the kernel's own names, counts, page_type, and where it sits in a
 * compound page. Pfns without a memmap (holes, inactive sub-sections) have
 * no row.
 */
#include <inttypes.h>
#include <stdio.h>

#include "columns.h"
#include "commands.h"
#include "page_fmt.h"
#include "page_range.h"
#include "progress.h"

enum {
	COL_PFN, COL_FLAGS, COL_REFCOUNT, COL_MAPCOUNT, COL_PINCOUNT, COL_TYPE,
	COL_KIND, COL_ORDER, COL_BUDDY_ORDER, COL_HEAD, COL_ZONE, COL_NODE, COL_PGMAP,
	COL_STATE, COL_RAW, COL_COMPOUND, COL_MAPPING, COL_PAGE_TYPE,
	COL_ADDR,
};

const struct ms_coldesc ms_pages_columns[] = {
	[COL_PFN] = { "PFN", 8, true, true, MS_COL_PFN, "page frame number" },
	[COL_FLAGS] = { "FLAGS", 24, false, true, MS_COL_STRING, "page flags by their enum pageflags names; a tail's are its head's, as /proc/kpageflags says" },
	[COL_REFCOUNT] = { "REFCOUNT", 3, true, true, MS_COL_NUMBER, "_refcount" },
	[COL_MAPCOUNT] = { "MAPCOUNT", 3, true, true, MS_COL_NUMBER, "_mapcount + 1 (none when the word is a page_type)" },
	[COL_PINCOUNT] = { "PINCOUNT", 3, true, true, MS_COL_NUMBER, "folio _pincount (heads of large folios)" },
	[COL_TYPE] = { "TYPE", 7, false, true, MS_COL_STRING, "page_type: buddy, slab, table, offline, hugetlb, ... or hex" },
	[COL_KIND] = { "KIND", 4, false, true, MS_COL_STRING, "base, head or tail" },
	[COL_ORDER] = { "ORDER", 2, true, true, MS_COL_NUMBER, "compound order (tails: their head's; 0 for a page not compound)" },
	[COL_HEAD] = { "HEAD", 8, true, true, MS_COL_PFN, "pfn of the compound head" },
	[COL_ZONE] = { "ZONE", 6, false, true, MS_COL_STRING, "zone from page->flags" },
	[COL_NODE] = { "NODE", 2, true, true, MS_COL_NUMBER, "node from page->flags" },
	[COL_PGMAP] = { "PGMAP", 18, false, true, MS_COL_HEX, "struct dev_pagemap of a ZONE_DEVICE page" },
	[COL_STATE] = { "STATE", 8, false, true, MS_COL_STRING, "unstable (changed under the scan), the inconsistency found, or fake-head (6.1 HVO)" },
	[COL_RAW] = { "RAW", 18, false, false, MS_COL_HEX, "the page's own raw flags word (a first tail's low byte is the folio order, 6.6+)" },
	[COL_COMPOUND] = { "COMPOUND", 7, false, false, MS_COL_STRING, "heads: thp, hugetlb, devdax, slab or other" },
	[COL_MAPPING] = { "MAPPING", 18, false, false, MS_COL_HEX, "page->mapping" },
	[COL_PAGE_TYPE] = { "PAGE_TYPE", 10, false, false, MS_COL_HEX, "raw page_type/_mapcount word" },
	[COL_ADDR] = { "ADDR", 18, false, false, MS_COL_HEX, "address of the struct page" },
	[COL_BUDDY_ORDER] = { "BUDDY_ORDER", 2, true, true, MS_COL_NUMBER, "first page of a free buddy block: the block's order (page->private)" },
};
const size_t ms_pages_nr_columns =
	sizeof(ms_pages_columns) / sizeof(*ms_pages_columns);

struct pages_ctx {
	struct ms_cli *c;
	const struct ms_page_layout *pl;
	struct ms_table *t;
	const struct ms_page *p;
	uint64_t rows;
	struct ms_progress *pr;		/* over every RANGE; NULL: off */
	uint64_t start, before;		/* of the range read, pages before it */
};

static void pages_cell(const struct ms_cli *c, int id, const void *row,
		       char *buf, size_t len)
{
	const struct pages_ctx *x = row;
	const struct ms_page *p = x->p;

	switch (id) {
	case COL_PFN:
		ms_cell_u64(buf, len, p->pfn);
		break;
	case COL_FLAGS:
		ms_page_flags_format(x->pl, p->folio_flags, buf, len);
		break;
	case COL_REFCOUNT:
		ms_cell_s64(buf, len, p->refcount);
		break;
	case COL_MAPCOUNT:
		if (p->type == MS_PGTY_NONE)
			ms_cell_s64(buf, len, p->mapcount);
		break;
	case COL_PINCOUNT:
		if (p->kind == MS_PAGE_HEAD && p->pincount >= 0)
			ms_cell_s64(buf, len, p->pincount);
		break;
	case COL_TYPE:
		ms_page_type_format(x->pl, p, buf, len);
		break;
	case COL_KIND:
		ms_cell_str(buf, len, ms_page_kind_name(p->kind));
		break;
	case COL_ORDER:
		ms_cell_u64(buf, len, p->order);
		break;
	case COL_HEAD:
		ms_cell_u64(buf, len, p->head_pfn);
		break;
	case COL_ZONE:
		ms_zone_format(c->sparse, p->node, p->zone, buf, len);
		break;
	case COL_NODE:
		ms_cell_s64(buf, len, p->node);
		break;
	case COL_PGMAP:
		if (p->pgmap)
			snprintf(buf, len, "0x%" PRIx64, p->pgmap);
		break;
	case COL_STATE:
		/* fake-head: 6.1 HVO, read through the head's frame */
		if (!p->unstable && !p->problem && !p->fake_head)
			break;	/* most rows: nothing to say */
		snprintf(buf, len, "%s%s%s%s", p->unstable ? "unstable" : "",
			 p->unstable && p->problem ? "," : "",
			 ms_page_problem_name(p->problem),
			 p->fake_head && !p->problem ? "fake-head" : "");
		break;
	case COL_RAW:
		snprintf(buf, len, "0x%016" PRIx64, p->flags);
		break;
	case COL_COMPOUND:
		snprintf(buf, len, "%s", ms_compound_kind_name(p->ckind));
		break;
	case COL_MAPPING:
		snprintf(buf, len, "0x%" PRIx64, p->mapping);
		break;
	case COL_PAGE_TYPE:
		snprintf(buf, len, "0x%08" PRIx32, p->page_type_raw);
		break;
	case COL_BUDDY_ORDER:
		if (p->buddy_order >= 0)
			ms_cell_s64(buf, len, p->buddy_order);
		break;
	case COL_ADDR:
		snprintf(buf, len, "0x%" PRIx64, ms_page_vaddr(x->pl, p->pfn));
		break;
	}
}

static int pages_row(void *ctx, const struct ms_page *p)
{
	struct pages_ctx *x = ctx;

	x->p = p;
	ms_progress_set(x->pr, x->before + p->pfn - x->start);
	ms_table_add_row(x->t, x);
	x->rows++;
	return 0;
}

/* The pages of every RANGE, for the progress line; 0 for a bad one. */
static uint64_t pages_total(struct ms_cli *c, int argc, char **argv)
{
	struct ms_pfn_range r;
	uint64_t total = 0;

	for (int i = 1; i < argc; i++) {
		struct ms_error *err = ms_cli_pfn_range(c, argv[i], &r);

		if (err) {
			ms_error_free(err);	/* pages_range() reports it */
			return 0;
		}
		total += r.nr;
	}
	return total;
}

/* One RANGE's rows; a range without a single struct page is an error. */
static struct ms_error *pages_range(struct pages_ctx *x, const char *arg)
{
	uint64_t before = x->rows;
	struct ms_pfn_range r;
	struct ms_error *err;

	err = ms_cli_pfn_range(x->c, arg, &r);
	if (!err) {
		x->start = r.start;
		err = ms_pages_read(x->c->target, x->c->sparse, x->pl, r.start,
				    r.nr, pages_row, NULL, x, NULL);
		x->before += r.nr;
	}
	if (!err && x->rows == before)
		err = ms_error_new(MS_ERR_USAGE,
				   "no struct pages in %s (pfns %#llx-%#llx)",
				   arg, (unsigned long long)r.start,
				   (unsigned long long)(r.start + r.nr - 1));
	return err;
}

int ms_cmd_pages(struct ms_cli *c, int argc, char **argv)
{
	struct ms_page_layout pl;
	struct pages_ctx x = { .c = c, .pl = &pl };
	struct ms_error *err;

	if (argc < 2)
		return ms_cli_usage_error("pages takes a RANGE (pfn, A-B, phys:A-B, section:N, block:N or a device name)");
	err = ms_cli_page_layout(c, &pl);
	if (err)
		return ms_cli_range_fail(err);
	x.t = ms_table_new(c, "pages", ms_pages_columns, ms_pages_nr_columns,
			   pages_cell);
	if (!x.t)
		return MS_EXIT_USAGE;
	x.pr = ms_progress_start(c, "struct pages", pages_total(c, argc, argv),
				 4096, NULL);
	for (int i = 1; i < argc && !err; i++)
		err = pages_range(&x, argv[i]);
	ms_progress_end(x.pr);
	if (err) {
		ms_table_free(x.t);
		return ms_cli_range_fail(err);
	}
	return ms_table_print(x.t);
}
