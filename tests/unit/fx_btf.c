// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx_btf: a raw BTF blob per kernel variant, written with libbpf's writer
 * API, holding every type, member and enumerator the layout resolver
 * needs, with layouts that differ between variants on purpose (so a test
 * that passes for one by luck fails for another), and the answers in
 * struct fx_layout.
 *
 *   6.1   mem_section 32 bytes (page_ext), usage = { rcu_head; map },
 *         ZONE_DEVICE bit, no VMEMMAP_PREINIT bit, 5 zones, deferred init
 *   6.12  mem_section 16 bytes, usage = { map } (pre-6.8 order),
 *         no VMEMMAP_PREINIT bit, no first_deferred_pfn
 *   7.3   mem_section 32 bytes, usage = { rcu_head; map }, both optional
 *         bits, zone and pglist_data members in another order
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "fx.h"

struct w {
	struct btf *btf;
	int err;
	int ul, uint, sint, chr, vptr, cptr, list_head, rcu_head;
};

/* Records the first failure; every helper returns a usable id or 0. */
static int ok(struct w *w, int id)
{
	if (id < 0 && !w->err)
		w->err = id;
	return id < 0 ? 0 : id;
}

static void field(struct w *w, const char *name, int type, uint64_t byte_off)
{
	ok(w, btf__add_field(w->btf, name, type, byte_off * 8, 0));
}

static void base_types(struct w *w)
{
	struct btf *b = w->btf;

	w->ul = ok(w, btf__add_int(b, "long unsigned int", 8, 0));
	w->uint = ok(w, btf__add_int(b, "unsigned int", 4, 0));
	w->sint = ok(w, btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	w->chr = ok(w, btf__add_int(b, "char", 1, BTF_INT_SIGNED));
	w->vptr = ok(w, btf__add_ptr(b, 0));
	w->cptr = ok(w, btf__add_ptr(b, ok(w, btf__add_const(b, w->chr))));
	/* a fwd and a typedef, to check the finder skips both */
	ok(w, btf__add_fwd(b, "page", BTF_FWD_STRUCT));
	w->list_head = ok(w, btf__add_struct(b, "list_head", 16));
	field(w, "next", w->vptr, 0);
	field(w, "prev", w->vptr, 8);
	w->rcu_head = ok(w, btf__add_struct(b, "callback_head", 16));
	field(w, "next", w->vptr, 0);
	field(w, "func", w->vptr, 8);
	ok(w, btf__add_typedef(b, "rcu_head_t", w->rcu_head));
}

static void add_sparse(struct w *w, enum fx_variant v, struct fx_layout *l)
{
	struct btf *b = w->btf;
	bool rcu = v != FX_KERNEL_6_12;
	int map, flex;

	l->mem_section_size = v == FX_KERNEL_6_12 ? 16 : 32;
	l->ms_section_mem_map = 0;
	l->ms_usage = 8;
	ok(w, btf__add_struct(b, "mem_section", l->mem_section_size));
	field(w, "section_mem_map", w->ul, 0);
	field(w, "usage", w->vptr, 8);
	if (l->mem_section_size == 32) {	/* CONFIG_PAGE_EXTENSION */
		field(w, "page_ext", w->vptr, 16);
		field(w, "pad", w->ul, 24);
	}

	l->usage_subsection_longs = 1;
	l->usage_subsection_map = rcu ? 16 : 0;
	l->usage_size = l->usage_subsection_map + 8;
	map = ok(w, btf__add_array(b, w->uint, w->ul, 1));
	flex = ok(w, btf__add_array(b, w->uint, w->ul, 0));
	ok(w, btf__add_struct(b, "mem_section_usage", l->usage_size));
	if (rcu)	/* 6.8, stable 6.1.y: usage is freed by RCU */
		field(w, "rcu", w->rcu_head, 0);
	field(w, "subsection_map", map, l->usage_subsection_map);
	field(w, "pageblock_flags", flex, l->usage_size);
}

static void add_section_bits(struct w *w, enum fx_variant v,
			     struct fx_layout *l)
{
	static const char *const names[6] = {
		"SECTION_MARKED_PRESENT_BIT", "SECTION_HAS_MEM_MAP_BIT",
		"SECTION_IS_ONLINE_BIT", "SECTION_IS_EARLY_BIT",
		"SECTION_TAINT_ZONE_DEVICE_BIT",
		"SECTION_IS_VMEMMAP_PREINIT_BIT",
	};
	int n = 0;

	/* an unrelated anonymous enum first, as in a real kernel */
	ok(w, btf__add_enum(w->btf, NULL, 4));
	ok(w, btf__add_enum_value(w->btf, "PGDAT_DIRTY", 0));
	ok(w, btf__add_enum(w->btf, NULL, 4));
	for (int i = 0; i < 6; i++) {
		bool have = i < 5 || v == FX_KERNEL_7_3;

		l->section_bit[i] = have ? n : -1;
		if (have)
			ok(w, btf__add_enum_value(w->btf, names[i], n++));
	}
	l->section_map_last_bit = n;
	ok(w, btf__add_enum_value(w->btf, "SECTION_MAP_LAST_BIT", n));
}

/* struct page: flags, then anonymous unions of anonymous structs. */
static void add_page(struct w *w, enum fx_variant v, struct fx_layout *l)
{
	struct btf *b = w->btf;
	int lru_s, head_s, info_s = 0, u1, u2;

	l->page_size = 64;
	lru_s = ok(w, btf__add_struct(b, NULL, 40));
	field(w, "lru", w->list_head, 0);
	field(w, "mapping", w->vptr, 16);
	field(w, "index", w->ul, 24);
	field(w, "private", w->ul, 32);
	head_s = ok(w, btf__add_struct(b, NULL, 8));
	field(w, "compound_head", w->ul, 0);
	if (v == FX_KERNEL_7_3) {	/* 7.1 renamed it (tests/unit/fx_page.c) */
		info_s = ok(w, btf__add_struct(b, NULL, 8));
		field(w, "compound_info", w->ul, 0);
	}
	u1 = ok(w, btf__add_union(b, NULL, 40));
	field(w, NULL, lru_s, 0);
	field(w, NULL, head_s, 0);
	if (info_s)
		field(w, NULL, info_s, 0);
	u2 = ok(w, btf__add_union(b, NULL, 4));
	field(w, "_mapcount", w->sint, 0);
	field(w, "page_type", w->uint, 0);
	ok(w, btf__add_struct(b, "page", l->page_size));
	field(w, "flags", w->ul, 0);
	field(w, NULL, u1, 8);
	field(w, NULL, u2, 48);
	field(w, "_refcount", w->sint, 52);
	field(w, "memcg_data", w->ul, 56);
}

static void add_zone(struct w *w, enum fx_variant v, struct fx_layout *l)
{
	static const struct { uint64_t size, start, spanned, present, name; }
	zones[] = {
		[FX_KERNEL_6_1] = { 1664, 88, 104, 112, 136 },
		[FX_KERNEL_6_12] = { 1600, 80, 96, 104, 120 },
		[FX_KERNEL_7_3] = { 1728, 96, 120, 112, 64 },
	};
	static const char *const zone_names[] = {
		"ZONE_DMA", "ZONE_DMA32", "ZONE_NORMAL", "ZONE_MOVABLE",
		"ZONE_DEVICE",
	};
	struct btf *b = w->btf;

	l->zone_size = zones[v].size;
	l->zone_start_pfn = zones[v].start;
	l->zone_spanned_pages = zones[v].spanned;
	l->zone_present_pages = zones[v].present;
	l->zone_name = zones[v].name;
	ok(w, btf__add_struct(b, "zone", l->zone_size));
	field(w, "zone_start_pfn", w->ul, l->zone_start_pfn);
	field(w, "spanned_pages", w->ul, l->zone_spanned_pages);
	field(w, "present_pages", w->ul, l->zone_present_pages);
	field(w, "name", w->cptr, l->zone_name);

	l->max_nr_zones = 5;	/* Debian: ZONE_DEVICE everywhere */
	ok(w, btf__add_enum(b, "zone_type", 4));
	for (unsigned int i = 0; i < l->max_nr_zones; i++)
		ok(w, btf__add_enum_value(b, zone_names[i], i));
	ok(w, btf__add_enum_value(b, "__MAX_NR_ZONES", l->max_nr_zones));
}

static void add_pgdat(struct w *w, enum fx_variant v, struct fx_layout *l)
{
	static const struct {
		uint64_t size, start, present, spanned, id, deferred;
	} pg[] = {
		[FX_KERNEL_6_1] = { 11584, 10304, 10312, 10320, 10328, 10880 },
		[FX_KERNEL_6_12] = { 9024, 8384, 8392, 8400, 8408, 0 },
		[FX_KERNEL_7_3] = { 12032, 10632, 10640, 10648, 10624, 11200 },
	};
	struct btf *b = w->btf;
	int zone_id, zones;

	zone_id = btf__find_by_name_kind(b, "zone", BTF_KIND_STRUCT);
	zones = ok(w, btf__add_array(b, w->uint, ok(w, zone_id),
				     l->max_nr_zones));
	l->pgdat_size = pg[v].size;
	l->pgdat_node_zones = 0;
	l->pgdat_node_start_pfn = pg[v].start;
	l->pgdat_node_present_pages = pg[v].present;
	l->pgdat_node_spanned_pages = pg[v].spanned;
	l->pgdat_node_id = pg[v].id;
	l->pgdat_first_deferred_pfn = pg[v].deferred ? pg[v].deferred :
				      UINT64_MAX;
	ok(w, btf__add_struct(b, "pglist_data", l->pgdat_size));
	field(w, "node_zones", zones, 0);
	field(w, "node_start_pfn", w->ul, l->pgdat_node_start_pfn);
	field(w, "node_present_pages", w->ul, l->pgdat_node_present_pages);
	field(w, "node_spanned_pages", w->ul, l->pgdat_node_spanned_pages);
	field(w, "node_id", w->sint, l->pgdat_node_id);
	if (pg[v].deferred)	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT */
		field(w, "first_deferred_pfn", w->ul, pg[v].deferred);
	ok(w, btf__add_typedef(b, "pg_data_t", ok(w, btf__find_by_name_kind(
		b, "pglist_data", BTF_KIND_STRUCT))));
	l->max_numnodes = v == FX_KERNEL_6_12 ? 1024 : 64;
}

static int write_blob(struct btf *btf, const char *path)
{
	const void *data;
	__u32 size;
	FILE *f;

	data = btf__raw_data(btf, &size);
	if (!data)
		return -errno;
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

int fx_btf_write(enum fx_variant v, const char *path, struct fx_layout *lay)
{
	struct w w = { .btf = btf__new_empty() };
	int ret;

	if (!w.btf)
		return -errno;
	memset(lay, 0, sizeof(*lay));
	base_types(&w);
	add_sparse(&w, v, lay);
	add_section_bits(&w, v, lay);
	add_page(&w, v, lay);
	ok(&w, fx_page_btf(w.btf, v));	/* struct folio, page flags, page types */
	ok(&w, fx_vmemmap_btf(w.btf, v));	/* hstate, dev_pagemap, xarray */
	add_zone(&w, v, lay);
	add_pgdat(&w, v, lay);
	ok(&w, fx_sysmem_btf(w.btf, v));	/* memory_block, resource */
	ret = w.err ? w.err : write_blob(w.btf, path);
	btf__free(w.btf);
	return ret;
}
