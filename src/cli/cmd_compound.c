// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope compound [RANGE]: a census of compound pages (folios of order
 * > 0), one row per kind, order, node and zone, or device for ZONE_DEVICE
 * pages (the /proc/iomem owner of the head: dax0.0, ...). The kind is
 * decided on the head from real page state (see src/mm/page.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "columns.h"
#include "commands.h"
#include "census.h"
#include "page_fmt.h"
#include "page_range.h"

enum { COL_KIND, COL_ORDER, COL_NODE, COL_ZONE, COL_DEVICE, COL_COUNT,
       COL_BYTES, COL_PAGES };

const struct ms_coldesc ms_compound_columns[] = {
	[COL_KIND] = { "KIND", 7, false, true, MS_COL_STRING, "thp, hugetlb, devdax, slab or other" },
	[COL_ORDER] = { "ORDER", 2, true, true, MS_COL_NUMBER, "compound order" },
	[COL_NODE] = { "NODE", 2, true, true, MS_COL_NUMBER, "node from page->flags" },
	[COL_ZONE] = { "ZONE", 6, false, true, MS_COL_STRING, "zone from page->flags" },
	[COL_DEVICE] = { "DEVICE", 8, false, true, MS_COL_STRING, "ZONE_DEVICE: the /proc/iomem owner of the heads" },
	[COL_COUNT] = { "COUNT", 6, true, true, MS_COL_NUMBER, "compound pages" },
	[COL_BYTES] = { "BYTES", 6, true, true, MS_COL_SIZE, "their size (-b for bytes)" },
	[COL_PAGES] = { "PAGES", 8, true, false, MS_COL_NUMBER, "base pages they cover" },
};
const size_t ms_compound_nr_columns =
	sizeof(ms_compound_columns) / sizeof(*ms_compound_columns);

static void compound_cell(const struct ms_cli *c, int id, const void *row,
			  char *buf, size_t len)
{
	const struct ms_census_bucket *b = row;
	uint64_t pages = b->count << b->order;

	switch (id) {
	case COL_KIND:
		snprintf(buf, len, "%s", ms_compound_kind_name(b->kind));
		break;
	case COL_ORDER:
		snprintf(buf, len, "%u", b->order);
		break;
	case COL_NODE:
		snprintf(buf, len, "%d", b->node);
		break;
	case COL_ZONE:
		ms_zone_format(c->sparse, b->node, b->zone, buf, len);
		break;
	case COL_DEVICE:
		snprintf(buf, len, "%s", b->device);
		break;
	case COL_COUNT:
		snprintf(buf, len, "%" PRIu64, b->count);
		break;
	case COL_BYTES:
		snprintf(buf, len, "%" PRIu64, pages << c->sparse->layout->page_shift);
		break;
	case COL_PAGES:
		snprintf(buf, len, "%" PRIu64, pages);
		break;
	}
}

int ms_cmd_compound(struct ms_cli *c, int argc, char **argv)
{
	struct ms_page_layout pl;
	struct ms_census x;
	struct ms_pfn_range r;
	struct ms_error *err;
	struct ms_table *t;
	uint64_t invalid;
	bool overflow;
	int rc;

	if (argc > 2)
		return ms_cli_usage_error("compound takes at most one RANGE");
	err = ms_cli_page_layout(c, &pl);
	if (!err && argc == 2)
		err = ms_cli_pfn_range(c, argv[1], &r);
	if (!err && argc < 2)
		ms_cli_pfn_all(c, &r);
	if (!err)
		err = ms_cli_census(c, &pl, r.start, r.nr, &x);
	if (err)
		return ms_cli_range_fail(err);
	t = ms_table_new(c, "compound", ms_compound_columns,
			 ms_compound_nr_columns, compound_cell);
	if (!t) {
		ms_census_free(&x);
		return MS_EXIT_USAGE;
	}
	for (size_t i = 0; i < x.n; i++)
		ms_table_add_row(t, &x.b[i]);
	rc = ms_table_print(t);
	overflow = x.overflow;
	invalid = x.invalid;
	ms_census_free(&x);
	if (invalid) {
		fprintf(stderr, "memscope: %" PRIu64 " compound head%s invalid (inside another compound page, misaligned or of an impossible order; see memscope check): not counted\n",
			invalid, invalid == 1 ? " is" : "s are");
		return rc ? rc : MS_EXIT_PARTIAL;
	}
	if (overflow) {
		fprintf(stderr, "memscope: more than %d kinds of compound page; the census is partial\n",
			MS_CENSUS_MAX_BUCKETS);
		return rc ? rc : MS_EXIT_PARTIAL;
	}
	return rc;
}
