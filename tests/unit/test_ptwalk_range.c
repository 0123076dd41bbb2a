// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ms_target_walk_range: the bulk page-table walk the vmemmap model uses,
 * on synthetic 4- and 5-level tables with known answers — leaves of each
 * size in address order, holes at each level, read-only through a parent
 * entry, a table whose frame lies outside the core (reported unreadable
 * with its address and level, the walk going on), and each table page read
 * exactly once.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/target.h"
#include "fx.h"

#define TEXT	0xffffffff81000000ULL
#define SZ_2M	(2ULL << 20)
#define SZ_1G	(1ULL << 30)
#define MIB	(1ULL << 20)
#define MAXMAP	1200

static char tmpdir[] = "/tmp/test_ptwalk.XXXXXX";
static char core_path[80];

struct fx {
	int levels;
	uint64_t page_offset, vmemmap;
	struct fx_mem m;
	struct ms_target *t;
	struct ms_pt_map got[MAXMAP];
	size_t nr;
};

static struct fx fx4 = { .levels = 4, .page_offset = 0xffff888000000000ULL,
			 .vmemmap = 0xffffea0000000000ULL };
static struct fx fx5 = { .levels = 5, .page_offset = 0xff11000000000000ULL,
			 .vmemmap = 0xffd4000000000000ULL };

static int group_setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(core_path, sizeof(core_path), "%s/core", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	unlink(core_path);
	return rmdir(tmpdir);
}

static void assert_ok(struct ms_error *err)
{
	if (err)
		fail_msg("unexpected error: %s", err->msg);
}

/* The fixture's memory as a direct-map segment, the top table as "text". */
static void setup_core(struct fx *f)
{
	struct fx_core *c = fx_core_new();

	fx_core_add_segment(c, f->page_offset, 0, f->m.bytes, f->m.size);
	fx_core_add_segment(c, TEXT, f->m.pgd, fx_mem_ptr(&f->m, f->m.pgd), FX_PAGE_SIZE);
	assert_int_equal(fx_core_write(c, core_path), 0);
	fx_core_free(c);
	assert_ok(ms_target_open(core_path, &f->t));
	assert_ok(ms_target_set_paging(f->t, TEXT, f->levels));
	f->nr = 0;
}

/*
 * vmemmap + 0       2M leaf -> 2M (RW)
 * vmemmap + 2M      8 x 4K: 0..1 -> 4M, 4M+4K; 2..7 -> 4M+4K (RO, shared)
 * vmemmap + 2M+32K  (not present: PTE hole up to 4M)
 * vmemmap + 4M      4K -> 6M RW, under a read-only PMD entry
 * vmemmap + 6M      (PMD hole)
 * vmemmap + 8M      4K -> 7M, its PTE table moved out of the core
 */
static int setup(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap, *e;

	fx_mem_init(&f->m, 0, 16 * MIB, 12 * MIB, f->levels);
	fx_mem_map(&f->m, v, SZ_2M, SZ_2M, SZ_2M, true);
	fx_mem_map(&f->m, v + SZ_2M, 4 * MIB, FX_PAGE_SIZE, FX_PAGE_SIZE, true);
	fx_mem_map(&f->m, v + SZ_2M + 4096, 4 * MIB + 4096, FX_PAGE_SIZE, FX_PAGE_SIZE, true);
	for (int i = 2; i < 8; i++)
		fx_mem_map(&f->m, v + SZ_2M + i * 4096ULL, 4 * MIB + 4096,
			   FX_PAGE_SIZE, FX_PAGE_SIZE, false);
	fx_mem_map(&f->m, v + 4 * MIB, 6 * MIB, FX_PAGE_SIZE, FX_PAGE_SIZE, true);
	*fx_mem_entry(&f->m, v + 4 * MIB, f->levels - 2) &= ~2ULL;
	fx_mem_map(&f->m, v + 8 * MIB, 7 * MIB, FX_PAGE_SIZE, FX_PAGE_SIZE, true);
	e = fx_mem_entry(&f->m, v + 8 * MIB, f->levels - 2);
	*e = (*e & ~0x000ffffffffff000ULL) | (512 * MIB);	/* outside the core */
	setup_core(f);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ms_target_close(f->t);
	fx_mem_free(&f->m);
	return 0;
}

static struct ms_error *collect(void *arg, const struct ms_pt_map *m)
{
	struct fx *f = arg;

	if (f->nr == MAXMAP)
		return ms_error_new(MS_ERR_OTHER, "too many callbacks");
	f->got[f->nr++] = *m;
	return NULL;
}

static void expect(const struct ms_pt_map *m, enum ms_pt_kind kind,
		   uint64_t va, uint64_t pa, uint64_t size,
		   enum ms_pt_level level, bool writable)
{
	assert_int_equal(m->kind, kind);
	assert_int_equal(m->vaddr, va);
	if (kind != MS_PT_HOLE)
		assert_int_equal(m->paddr, pa);
	assert_int_equal(m->size, size);
	assert_int_equal(m->level, level);
	if (kind == MS_PT_MAPPED)
		assert_int_equal(m->writable, writable);
}

struct tally {
	size_t mapped, hole, unreadable;
	uint64_t hole_bytes, last_end;
	bool ordered;
};

static struct ms_error *count(void *arg, const struct ms_pt_map *m)
{
	struct tally *t = arg;

	t->mapped += m->kind == MS_PT_MAPPED;
	t->hole += m->kind == MS_PT_HOLE;
	t->unreadable += m->kind == MS_PT_UNREADABLE;
	if (m->kind == MS_PT_HOLE)
		t->hole_bytes += m->size;
	if (t->last_end && m->vaddr < t->last_end)
		t->ordered = false;
	t->last_end = m->vaddr + m->size;
	return NULL;
}

/* Leaves and the read-only shared PTEs; each table read once. */
static void test_leaves(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap;
	size_t reads = ms_target_nr_reads(f->t);

	assert_ok(ms_target_walk_range(f->t, v, v + SZ_2M + 8 * 4096, collect, f));
	assert_int_equal(f->nr, 9);
	expect(&f->got[0], MS_PT_MAPPED, v, SZ_2M, SZ_2M, MS_PT_PMD, true);
	expect(&f->got[1], MS_PT_MAPPED, v + SZ_2M, 4 * MIB, 4096, MS_PT_PTE, true);
	expect(&f->got[2], MS_PT_MAPPED, v + SZ_2M + 4096, 4 * MIB + 4096, 4096, MS_PT_PTE, true);
	for (int k = 2; k < 8; k++)
		expect(&f->got[1 + k], MS_PT_MAPPED, v + SZ_2M + k * 4096ULL,
		       4 * MIB + 4096, 4096, MS_PT_PTE, false);
	/* top, (p4d,) pud, pmd and one pte table: one pread each */
	assert_int_equal(ms_target_nr_reads(f->t) - reads, (size_t)f->levels);
}

/* A range starting and ending inside leaves and tables. */
static void test_partial(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap;

	assert_ok(ms_target_walk_range(f->t, v + 0x1234, v + SZ_2M + 4097, collect, f));
	assert_int_equal(f->nr, 3);
	/* the leaf is reported whole; the caller clips */
	expect(&f->got[0], MS_PT_MAPPED, v, SZ_2M, SZ_2M, MS_PT_PMD, true);
	expect(&f->got[2], MS_PT_MAPPED, v + SZ_2M + 4096, 4 * MIB + 4096, 4096, MS_PT_PTE, true);
}

/* RW leaf under an RO PMD entry; a PMD hole; the unreadable PTE table. */
static void test_ro_hole_unreadable(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap;

	assert_ok(ms_target_walk_range(f->t, v + 4 * MIB, v + 4 * MIB + 4096, collect, f));
	assert_int_equal(f->nr, 1);
	expect(&f->got[0], MS_PT_MAPPED, v + 4 * MIB, 6 * MIB, 4096, MS_PT_PTE, false);
	f->nr = 0;
	assert_ok(ms_target_walk_range(f->t, v + 6 * MIB, v + 10 * MIB, collect, f));
	assert_int_equal(f->nr, 2);
	expect(&f->got[0], MS_PT_HOLE, v + 6 * MIB, 0, SZ_2M, MS_PT_PMD, false);
	expect(&f->got[1], MS_PT_UNREADABLE, v + 8 * MIB, 512 * MIB, SZ_2M, MS_PT_PTE, false);
}

/* The whole fixture: every byte accounted for once, in address order. */
static void test_whole(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap;
	struct tally t = { .ordered = true };

	assert_ok(ms_target_walk_range(f->t, v, v + SZ_1G, count, &t));
	assert_true(t.ordered);
	assert_int_equal(t.mapped, 1 + 8 + 1);
	assert_int_equal(t.unreadable, 1);
	/* 504 PTE holes after the 8 shared pages, 511 after the RO one,
	 * the PMD holes at 6M and from 10M to 1G */
	assert_int_equal(t.hole_bytes, SZ_1G - SZ_2M - 9 * 4096 - SZ_2M);
	assert_int_equal(t.hole, 504 + 511 + 1 + (512 - 5));
}

static struct ms_error *stop(void *arg, const struct ms_pt_map *m)
{
	return ms_error_new(MS_ERR_OTHER, "stop at 0x%" PRIx64, m->vaddr);
}

static void test_errors(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap;
	struct ms_error *err;

	err = ms_target_walk_range(f->t, v, v + SZ_2M, stop, f);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_OTHER);
	ms_error_free(err);
	err = ms_target_walk_range(f->t, v + SZ_2M, v, collect, f);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_USAGE);
	ms_error_free(err);
	/* bit 47 set, 48..63 clear: canonical only with 57-bit addresses */
	err = ms_target_walk_range(f->t, 0x0000900000000000ULL, 0x0000900000001000ULL, collect, f);
	if (f->levels == 4) {
		assert_non_null(err);
		assert_int_equal(err->code, MS_ERR_USAGE);
	} else {
		assert_null(err);
		assert_int_equal(f->got[f->nr - 1].kind, MS_PT_HOLE);
	}
	ms_error_free(err);
	err = ms_target_walk_range(f->t, 0x00007ffffffff000ULL, 0xffff800000001000ULL, collect, f);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_USAGE);
	ms_error_free(err);
}

/*
 * Translation is the range walk over one address: for every page of the
 * fixture's first 10 MiB, ms_target_translate() names the leaf the range
 * walk reported for it, or faults where the walk saw a hole or an
 * unreadable table (a consistency check of the two entry points).
 */
static void test_translate_agrees(void **state)
{
	struct fx *f = *state;
	uint64_t v = f->vmemmap, end = v + 10 * MIB;
	size_t k = 0, mapped = 0;

	assert_ok(ms_target_walk_range(f->t, v, end, collect, f));
	for (uint64_t va = v; va < end; va += 4096) {
		const struct ms_pt_map *m;
		struct ms_pt_xlate x;
		struct ms_error *err;

		while (f->got[k].vaddr + f->got[k].size <= va)
			k++;
		m = &f->got[k];
		err = ms_target_translate(f->t, va + 8, &x);
		if (m->kind != MS_PT_MAPPED) {
			assert_non_null(err);
			ms_error_free(err);
			continue;
		}
		assert_ok(err);
		assert_int_equal(x.paddr, m->paddr + (va - m->vaddr) + 8);
		assert_int_equal(x.leaf_size, m->size);
		assert_int_equal(x.level, m->level);
		assert_int_equal(x.writable, m->writable);
		mapped++;
	}
	assert_int_equal(mapped, SZ_2M / 4096 + 8 + 1);
}

/*
 * A 5-level tree built here, on its own: under the vmemmap (P4D index
 * non-zero) a 1 GiB PUD leaf, a 2 MiB PMD leaf and a 4 KiB PTE; at the
 * very top of the address space (PGD, P4D, PUD and PMD index 511) a 2 MiB
 * leaf. The oracle is the list of mappings the fixture wrote. The range
 * walk and single-address translation (a range of one) must both give
 * them, and a mapped read their bytes.
 */
#define TOP_2M	0xffffffffffe00000ULL

static void test_5level_large_leaves(void **state)
{
	struct fx *f = &fx5;
	uint64_t v = f->vmemmap, v2 = v + SZ_1G, v4 = v + SZ_1G + SZ_2M;
	struct ms_pt_xlate x;
	struct ms_error *err;
	uint8_t buf[16], want[16];
	size_t reads;

	fx_mem_init(&f->m, 0, 16 * MIB, 12 * MIB, 5);
	for (uint64_t p = SZ_2M; p < 8 * MIB; p++)
		f->m.bytes[p] = (uint8_t)(p * 7 + (p >> 12));
	/* 1G of frames outside the core: walked and translated, never read */
	fx_mem_map(&f->m, v, SZ_1G, SZ_1G, SZ_1G, false);
	fx_mem_map(&f->m, v2, SZ_2M, SZ_2M, SZ_2M, true);
	fx_mem_map(&f->m, v4, 4 * MIB + 4096, 4096, 4096, true);
	fx_mem_map(&f->m, TOP_2M, 6 * MIB, SZ_2M, SZ_2M, true);
	setup_core(f);

	reads = ms_target_nr_reads(f->t);
	assert_ok(ms_target_walk_range(f->t, v, v4 + 2 * 4096, collect, f));
	assert_int_equal(f->nr, 4);
	expect(&f->got[0], MS_PT_MAPPED, v, SZ_1G, SZ_1G, MS_PT_PUD, false);
	expect(&f->got[1], MS_PT_MAPPED, v2, SZ_2M, SZ_2M, MS_PT_PMD, true);
	expect(&f->got[2], MS_PT_MAPPED, v4, 4 * MIB + 4096, 4096, MS_PT_PTE, true);
	expect(&f->got[3], MS_PT_HOLE, v4 + 4096, 0, 4096, MS_PT_PTE, false);
	/* PGD, P4D, PUD, PMD, PTE: one pread each */
	assert_int_equal(ms_target_nr_reads(f->t) - reads, 5);

	assert_ok(ms_target_translate(f->t, v + 0x12345678, &x));
	assert_int_equal(x.paddr, SZ_1G + 0x12345678);
	assert_int_equal(x.leaf_size, SZ_1G);
	assert_int_equal(x.level, MS_PT_PUD);
	assert_false(x.writable);
	assert_ok(ms_target_translate(f->t, v2 + 0x1234, &x));
	assert_int_equal(x.paddr, SZ_2M + 0x1234);
	assert_int_equal(x.leaf_size, SZ_2M);
	assert_int_equal(x.level, MS_PT_PMD);
	assert_true(x.writable);
	assert_ok(ms_target_translate(f->t, v4 + 0xff8, &x));
	assert_int_equal(x.paddr, 4 * MIB + 4096 + 0xff8);
	assert_int_equal(x.level, MS_PT_PTE);
	err = ms_target_translate(f->t, v4 + 4096, &x);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_FAULT);
	assert_non_null(strstr(err->msg, "(PTE not present)"));
	ms_error_free(err);
	/* the last byte of the address space: a range of one ending at 2^64 - 1 */
	assert_ok(ms_target_translate(f->t, UINT64_MAX, &x));
	assert_int_equal(x.paddr, 8 * MIB - 1);
	assert_int_equal(x.level, MS_PT_PMD);

	f->nr = 0;
	assert_ok(ms_target_walk_range(f->t, TOP_2M + 4096, UINT64_MAX, collect, f));
	assert_int_equal(f->nr, 1);
	expect(&f->got[0], MS_PT_MAPPED, TOP_2M, 6 * MIB, SZ_2M, MS_PT_PMD, true);

	/* over the end of the 2M leaf into the 4K page: two runs */
	memcpy(want, fx_mem_ptr(&f->m, 4 * MIB - 8), 8);
	memcpy(want + 8, fx_mem_ptr(&f->m, 4 * MIB + 4096), 8);
	assert_ok(ms_target_read(f->t, v4 - 8, buf, sizeof(buf)));
	assert_memory_equal(buf, want, sizeof(buf));
	assert_ok(ms_target_read(f->t, UINT64_MAX - 15, buf, sizeof(buf)));
	assert_memory_equal(buf, fx_mem_ptr(&f->m, 8 * MIB - 16), sizeof(buf));
	teardown((void **)&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &fx4), \
	      cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &fx5)
		T(test_leaves), T(test_partial), T(test_ro_hole_unreadable),
		T(test_whole), T(test_errors), T(test_translate_agrees),
#undef T
		cmocka_unit_test(test_5level_large_leaves),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
