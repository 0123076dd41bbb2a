// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx_page: what the struct page decoder needs of each synthetic kernel
 * variant, copied from the real kernels' BTF (Debian 6.1.0, 6.12.117,
 * 7.3.4): struct folio's first tail page, enum pageflags, enum pagetype
 * (6.12+), enum compound_dtor_id (6.1), and the VMCOREINFO page_type
 * values of 6.1. fx_btf.c adds struct page itself (compound_info on 7.3).
 */
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include "fx.h"

struct ev {
	const char *name;
	int value;
};

static const struct ev flags_6_1[] = {
	{ "PG_locked", 0 }, { "PG_referenced", 1 }, { "PG_uptodate", 2 }, { "PG_dirty", 3 }, { "PG_lru", 4 }, { "PG_active", 5 }, { "PG_workingset", 6 }, { "PG_waiters", 7 }, { "PG_error", 8 }, { "PG_slab", 9 }, { "PG_owner_priv_1", 10 }, { "PG_arch_1", 11 }, { "PG_reserved", 12 }, { "PG_private", 13 }, { "PG_private_2", 14 }, { "PG_writeback", 15 }, { "PG_head", 16 }, { "PG_mappedtodisk", 17 }, { "PG_reclaim", 18 }, { "PG_swapbacked", 19 }, { "PG_unevictable", 20 }, { "PG_mlocked", 21 }, { "PG_uncached", 22 }, { "PG_hwpoison", 23 }, { "PG_arch_2", 24 }, { "__NR_PAGEFLAGS", 25 }, { "PG_readahead", 18 }, { "PG_anon_exclusive", 17 }, { "PG_checked", 10 }, { "PG_swapcache", 10 }, { "PG_fscache", 14 }, { "PG_pinned", 10 }, { "PG_savepinned", 3 }, { "PG_foreign", 10 }, { "PG_xen_remapped", 10 }, { "PG_slob_free", 13 }, { "PG_double_map", 6 }, { "PG_has_hwpoisoned", 8 }, { "PG_isolated", 18 }, { "PG_reported", 2 }, { "PG_vmemmap_self_hosted", 10 },
	{ NULL, 0 },
};
static const struct ev dtor_6_1[] = {
	{ "NULL_COMPOUND_DTOR", 0 }, { "COMPOUND_PAGE_DTOR", 1 }, { "HUGETLB_PAGE_DTOR", 2 }, { "TRANSHUGE_PAGE_DTOR", 3 }, { "NR_COMPOUND_DTORS", 4 },
	{ NULL, 0 },
};
static const struct ev flags_6_12[] = {
	{ "PG_locked", 0 }, { "PG_writeback", 1 }, { "PG_referenced", 2 }, { "PG_uptodate", 3 }, { "PG_dirty", 4 }, { "PG_lru", 5 }, { "PG_head", 6 }, { "PG_waiters", 7 }, { "PG_active", 8 }, { "PG_workingset", 9 }, { "PG_owner_priv_1", 10 }, { "PG_owner_2", 11 }, { "PG_arch_1", 12 }, { "PG_reserved", 13 }, { "PG_private", 14 }, { "PG_private_2", 15 }, { "PG_reclaim", 16 }, { "PG_swapbacked", 17 }, { "PG_unevictable", 18 }, { "PG_mlocked", 19 }, { "PG_hwpoison", 20 }, { "PG_young", 21 }, { "PG_idle", 22 }, { "PG_arch_2", 23 }, { "__NR_PAGEFLAGS", 24 }, { "PG_readahead", 16 }, { "PG_swapcache", 10 }, { "PG_checked", 10 }, { "PG_anon_exclusive", 11 }, { "PG_mappedtodisk", 11 }, { "PG_fscache", 15 }, { "PG_pinned", 10 }, { "PG_savepinned", 4 }, { "PG_foreign", 10 }, { "PG_xen_remapped", 10 }, { "PG_isolated", 16 }, { "PG_reported", 3 }, { "PG_vmemmap_self_hosted", 10 }, { "PG_has_hwpoisoned", 8 }, { "PG_large_rmappable", 9 }, { "PG_partially_mapped", 16 },
	{ NULL, 0 },
};
static const struct ev flags_7_3[] = {
	{ "PG_locked", 0 }, { "PG_writeback", 1 }, { "PG_referenced", 2 }, { "PG_uptodate", 3 }, { "PG_dirty", 4 }, { "PG_lru", 5 }, { "PG_head", 6 }, { "PG_waiters", 7 }, { "PG_active", 8 }, { "PG_workingset", 9 }, { "PG_owner_priv_1", 10 }, { "PG_owner_2", 11 }, { "PG_arch_1", 12 }, { "PG_reserved", 13 }, { "PG_private", 14 }, { "PG_private_2", 15 }, { "PG_reclaim", 16 }, { "PG_swapbacked", 17 }, { "PG_unevictable", 18 }, { "PG_dropbehind", 19 }, { "PG_mlocked", 20 }, { "PG_hwpoison", 21 }, { "PG_young", 22 }, { "PG_idle", 23 }, { "PG_arch_2", 24 }, { "__NR_PAGEFLAGS", 25 }, { "PG_readahead", 16 }, { "PG_swapcache", 10 }, { "PG_checked", 10 }, { "PG_anon_exclusive", 11 }, { "PG_mappedtodisk", 11 }, { "PG_fscache", 15 }, { "PG_pinned", 10 }, { "PG_savepinned", 4 }, { "PG_foreign", 10 }, { "PG_xen_remapped", 10 }, { "PG_movable_ops_isolated", 16 }, { "PG_movable_ops", 3 }, { "PG_reported", 3 }, { "PG_vmemmap_self_hosted", 10 }, { "PG_has_hwpoisoned", 8 }, { "PG_large_rmappable", 9 }, { "PG_partially_mapped", 16 },
	{ NULL, 0 },
};
static const struct ev types_6_12[] = {
	{ "PGTY_buddy", 240 }, { "PGTY_offline", 241 }, { "PGTY_table", 242 }, { "PGTY_guard", 243 }, { "PGTY_hugetlb", 244 }, { "PGTY_slab", 245 }, { "PGTY_zsmalloc", 246 }, { "PGTY_unaccepted", 247 }, { "PGTY_mapcount_underflow", 255 },
	{ NULL, 0 },
};
static const struct ev types_7_3[] = {
	{ "PGTY_buddy", 240 }, { "PGTY_offline", 241 }, { "PGTY_table", 242 }, { "PGTY_guard", 243 }, { "PGTY_hugetlb", 244 }, { "PGTY_slab", 245 }, { "PGTY_zsmalloc", 246 }, { "PGTY_unaccepted", 247 }, { "PGTY_large_kmalloc", 248 }, { "PGTY_mapcount_underflow", 255 },
	{ NULL, 0 },
};

static int add_enum(struct btf *b, const char *name, const struct ev *e)
{
	int id = btf__add_enum(b, name, 4);

	for (; id > 0 && e->name; e++)
		if (btf__add_enum_value(b, e->name, e->value))
			return -EINVAL;
	return id < 0 ? id : 0;
}

struct fm {
	const char *name;
	int type;		/* 0 ul, 1 uint, 2 int, 3 uchar, 4 void * */
	unsigned int off;
};

/* struct folio: the first tail page's members, at their real offsets. */
static const struct fm folio_6_1[] = {
	{ "_flags_1", 0, 64 }, { "__head", 0, 72 }, { "_folio_dtor", 3, 80 },
	{ "_folio_order", 3, 81 }, { "_total_mapcount", 2, 84 },
	{ "_pincount", 2, 88 }, { "_folio_nr_pages", 1, 92 }, { NULL, 0, 0 },
};
static const struct fm folio_6_12[] = {
	{ "_flags_1", 0, 64 }, { "_head_1", 0, 72 }, { "_large_mapcount", 2, 80 },
	{ "_entire_mapcount", 2, 84 }, { "_nr_pages_mapped", 2, 88 },
	{ "_pincount", 2, 92 }, { "_folio_nr_pages", 1, 96 }, { NULL, 0, 0 },
};
static const struct fm folio_7_3[] = {
	{ "_flags_1", 0, 64 }, { "_head_1", 0, 72 }, { "_large_mapcount", 2, 80 },
	{ "_nr_pages_mapped", 2, 84 }, { "_entire_mapcount", 2, 88 },
	{ "_pincount", 2, 92 }, { "_mapcount_1", 2, 112 },
	{ "_refcount_1", 2, 116 }, { "_nr_pages", 1, 120 }, { NULL, 0, 0 },
};

static int add_folio(struct btf *b, enum fx_variant v)
{
	const struct fm *m = v == FX_KERNEL_6_1 ? folio_6_1 :
			     v == FX_KERNEL_6_12 ? folio_6_12 : folio_7_3;
	int types[5], page, u0 = 0, id;

	types[0] = btf__find_by_name_kind(b, "long unsigned int", BTF_KIND_INT);
	types[1] = btf__find_by_name_kind(b, "unsigned int", BTF_KIND_INT);
	types[2] = btf__find_by_name_kind(b, "int", BTF_KIND_INT);
	types[3] = btf__add_int(b, "unsigned char", 1, 0);
	types[4] = btf__add_ptr(b, 0);
	page = btf__find_by_name_kind(b, "page", BTF_KIND_STRUCT);
	for (int i = 0; i < 5; i++)
		if (types[i] <= 0)
			return -ENOENT;
	if (page <= 0)
		return -ENOENT;
	if (v == FX_KERNEL_7_3) {	/* 7.x: folio.pgmap, not page.pgmap */
		int s = btf__add_struct(b, NULL, 16);

		if (s < 0 || btf__add_field(b, "flags", types[0], 0, 0) ||
		    btf__add_field(b, "pgmap", types[4], 64, 0))
			return -EINVAL;
		u0 = btf__add_union(b, NULL, 64);
		if (u0 < 0 || btf__add_field(b, NULL, s, 0, 0) ||
		    btf__add_field(b, "page", page, 0, 0))
			return -EINVAL;
	}
	id = btf__add_struct(b, "folio", v == FX_KERNEL_6_1 ? 128 : 256);
	if (id < 0)
		return id;
	if (btf__add_field(b, u0 ? NULL : "page", u0 ? u0 : page, 0, 0))
		return -EINVAL;
	for (; m->name; m++)
		if (btf__add_field(b, m->name, types[m->type], m->off * 8, 0))
			return -EINVAL;
	return 0;
}

int fx_page_btf(struct btf *b, enum fx_variant v)
{
	int ret = add_folio(b, v);

	if (!ret)
		ret = add_enum(b, "pageflags", v == FX_KERNEL_6_1 ? flags_6_1 :
			       v == FX_KERNEL_6_12 ? flags_6_12 : flags_7_3);
	if (!ret && v == FX_KERNEL_6_1)
		ret = add_enum(b, "compound_dtor_id", dtor_6_1);
	if (!ret && v != FX_KERNEL_6_1)
		ret = add_enum(b, "pagetype", v == FX_KERNEL_6_12 ? types_6_12 :
			       types_7_3);
	return ret;
}

/* 6.1: page types are #defines; VMCOREINFO has ~PG_buddy and ~PG_offline. */
const char *fx_page_vmcoreinfo(enum fx_variant v)
{
	if (v == FX_KERNEL_6_1)
		return "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
		       "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
		       "NUMBER(HUGETLB_PAGE_DTOR)=2\n";
	return "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	       "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n";
}
