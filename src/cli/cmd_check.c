// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope check [RANGE]: memmap consistency. One row per run of
 * consecutive pfns with the same problem (a compound page whose tails it
 * does not cover is one row, not one per tail):
 *  - a tail whose head is no head, or whose head's order does not reach it
 *  - a page inside a compound page that is not its tail
 *  - a head not aligned to its order, or with an absurd order
 *  - zone/node in page->flags outside that zone's span (initialised pages:
 *    reserved pages in holes carry the zone of their neighbourhood)
 *  - an active sub-section whose memmap cannot be read
 *  - a deduplicated vmemmap frame (HVO, devdax) behind a struct page that
 *    is no tail (src/mm/page_dedup.c)
 * Pages that changed between two reads are not problems: their count goes
 * to stderr. Exit 1 if any problem. Runs of page problems and of zone
 * mismatches are merged apart, so where both occur their rows interleave
 * by where each run ends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "columns.h"
#include "commands.h"
#include "page_fmt.h"
#include "page_range.h"

enum { COL_PFN, COL_PAGES, COL_PROBLEM, COL_DETAIL };

const struct ms_coldesc ms_check_columns[] = {
	[COL_PFN] = { "PFN", 8, true, true, MS_COL_PFN, "first page frame of the problem" },
	[COL_PAGES] = { "PAGES", 5, true, true, MS_COL_NUMBER, "consecutive pages with it" },
	[COL_PROBLEM] = { "PROBLEM", 14, false, true, MS_COL_STRING, "tail-uncovered, not-tail, head-misaligned, bad-order, zone-mismatch, memmap-unreadable, dedup-not-tail" },
	[COL_DETAIL] = { "DETAIL", 40, false, true, MS_COL_STRING, "what was found (at the first page)" },
};
const size_t ms_check_nr_columns =
	sizeof(ms_check_columns) / sizeof(*ms_check_columns);

struct problem {
	uint64_t pfn, pages;
	const char *name;
	uint64_t key;		/* what makes two pages' problems alike */
	char detail[640];
};

/* The runs being merged: page problems and zone mismatches. */
enum { RUN_PAGE, RUN_ZONE, NR_RUNS };

struct checker {
	struct ms_cli *c;
	const struct ms_page_layout *pl;
	struct ms_table *t;
	uint64_t problems, unstable;	/* problem pages; skipped pages */
	struct problem run[NR_RUNS];	/* pages == 0: none open */
};

static void check_cell(const struct ms_cli *c, int id, const void *row,
		       char *buf, size_t len)
{
	const struct problem *p = row;

	switch (id) {
	case COL_PFN:
		snprintf(buf, len, "%" PRIu64, p->pfn);
		break;
	case COL_PAGES:
		snprintf(buf, len, "%" PRIu64, p->pages);
		break;
	case COL_PROBLEM:
		snprintf(buf, len, "%s", p->name);
		break;
	case COL_DETAIL:
		snprintf(buf, len, "%s", p->detail);
		break;
	}
}

static void report(struct checker *x, const struct problem *p)
{
	ms_table_add_row(x->t, p);
	x->problems += p->pages;
}

static void flush(struct checker *x, int i)
{
	if (x->run[i].pages)
		report(x, &x->run[i]);
	x->run[i].pages = 0;
}

/* Extends run i with the one-page problem p, or starts a new run. */
static void merge(struct checker *x, int i, const struct problem *p)
{
	struct problem *r = &x->run[i];

	if (r->pages && r->name == p->name && r->key == p->key &&
	    r->pfn + r->pages == p->pfn) {
		r->pages++;
		return;
	}
	flush(x, i);
	*r = *p;
	r->pages = 1;
}

/* Is pfn in the span of zone (node, idx)? */
static bool zone_holds(const struct ms_sparse *sp, int node, int zone,
		       uint64_t pfn)
{
	for (size_t i = 0; i < sp->nr_zones; i++) {
		const struct ms_zone_span *z = &sp->zones[i];

		if (z->nid == node && z->idx == zone && pfn >= z->start_pfn &&
		    pfn < z->start_pfn + z->spanned)
			return true;
	}
	return false;
}

static void page_detail(const struct ms_page *p, char *buf, size_t len)
{
	switch (p->problem) {
	case MS_PROBLEM_TAIL_UNCOVERED:
		snprintf(buf, len, "tail naming head pfn 0x%" PRIx64 ", which is no head whose order covers it",
			 p->head_pfn);
		break;
	case MS_PROBLEM_NOT_TAIL:
		snprintf(buf, len, "a %s page inside the span of an earlier compound page",
			 ms_page_kind_name(p->kind));
		break;
	case MS_PROBLEM_HEAD_MISALIGNED:
		snprintf(buf, len, "head of order %u at a pfn not a multiple of %llu",
			 p->order, 1ULL << p->order);
		break;
	default:
		snprintf(buf, len, "%s of order %u%s", ms_page_kind_name(p->kind),
			 p->order, p->order_mismatch ?
			 ", and the folio's nr_pages disagrees" : "");
		break;
	}
}

static void check_dedup(struct checker *x, const struct ms_page *p);

static int check_page(void *ctx, const struct ms_page *p)
{
	struct checker *x = ctx;
	struct problem pr = { .pfn = p->pfn, .pages = 1 };
	int rsv = x->pl->pg[MS_PG_RESERVED];

	if (p->unstable) {
		x->unstable++;
		return 0;
	}
	if (p->problem) {
		pr.name = ms_page_problem_name(p->problem);
		/* alike: the same head named, kind and order */
		pr.key = (p->head_pfn < p->pfn ? p->head_pfn : UINT64_MAX) ^
			 ((uint64_t)p->kind << 56) ^ ((uint64_t)p->order << 48);
		page_detail(p, pr.detail, sizeof(pr.detail));
		merge(x, RUN_PAGE, &pr);
	} else {
		flush(x, RUN_PAGE);
	}
	check_dedup(x, p);
	if ((rsv < 0 || !(p->flags >> rsv & 1)) &&
	    !zone_holds(x->c->sparse, p->node, p->zone, p->pfn)) {
		pr.name = "zone-mismatch";
		pr.key = (uint64_t)(uint32_t)p->node << 32 | (uint32_t)p->zone;
		snprintf(pr.detail, sizeof(pr.detail),
			 "page->flags says node %d zone %d, whose span does not hold it",
			 p->node, p->zone);
		merge(x, RUN_ZONE, &pr);
	} else {
		flush(x, RUN_ZONE);
	}
	return 0;
}

static int dedup_found(void *ctx, const struct ms_dedup_finding *f)
{
	struct checker *x = ctx;
	struct problem pr = { .pfn = f->pfn, .pages = 1, .name = "dedup-not-tail" };

	snprintf(pr.detail, sizeof(pr.detail),
		 "vmemmap page 0x%" PRIx64 " maps frame 0x%" PRIx64 " (also at 0x%" PRIx64 ") but holds a struct page that is no tail",
		 f->vaddr, f->frame, f->original);
	report(x, &pr);
	return 0;
}

/* Heads whose memmap spans vmemmap pages: their shared frames. */
static void check_dedup(struct checker *x, const struct ms_page *p)
{
	struct ms_error *err;

	if (p->kind != MS_PAGE_HEAD || p->problem ||
	    (p->order + 0ULL) >= 64 ||
	    ((1ULL << p->order) * x->pl->size) <= (1ULL << x->pl->page_shift))
		return;
	err = ms_page_dedup_check(x->c->target, x->pl, p->pfn, p->order,
				  x->c->sparse->zone_device_idx, dedup_found, x);
	if (err) {
		struct problem pr = { .pfn = p->pfn, .pages = 1ULL << p->order,
				      .name = "memmap-unreadable" };

		snprintf(pr.detail, sizeof(pr.detail), "vmemmap of the compound page: %s",
			 err->msg);
		report(x, &pr);
		ms_error_free(err);
	}
}

static int check_hole(void *ctx, uint64_t pfn, uint64_t nr,
		      const struct ms_error *why)
{
	struct checker *x = ctx;
	struct problem pr = { .pfn = pfn, .pages = nr, .name = "memmap-unreadable" };

	/* a gap ends the runs (and keeps the rows in pfn order) */
	flush(x, RUN_PAGE);
	flush(x, RUN_ZONE);
	if (!why)	/* not present, or an inactive sub-section */
		return 0;
	snprintf(pr.detail, sizeof(pr.detail), "pages in active sub-sections: %s",
		 why->msg);
	report(x, &pr);
	return 0;
}

int ms_cmd_check(struct ms_cli *c, int argc, char **argv)
{
	struct ms_page_layout pl;
	struct checker x = { .c = c, .pl = &pl };
	struct ms_pfn_range r;
	struct ms_error *err;
	int rc;

	if (argc > 2)
		return ms_cli_usage_error("check takes at most one RANGE");
	err = ms_cli_page_layout(c, &pl);
	if (!err && argc == 2)
		err = ms_cli_pfn_range(c, argv[1], &r);
	if (!err && argc < 2)
		ms_cli_pfn_all(c, &r);
	if (err)
		return ms_cli_range_fail(err);
	x.t = ms_table_new(c, "check", ms_check_columns, ms_check_nr_columns,
			   check_cell);
	if (!x.t)
		return MS_EXIT_USAGE;
	err = ms_cli_pages_walk(c, &pl, r.start, r.nr, false, check_page,
				check_hole, &x, NULL);
	flush(&x, RUN_PAGE);
	flush(&x, RUN_ZONE);
	if (err) {
		ms_table_free(x.t);
		return ms_cli_range_fail(err);
	}
	rc = ms_table_print(x.t);
	if (x.unstable)
		fprintf(stderr, "memscope: %" PRIu64 " pages changed during the check and were skipped\n",
			x.unstable);
	return rc ? rc : x.problems ? MS_EXIT_FAILURE : MS_EXIT_OK;
}
