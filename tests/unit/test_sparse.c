// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sparse model on synthetic kernels of each layout variant, under 4-
 * and 5-level paging: sections, flags, sub-sections, memmap decoding,
 * nodes and zones, with known answers; and a planted wrong memmap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "fx.h"
#include "memscope/pgmap.h"
#include "memscope/sparse.h"

#define F(bit) (1U << MS_SECTION_##bit)
#define PAGES_PER_SECTION FX_PAGES_PER_SECTION

/* the fixture machine's sections and zones on o's kernel */
static struct ms_error *load_opts(struct fx_loaded *l, struct fx_kernel_opts *o)
{
	struct fx_kernel_opts m = fx_machine_opts(o->variant, o->levels);

	o->sections = m.sections;
	o->nr_sections = m.nr_sections;
	o->zones = m.zones;
	o->nr_zones = m.nr_zones;
	return fx_loaded_open(o, l);
}

static struct ms_error *load(struct fx_loaded *l, enum fx_variant v, int levels,
			     bool corrupt)
{
	struct fx_kernel_opts o = {
		.variant = v, .levels = levels, .corrupt_memmap = corrupt,
	};

	return load_opts(l, &o);
}

static void check_sections(enum fx_variant v, int levels)
{
	struct fx_loaded l;
	struct ms_error *err = load(&l, v, levels, false);
	const struct ms_sparse *sp;
	char zone[64];

	if (err)
		fail_msg("load: %s", err->msg);
	sp = l.sp;
	assert_int_equal(sp->layout->pgtable_levels, levels);
	assert_int_equal(sp->nr_sections, fx_machine_nr_sections);
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		const struct fx_section *want = &fx_machine_sections[i];

		assert_int_equal(s->nr, want->nr);
		assert_int_equal(s->start_pfn, want->nr * PAGES_PER_SECTION);
		assert_int_equal(s->memmap, l.k.vmemmap_base +
				 s->start_pfn * l.k.lay.page_size);
		assert_int_equal(s->subsection_map[0], want->subsection_map);
		assert_int_equal(s->active, __builtin_popcountll(want->subsection_map));
		for (int b = 0; b < MS_SECTION_NR_BITS; b++) {
			bool exists = l.k.lay.section_bit[b] >= 0;

			assert_int_equal(ms_section_has(sp, s, b),
					 exists && (want->flags & (1U << b)));
		}
		/* without a Device zone no span covers the device */
		assert_int_equal(s->nid, (want->flags & F(ZONE_DEVICE)) &&
				 l.k.lay.max_nr_zones < 5 ? -1 : 0);
	}
	assert_int_equal(sp->sections[7].active, 40);
	assert_true(ms_section_subsection_active(&sp->sections[7], 39));
	assert_false(ms_section_subsection_active(&sp->sections[7], 40));
	assert_int_equal(sp->sections[3].active, 32);
	ms_section_zone_names(sp, &sp->sections[0], zone, sizeof(zone));
	assert_string_equal(zone, "DMA/DMA32");
	ms_section_zone_names(sp, &sp->sections[2], zone, sizeof(zone));
	assert_string_equal(zone, "DMA32");
	ms_section_zone_names(sp, &sp->sections[4], zone, sizeof(zone));
	assert_string_equal(zone, "");
	ms_section_zone_names(sp, &sp->sections[5], zone, sizeof(zone));
	assert_string_equal(zone, "Movable");
	ms_section_zone_names(sp, &sp->sections[7], zone, sizeof(zone));
	assert_string_equal(zone, l.k.lay.max_nr_zones > 4 ? "Device" : "");
	assert_ptr_equal(ms_sparse_find(sp, 41 * PAGES_PER_SECTION + 5),
			 &sp->sections[7]);
	assert_true(ms_section_is_device(sp, &sp->sections[6]));
	assert_false(ms_section_is_device(sp, &sp->sections[5]));
	assert_null(ms_sparse_find(sp, 20 * PAGES_PER_SECTION));
	assert_int_equal(sp->nr_nodes, 1);
	assert_int_equal(sp->nodes[0].start_pfn, 1);
	fx_loaded_close(&l);
}

static void sections_6_1_l4(void **state) { check_sections(FX_KERNEL_6_1, 4); }
static void sections_6_1_l5(void **state) { check_sections(FX_KERNEL_6_1, 5); }
static void sections_6_12_l4(void **state) { check_sections(FX_KERNEL_6_12, 4); }
static void sections_6_12_l5(void **state) { check_sections(FX_KERNEL_6_12, 5); }
static void sections_7_3_l4(void **state) { check_sections(FX_KERNEL_7_3, 4); }
static void sections_7_3_l5(void **state) { check_sections(FX_KERNEL_7_3, 5); }

static void wrong_memmap_is_an_error(void **state)
{
	struct fx_loaded l;
	struct ms_error *err = load(&l, FX_KERNEL_6_12, 4, true);

	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_FORMAT);
	assert_non_null(strstr(err->msg, "section 41"));
	assert_non_null(strstr(err->msg, "layout does not match"));
	ms_error_free(err);
	fx_loaded_close(&l);
}

/* ---- hostile kernel data (issue 10): one clear error, never a figure ---- */

static void expect_load_error(struct fx_kernel_opts *o, const char *want)
{
	struct fx_loaded l;
	struct ms_error *err = load_opts(&l, o);

	if (!err)
		fail_msg("loaded %zu sections; want an error with \"%s\"",
			 l.sp ? l.sp->nr_sections : 0, want);
	if (err->code != MS_ERR_FORMAT || !strstr(err->msg, want))
		fail_msg("got code %d \"%s\", want \"%s\"", err->code,
			 err->msg, want);
	assert_null(l.sp);
	ms_error_free(err);
	fx_loaded_close(&l);
}

static void usage_wraps(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_12, .levels = 4,
				    .hostile = FX_HOSTILE_USAGE_WRAP };

	expect_load_error(&o, "section 41: mem_section.usage 0xffffffffffffffff wraps the address space");
}

static void usage_shared(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_7_3, .levels = 5,
				    .hostile = FX_HOSTILE_USAGE_SHARED };

	expect_load_error(&o, "sections 0 and 1 share mem_section_usage at 0x");
}

static void roots_aliased(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_1, .levels = 4,
				    .hostile = FX_HOSTILE_ROOTS_ALIASED };

	expect_load_error(&o, "mem_section roots 0 and 1 overlap");
}

static void node_data_zero(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_12, .levels = 4,
				    .hostile = FX_HOSTILE_NODE_DATA_ZERO };

	expect_load_error(&o, "holds no node (all 64 entries are NULL)");
}

/* max_pfn bounds the boot sections: 4 sections' worth holds the machine's
 * (0-3; the hot-added and device ones lie above it, as on the lab's 7.3),
 * 2 sections' worth does not. */
static void max_pfn_bound(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_12, .levels = 4,
				    .max_pfn = 4 * PAGES_PER_SECTION - 3 };
	struct fx_loaded l;
	struct ms_error *err = load_opts(&l, &o);

	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(l.sp->layout->max_pfn, 4 * PAGES_PER_SECTION - 3);
	assert_int_equal(l.sp->nr_sections, fx_machine_nr_sections);
	fx_loaded_close(&l);
	o.max_pfn = 2 * PAGES_PER_SECTION - 7;
	expect_load_error(&o, "4 boot (early) sections, but max_pfn 0xfff9 allows at most 2");
}

/* VMCOREINFO constants outside what any kernel has: one line naming it. */
static void vmcoreinfo_bounds(void **state)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_12, .levels = 4 };

	o.vi_extra = "NUMBER(SECTION_SIZE_BITS)=40\n";
	expect_load_error(&o, "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=40 is outside 21..30");
	o.vi_extra = "NUMBER(SECTION_SIZE_BITS)=12\n";
	expect_load_error(&o, "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=12 is outside 21..30");
	o.vi_extra = "PAGESIZE=1099511627776\n";
	expect_load_error(&o, "VMCOREINFO PAGESIZE=1099511627776 is not a page size");
}

/* Loads the 7.3 machine with damage, then its pgmaps. */
static struct ms_error *load_pgmaps(struct fx_loaded *l, unsigned int hostile,
				    struct ms_pgmaps **pm)
{
	/* (7.x: folio.pgmap; the older fixtures have no pgmap member) */
	struct fx_kernel_opts o = { .variant = FX_KERNEL_7_3, .levels = 4,
				    .hostile = hostile };
	struct ms_error *err = load_opts(l, &o);

	if (err)
		fail_msg("%s", err->msg);
	*pm = NULL;
	return ms_pgmap_load(l->t, l->ki, l->sp, pm);
}

/*
 * No pgmap_array and device struct pages whose pgmap pointers read
 * nothing: no pgmap, each probed sub-section counted as undecoded (it
 * leaked an error object per probe, then sorted a NULL array).
 */
static void device_garbage_7_3(void **state)
{
	struct ms_pgmaps *pm;
	struct ms_error *err;
	struct fx_loaded l;

	err = load_pgmaps(&l, FX_HOSTILE_DEVICE_GARBAGE, &pm);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(pm->nr, 0);
	/* sections 40 (64 active sub-sections) and 41 (40) */
	assert_int_equal(pm->nr_undecoded, 104);
	ms_pgmaps_free(pm);
	fx_loaded_close(&l);
}

/* pgmap_array's xarray node whose slots all point back to it: one error
 * naming it. */
static void pgmap_xarray_cycle(void **state)
{
	struct ms_pgmaps *pm;
	struct ms_error *err;
	struct fx_loaded l;

	err = load_pgmaps(&l, FX_HOSTILE_XA_CYCLE, &pm);
	assert_non_null(err);
	assert_null(pm);
	assert_non_null(strstr(err->msg, "pgmap_array: xarray node 0x"));
	assert_non_null(strstr(err->msg, "is reached twice"));
	ms_error_free(err);
	fx_loaded_close(&l);
}

/* Moves member of struct type to byte offset off in the BTF file path. */
static void move_member(const char *path, const char *type, const char *member,
			uint32_t off)
{
	struct btf *b = btf__parse(path, NULL);
	struct btf_member *m;
	struct btf_type *t;
	const void *raw;
	__u32 size;
	FILE *f;
	int id;

	assert_non_null(b);
	id = btf__find_by_name_kind(b, type, BTF_KIND_STRUCT);
	assert_true(id > 0);
	/* adding a type makes the parsed BTF writable in place */
	assert_true(btf__add_int(b, "fx_writable", 4, 0) > 0);
	t = (struct btf_type *)btf__type_by_id(b, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(b, m->name_off), member))
			m->offset = off * 8;
	raw = btf__raw_data(b, &size);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	btf__free(b);
}

/* Type information whose member lies outside its struct: one error naming
 * it, not a read past the buffer. */
static void member_outside(const char *type, const char *member,
			   uint64_t off_of_size, const char *want)
{
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_1, .levels = 4,
				    .sections = fx_machine_sections,
				    .nr_sections = fx_machine_nr_sections,
				    .zones = fx_machine_zones,
				    .nr_zones = fx_machine_nr_zones };
	struct ms_kinfo_opts ko;
	struct ms_error *err;
	struct fx_loaded l;

	memset(&l, 0, sizeof(l));
	assert_int_equal(fx_kernel_build(&o, &l.k), 0);
	move_member(l.k.btf, type, member, (uint32_t)off_of_size);
	ko = (struct ms_kinfo_opts){ .sysroot = l.k.sysroot, .btf_path = l.k.btf };
	assert_null(ms_target_open(l.k.core, &l.t));
	err = ms_kinfo_open(l.t, &ko, &l.ki);
	if (!err)
		fail_msg("opened; want \"%s\"", want);
	if (err->code != MS_ERR_FORMAT || !strstr(err->msg, want))
		fail_msg("got \"%s\", want \"%s\"", err->msg, want);
	ms_error_free(err);
	fx_loaded_close(&l);
}

static void members_outside(void **state)
{
	/* the 6.1 fixture: struct zone of 1664 bytes, mem_section of 32 */
	member_outside("zone", "name", 1664,
		       "struct zone.name at offset 1664 does not fit in its 1664 bytes");
	member_outside("mem_section", "usage", 28,
		       "struct mem_section.usage at offset 28 does not fit in its 32 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections_6_1_l4),
		cmocka_unit_test(sections_6_1_l5),
		cmocka_unit_test(sections_6_12_l4),
		cmocka_unit_test(sections_6_12_l5),
		cmocka_unit_test(sections_7_3_l4),
		cmocka_unit_test(sections_7_3_l5),
		cmocka_unit_test(wrong_memmap_is_an_error),
		cmocka_unit_test(usage_wraps),
		cmocka_unit_test(usage_shared),
		cmocka_unit_test(roots_aliased),
		cmocka_unit_test(node_data_zero),
		cmocka_unit_test(max_pfn_bound),
		cmocka_unit_test(vmcoreinfo_bounds),
		cmocka_unit_test(device_garbage_7_3),
		cmocka_unit_test(pgmap_xarray_cycle),
		cmocka_unit_test(members_outside),
	};

	return cmocka_run_group_tests_name("sparse", tests, NULL, NULL);
}
