// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The HugeTLB domain: struct hstate and the lists its folios are on
 * (vmemmap_hugetlb.c). A kernel without hstates (CONFIG_HUGETLBFS=n) has
 * no HugeTLB folios and need not have the types.
 */
#include <inttypes.h>

#include "internal.h"

/* x86_64 has NODES_SHIFT at most 10: hugepage_freelists[1 << 10] */
#define MAX_FREELISTS	1024

struct answers {
	struct ms_hstate_layout l;
	struct ms_member name, freelists;
};

#define HS(kind, flags, type, name, field) \
	MS_NEED_ROW(kind, flags, type, name, struct answers, field)

static const char hs[] = "struct hstate";

static const struct ms_need hstate_needs[] = {
	/* CONFIG_HUGETLBFS=n: no hstates, nothing more to ask */
	HS(SYMBOL, MS_NEED_GATE, NULL, "hstates", l.sym),
	HS(SIZE, 0, hs, NULL, l.size),
	HS(OFFSET, 0, hs, "order", l.order),
	HS(OFFSET, 0, hs, "nr_huge_pages", l.nr_huge_pages),
	HS(MEMBER, 0, hs, "name", name),
	HS(MEMBER, 0, hs, "hugepage_freelists", freelists),
	HS(OFFSET, 0, hs, "hugepage_activelist", l.activelist),
	HS(OFFSET, 0, "struct list_head", "next", l.list_next),
	/* the head's lru links the folio (folio.lru, the same bytes) */
	HS(OFFSET, 0, "struct page", "lru", l.page_lru),
};

struct ms_error *ms_hstate_layout_resolve(const struct ms_kinfo *ki,
					  struct ms_hstate_layout *out)
{
	struct answers a = { 0 };
	struct ms_hstate_layout *l = &a.l;
	struct ms_error *err;

	err = ms_needs_resolve(ki, hstate_needs, MS_NEEDS_NR(hstate_needs), &a);
	if (err)
		return ms_error_wrap(err, "HugeTLB folios");
	if (l->sym == MS_ABSENT) {
		*out = (struct ms_hstate_layout){ .sym = 0 };
		return NULL;
	}
	l->name = a.name.offset;
	l->name_len = a.name.size;
	l->freelists = a.freelists.offset;
	l->nr_freelists = a.freelists.nelems;
	l->freelist_stride = a.freelists.nelems ?
			     a.freelists.size / a.freelists.nelems : 0;
	/* more entries than nodes, or entries smaller than a list_head,
	 * are not this kernel's (each would be walked) */
	if (l->nr_freelists > MAX_FREELISTS ||
	    (l->nr_freelists && l->freelist_stride < l->list_next + 8))
		return ms_error_new(MS_ERR_FORMAT, "struct hstate: hugepage_freelists[%" PRIu64 "] of %" PRIu64 " bytes each is not one list_head per node",
				    l->nr_freelists, l->freelist_stride);
	*out = *l;
	return NULL;
}
