// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope compound [RANGE]: a census of compound pages (folios of order
 * > 0), one row per kind, order, node and zone, or device for ZONE_DEVICE
 * pages (the /proc/iomem owner of the head: dax0.0, ...). The kind is
 * decided on the head from real page state (see src/mm/page.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "commands.h"
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
	[COL_BYTES] = { "BYTES", 6, true, true, MS_COL_NUMBER, "their size (-b for bytes)" },
	[COL_PAGES] = { "PAGES", 8, true, false, MS_COL_NUMBER, "base pages they cover" },
};
const size_t ms_compound_nr_columns =
	sizeof(ms_compound_columns) / sizeof(*ms_compound_columns);

#define MAX_BUCKETS 512

struct bucket {
	enum ms_compound_kind kind;
	unsigned int order;
	int node, zone;
	char device[64];
	uint64_t count;
};

struct census {
	struct ms_cli *c;
	const struct ms_iomem *iomem;
	int zdev;
	struct bucket *b;
	size_t n;
	struct bucket *last;
	bool overflow;
	uint64_t invalid;		/* heads that failed the sanity check */
};

static bool same(const struct bucket *b, const struct ms_page *p,
		 const char *dev)
{
	return b->kind == p->ckind && b->order == p->order &&
	       b->node == p->node && b->zone == p->zone &&
	       !strcmp(b->device, dev);
}

static int census_page(void *ctx, const struct ms_page *p)
{
	struct census *x = ctx;
	const char *dev = "";
	struct bucket *b;

	if (p->kind != MS_PAGE_HEAD || p->unstable)
		return 0;
	/* a head inside another compound page, misaligned, or of an
	 * impossible order (garbage, maybe >= 64): no figure from it */
	if (p->problem) {
		x->invalid++;
		return 0;
	}
	if (!p->order)
		return 0;
	if (p->zone == x->zdev && x->iomem) {
		uint64_t pa = p->pfn << x->c->sparse->layout->page_shift;

		dev = ms_iomem_owner(x->iomem, pa, pa);
		if (!dev)
			dev = "";
	}
	if (x->last && same(x->last, p, dev)) {
		x->last->count++;
		return 0;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (same(&x->b[i], p, dev)) {
			x->last = &x->b[i];
			x->last->count++;
			return 0;
		}
	}
	if (x->n == MAX_BUCKETS) {
		x->overflow = true;
		return 0;
	}
	b = &x->b[x->n++];
	*b = (struct bucket){ .kind = p->ckind, .order = p->order,
			      .node = p->node, .zone = p->zone, .count = 1 };
	snprintf(b->device, sizeof(b->device), "%s", dev);
	x->last = b;
	return 0;
}

static int bucket_cmp(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	if (strcmp(x->device, y->device))
		return strcmp(x->device, y->device);
	return x->order < y->order ? -1 : x->order > y->order;
}

static void compound_cell(const struct ms_cli *c, int id, const void *row,
			  char *buf, size_t len)
{
	const struct bucket *b = row;
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
		ms_fmt_zone(c->sparse, b->node, b->zone, buf, len);
		break;
	case COL_DEVICE:
		snprintf(buf, len, "%s", b->device);
		break;
	case COL_COUNT:
		snprintf(buf, len, "%" PRIu64, b->count);
		break;
	case COL_BYTES:
		ms_cli_size(c, pages << c->sparse->layout->page_shift, buf, len);
		break;
	case COL_PAGES:
		snprintf(buf, len, "%" PRIu64, pages);
		break;
	}
}

int ms_cmd_compound(struct ms_cli *c, int argc, char **argv)
{
	struct ms_page_layout pl;
	struct census x = { .c = c };
	struct ms_pfn_range r;
	struct ms_error *err;
	struct ms_table *t;
	int rc;

	if (argc > 2)
		return ms_cli_usage_error("compound takes at most one RANGE");
	err = ms_cli_page_layout(c, &pl);
	if (!err && argc == 2)
		err = ms_cli_pfn_range(c, argv[1], &r);
	if (!err && argc < 2)
		ms_cli_pfn_all(c, &r);
	if (!err)
		err = ms_cli_iomem(c, &x.iomem);
	if (err)
		return ms_cli_range_fail(err);
	x.zdev = c->sparse->zone_device_idx;
	x.b = calloc(MAX_BUCKETS, sizeof(*x.b));
	if (!x.b)
		return ms_cli_fail(ms_error_new(MS_ERR_NOMEM, "census"));
	err = ms_cli_pages_walk(c, &pl, r.start, r.nr, true, census_page,
				NULL, &x, NULL);
	if (err) {
		free(x.b);
		return ms_cli_range_fail(err);
	}
	t = ms_table_new(c, "compound", ms_compound_columns,
			 ms_compound_nr_columns, compound_cell);
	if (!t) {
		free(x.b);
		return MS_EXIT_USAGE;
	}
	qsort(x.b, x.n, sizeof(*x.b), bucket_cmp);
	for (size_t i = 0; i < x.n; i++)
		ms_table_add_row(t, &x.b[i]);
	rc = ms_table_print(t);
	free(x.b);
	if (x.invalid) {
		fprintf(stderr, "memscope: %" PRIu64 " compound head%s invalid (inside another compound page, misaligned or of an impossible order; see memscope check): not counted\n",
			x.invalid, x.invalid == 1 ? " is" : "s are");
		return rc ? rc : MS_EXIT_PARTIAL;
	}
	if (x.overflow) {
		fprintf(stderr, "memscope: more than %d kinds of compound page; the census is partial\n",
			MAX_BUCKETS);
		return rc ? rc : MS_EXIT_PARTIAL;
	}
	return rc;
}
