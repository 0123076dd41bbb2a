// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 page-table walks through the kernel's own tables, 4-level (48-bit
 * virtual addresses) and 5-level (57-bit, LA57), for the kernel virtual
 * addresses no segment covers: ZONE_DEVICE memmaps in vmemmap, for example.
 * Tables are read physically a whole 4 KiB page at a time and kept, one page
 * per level, so walking a contiguous range reads each table once.
 */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

static const char *const level_name[] = {
	[MS_PT_PTE] = "PTE", [MS_PT_PMD] = "PMD", [MS_PT_PUD] = "PUD",
	[MS_PT_P4D] = "P4D", [MS_PT_PGD] = "PGD",
};

static unsigned int level_shift(const struct ms_target *t, enum ms_pt_level l)
{
	/* With 4 levels the PGD indexes bits 39..47, as the P4D would. */
	if (l == MS_PT_PGD)
		return t->levels == 5 ? 48 : 39;
	return 12 + 9 * (l - 1);
}

static enum ms_pt_level next_level(const struct ms_target *t,
				   enum ms_pt_level l)
{
	if (l == MS_PT_PGD && t->levels == 4)
		return MS_PT_PUD;
	return l - 1;
}

static bool is_canonical(const struct ms_target *t, uint64_t vaddr)
{
	unsigned int bits = t->levels == 5 ? 57 : 48;
	int64_t v = (int64_t)(vaddr << (64 - bits)) >> (64 - bits);

	return (uint64_t)v == vaddr;
}

static struct ms_error *table_entry(struct ms_target *t, enum ms_pt_level l,
				    uint64_t table, unsigned int index,
				    uint64_t *entry)
{
	struct pt_cache *c = &t->cache[l];
	struct ms_error *err;

	if (!c->valid || c->paddr != table) {
		c->valid = false;
		err = ms_target_read_phys(t, table, c->ent, sizeof(c->ent));
		if (err)
			return ms_error_wrap(err, "reading the %s table", level_name[l]);
		c->paddr = table;
		c->valid = true;
	}
	*entry = c->ent[index];
	return NULL;
}

/*
 * One walk. Returns NULL with *missing = 0 and *out filled on success, NULL
 * with *missing = the level whose entry is not present, or an error when a
 * table cannot be read.
 */
static struct ms_error *pt_walk(struct ms_target *t, uint64_t vaddr,
				struct ms_xlate *out, enum ms_pt_level *missing)
{
	enum ms_pt_level l = MS_PT_PGD;
	uint64_t table = t->pgd_paddr, entry = 0;
	bool writable = true;

	*missing = 0;
	if (!is_canonical(t, vaddr))
		return ms_error_fault(vaddr, "0x%" PRIx64 " is not a canonical %d-level address",
				      vaddr, t->levels);
	for (;;) {
		unsigned int shift = level_shift(t, l);
		struct ms_error *err;

		err = table_entry(t, l, table, (vaddr >> shift) % PT_ENTRIES, &entry);
		if (err)
			return err;
		if (!(entry & PTE_PRESENT)) {
			*missing = l;
			return NULL;
		}
		writable = writable && (entry & PTE_RW);
		/* PS marks a 1 GiB leaf in a PUD, 2 MiB in a PMD. */
		if (l == MS_PT_PTE || ((l == MS_PT_PUD || l == MS_PT_PMD) &&
				       (entry & PTE_PS))) {
			uint64_t size = 1ULL << shift;

			/* Below the leaf size, bit 12 is PAT in a PS entry. */
			out->paddr = (entry & PTE_ADDR_MASK & ~(size - 1)) |
				     (vaddr & (size - 1));
			out->leaf_size = size;
			out->level = l;
			out->writable = writable;
			return NULL;
		}
		table = entry & PTE_ADDR_MASK;
		l = next_level(t, l);
	}
}

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

struct ms_error *ms_target_translate(struct ms_target *t, uint64_t vaddr,
				     struct ms_xlate *out)
{
	enum ms_pt_level missing;
	struct ms_error *err;

	if (!t->paging)
		return ms_error_new(MS_ERR_USAGE, "translating 0x%" PRIx64 ": page tables are not set", vaddr);
	err = pt_walk(t, vaddr, out, &missing);
	if (!err && missing)
		err = ms_error_fault(vaddr, "no page-table mapping for 0x%" PRIx64 " (%s not present)",
				     vaddr, level_name[missing]);
	return err;
}

/* A run of bytes contiguous both virtually and physically: one read. */
struct phys_run {
	uint64_t vaddr;
	uint64_t paddr;
	uint8_t *buf;
	size_t len;
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

struct ms_error *target_read_mapped(struct ms_target *t, uint64_t vaddr,
				    void *buf, size_t len)
{
	struct phys_run run = { 0 };
	uint8_t *p = buf;

	if (!t->paging)
		return ms_error_fault(vaddr, "no segment covers 0x%" PRIx64 " (page tables not set)", vaddr);
	while (len) {
		enum ms_pt_level missing;
		struct ms_error *err;
		struct ms_xlate x;
		uint64_t left;
		size_t n;

		err = pt_walk(t, vaddr, &x, &missing);
		if (err || missing) {
			struct ms_error *ferr = run_flush(t, &run);

			if (ferr) {
				ms_error_free(err);
				return ferr;
			}
			if (err)
				return err;
			return ms_error_fault(vaddr, "no segment or page-table mapping covers 0x%" PRIx64 " (%s not present)",
					      vaddr, level_name[missing]);
		}
		left = x.leaf_size - (vaddr & (x.leaf_size - 1));
		n = left < len ? (size_t)left : len;
		if (run.len && run.paddr + run.len == x.paddr) {
			run.len += n;
		} else {
			err = run_flush(t, &run);
			if (err)
				return err;
			run = (struct phys_run){ vaddr, x.paddr, p, n };
		}
		p += n;
		vaddr += n;
		len -= n;
	}
	return run_flush(t, &run);
}
