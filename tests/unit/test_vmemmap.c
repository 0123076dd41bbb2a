// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmemmap model on known mappings: a small machine (boot sections 0-1,
 * hot-added section 2 with its memmap inside itself, device section 4 with
 * a 2 MiB compound pgmap) whose vmemmap pages are mapped the ways the
 * kernels do: plain, 6.1 HVO (tails read-only on the head's own frame),
 * 7.1+ HVO (a copied head each, tails on one shared read-only frame), and
 * device-dax compound pages (the first tail frame reused read-write).
 * Every row and total has a hand-computed answer.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/vmemmap.h"
#include "../../src/mm/vmemmap_build.h"	/* ms_vmemmap_build() and its input */

#define V	0xffffea0000000000ULL
#define SEC	32768ULL		/* pfns per section */
#define VPS	512			/* vmemmap pages per section */
#define NREC	(4 * VPS)

static struct ms_layout lay;
static struct ms_section secs[4];
static struct ms_sparse sp;
static struct ms_pgmap pgmap;
static struct ms_pgmaps pgmaps = { .v = &pgmap, .nr = 1 };
static struct ms_vmemmap_record rec[NREC];
static size_t nrec;

static void section(struct ms_section *s, uint64_t nr, bool early, bool dev)
{
	memset(s, 0, sizeof(*s));
	s->nr = nr;
	s->start_pfn = nr * SEC;
	s->nr_pages = SEC;
	s->flag_bits = 0x3 | (dev ? 0 : 0x4) | (early ? 0x8 : 0);
	s->zone_mask = dev ? 1u << 4 : 1u << 1;
}

static void add(uint64_t k, uint64_t pa, enum ms_pt_level l, bool w)
{
	rec[nrec++] = (struct ms_vmemmap_record){ V + k * 4096, pa, l, w };
}

static int setup(void **state)
{
	lay.page_shift = 12;
	lay.page_size = 4096;
	lay.page_struct_size = 64;
	lay.vmemmap_base = V;
	for (int i = 0; i < MS_SECTION_NR_BITS; i++)
		lay.section_bit[i] = i < MS_SECTION_VMEMMAP_PREINIT ? i : -1;
	section(&secs[0], 0, true, false);
	section(&secs[1], 1, true, false);
	section(&secs[2], 2, false, false);
	section(&secs[3], 4, false, true);
	sp = (struct ms_sparse){ .layout = &lay, .sections = secs,
				 .nr_sections = 4, .zone_device_idx = 4 };
	pgmap = (struct ms_pgmap){ .addr = 0xffff888001000000ULL,
				   .type = MS_PGMAP_GENERIC, .vmemmap_shift = 9,
				   .nr_range = 1,
				   .ranges = { { 4 * SEC << 12, (5 * SEC << 12) - 1 } } };
	nrec = 0;
	/* section 0: boot, PTE-mapped, with three HugeTLB folios at k 8..31 */
	for (uint64_t k = 0; k < VPS; k++) {
		if (k >= 8 && k < 16)		/* 6.1: all on the head's frame */
			add(k, 0x1000000 + 8 * 4096, MS_PT_PTE, k == 8);
		else if (k == 16 || k == 24)	/* 7.1+: a copied head each */
			add(k, 0x3000000 + (k == 24) * 4096, MS_PT_PTE, true);
		else if (k > 16 && k < 32)	/* 7.1+: one shared tail frame */
			add(k, 0x3100000, MS_PT_PTE, false);
		else
			add(k, 0x1000000 + k * 4096, MS_PT_PTE, true);
	}
	/* section 1: boot, PMD-mapped */
	for (uint64_t k = VPS; k < 2 * VPS; k++)
		add(k, 0x2000000 + (k - VPS) * 4096, MS_PT_PMD, true);
	/* section 2: hot-added, memmap_on_memory (frames at its own start) */
	for (uint64_t k = 2 * VPS; k < 3 * VPS; k++)
		add(k, (2 * SEC << 12) + (k - 2 * VPS) * 4096, MS_PT_PMD, true);
	/* section 4: 64 compound pages of 2 MiB: head frame, tail frame x7 */
	for (uint64_t j = 0; j < 64; j++)
		for (uint64_t i = 0; i < 8; i++)
			add(4 * VPS + 8 * j + i, 0x4000000 + (2 * j + (i > 0)) * 4096,
			    MS_PT_PTE, true);
	return 0;
}

static const struct ms_hstate hs[] = { { "hugepages-2048kB", 9, 3, 3 } };
static const struct ms_hugetlb_folio folios[] = {
	{ V + 512 * 64, 0 }, { V + 1024 * 64, 0 }, { V + 1536 * 64, 0 },
};

static void expect_count(const struct ms_vmemmap_count *c, uint64_t pages,
			 uint64_t frames, uint64_t shared, uint64_t ro,
			 uint64_t pmd, uint64_t self)
{
	assert_int_equal(c->pages, pages);
	assert_int_equal(c->frames, frames);
	assert_int_equal(c->shared, shared);
	assert_int_equal(c->ro, ro);
	assert_int_equal(c->pmd, pmd);
	assert_int_equal(c->self, self);
	assert_int_equal(ms_vmemmap_saved(c), pages - frames);
}

static void build(struct ms_vmemmap **vm, const struct ms_pgmaps *pm)
{
	struct ms_vmemmap_input in = {
		.rec = rec, .nr_rec = nrec, .folios = folios, .nr_folios = 3,
		.hstates = hs, .nr_hstates = 1, .unmapped = 7,
	};
	struct ms_error *err = ms_vmemmap_build(&lay, &sp, pm, &in, vm);

	if (err)
		fail_msg("ms_vmemmap_build: %s", err->msg);
}

static void test_rows(void **state)
{
	struct ms_vmemmap *vm;
	const struct ms_vmemmap_row *r;

	build(&vm, &pgmaps);
	assert_int_equal(vm->nr_rows, 6);
	r = vm->rows;
	assert_int_equal(r[0].kind, MS_VMEMMAP_BOOT);
	assert_int_equal(r[0].start, V);
	assert_int_equal(r[0].end, V + 8 * 4096);
	assert_int_equal(r[0].last_pfn, 8 * 64 - 1);
	expect_count(&r[0].c, 8, 8, 0, 0, 0, 0);
	/* 24 vmemmap pages of 3 folios: frames head(6.1), 2 copies, 1 tail */
	assert_int_equal(r[1].kind, MS_VMEMMAP_HUGETLB);
	assert_int_equal(r[1].owner, 0);
	assert_int_equal(r[1].first_pfn, 512);
	assert_int_equal(r[1].last_pfn, 2047);
	expect_count(&r[1].c, 24, 4, 2, 21, 0, 0);
	expect_count(&r[2].c, VPS - 32, VPS - 32, 0, 0, 0, 0);
	assert_int_equal(r[3].kind, MS_VMEMMAP_BOOT);
	assert_int_equal(r[3].level, MS_PT_PMD);	/* split on the level */
	expect_count(&r[3].c, VPS, VPS, 0, 0, VPS, 0);
	assert_int_equal(r[4].kind, MS_VMEMMAP_HOTPLUG);
	assert_true(r[4].self);
	expect_count(&r[4].c, VPS, VPS, 0, 0, VPS, VPS);
	/* seed 003: 2 MiB compound devmap, 6 of 8 vmemmap pages saved */
	assert_int_equal(r[5].kind, MS_VMEMMAP_DEVICE);
	assert_int_equal(r[5].owner, 0);
	assert_false(r[5].self);
	expect_count(&r[5].c, VPS, 128, 64, 0, 0, 0);
	assert_int_equal(ms_vmemmap_saved(&r[5].c), 6 * 64);
	ms_vmemmap_free(vm);
}

static void test_totals(void **state)
{
	struct ms_vmemmap *vm;

	build(&vm, &pgmaps);
	expect_count(&vm->kind[MS_VMEMMAP_BOOT], 2 * VPS - 24, 2 * VPS - 24, 0, 0, VPS, 0);
	expect_count(&vm->kind[MS_VMEMMAP_HUGETLB], 24, 4, 2, 21, 0, 0);
	expect_count(&vm->kind[MS_VMEMMAP_HOTPLUG], VPS, VPS, 0, 0, VPS, VPS);
	expect_count(&vm->kind[MS_VMEMMAP_DEVICE], VPS, 128, 64, 0, 0, 0);
	expect_count(&vm->by_hstate[0], 24, 4, 2, 21, 0, 0);
	expect_count(&vm->by_pgmap[0], VPS, 128, 64, 0, 0, 0);
	expect_count(&vm->total, 4 * VPS, 2 * VPS - 24 + 4 + VPS + 128, 66, 21,
		     2 * VPS, VPS);
	assert_int_equal(vm->unmapped, 7);
	assert_int_equal(vm->unreadable, 0);
	ms_vmemmap_free(vm);
}

/*
 * -M dev: the same device section, its memmap in the device (altmap) and
 * no dedup; and with no pgmap known, still device, frames still "self".
 */
static void test_altmap(void **state)
{
	struct ms_pgmaps none = { .v = NULL, .nr = 0 };
	struct ms_vmemmap *vm;

	nrec = 3 * VPS;
	for (uint64_t k = 3 * VPS; k < 4 * VPS; k++)
		add(k + VPS, (4 * SEC << 12) + (k - 3 * VPS) * 4096, MS_PT_PMD, true);
	build(&vm, &pgmaps);
	assert_int_equal(vm->nr_rows, 6);
	assert_true(vm->rows[5].self);
	expect_count(&vm->by_pgmap[0], VPS, VPS, 0, 0, VPS, VPS);
	ms_vmemmap_free(vm);
	build(&vm, &none);
	assert_int_equal(vm->rows[5].kind, MS_VMEMMAP_DEVICE);
	assert_int_equal(vm->rows[5].owner, -1);
	assert_true(vm->rows[5].self);
	assert_int_equal(vm->nr_pgmaps, 0);
	ms_vmemmap_free(vm);
}

/* A frame mapped from two owners counts once overall, once per kind. */
static void test_cross_owner_frame(void **state)
{
	struct ms_vmemmap *vm;

	rec[0].paddr = rec[4 * VPS - 1].paddr;	/* boot page 0 -> a device frame */
	build(&vm, &pgmaps);
	assert_int_equal(vm->total.frames, 2 * VPS - 24 + 4 + VPS + 128 - 1);
	assert_int_equal(vm->kind[MS_VMEMMAP_BOOT].frames, 2 * VPS - 24);
	assert_int_equal(vm->kind[MS_VMEMMAP_BOOT].shared, 1);
	assert_int_equal(vm->kind[MS_VMEMMAP_DEVICE].frames, 128);
	assert_int_equal(vm->rows[0].c.shared, 1);
	ms_vmemmap_free(vm);
}

static void test_out_of_order(void **state)
{
	struct ms_vmemmap_input in = { .rec = rec, .nr_rec = 2 };
	struct ms_vmemmap *vm = NULL;
	struct ms_error *err;

	rec[1].vaddr = rec[0].vaddr;
	err = ms_vmemmap_build(&lay, &sp, &pgmaps, &in, &vm);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_USAGE);
	assert_null(vm);
	ms_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rows, setup),
		cmocka_unit_test_setup(test_totals, setup),
		cmocka_unit_test_setup(test_altmap, setup),
		cmocka_unit_test_setup(test_cross_owner_frame, setup),
		cmocka_unit_test_setup(test_out_of_order, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
