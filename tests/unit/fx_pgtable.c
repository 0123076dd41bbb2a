// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture: simulated physical memory with a bump allocator for page-table
 * frames, and real x86_64 4- or 5-level tables built in it, entries encoded
 * as the kernel does (_KERNPG_TABLE for tables; leaves with NX, global,
 * accessed and dirty set, so readers must mask the frame bits properly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"

#define E_PRESENT	(1ULL << 0)
#define E_RW		(1ULL << 1)
#define E_ACCESSED	(1ULL << 5)
#define E_DIRTY		(1ULL << 6)
#define E_PS		(1ULL << 7)
#define E_GLOBAL	(1ULL << 8)
#define E_NX		(1ULL << 63)
#define E_ADDR		0x000ffffffffff000ULL

static void fx_die(const char *what)
{
	fprintf(stderr, "fx_pgtable: %s\n", what);
	abort();
}

void fx_mem_init(struct fx_mem *m, uint64_t base, uint64_t size,
		 uint64_t table_base, int levels)
{
	memset(m, 0, sizeof(*m));
	m->bytes = calloc(1, size);
	if (!m->bytes)
		fx_die("out of memory");
	m->base = base;
	m->size = size;
	m->next_free = table_base;
	m->levels = levels;
	m->pgd = fx_mem_alloc(m, FX_PAGE_SIZE, FX_PAGE_SIZE);
}

void fx_mem_free(struct fx_mem *m)
{
	free(m->bytes);
	m->bytes = NULL;
}

uint64_t fx_mem_alloc(struct fx_mem *m, uint64_t size, uint64_t align)
{
	uint64_t p = (m->next_free + align - 1) & ~(align - 1);

	if (p < m->base || p + size > m->base + m->size)
		fx_die("physical memory exhausted");
	m->next_free = p + size;
	memset(fx_mem_ptr(m, p), 0, size);
	return p;
}

void *fx_mem_ptr(struct fx_mem *m, uint64_t paddr)
{
	if (paddr < m->base || paddr >= m->base + m->size)
		fx_die("physical address outside fixture memory");
	return m->bytes + (paddr - m->base);
}

static unsigned int shift_of(const struct fx_mem *m, int depth)
{
	/* depth 0 is the top table: bits 48 (5-level) or 39 (4-level). */
	return 12 + 9 * (unsigned int)(m->levels - 1 - depth);
}

static void map_one(struct fx_mem *m, uint64_t vaddr, uint64_t paddr,
		    uint64_t leaf_size, bool writable)
{
	uint64_t table = m->pgd;
	int depth;

	for (depth = 0;; depth++) {
		unsigned int shift = shift_of(m, depth);
		uint64_t *e = (uint64_t *)fx_mem_ptr(m, table) + ((vaddr >> shift) & 511);

		if ((1ULL << shift) == leaf_size) {
			*e = (paddr & E_ADDR) | E_PRESENT | E_ACCESSED | E_DIRTY |
			     E_GLOBAL | E_NX | (writable ? E_RW : 0) |
			     (leaf_size > FX_PAGE_SIZE ? E_PS : 0);
			return;
		}
		if (!(*e & E_PRESENT))
			*e = fx_mem_alloc(m, FX_PAGE_SIZE, FX_PAGE_SIZE) |
			     E_PRESENT | E_ACCESSED | E_DIRTY;
		else if (*e & E_PS)
			fx_die("mapping inside an existing large leaf");
		/* Intermediate tables are writable if anything under them is. */
		if (writable)
			*e |= E_RW;
		table = *e & E_ADDR;
	}
}

void fx_mem_map(struct fx_mem *m, uint64_t vaddr, uint64_t paddr,
		uint64_t size, uint64_t leaf_size, bool writable)
{
	uint64_t off;

	if (leaf_size != FX_PAGE_SIZE && leaf_size != (2ULL << 20) &&
	    leaf_size != (1ULL << 30))
		fx_die("leaf size must be 4K, 2M or 1G");
	if ((vaddr | paddr | size) & (leaf_size - 1))
		fx_die("mapping not aligned to its leaf size");
	for (off = 0; off < size; off += leaf_size)
		map_one(m, vaddr + off, paddr + off, leaf_size, writable);
}

uint64_t *fx_mem_entry(struct fx_mem *m, uint64_t vaddr, int depth)
{
	uint64_t table = m->pgd;

	for (int d = 0;; d++) {
		uint64_t *e = (uint64_t *)fx_mem_ptr(m, table) +
			      ((vaddr >> shift_of(m, d)) & 511);

		if (d == depth)
			return e;
		if (!(*e & E_PRESENT) || (*e & E_PS))
			fx_die("no table at that depth");
		table = *e & E_ADDR;
	}
}
