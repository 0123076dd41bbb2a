// SPDX-License-Identifier: GPL-2.0-or-later
/* Why a page keeps its memory block from going offline (see blockers.h). */
#include "memscope/blockers.h"

static const char *const names[MS_BLOCKER_NR] = {
	[MS_BLOCKER_NONE] = "",
	[MS_BLOCKER_PINNED] = "pinned",
	[MS_BLOCKER_SLAB] = "slab",
	[MS_BLOCKER_RESERVED] = "reserved",
	[MS_BLOCKER_UNMOVABLE] = "unmovable",
	[MS_BLOCKER_HUGETLB] = "hugetlb",
	[MS_BLOCKER_ZONE] = "zone",
};

const char *ms_blocker_name(enum ms_blocker b)
{
	return b < MS_BLOCKER_NR ? names[b] : "?";
}

static bool flag(const struct ms_page_layout *pl, const struct ms_page *p,
		 enum ms_page_flag f)
{
	return pl->pg[f] >= 0 && (p->flags >> pl->pg[f]) & 1;
}

/*
 * Large folios count pins in _pincount (page[1], 5.7+; folio field 6.1+);
 * order-0 pages in the refcount, in units of the bias.
 */
int64_t ms_page_pins(const struct ms_page *p)
{
	if (p->kind == MS_PAGE_HEAD && p->pincount >= 0)
		return p->pincount;
	/* references beyond the mappings, so a widely mapped page is no pin */
	if (p->kind == MS_PAGE_BASE && p->refcount > p->mapcount)
		return (p->refcount - p->mapcount) / MS_GUP_PIN_COUNTING_BIAS;
	return 0;
}

static enum ms_blocker typed(const struct ms_page *p)
{
	switch (p->type) {
	case MS_PGTY_SLAB:
		return MS_BLOCKER_SLAB;
	case MS_PGTY_OFFLINE:
	case MS_PGTY_TABLE:
	case MS_PGTY_ZSMALLOC:
	case MS_PGTY_LARGE_KMALLOC:
	case MS_PGTY_UNKNOWN:
		return MS_BLOCKER_UNMOVABLE;
	default:
		return MS_BLOCKER_NONE;	/* buddy, guard: free */
	}
}

enum ms_blocker ms_page_blocker(const struct ms_page_layout *pl,
				const struct ms_page *p,
				const struct ms_page *head, int zone,
				bool movable)
{
	const struct ms_page *h = p->kind == MS_PAGE_TAIL && head ? head : p;
	enum ms_blocker b;

	if (zone >= 0 && p->zone != zone)
		return MS_BLOCKER_ZONE;
	if (flag(pl, p, MS_PG_RESERVED))
		return MS_BLOCKER_RESERVED;
	b = typed(h);
	if (b != MS_BLOCKER_NONE)
		return b;
	/* 6.9+: hugetlb folios carry a page type; 6.1: PG_hugetlb or dtor */
	if (h->type == MS_PGTY_HUGETLB || h->ckind == MS_COMPOUND_HUGETLB ||
	    flag(pl, h, MS_PG_HUGETLB))
		return h->refcount <= 0 ? MS_BLOCKER_NONE :
		       ms_page_pins(h) > 0 ? MS_BLOCKER_PINNED : MS_BLOCKER_HUGETLB;
	if (h->type != MS_PGTY_NONE)
		return MS_BLOCKER_NONE;	/* buddy, guard: free */
	if (flag(pl, h, MS_PG_SLAB) || h->ckind == MS_COMPOUND_SLAB)
		return MS_BLOCKER_SLAB;
	if (h->refcount > 0 && ms_page_pins(h) > 0)
		return MS_BLOCKER_PINNED;
	/* in use, not on an LRU, no mapping: a kernel allocation */
	if (!movable && h->refcount > 0 && !flag(pl, h, MS_PG_LRU) &&
	    !h->mapping && h->ckind != MS_COMPOUND_THP)
		return MS_BLOCKER_UNMOVABLE;
	return MS_BLOCKER_NONE;
}
