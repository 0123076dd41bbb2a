// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one x86_64 page-table walker: the kernel's own 4-level (48-bit
 * virtual addresses) or 5-level (57-bit, LA57) tables, for the kernel
 * virtual addresses no segment covers (ZONE_DEVICE memmaps in vmemmap, for
 * example). Levels, shifts, large leaves and canonical addresses are
 * written once, here.
 *
 * Every walk is over a range: each table page under it is read whole (one
 * 4 KiB pread) and its entries iterated, so the vmemmap model's walk over
 * every present section costs a few hundred reads, not one walk per
 * address. Translating one address is a range of one; it and the mapped
 * reads behind ms_target_read() keep the last table of each level (the
 * target's cache), so walking nearby addresses one by one reads each table
 * once too.
 */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

/* x86_64 page-table entries. */
#define PT_ENTRIES	512
#define PT_PAGE_SIZE	4096ULL
#define PTE_PRESENT	(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)
/*
 * Bits 12..51 hold the frame: bit 63 is NX, 52..62 are software and
 * protection-key bits. With AMD SME/SEV the encryption bit (sme_me_mask,
 * bit 47 or so) sits inside this mask; kcore-based targets would need it
 * masked off too, which wants the mask from kinfo and is not done yet.
 */
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

static const char *const level_name[] = {
	[MS_PT_PTE] = "PTE", [MS_PT_PMD] = "PMD", [MS_PT_PUD] = "PUD",
	[MS_PT_P4D] = "P4D", [MS_PT_PGD] = "PGD",
};

static unsigned int va_bits(const struct ms_target *t)
{
	return t->levels == 5 ? 57 : 48;
}

static unsigned int level_shift(const struct ms_target *t, enum ms_pt_level l)
{
	/* With 4 levels the PGD indexes bits 39..47, as the P4D would. */
	if (l == MS_PT_PGD)
		return t->levels == 5 ? 48 : 39;
	return 12 + 9 * (l - 1);
}

static enum ms_pt_level level_below(const struct ms_target *t,
				    enum ms_pt_level l)
{
	if (l == MS_PT_PGD && t->levels == 4)
		return MS_PT_PUD;
	return l - 1;
}

/* Sign-extends an address (or one built from table indexes) from va_bits. */
static uint64_t canonical(const struct ms_target *t, uint64_t va)
{
	unsigned int b = va_bits(t);

	return (uint64_t)((int64_t)(va << (64 - b)) >> (64 - b));
}

/* The last address of the canonical half va is in (va itself canonical). */
static uint64_t half_last(const struct ms_target *t, uint64_t va)
{
	return va >> 63 ? UINT64_MAX : (1ULL << (va_bits(t) - 1)) - 1;
}

/* PS marks a 1 GiB leaf in a PUD, 2 MiB in a PMD; every PTE is a leaf. */
static bool is_leaf(enum ms_pt_level l, uint64_t entry)
{
	return l == MS_PT_PTE ||
	       ((l == MS_PT_PUD || l == MS_PT_PMD) && (entry & PTE_PS));
}

struct walk {
	struct ms_target *t;
	ms_pt_range_fn fn;
	void *arg;
	/*
	 * One address or one read: tables come from (and go to) the target's
	 * per-level cache, and a table that cannot be read is the walk's
	 * error. Otherwise (ms_target_walk_range, whose callbacks may read
	 * through the cache themselves) tables are read fresh onto the stack
	 * and an unreadable one is reported to fn as MS_PT_UNREADABLE.
	 */
	bool cached;
};

static struct ms_error *emit(struct walk *w, enum ms_pt_kind kind,
			     uint64_t va, uint64_t pa, uint64_t size,
			     enum ms_pt_level l, bool writable)
{
	struct ms_pt_map m = {
		.kind = kind, .vaddr = canonical(w->t, va), .paddr = pa,
		.size = size, .level = l, .writable = writable,
	};

	return w->fn(w->arg, &m);
}

/* The entries of the level-l table at paddr: into buf, or the cache's. */
static struct ms_error *table_read(struct walk *w, enum ms_pt_level l,
				   uint64_t paddr, uint64_t *buf,
				   const uint64_t **ent)
{
	struct pt_cache *c = &w->t->cache[l];
	struct ms_error *err;

	if (!w->cached) {
		*ent = buf;
		return ms_target_read_phys(w->t, paddr, buf, PT_ENTRIES * sizeof(*buf));
	}
	*ent = c->ent;
	if (c->valid && c->paddr == paddr)
		return NULL;
	c->valid = false;
	err = ms_target_read_phys(w->t, paddr, c->ent, sizeof(c->ent));
	if (err)
		return ms_error_wrap(err, "reading the %s table", level_name[l]);
	c->paddr = paddr;
	c->valid = true;
	return NULL;
}

/*
 * Walks the level-l table at paddr for [start, last], last inclusive (a
 * range may end at the top of the address space), both inside the span
 * this table covers. base is the virtual address of the table's entry 0,
 * in the va_bits-wide space; callbacks get canonical addresses.
 */
static struct ms_error *walk_table(struct walk *w, uint64_t table,
				   enum ms_pt_level l, uint64_t base,
				   uint64_t start, uint64_t last, bool writable)
{
	unsigned int shift = level_shift(w->t, l);
	uint64_t span = 1ULL << shift, buf[PT_ENTRIES];
	unsigned int i = (unsigned int)((start - base) >> shift);
	const uint64_t *ent;
	struct ms_error *err;

	err = table_read(w, l, table, buf, &ent);
	if (err && w->cached)
		return err;
	if (err) {
		/* The whole span under this table is unreadable: say so once. */
		ms_error_free(err);
		return emit(w, MS_PT_UNREADABLE, start, table, last - start + 1,
			    l, false);
	}
	for (; i < PT_ENTRIES; i++) {
		uint64_t lo = base + i * span, hi = lo + (span - 1);
		uint64_t s = start > lo ? start : lo, e = last < hi ? last : hi;
		uint64_t entry = ent[i];
		bool wr = writable && (entry & PTE_RW);

		if (s > e)
			break;
		if (!(entry & PTE_PRESENT))
			err = emit(w, MS_PT_HOLE, s, 0, e - s + 1, l, false);
		else if (is_leaf(l, entry))
			/* Below the leaf size, bit 12 is PAT in a PS entry. */
			err = emit(w, MS_PT_MAPPED, lo,
				   entry & PTE_ADDR_MASK & ~(span - 1), span, l, wr);
		else
			err = walk_table(w, entry & PTE_ADDR_MASK,
					 level_below(w->t, l), lo, s, e, wr);
		if (err)
			return err;
	}
	return NULL;
}

/* [start, last]: canonical, in one half; the caller has checked. */
static struct ms_error *walk(struct walk *w, uint64_t start, uint64_t last)
{
	uint64_t mask = (1ULL << va_bits(w->t)) - 1;

	/* Work in the va_bits-wide space: the top table covers all of it. */
	return walk_table(w, w->t->pgd_paddr, MS_PT_PGD, 0, start & mask,
			  last & mask, true);
}

static struct ms_error *not_canonical(const struct ms_target *t, uint64_t va)
{
	return ms_error_fault(va, "0x%" PRIx64 " is not a canonical %d-level address",
			      va, t->levels);
}

struct ms_error *ms_target_walk_range(struct ms_target *t, uint64_t start,
				      uint64_t end, ms_pt_range_fn fn,
				      void *arg)
{
	struct walk w = { .t = t, .fn = fn, .arg = arg };

	if (!t->paging)
		return ms_error_new(MS_ERR_USAGE, "walking 0x%" PRIx64 ": page tables are not set", start);
	if (end <= start || canonical(t, start) != start ||
	    canonical(t, end - 1) != end - 1 || half_last(t, start) < end - 1)
		return ms_error_new(MS_ERR_USAGE, "walking 0x%" PRIx64 "-0x%" PRIx64 ": not one canonical %d-level range",
				    start, end, t->levels);
	return walk(&w, start & ~(PT_PAGE_SIZE - 1), end - 1);
}

/* ---- one address ---- */

struct one {
	struct ms_pt_xlate *out;
	uint64_t vaddr;
	enum ms_pt_level missing;
};

static struct ms_error *one_leaf(void *arg, const struct ms_pt_map *m)
{
	struct one *o = arg;

	if (m->kind == MS_PT_HOLE) {
		o->missing = m->level;
		return NULL;
	}
	o->out->paddr = m->paddr + (o->vaddr - m->vaddr);
	o->out->leaf_size = m->size;
	o->out->level = m->level;
	o->out->writable = m->writable;
	return NULL;
}

struct ms_error *ms_target_translate(struct ms_target *t, uint64_t vaddr,
				     struct ms_pt_xlate *out)
{
	struct one o = { .out = out, .vaddr = vaddr };
	struct walk w = { .t = t, .fn = one_leaf, .arg = &o, .cached = true };
	struct ms_error *err;

	if (!t->paging)
		return ms_error_new(MS_ERR_USAGE, "translating 0x%" PRIx64 ": page tables are not set", vaddr);
	if (canonical(t, vaddr) != vaddr)
		return not_canonical(t, vaddr);
	err = walk(&w, vaddr, vaddr);
	if (!err && o.missing)
		err = ms_error_fault(vaddr, "no page-table mapping for 0x%" PRIx64 " (%s not present)",
				     vaddr, level_name[o.missing]);
	return err;
}

/* ---- reads through the tables ---- */

/* A run of bytes contiguous both virtually and physically: one read. */
struct phys_run {
	uint64_t vaddr;
	uint64_t paddr;
	uint8_t *buf;
	size_t len;
};

struct mapped_read {
	struct ms_target *t;
	uint64_t vaddr;		/* the next byte to place */
	uint8_t *p;
	size_t len;		/* bytes still to place */
	struct phys_run run;
};

static struct ms_error *run_flush(struct ms_target *t, struct phys_run *run)
{
	struct ms_error *err;
	uint64_t bad;

	if (!run->len)
		return NULL;
	/* Recorded once, as the virtual run it is, not again as physical. */
	t->rec_depth++;
	err = ms_target_read_phys(t, run->paddr, run->buf, run->len);
	t->rec_depth--;
	if (!err)
		target_record(t, run->vaddr, run->paddr, run->len);
	run->len = 0;
	if (!err || err->code != MS_ERR_FAULT)
		return err;
	/* Name the virtual address that failed, not only the physical. */
	bad = run->vaddr + (err->addr - run->paddr);
	err->addr = bad;
	return ms_error_wrap(err, "0x%" PRIx64 " is mapped but unreadable", bad);
}

static struct ms_error *mapped_leaf(void *arg, const struct ms_pt_map *m)
{
	struct mapped_read *r = arg;
	uint64_t off, left, pa;
	struct ms_error *err;
	size_t n;

	if (m->kind == MS_PT_HOLE) {
		err = run_flush(r->t, &r->run);
		return err ? err : ms_error_fault(r->vaddr, "no segment or page-table mapping covers 0x%" PRIx64 " (%s not present)",
						  r->vaddr, level_name[m->level]);
	}
	off = r->vaddr - m->vaddr;
	left = m->size - off;
	n = left < r->len ? (size_t)left : r->len;
	pa = m->paddr + off;
	if (r->run.len && r->run.paddr + r->run.len == pa) {
		r->run.len += n;
	} else {
		err = run_flush(r->t, &r->run);
		if (err)
			return err;
		r->run = (struct phys_run){ r->vaddr, pa, r->p, n };
	}
	r->p += n;
	r->vaddr += n;
	r->len -= n;
	return NULL;
}

struct ms_error *target_read_mapped(struct ms_target *t, uint64_t vaddr,
				    void *buf, size_t len)
{
	struct mapped_read r = { .t = t, .vaddr = vaddr, .p = buf, .len = len };
	struct walk w = { .t = t, .fn = mapped_leaf, .arg = &r, .cached = true };
	struct ms_error *err, *ferr;
	uint64_t last;

	if (!t->paging)
		return ms_error_fault(vaddr, "no segment covers 0x%" PRIx64 " (page tables not set)", vaddr);
	if (!len)
		return NULL;
	if (canonical(t, vaddr) != vaddr)
		return not_canonical(t, vaddr);
	/* The caller has checked that the read does not wrap. */
	last = vaddr + (len - 1);
	if (last > half_last(t, vaddr))
		last = half_last(t, vaddr);
	err = walk(&w, vaddr, last);
	ferr = run_flush(t, &r.run);
	if (ferr) {
		ms_error_free(err);
		return ferr;
	}
	/* A read running out of the canonical half faults where it leaves. */
	if (!err && r.len)
		err = not_canonical(t, r.vaddr);
	return err;
}

/* ---- setting the tables ---- */

static void paging_set(struct ms_target *t, uint64_t pgd_paddr, int levels)
{
	/* A new table tree (or an action that changed the tables): drop the cache. */
	memset(t->cache, 0, sizeof(t->cache));
	t->pgd_paddr = pgd_paddr & ~(PT_PAGE_SIZE - 1);
	t->levels = levels;
	t->paging = true;
}

struct ms_error *ms_target_set_paging(struct ms_target *t, uint64_t pgd_vaddr,
				      int levels)
{
	const struct ms_segment *s = NULL;
	size_t i;

	if (levels != 4 && levels != 5)
		return ms_error_new(MS_ERR_USAGE, "%d-level page tables: only 4 and 5 exist on x86_64", levels);
	for (i = 0; i < t->nr_segs; i++) {
		const struct ms_segment *c = &t->segs[i];

		if (c->paddr != MS_NO_PADDR && pgd_vaddr >= c->vaddr &&
		    pgd_vaddr - c->vaddr < c->size) {
			s = c;
			break;
		}
	}
	if (!s)
		return ms_error_fault(pgd_vaddr, "the top page table at 0x%" PRIx64 " is in no segment with a physical address",
				      pgd_vaddr);
	paging_set(t, s->paddr + (pgd_vaddr - s->vaddr), levels);
	/* A snapshot maps the top table the same way, for its reader. */
	target_record(t, pgd_vaddr & ~(PT_PAGE_SIZE - 1), t->pgd_paddr,
		      PT_PAGE_SIZE);
	return NULL;
}

struct ms_error *ms_target_set_paging_phys(struct ms_target *t,
					   uint64_t pgd_paddr, int levels)
{
	uint64_t ent;
	struct ms_error *err;

	if (levels != 4 && levels != 5)
		return ms_error_new(MS_ERR_USAGE, "%d-level page tables: only 4 and 5 exist on x86_64", levels);
	/* The top table must be in the file, or every walk would fail later. */
	err = ms_target_read_phys(t, pgd_paddr & ~(PT_PAGE_SIZE - 1), &ent,
				  sizeof(ent));
	if (err)
		return ms_error_wrap(err, "the top page table at physical 0x%" PRIx64 " is not in %s",
				     pgd_paddr, t->path);
	paging_set(t, pgd_paddr, levels);
	return NULL;
}

bool ms_target_paging(const struct ms_target *t, uint64_t *pgd_paddr,
		      int *levels)
{
	if (t->paging) {
		*pgd_paddr = t->pgd_paddr;
		*levels = t->levels;
	}
	return t->paging;
}
