// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope blockers BLOCK|RANGE: the pages that keep a memory block from
 * going offline (pinned, slab, reserved, unmovable, hugetlb in use, a
 * second zone), the first of them decoded, runs of alike pages merged into
 * one row (a compound page is one row with its tails). Also printed by
 * `offline` after the kernel refused.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "act.h"
#include "memscope/blockers.h"
#include "page_fmt.h"

#define MAX_ROWS 64

enum {
	COL_PFN, COL_PAGES, COL_BLOCK, COL_REASON, COL_REFCOUNT, COL_MAPCOUNT,
	COL_PINCOUNT, COL_KIND, COL_ORDER, COL_ZONE, COL_FLAGS,
};

const struct ms_coldesc ms_blockers_columns[] = {
	[COL_PFN] = { "PFN", 10, true, true, MS_COL_PFN, "first pfn of the run" },
	[COL_PAGES] = { "PAGES", 5, true, true, MS_COL_NUMBER, "pages in the run" },
	[COL_BLOCK] = { "BLOCK", 5, true, true, MS_COL_NUMBER, "memory block" },
	[COL_REASON] = { "REASON", 9, false, true, MS_COL_STRING, "pinned, slab, reserved, unmovable, hugetlb, zone" },
	[COL_REFCOUNT] = { "REFCOUNT", 5, true, true, MS_COL_NUMBER, "page (head) refcount" },
	[COL_MAPCOUNT] = { "MAPCOUNT", 5, true, true, MS_COL_NUMBER, "page (head) mapcount" },
	[COL_PINCOUNT] = { "PINCOUNT", 5, true, true, MS_COL_NUMBER, "long-term pins (folio pincount, or refcount/1024)" },
	[COL_KIND] = { "KIND", 4, false, true, MS_COL_STRING, "head, tail or base" },
	[COL_ORDER] = { "ORDER", 2, true, true, MS_COL_NUMBER, "compound order" },
	[COL_ZONE] = { "ZONE", 7, false, true, MS_COL_STRING, "zone of the page" },
	[COL_FLAGS] = { "FLAGS", 20, false, true, MS_COL_STRING, "page flags (and type)" },
};
const size_t ms_blockers_nr_columns =
	sizeof(ms_blockers_columns) / sizeof(*ms_blockers_columns);

struct brow {
	const struct ms_page_layout *pl;
	struct ms_page p;		/* the first page (or its head) */
	uint64_t pfn, pages, block;
	enum ms_blocker why;
};

struct bscan {
	struct ms_cli *c;
	const struct ms_page_layout *pl;
	int zone;
	bool movable;
	uint64_t block;
	struct ms_page head;
	bool have_head;
	struct brow rows[MAX_ROWS];
	size_t nr;
	uint64_t counts[MS_BLOCKER_NR], more;
};

static bool extends(const struct brow *r, const struct ms_page *p,
		    enum ms_blocker why)
{
	if (r->why != why || r->pfn + r->pages != p->pfn)
		return false;
	if (p->kind == MS_PAGE_TAIL)
		return r->p.kind != MS_PAGE_BASE;
	return p->kind == MS_PAGE_BASE && r->p.kind == MS_PAGE_BASE &&
	       r->p.refcount == p->refcount && r->p.mapcount == p->mapcount;
}

static int scan_page(void *ctx, const struct ms_page *p)
{
	struct bscan *s = ctx;
	const struct ms_page *head = NULL;
	enum ms_blocker why;
	struct brow *r;

	if (p->kind == MS_PAGE_HEAD) {
		s->head = *p;
		s->have_head = true;
	} else if (p->kind == MS_PAGE_TAIL && s->have_head &&
		   s->head.pfn == p->head_pfn) {
		head = &s->head;
	}
	why = ms_page_blocker(s->pl, p, head, s->zone, s->movable);
	if (why == MS_BLOCKER_NONE)
		return 0;
	s->counts[why]++;
	if (s->nr && extends(&s->rows[s->nr - 1], p, why)) {
		s->rows[s->nr - 1].pages++;
		return 0;
	}
	if (s->nr == MAX_ROWS) {
		s->more++;
		return 0;
	}
	r = &s->rows[s->nr++];
	r->pl = s->pl;
	r->p = head ? *head : *p;
	r->pfn = p->pfn;
	r->pages = 1;
	r->block = s->block;
	r->why = why;
	return 0;
}

static void blockers_cell(const struct ms_cli *c, int id, const void *row,
			  char *buf, size_t len)
{
	const struct brow *r = row;
	char type[32];
	size_t n;

	switch (id) {
	case COL_PFN: snprintf(buf, len, "%" PRIu64, r->pfn); break;
	case COL_PAGES: snprintf(buf, len, "%" PRIu64, r->pages); break;
	case COL_BLOCK: snprintf(buf, len, "%" PRIu64, r->block); break;
	case COL_REASON: snprintf(buf, len, "%s", ms_blocker_name(r->why)); break;
	case COL_REFCOUNT: snprintf(buf, len, "%d", r->p.refcount); break;
	case COL_MAPCOUNT: snprintf(buf, len, "%d", r->p.mapcount); break;
	case COL_PINCOUNT: snprintf(buf, len, "%" PRId64, ms_page_pins(&r->p)); break;
	case COL_KIND: snprintf(buf, len, "%s", ms_page_kind_name(r->p.kind)); break;
	case COL_ORDER: snprintf(buf, len, "%u", r->p.order); break;
	case COL_ZONE: ms_zone_format(c->sparse, r->p.node, r->p.zone, buf, len); break;
	case COL_FLAGS:
		ms_page_flags_format(r->pl, r->p.flags, buf, len);
		ms_page_type_format(r->pl, &r->p, type, sizeof(type));
		n = strlen(buf);
		if (type[0])
			snprintf(buf + n, len - n, "%s%s", n ? "," : "", type);
		break;
	}
}

/* The block's zone index from valid_zones (one name when online), or -1. */
static void block_zone(const struct ms_cli *c, const struct ms_block *b,
		       int *zone, bool *movable)
{
	*zone = -1;
	*movable = !strcasecmp(b->zones, "Movable");
	for (size_t i = 0; i < c->sparse->nr_zones; i++)
		if (!strcasecmp(c->sparse->zones[i].name, b->zones) &&
		    (b->nid < 0 || c->sparse->zones[i].nid == b->nid))
			*zone = c->sparse->zones[i].idx;
}

static struct ms_error *scan_block(struct ms_cli *c, const struct ms_block *b,
				   struct bscan *s)
{
	unsigned int shift = c->sparse->layout->page_shift;

	s->block = b->nr;
	s->have_head = false;
	block_zone(c, b, &s->zone, &s->movable);
	if (strcmp(b->state, "online"))
		return NULL;	/* offline: no page of it is in use */
	return ms_cli_pages_walk(c, s->pl, b->start >> shift, b->size >> shift,
				 false, scan_page, NULL, s, NULL);
}

static void say_totals(struct ms_cli *c, const struct bscan *s)
{
	char line[256];
	size_t n = 0;

	for (int i = 1; i < MS_BLOCKER_NR; i++)
		if (s->counts[i])
			n += snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0,
				      "%s%" PRIu64 " %s", n ? ", " : "",
				      s->counts[i], ms_blocker_name(i));
	if (!n)
		ms_act_say(c, "no page blocks offlining");
	else
		ms_act_say(c, "pages blocking offline: %s%s", line,
			   s->more ? " (first runs shown)" : "");
}

int ms_blockers_print(struct ms_cli *c, const uint64_t *nrs, size_t n)
{
	static struct bscan s;	/* MAX_ROWS pages: keep it off the stack */
	struct ms_page_layout pl;
	const struct ms_blocks *bl;
	struct ms_error *err;
	struct ms_table *t;

	err = ms_cli_page_layout(c, &pl);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (!err && !bl)
		err = ms_error_new(MS_ERR_USAGE, "no memory blocks (no sysfs)");
	if (err)
		return ms_cli_fail(err);
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.pl = &pl;
	for (size_t i = 0; i < bl->nr && !err; i++)
		for (size_t j = 0; j < n && !err; j++)
			if (bl->blocks[i].nr == nrs[j])
				err = scan_block(c, &bl->blocks[i], &s);
	if (err)
		return ms_cli_fail(err);
	say_totals(c, &s);
	t = ms_table_new(c, "blockers", ms_blockers_columns,
			 ms_blockers_nr_columns, blockers_cell);
	if (!t)
		return MS_EXIT_USAGE;
	for (size_t i = 0; i < s.nr; i++)
		ms_table_add_row(t, &s.rows[i]);
	return ms_table_print(t);
}

int ms_cmd_blockers(struct ms_cli *c, int argc, char **argv)
{
	const struct ms_blocks *bl;
	struct ms_blockset set;
	struct ms_error *err;
	int ret;

	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (!err && !bl)
		err = ms_error_new(MS_ERR_USAGE,
				   "no memory blocks: a core file carries no sysfs (use --sysroot DIR)");
	if (err)
		return ms_cli_fail(err);
	err = ms_blockset_parse(bl, argc - 1, argv + 1, &set);
	if (err) {
		ret = ms_cli_usage_error("%s", err->msg);
		ms_error_free(err);
		return ret;
	}
	ms_blockset_say_skipped(&set, "blockers");
	ret = ms_blockers_print(c, set.nrs, set.nr);
	ms_blockset_free(&set);
	return ret;
}
