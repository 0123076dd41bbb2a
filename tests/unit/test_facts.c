// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The section facts the CLI and the TUI share (src/mm/facts.c): class,
 * block, node; and a source without pgmaps for its device sections.
 * Known answers on a hand-built sparse model (issue 11: a kmem range
 * onlined Movable inside ZONE_DEVICE's span was counted as device memory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/facts.h"
#include "memscope/pgmap.h"

#define PAGES 32768		/* 128M sections of 4K pages */
#define DEV_ZONE 4		/* ZONE_DEVICE's index */

enum { S_BOOT, S_KMEM, S_DIMM, S_OFFLINE, S_DEVICE, S_TAINTED, NR };

struct env {
	struct ms_layout lay;
	struct ms_section sec[NR];
	struct ms_sparse sp;
	struct ms_block blk[4];
	struct ms_blocks blocks;
	struct ms_iomem_range io_r[3];
	struct ms_iomem iomem;
};

static uint64_t flag(const struct env *e, enum ms_section_bit b)
{
	return 1ULL << e->lay.section_bit[b];
}

static void section(struct env *e, int i, uint64_t nr, uint64_t flags,
		    unsigned int zone_mask, int nid)
{
	e->sec[i] = (struct ms_section){ .nr = nr, .start_pfn = nr * PAGES,
		.nr_pages = PAGES, .flag_bits = flags | flag(e, MS_SECTION_PRESENT),
		.zone_mask = zone_mask, .nid = nid, .active = 64 };
}

static void block(struct env *e, int i, uint64_t nr, int nid)
{
	e->blk[i] = (struct ms_block){ .nr = nr, .start = nr << 27,
				       .size = 1ULL << 27, .nid = nid };
	strcpy(e->blk[i].state, "online");
}

static void build(struct env *e)
{
	memset(e, 0, sizeof(*e));
	for (int b = 0; b < MS_SECTION_NR_BITS; b++)
		e->lay.section_bit[b] = b;
	e->lay.page_shift = 12;
	e->lay.section_size_bits = 27;
	e->lay.subsections_per_section = 64;
	section(e, S_BOOT, 0, flag(e, MS_SECTION_ONLINE) | flag(e, MS_SECTION_EARLY), 1U << 1, 0);
	/* kmem: online, inside ZONE_DEVICE's span as the demo's section 36 */
	section(e, S_KMEM, 36, flag(e, MS_SECTION_ONLINE), 1U << 3 | 1U << DEV_ZONE, 0);
	section(e, S_DIMM, 40, flag(e, MS_SECTION_ONLINE), 1U << 2, 0);
	/* offline RAM: no node span holds it, its block knows the node */
	section(e, S_OFFLINE, 41, 0, 1U << DEV_ZONE, -1);
	section(e, S_DEVICE, 50, 0, 1U << DEV_ZONE, 0);
	section(e, S_TAINTED, 51, flag(e, MS_SECTION_ZONE_DEVICE), 0, 0);
	e->sp = (struct ms_sparse){ .layout = &e->lay, .sections = e->sec,
				    .nr_sections = NR, .zone_device_idx = DEV_ZONE };
	block(e, 0, 0, 0);
	block(e, 1, 36, 0);
	block(e, 2, 40, 0);
	block(e, 3, 41, 1);
	strcpy(e->blk[3].state, "offline");
	e->blocks = (struct ms_blocks){ .block_size = 1ULL << 27,
					.blocks = e->blk, .nr = 4 };
	e->io_r[0] = (struct ms_iomem_range){ 36ULL << 27, (37ULL << 27) - 1, 0, "dax0.0" };
	e->io_r[1] = (struct ms_iomem_range){ 36ULL << 27, (37ULL << 27) - 1, 1, "System RAM (kmem)" };
	e->io_r[2] = (struct ms_iomem_range){ 40ULL << 27, (41ULL << 27) - 1, 0, "System RAM" };
	e->iomem = (struct ms_iomem){ .ranges = e->io_r, .nr = 3 };
}

static enum ms_section_class cls(const struct env *e, int i, bool sysfs)
{
	return ms_section_class(&e->sp, &e->sec[i], sysfs ? &e->blocks : NULL,
				sysfs ? &e->iomem : NULL);
}

static void test_class_with_sysfs(void **state)
{
	struct env e;
	struct ms_facts f;
	struct ms_section_census n;

	build(&e);
	assert_int_equal(cls(&e, S_BOOT, true), MS_CLASS_EARLY);
	assert_int_equal(cls(&e, S_KMEM, true), MS_CLASS_KMEM);
	assert_int_equal(cls(&e, S_DIMM, true), MS_CLASS_HOTADDED);
	assert_int_equal(cls(&e, S_OFFLINE, true), MS_CLASS_OFFLINE);
	assert_int_equal(cls(&e, S_DEVICE, true), MS_CLASS_DEVICE);
	assert_int_equal(cls(&e, S_TAINTED, true), MS_CLASS_DEVICE);
	assert_null(ms_facts_build(&e.sp, &e.blocks, &e.iomem, &f));
	n = f.census;
	/* the facts table holds the same decisions, once per section */
	for (int i = 0; i < NR; i++) {
		const struct ms_section_facts *sf = ms_facts_section(&f, &e.sec[i]);

		assert_int_equal(sf->cls, cls(&e, i, true));
		assert_ptr_equal(sf->block, ms_section_block(&e.sp, &e.sec[i], &e.blocks));
		assert_int_equal(sf->nid, ms_section_node(&e.sp, &e.sec[i], &e.blocks));
	}
	assert_int_equal(f.sections[S_OFFLINE].nid, 1);
	assert_ptr_equal(f.sections[S_DEVICE].block, NULL);
	assert_string_equal(f.sections[S_KMEM].owner, "System RAM (kmem)");
	assert_string_equal(f.sections[S_DIMM].owner, "System RAM");
	assert_null(f.sections[S_BOOT].owner);
	ms_facts_release(&f);
	assert_int_equal(n.present, NR);
	assert_int_equal(n.by_class[MS_CLASS_DEVICE], 2);
	assert_int_equal(n.by_class[MS_CLASS_KMEM], 1);
	assert_int_equal(n.by_class[MS_CLASS_HOTADDED], 1);
	assert_string_equal(ms_section_class_name(MS_CLASS_KMEM), "kmem");
}

/* A core without sysfs: the flags and spans decide alone. */
static void test_class_without_sysfs(void **state)
{
	struct env e;

	build(&e);
	assert_int_equal(cls(&e, S_BOOT, false), MS_CLASS_EARLY);
	assert_int_equal(cls(&e, S_KMEM, false), MS_CLASS_KMEM);
	assert_int_equal(cls(&e, S_DIMM, false), MS_CLASS_HOTADDED);
	assert_int_equal(cls(&e, S_DEVICE, false), MS_CLASS_DEVICE);
	/* online memory is RAM, whatever ZONE_DEVICE's span says */
	assert_false(ms_section_is_device(&e.sp, &e.sec[S_KMEM]));
	assert_true(ms_section_is_device(&e.sp, &e.sec[S_DEVICE]));
	assert_true(ms_section_is_device(&e.sp, &e.sec[S_TAINTED]));
}

static void test_block_and_node(void **state)
{
	struct env e;
	char map[80];

	build(&e);
	assert_ptr_equal(ms_section_block(&e.sp, &e.sec[S_KMEM], &e.blocks), &e.blk[1]);
	assert_null(ms_section_block(&e.sp, &e.sec[S_DEVICE], &e.blocks));
	assert_null(ms_section_block(&e.sp, &e.sec[S_BOOT], NULL));
	assert_int_equal(ms_section_node(&e.sp, &e.sec[S_OFFLINE], &e.blocks), 1);
	assert_int_equal(ms_section_node(&e.sp, &e.sec[S_OFFLINE], NULL), -1);
	assert_int_equal(ms_section_node(&e.sp, &e.sec[S_BOOT], &e.blocks), 0);
	e.sec[S_BOOT].subsection_map[0] = 5;
	ms_section_subsection_map(&e.sp, &e.sec[S_BOOT], map, 5);
	assert_string_equal(map, "#.#.");
}

/* Device sections and no pgmap: the source lacks them (issue 11). */
static void test_pgmaps_missing(void **state)
{
	struct env e;
	struct ms_pgmap g = { 0 };
	struct ms_pgmaps none = { 0 }, one = { .v = &g, .nr = 1 };

	build(&e);
	assert_int_equal(ms_pgmaps_missing(&e.sp, &e.blocks, &none), 2);
	assert_int_equal(ms_pgmaps_missing(&e.sp, &e.blocks, NULL), 2);
	assert_int_equal(ms_pgmaps_missing(&e.sp, &e.blocks, &one), 0);
	/* offline RAM in ZONE_DEVICE's span is no device: without sysfs it
	 * cannot be told apart */
	e.sp.nr_sections = S_OFFLINE + 1;
	assert_int_equal(ms_pgmaps_missing(&e.sp, &e.blocks, &none), 0);
	assert_int_equal(ms_pgmaps_missing(&e.sp, NULL, &none), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_with_sysfs),
		cmocka_unit_test(test_class_without_sysfs),
		cmocka_unit_test(test_block_and_node),
		cmocka_unit_test(test_pgmaps_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
