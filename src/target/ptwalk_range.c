// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bulk page-table walk over a virtual range: each table page under the
 * range is read once, whole (one 4 KiB pread), and its entries iterated,
 * instead of one walk per address. The vmemmap model walks every present
 * section's struct pages this way (tens of thousands of entries, a few
 * hundred table reads).
 */
#include <inttypes.h>

#include "internal.h"

struct range_walk {
	struct ms_target *t;
	ms_pt_range_fn fn;
	void *arg;
	unsigned int va_bits;		/* 48 or 57 */
};

static unsigned int shift_of(const struct ms_target *t, enum ms_pt_level l)
{
	/* With 4 levels the top table indexes bits 39..47, as a P4D would. */
	if (l == MS_PT_PGD)
		return t->levels == 5 ? 48 : 39;
	return 12 + 9 * (l - 1);
}

static enum ms_pt_level below(const struct ms_target *t, enum ms_pt_level l)
{
	if (l == MS_PT_PGD && t->levels == 4)
		return MS_PT_PUD;
	return l - 1;
}

/* Sign-extends an address built from table indexes to canonical form. */
static uint64_t canonical(const struct range_walk *w, uint64_t va)
{
	unsigned int b = w->va_bits;

	return (uint64_t)((int64_t)(va << (64 - b)) >> (64 - b));
}

static struct ms_error *emit(struct range_walk *w, enum ms_pt_kind kind,
			     uint64_t va, uint64_t pa, uint64_t size,
			     enum ms_pt_level l, bool writable)
{
	struct ms_pt_map m = {
		.kind = kind, .vaddr = va, .paddr = pa, .size = size,
		.level = l, .writable = writable,
	};

	return w->fn(w->arg, &m);
}

/*
 * Walks the table at paddr (level l) for [start, end), end exclusive and
 * both inside the span this table covers. base is the virtual address of
 * the table's entry 0.
 */
static struct ms_error *walk_table(struct range_walk *w, uint64_t table,
				   enum ms_pt_level l, uint64_t base,
				   uint64_t start, uint64_t end, bool writable)
{
	unsigned int shift = shift_of(w->t, l);
	uint64_t span = 1ULL << shift, ent[PT_ENTRIES];
	unsigned int i = (unsigned int)((start - base) >> shift);
	struct ms_error *err;

	err = ms_target_read_phys(w->t, table, ent, sizeof(ent));
	if (err) {
		/* The whole span under this table is unreadable: say so once. */
		ms_error_free(err);
		return emit(w, MS_PT_UNREADABLE, canonical(w, start), table,
			    end - start, l, false);
	}
	for (; i < PT_ENTRIES; i++) {
		uint64_t lo = base + i * span, hi = lo + span;
		uint64_t s = start > lo ? start : lo, e = end < hi ? end : hi;
		uint64_t e_val = ent[i];
		bool wr = writable && (e_val & PTE_RW);

		if (s >= e)
			break;
		if (!(e_val & PTE_PRESENT))
			err = emit(w, MS_PT_HOLE, canonical(w, s), 0, e - s, l, false);
		else if (l == MS_PT_PTE || ((l == MS_PT_PMD || l == MS_PT_PUD) &&
					    (e_val & PTE_PS)))
			/* Below the leaf size, bit 12 is PAT in a PS entry. */
			err = emit(w, MS_PT_MAPPED, canonical(w, lo),
				   e_val & PTE_ADDR_MASK & ~(span - 1), span, l, wr);
		else
			err = walk_table(w, e_val & PTE_ADDR_MASK, below(w->t, l),
					 lo, s, e, wr);
		if (err)
			return err;
	}
	return NULL;
}

struct ms_error *ms_target_walk_range(struct ms_target *t, uint64_t start,
				      uint64_t end, ms_pt_range_fn fn,
				      void *arg)
{
	struct range_walk w = { .t = t, .fn = fn, .arg = arg };
	uint64_t mask;

	if (!t->paging)
		return ms_error_new(MS_ERR_USAGE, "walking 0x%" PRIx64 ": page tables are not set", start);
	w.va_bits = t->levels == 5 ? 57 : 48;
	mask = (1ULL << w.va_bits) - 1;
	if (canonical(&w, start) != start || canonical(&w, end - 1) != end - 1 ||
	    end <= start || ((start ^ (end - 1)) & ~mask))
		return ms_error_new(MS_ERR_USAGE, "walking 0x%" PRIx64 "-0x%" PRIx64 ": not one canonical %d-level range",
				    start, end, t->levels);
	start &= ~(PT_PAGE_SIZE - 1);
	/* Work in the va_bits-wide space: the top table covers all of it. */
	return walk_table(&w, t->pgd_paddr, MS_PT_PGD, 0, start & mask,
			  ((end - 1) & mask) + 1, true);
}
