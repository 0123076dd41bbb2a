// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SVG map's cells (src/cli/map_cells.c) and document on machines the
 * lab cannot boot: 16 TiB of 128M sections must aggregate into at most
 * MS_MAP_MAX_CELLS cells and a bounded SVG, with per-class section counts
 * exact; a small machine keeps one cell per section.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fx.h"
#include "../../src/cli/map_cells.h"

static struct fx_kernel k;
static struct ms_target *t;
static struct ms_kinfo *ki;

static int setup(void **state)
{
	struct fx_kernel_opts fo = fx_machine_opts(FX_KERNEL_6_12, 4);
	struct ms_error *err;

	if (fx_kernel_build(&fo, &k))
		return -1;
	err = fx_kernel_open(&k, &t, &ki);
	if (err) {
		fprintf(stderr, "setup: %s\n", err->msg);
		ms_error_free(err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	ms_kinfo_close(ki);
	ms_target_close(t);
	fx_kernel_remove(&k);
	return 0;
}

/* n sections of 128M: every 7th offline, the first half early, the rest
 * hot-added, every 5th with a quarter of its sub-sections active. */
static struct ms_sparse *machine(const struct ms_layout *lay, size_t n)
{
	struct ms_sparse *sp = calloc(1, sizeof(*sp));

	assert_non_null(sp);
	sp->layout = lay;
	sp->nr_sections = n;
	sp->sections = calloc(n, sizeof(*sp->sections));
	sp->zone_device_idx = -1;
	assert_non_null(sp->sections);
	for (size_t i = 0; i < n; i++) {
		struct ms_section *s = &sp->sections[i];
		uint64_t bits = (1ULL << lay->section_bit[MS_SECTION_PRESENT]) |
				(1ULL << lay->section_bit[MS_SECTION_HAS_MEM_MAP]);

		if (i % 7)
			bits |= 1ULL << lay->section_bit[MS_SECTION_ONLINE];
		if (i < n / 2)
			bits |= 1ULL << lay->section_bit[MS_SECTION_EARLY];
		s->nr = i;
		s->start_pfn = i * FX_PAGES_PER_SECTION;
		s->nr_pages = FX_PAGES_PER_SECTION;
		s->flag_bits = bits;
		s->subsection_map[0] = i % 5 ? ~0ULL : 0xffffULL;
		s->active = i % 5 ? 64 : 16;
		s->nid = 0;
	}
	return sp;
}

static void free_machine(struct ms_sparse *sp)
{
	free(sp->sections);
	free(sp);
}

static void test_16tib(void **state)
{
	struct ms_sparse *sp = machine(ms_kinfo_layout(ki), 131072);
	struct ms_map m = { 0 };
	struct ms_facts f;
	uint64_t active = 0;
	char *doc = NULL;
	size_t len = 0;
	FILE *out;

	assert_null(ms_facts_build(sp, NULL, NULL, &f));
	assert_null(ms_map_cells(&f, &m));
	ms_facts_release(&f);
	assert_true(m.nr_cells <= MS_MAP_MAX_CELLS);
	assert_int_equal(m.group, 64);
	assert_int_equal(m.nr_cells, 2048);
	/* sections per class exact, whatever the cells show */
	assert_int_equal(m.counts[MS_CLASS_OFFLINE], (131072 + 6) / 7);
	assert_int_equal(m.counts[MS_CLASS_EARLY] + m.counts[MS_CLASS_HOTADDED] +
			 m.counts[MS_CLASS_OFFLINE], 131072);
	assert_int_equal(m.counts[MS_CLASS_ABSENT], 0);
	for (uint64_t i = 0; i < m.nr_cells; i++)
		active += m.cells[i].active;
	assert_int_equal(active, 131072ULL * 64 - (131072 / 5 + 1) * 48);
	/* the first half early, but 1 in 7 offline: early is the most common */
	assert_int_equal(m.cells[0].cls, MS_CLASS_EARLY);
	assert_int_equal(m.cells[2047].cls, MS_CLASS_HOTADDED);
	out = open_memstream(&doc, &len);
	assert_non_null(out);
	ms_map_svg_write(out, &m, "6.12.0-fx", "16tib");
	fclose(out);
	print_message("16 TiB: %llu cells of %u sections, SVG %zu bytes\n",
		      (unsigned long long)m.nr_cells, m.group, len);
	assert_true(len < 1024 * 1024);
	assert_non_null(strstr(doc, "a cell is 64 sections (8G)"));
	free(doc);
	ms_map_free(&m);
	free_machine(sp);
}

static void test_small(void **state)
{
	struct ms_sparse *sp = machine(ms_kinfo_layout(ki), 40);
	struct ms_map m = { 0 };
	struct ms_facts f;

	assert_null(ms_facts_build(sp, NULL, NULL, &f));
	assert_null(ms_map_cells(&f, &m));
	ms_facts_release(&f);
	assert_int_equal(m.group, 1);
	assert_int_equal(m.nr_cells, 40);
	assert_int_equal(m.cells[7].cls, MS_CLASS_OFFLINE);
	assert_int_equal(m.cells[5].active, 16);
	assert_int_equal(m.cells[5].subsection_map[0], 0xffff);
	ms_map_free(&m);
	free_machine(sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_16tib),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
