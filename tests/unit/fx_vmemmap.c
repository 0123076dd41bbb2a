// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture additions for the vmemmap and devices model (issue 7): the types
 * of struct hstate, struct dev_pagemap (with vmem_altmap and struct range),
 * enum memory_type and the xarray, laid out as 6.12 does; and in the
 * synthetic kernel's memory, hstates[] (2 MiB and 1 GiB, no folios: their
 * struct pages would sit in the fixture's unreadable boot frames) and a
 * pgmap_array xarray holding one 2 MiB-compound device-dax pgmap over the
 * machine's device sections, reached twice (a multi-index entry with
 * siblings, and again through a child node) so readers must deduplicate.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "fx.h"
#include "memscope/kinfo.h"

#define HS_SIZE		1120
#define HS_ORDER	8
#define HS_NR		32
#define HS_FREELISTS	48
#define HS_NODES	64
#define HS_ACTIVE	(HS_FREELISTS + HS_NODES * 16)
#define HS_NAME		(HS_ACTIVE + 16)
#define PG_SIZE		152
#define PG_TYPE		96
#define PG_SHIFT	104
#define PG_NR_RANGE	128
#define PG_RANGE	136
#define XA_SLOTS	40
#define XA_NODE_SIZE	(XA_SLOTS + 64 * 8 + 24)
#define MEMORY_DEVICE_GENERIC 4

static int err_of(int id, int *err)
{
	if (id < 0 && !*err)
		*err = id;
	return id < 0 ? 0 : id;
}

static int find(struct btf *b, const char *name, int kind, int *err)
{
	int id = btf__find_by_name_kind(b, name, kind);

	return id < 0 ? err_of(-ENOENT, err) : id;
}

int fx_vmemmap_btf(struct btf *b, enum fx_variant v)
{
	int err = 0, ul, uint, uchar, chr, vptr, lh, arr, lh_arr, name, range;
	int altmap, un, mt, ranges0;

	ul = find(b, "long unsigned int", BTF_KIND_INT, &err);
	uint = find(b, "unsigned int", BTF_KIND_INT, &err);
	chr = find(b, "char", BTF_KIND_INT, &err);
	lh = find(b, "list_head", BTF_KIND_STRUCT, &err);
	vptr = err_of(btf__add_ptr(b, 0), &err);
	uchar = err_of(btf__add_int(b, "unsigned char", 1, 0), &err);
	lh_arr = err_of(btf__add_array(b, uint, lh, HS_NODES), &err);
	name = err_of(btf__add_array(b, uint, chr, 32), &err);
	arr = err_of(btf__add_array(b, uint, vptr, 64), &err);

	err_of(btf__add_struct(b, "hstate", HS_SIZE), &err);
	err_of(btf__add_field(b, "order", uint, HS_ORDER * 8, 0), &err);
	err_of(btf__add_field(b, "nr_huge_pages", ul, HS_NR * 8, 0), &err);
	err_of(btf__add_field(b, "hugepage_freelists", lh_arr, HS_FREELISTS * 8, 0), &err);
	err_of(btf__add_field(b, "hugepage_activelist", lh, HS_ACTIVE * 8, 0), &err);
	err_of(btf__add_field(b, "name", name, HS_NAME * 8, 0), &err);

	range = err_of(btf__add_struct(b, "range", 16), &err);
	err_of(btf__add_field(b, "start", ul, 0, 0), &err);
	err_of(btf__add_field(b, "end", ul, 64, 0), &err);
	altmap = err_of(btf__add_struct(b, "vmem_altmap", 48), &err);
	err_of(btf__add_field(b, "base_pfn", ul, 0, 0), &err);
	err_of(btf__add_field(b, "end_pfn", ul, 64, 0), &err);
	err_of(btf__add_field(b, "reserve", ul, 128, 0), &err);
	err_of(btf__add_field(b, "free", ul, 192, 0), &err);
	err_of(btf__add_field(b, "align", ul, 256, 0), &err);
	err_of(btf__add_field(b, "alloc", ul, 320, 0), &err);
	mt = err_of(btf__add_enum(b, "memory_type", 4), &err);
	err_of(btf__add_enum_value(b, "MEMORY_DEVICE_PRIVATE", 1), &err);
	if (v != FX_KERNEL_6_1)	/* a variant without it: optional */
		err_of(btf__add_enum_value(b, "MEMORY_DEVICE_COHERENT", 2), &err);
	err_of(btf__add_enum_value(b, "MEMORY_DEVICE_FS_DAX", 3), &err);
	err_of(btf__add_enum_value(b, "MEMORY_DEVICE_GENERIC", MEMORY_DEVICE_GENERIC), &err);
	err_of(btf__add_enum_value(b, "MEMORY_DEVICE_PCI_P2PDMA", 5), &err);
	ranges0 = err_of(btf__add_array(b, uint, range, 0), &err);
	un = err_of(btf__add_union(b, NULL, 16), &err);
	err_of(btf__add_field(b, "range", range, 0, 0), &err);
	err_of(btf__add_field(b, "ranges", ranges0, 0, 0), &err);
	err_of(btf__add_struct(b, "dev_pagemap", PG_SIZE), &err);
	err_of(btf__add_field(b, "altmap", altmap, 0, 0), &err);
	err_of(btf__add_field(b, "type", mt, PG_TYPE * 8, 0), &err);
	err_of(btf__add_field(b, "flags", uint, (PG_TYPE + 4) * 8, 0), &err);
	err_of(btf__add_field(b, "vmemmap_shift", ul, PG_SHIFT * 8, 0), &err);
	err_of(btf__add_field(b, "nr_range", uint, PG_NR_RANGE * 8, 0), &err);
	err_of(btf__add_field(b, NULL, un, PG_RANGE * 8, 0), &err);

	err_of(btf__add_struct(b, "xarray", 16), &err);
	err_of(btf__add_field(b, "xa_flags", uint, 32, 0), &err);
	err_of(btf__add_field(b, "xa_head", vptr, 64, 0), &err);
	err_of(btf__add_struct(b, "xa_node", XA_NODE_SIZE), &err);
	err_of(btf__add_field(b, "shift", uchar, 0, 0), &err);
	err_of(btf__add_field(b, "parent", vptr, 64, 0), &err);
	err_of(btf__add_field(b, "slots", arr, XA_SLOTS * 8, 0), &err);
	return err;
}

static void put(struct fx_mem *m, uint64_t pa, uint64_t v, size_t n)
{
	memcpy(fx_mem_ptr(m, pa), &v, n);
}

static uint64_t put_hstate(struct fx_mem *m, uint64_t pa, uint64_t pob,
			   unsigned int order, const char *name)
{
	put(m, pa + HS_ORDER, order, 4);
	for (int n = 0; n <= HS_NODES; n++) {	/* empty lists: next = prev = self */
		uint64_t l = pa + HS_FREELISTS + 16ULL * n;

		put(m, l, pob + l, 8);
		put(m, l + 8, pob + l, 8);
	}
	memcpy(fx_mem_ptr(m, pa + HS_NAME), name, strlen(name) + 1);
	return pa;
}

size_t fx_vmemmap_build(struct fx_mem *m, uint64_t pob,
			const struct fx_kernel_opts *o, char *kallsyms,
			size_t len)
{
	uint64_t hs = fx_mem_alloc(m, 3 * HS_SIZE, 64);
	uint64_t pg = fx_mem_alloc(m, PG_SIZE, 64);
	uint64_t xa = fx_mem_alloc(m, 16, 8);
	uint64_t top = fx_mem_alloc(m, XA_NODE_SIZE, 8);
	uint64_t child = fx_mem_alloc(m, XA_NODE_SIZE, 8);
	uint64_t lo = UINT64_MAX, hi = 0;

	put_hstate(m, hs, pob, 9, "hugepages-2048kB");
	put_hstate(m, hs + HS_SIZE, pob, 18, "hugepages-1048576kB");
	/* hstates[2] stays zero: order 0 ends the list */
	for (size_t i = 0; i < o->nr_sections; i++) {
		const struct fx_section *s = &o->sections[i];
		uint64_t start = s->nr * FX_PAGES_PER_SECTION << 12;
		unsigned int n = (unsigned int)__builtin_popcountll(s->subsection_map);

		if (!(s->flags & (1U << MS_SECTION_ZONE_DEVICE)))
			continue;
		lo = start < lo ? start : lo;
		/* populated sub-sections are the low ones in fx_machine */
		hi = start + n * (2ULL << 20) > hi ? start + n * (2ULL << 20) : hi;
	}
	put(m, pg + PG_TYPE, MEMORY_DEVICE_GENERIC, 4);
	put(m, pg + PG_SHIFT, 9, 8);
	put(m, pg + PG_NR_RANGE, 1, 4);
	put(m, pg + PG_RANGE, lo, 8);
	put(m, pg + PG_RANGE + 8, hi - 1, 8);
	/* xa_head -> top node: the pgmap, three siblings, a child node */
	put(m, xa + 8, pob + top + 2, 8);
	put(m, top, 12, 1);
	put(m, top + XA_SLOTS, pob + pg, 8);
	for (int i = 1; i < 4; i++)
		put(m, top + XA_SLOTS + 8 * i, 2, 8);	/* xa_mk_sibling(0) */
	put(m, top + XA_SLOTS + 8 * 5, pob + child + 2, 8);
	put(m, child + XA_SLOTS + 8 * 7, pob + pg, 8);
	if (o->hostile & FX_HOSTILE_XA_CYCLE)
		for (int i = 0; i < 64; i++)
			put(m, top + XA_SLOTS + 8 * i, pob + top + 2, 8);
	return (size_t)snprintf(kallsyms, len,
				"%016" PRIx64 " B hstates\n%016" PRIx64 " b pgmap_array\n",
				pob + hs, pob + xa);
}
