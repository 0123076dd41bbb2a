// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HugeTLB folios for the vmemmap model: every folio of every hstate sits on
 * one of its lists, hugepage_freelists[node] (free) or hugepage_activelist
 * (in use), linked through page.lru of the head (folio.lru, the same
 * bytes). One 8-byte read per folio, never one per page; each list walk is
 * bounded by hstate.nr_huge_pages so a corrupt list cannot loop.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "vmemmap_build.h"

/* x86_64 has HUGE_MAX_HSTATE 2 (2M and 1G); a few more cost nothing. */
#define MAX_HSTATES 8

struct folio_vec {
	struct ms_hugetlb_folio *v;
	size_t nr, cap;
};

static struct ms_error *push(struct folio_vec *fv, uint64_t head, int h)
{
	if (fv->nr == fv->cap) {
		struct ms_hugetlb_folio *v = ms_array_grow(fv->v, &fv->cap, sizeof(*v), 64);

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory listing HugeTLB folios");
		fv->v = v;
	}
	fv->v[fv->nr++] = (struct ms_hugetlb_folio){ head, h };
	return NULL;
}

/*
 * Walks one list_head at addr; nr_huge_pages bounds the folios expected.
 * That count is read from the kernel too, so a list that loops without
 * coming back to its head is caught on its own (Brent: a node saved at
 * every power of two of steps is met again within the loop's length),
 * not after nr_huge_pages reads.
 */
static struct ms_error *walk_list(struct ms_target *t,
				  const struct ms_layout *lay,
				  const struct ms_hstate_layout *l, uint64_t addr,
				  int h, struct ms_hstate *hs,
				  struct folio_vec *fv)
{
	uint64_t node, saved = addr, steps = 0, power = 1, page, pfn;
	struct ms_error *err;

	err = ms_target_read_u64(t, addr + l->list_next, &node);
	while (!err && node != addr) {
		if (node == saved)
			return ms_error_fault(addr, "the %s list at 0x%" PRIx64 " loops without coming back to its head: corrupt or changing",
					      hs->name, addr);
		if (++steps == power) {
			saved = node;
			power *= 2;
			steps = 0;
		}
		/* a folio of this order: a struct page in the vmemmap, its
		 * pfn aligned to the order (a run of list heads elsewhere
		 * would otherwise be followed nr_huge_pages times) */
		page = node - l->page_lru;
		pfn = (page - lay->vmemmap_base) / lay->page_struct_size;
		if (page < lay->vmemmap_base ||
		    (page - lay->vmemmap_base) % lay->page_struct_size ||
		    pfn & ((1ULL << hs->order) - 1))
			return ms_error_fault(addr, "the %s list at 0x%" PRIx64 " links 0x%" PRIx64 ", not the struct page of a %s folio: corrupt or changing",
					      hs->name, addr, node, hs->name);
		if (hs->nr_found >= hs->nr_huge_pages)
			return ms_error_fault(addr, "the %s list at 0x%" PRIx64 " holds more folios than nr_huge_pages (%" PRIu64 "): corrupt or changing",
					      hs->name, addr, hs->nr_huge_pages);
		err = push(fv, node - l->page_lru, h);
		if (!err) {
			hs->nr_found++;
			err = ms_target_read_u64(t, node + l->list_next, &node);
		}
	}
	return err ? ms_error_wrap(err, "walking the %s lists", hs->name) : NULL;
}

static struct ms_error *walk_hstate(struct ms_target *t,
				    const struct ms_layout *lay,
				    const struct ms_hstate_layout *l, int h,
				    uint64_t base, struct ms_hstate *hs,
				    struct folio_vec *fv)
{
	struct ms_error *err = NULL;

	for (uint64_t n = 0; !err && n < l->nr_freelists; n++)
		err = walk_list(t, lay, l, base + l->freelists + n * l->freelist_stride,
				h, hs, fv);
	if (!err)
		err = walk_list(t, lay, l, base + l->activelist, h, hs, fv);
	return err;
}

struct ms_error *ms_hugetlb_folios_read(struct ms_target *t,
					const struct ms_kinfo *ki,
					struct ms_hstate **hstates, size_t *nr_hstates,
					struct ms_hugetlb_folio **folios,
					size_t *nr_folios)
{
	struct ms_hstate *hs = calloc(MAX_HSTATES, sizeof(*hs));
	struct folio_vec fv = { 0 };
	const struct ms_hstate_layout *l;
	struct ms_error *err;
	uint8_t buf[sizeof(hs->name)];
	size_t nr = 0;

	*hstates = NULL;
	*folios = NULL;
	*nr_hstates = *nr_folios = 0;
	if (!hs)
		return ms_error_new(MS_ERR_NOMEM, "out of memory listing hstates");
	err = ms_kinfo_hstate_layout(ki, &l);
	if (!err && l->sym && l->name_len > sizeof(hs->name))
		err = ms_error_new(MS_ERR_FORMAT, "struct hstate: name[] is %" PRIu64 " bytes, more than expected",
				   l->name_len);
	/*
	 * hstates[] has HUGE_MAX_HSTATE entries, filled from the front;
	 * an entry with order 0 is unused (order 0 cannot be a huge page).
	 */
	for (; !err && l->sym && nr < MAX_HSTATES; nr++) {
		uint64_t base = l->sym + nr * l->size;
		struct ms_hstate *h = &hs[nr];

		/* Three small reads: freelists[MAX_NUMNODES] make the
		 * struct tens of KiB, its name last. */
		err = ms_target_read(t, base + l->order, &h->order, sizeof(h->order));
		if (!err)
			err = ms_target_read(t, base + l->name, buf, l->name_len);
		if (err)
			break;
		if (!h->order || h->order > ms_layout_max_order(ms_kinfo_layout(ki)) ||
		    memcmp(buf, "hugepages-", 10))
			break;
		err = ms_target_read_u64(t, base + l->nr_huge_pages, &h->nr_huge_pages);
		if (err)
			break;
		memcpy(h->name, buf, l->name_len);
		h->name[sizeof(h->name) - 1] = '\0';
		err = walk_hstate(t, ms_kinfo_layout(ki), l, (int)nr, base, h, &fv);
	}
	if (err) {
		free(hs);
		free(fv.v);
		return err;
	}
	*hstates = hs;
	*nr_hstates = nr;
	*folios = fv.v;
	*nr_folios = fv.nr;
	return NULL;
}
