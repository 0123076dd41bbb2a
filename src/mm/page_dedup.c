// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ms_page_dedup_check(): deduplicated vmemmap frames sit only behind tails.
 *
 * HugeTLB vmemmap optimisation (HVO, 5.18; 6.1 keeps one page, remapping
 * the others read-only to the head's frame) and device-dax compound devmaps
 * (5.17, tails' vmemmap pages remapped to the compound's second page) let
 * several vmemmap pages map one frame. Whatever the release, a frame mapped
 * more than once may back any number of mappings that hold only tail
 * struct pages, plus one more (the original: the head's page on 6.1). So,
 * over the compound's vmemmap pages and one neighbour page on each side,
 * every mapping of a shared frame but the lowest must decode (fake heads
 * included) as tails only. Each shared frame is decoded once: its bytes are
 * the same under every mapping, and a tail stays a tail at higher pfns.
 */
#include <stdlib.h>
#include <string.h>

#include "memscope/page.h"
#include "page_decode.h"

#define VM_PAGE 4096ULL

struct vpage {
	uint64_t vaddr, frame;
	bool mapped;
};

struct collect {
	struct vpage *v;
	size_t n, cap;
	uint64_t start;
};

static struct ms_error *leaf(void *arg, const struct ms_pt_map *m)
{
	struct collect *c = arg;

	if (m->kind != MS_PT_MAPPED)
		return NULL;
	for (uint64_t off = 0; off < m->size; off += VM_PAGE) {
		uint64_t va = m->vaddr + off;
		size_t i;

		if (va < c->start)
			continue;
		i = (va - c->start) / VM_PAGE;
		if (i >= c->n)
			break;
		c->v[i] = (struct vpage){ va, m->paddr + off, true };
	}
	return NULL;
}

static int by_frame(const void *a, const void *b)
{
	const struct vpage *x = *(struct vpage *const *)a, *y = *(struct vpage *const *)b;

	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The struct pages of one vmemmap page: tails only? *first gets the pfn. */
static struct ms_error *only_tails(struct ms_target *t,
				   const struct ms_page_layout *pl,
				   uint64_t va, int zdev, bool *ok,
				   uint64_t *first)
{
	uint8_t buf[VM_PAGE];
	uint64_t base = va - pl->vmemmap_base;
	uint64_t pfn = (base + pl->size - 1) / pl->size;
	struct ms_error *err;

	*first = pfn;
	*ok = true;
	err = ms_target_read(t, va, buf, sizeof(buf));
	if (err)
		return err;
	for (uint64_t off = pfn * pl->size - base; off + pl->size <= VM_PAGE;
	     off += pl->size, pfn++) {
		struct ms_page p;
		bool nx = off + 2 * pl->size <= VM_PAGE;

		ms_page_decode(pl, buf + off, pfn, nx ? buf + off + pl->size : NULL,
			       zdev, &p);
		if (p.kind != MS_PAGE_TAIL) {
			*ok = false;
			*first = pfn;
			return NULL;
		}
	}
	return NULL;
}

struct ms_error *ms_page_dedup_check(struct ms_target *t,
				     const struct ms_page_layout *pl,
				     uint64_t head_pfn, unsigned int order,
				     int zone_device_idx, ms_dedup_fn fn,
				     void *ctx)
{
	uint64_t lo = ms_page_vaddr(pl, head_pfn) & ~(VM_PAGE - 1);
	uint64_t hi = (ms_page_vaddr(pl, head_pfn + (1ULL << order)) +
		       VM_PAGE - 1) & ~(VM_PAGE - 1);
	struct collect c = { .start = lo - VM_PAGE };
	struct vpage **sorted = NULL;
	struct ms_error *err;

	if (hi - lo <= VM_PAGE || order > 30)
		return NULL;	/* one vmemmap page: nothing to share */
	c.n = (hi - lo) / VM_PAGE + 2;
	c.v = calloc(c.n, sizeof(*c.v));
	sorted = calloc(c.n, sizeof(*sorted));
	if (!c.v || !sorted) {
		free(c.v);
		free(sorted);
		return ms_error_new(MS_ERR_NOMEM, "vmemmap pages");
	}
	err = ms_target_walk_range(t, c.start, hi + VM_PAGE, leaf, &c);
	for (size_t i = 0; i < c.n; i++)
		sorted[i] = &c.v[i];
	if (!err)
		qsort(sorted, c.n, sizeof(*sorted), by_frame);
	for (size_t i = 1; i < c.n && !err; i++) {
		struct ms_dedup_finding f;
		bool ok;

		/* the first of a run of equal frames is the original */
		if (!sorted[i]->mapped || !sorted[i - 1]->mapped ||
		    sorted[i]->frame != sorted[i - 1]->frame ||
		    (i >= 2 && sorted[i - 2]->mapped &&
		     sorted[i - 2]->frame == sorted[i]->frame))
			continue;
		err = only_tails(t, pl, sorted[i]->vaddr, zone_device_idx, &ok,
				 &f.pfn);
		if (err || ok)
			continue;
		f.vaddr = sorted[i]->vaddr;
		f.frame = sorted[i]->frame;
		f.original = sorted[i - 1]->vaddr;
		if (fn(ctx, &f))
			break;
	}
	free(sorted);
	free(c.v);
	return err;
}
