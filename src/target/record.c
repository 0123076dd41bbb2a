// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recording what the model reads, for snapshots: every successful read is
 * kept as (vaddr, paddr, len) while recording is on, then sorted and merged
 * so that a snapshot holds each byte once, in as few segments as the reads
 * allow. Memory follows the number of reads, never the bytes read.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memscope/array.h"

struct ms_error *ms_target_record(struct ms_target *t, bool on)
{
	t->recording = on;
	return NULL;
}

bool ms_target_recording(const struct ms_target *t)
{
	return t->recording;
}

/* An allocation failure drops recording; ms_target_recorded() says so. */
void target_record(struct ms_target *t, uint64_t vaddr, uint64_t paddr,
		   uint64_t len)
{
	if (!t->recording || t->rec_depth || !len)
		return;
	if (t->nr_rec) {
		struct ms_range *last = &t->rec[t->nr_rec - 1];

		/* The common case, a sequential walk: extend in place. */
		if (last->vaddr != MS_NO_VADDR && vaddr != MS_NO_VADDR &&
		    last->vaddr + last->len == vaddr &&
		    ((last->paddr == MS_NO_PADDR && paddr == MS_NO_PADDR) ||
		     (last->paddr != MS_NO_PADDR && last->paddr + last->len == paddr))) {
			last->len += len;
			return;
		}
	}
	if (t->nr_rec == t->cap_rec) {
		struct ms_range *p = ms_array_grow(t->rec, &t->cap_rec, sizeof(*p), 256);

		if (!p) {
			t->recording = false;
			t->cap_rec = SIZE_MAX;	/* marks the failure */
			return;
		}
		t->rec = p;
	}
	t->rec[t->nr_rec++] = (struct ms_range){ vaddr, paddr, len };
}

void target_record_free(struct ms_target *t)
{
	free(t->rec);
	t->rec = NULL;
	t->nr_rec = t->cap_rec = 0;
}

/* Virtual ranges first by vaddr, then physical ranges by paddr. */
static uint64_t range_key(const struct ms_range *r)
{
	return r->vaddr != MS_NO_VADDR ? r->vaddr : r->paddr;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ms_range *x = a, *y = b;
	bool xv = x->vaddr != MS_NO_VADDR, yv = y->vaddr != MS_NO_VADDR;

	if (xv != yv)
		return xv ? -1 : 1;
	if (range_key(x) != range_key(y))
		return range_key(x) < range_key(y) ? -1 : 1;
	return x->len > y->len ? -1 : x->len < y->len;
}

/* Whether b continues a at the same offset in both address spaces. */
static bool same_mapping(const struct ms_range *a, const struct ms_range *b)
{
	uint64_t d = range_key(b) - range_key(a);

	if (a->vaddr == MS_NO_VADDR)
		return true;
	if (a->paddr == MS_NO_PADDR || b->paddr == MS_NO_PADDR)
		return a->paddr == b->paddr;
	return a->paddr + d == b->paddr;
}

/*
 * Merges overlapping and adjacent ranges. Two reads of the same virtual
 * byte always have the same physical address within one model load, so an
 * overlap that does not agree can only come from a virtual-only read next
 * to a translated one: the overlap is trimmed off the later range.
 */
static size_t merge(struct ms_range *r, size_t nr)
{
	size_t n = 0;

	for (size_t i = 0; i < nr; i++) {
		struct ms_range cur = r[i];
		struct ms_range *prev = n ? &r[n - 1] : NULL;
		bool kind_same = prev && (prev->vaddr == MS_NO_VADDR) ==
					 (cur.vaddr == MS_NO_VADDR);
		uint64_t pend = prev ? range_key(prev) + prev->len : 0;

		if (kind_same && range_key(&cur) <= pend) {
			uint64_t cend = range_key(&cur) + cur.len;

			if (cend <= pend)
				continue;
			if (same_mapping(prev, &cur)) {
				prev->len = cend - range_key(prev);
				continue;
			}
			/* trim the overlap */
			uint64_t cut = pend - range_key(&cur);

			if (cur.vaddr != MS_NO_VADDR)
				cur.vaddr += cut;
			if (cur.paddr != MS_NO_PADDR)
				cur.paddr += cut;
			cur.len -= cut;
		}
		r[n++] = cur;
	}
	return n;
}

struct ms_error *ms_target_recorded(struct ms_target *t, struct ms_range **out,
				    size_t *nr)
{
	struct ms_range *r;

	*out = NULL;
	*nr = 0;
	if (t->cap_rec == SIZE_MAX)
		return ms_error_new(MS_ERR_NOMEM, "out of memory recording reads");
	r = malloc((t->nr_rec ? t->nr_rec : 1) * sizeof(*r));
	if (!r)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	memcpy(r, t->rec, t->nr_rec * sizeof(*r));
	qsort(r, t->nr_rec, sizeof(*r), range_cmp);
	*nr = merge(r, t->nr_rec);
	*out = r;
	return NULL;
}
