// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ZONE_DEVICE domain: struct dev_pagemap and where to find every one
 * (pgmap_array, an xarray; else the struct pages of device sections,
 * whose pointer the page domain knows). Asked only when a target has
 * device memory (pgmap.c): kernels without it need not have the types.
 */
#include <inttypes.h>

#include "internal.h"

#define DP(kind, flags, type, name, field) \
	MS_NEED_ROW(kind, flags, type, name, struct ms_pgmap_layout, field)
#define OPT MS_NEED_OPTIONAL

static const char dp[] = "struct dev_pagemap";

static const struct ms_need pgmap_needs[] = {
	/* static: kallsyms knows it (CONFIG_KALLSYMS_ALL) */
	DP(SYMBOL, OPT, NULL, "pgmap_array", sym_pgmap_array),
	DP(SIZE, 0, dp, NULL, size),
	DP(OFFSET, 0, dp, "type", type),
	DP(OFFSET, 0, dp, "nr_range", nr_range),
	DP(OFFSET, 0, dp, "range", range),
	DP(SIZE, 0, "struct range", NULL, range_size),
	DP(OFFSET, 0, dp, "altmap.base_pfn", altmap_base_pfn),
	DP(OFFSET, 0, dp, "altmap.reserve", altmap_reserve),
	DP(OFFSET, 0, dp, "altmap.free", altmap_free),
	DP(OFFSET, 0, dp, "altmap.alloc", altmap_alloc),
	/* compound device pages: 5.17+ */
	DP(OFFSET, OPT, dp, "vmemmap_shift", vmemmap_shift),
	/* enum memory_type */
	DP(ENUM, OPT, NULL, "MEMORY_DEVICE_PRIVATE", types[MS_PGMAP_PRIVATE]),
	DP(ENUM, OPT, NULL, "MEMORY_DEVICE_COHERENT",		/* 6.0+ */
	   types[MS_PGMAP_COHERENT]),
	DP(ENUM, OPT, NULL, "MEMORY_DEVICE_FS_DAX", types[MS_PGMAP_FS_DAX]),
	DP(ENUM, OPT, NULL, "MEMORY_DEVICE_GENERIC", types[MS_PGMAP_GENERIC]),
	DP(ENUM, OPT, NULL, "MEMORY_DEVICE_PCI_P2PDMA", types[MS_PGMAP_P2PDMA]),
};

static bool fits(uint64_t off, uint64_t width, uint64_t size)
{
	return off <= size && width <= size - off;
}

/* The xarray finds every pgmap; struct pages are read only without it. */
static struct ms_error *resolve_lookup(const struct ms_kinfo *ki,
				       struct ms_pgmap_layout *l)
{
	const struct ms_page_layout *pl;
	const struct ms_xa_layout *xa;
	struct ms_error *err;

	l->page_pgmap = MS_ABSENT;
	if (l->sym_pgmap_array != MS_ABSENT) {
		err = ms_kinfo_xa_layout(ki, &xa);
		if (!err)
			l->xa = *xa;
		return err;
	}
	err = ms_kinfo_page_layout(ki, &pl);
	if (err)
		return err;
	if (pl->pgmap == MS_ABSENT)
		return ms_error_new(MS_ERR_MISSING, "the kernel type information has neither struct page.pgmap nor struct folio.pgmap");
	l->page_pgmap = pl->pgmap;
	return NULL;
}

struct ms_error *ms_pgmap_layout_resolve(const struct ms_kinfo *ki,
					 struct ms_pgmap_layout *l)
{
	struct ms_error *err;

	err = ms_needs_resolve(ki, pgmap_needs, MS_NEEDS_NR(pgmap_needs), l);
	if (!err)
		err = resolve_lookup(ki, l);
	if (err)
		return ms_error_wrap(err, "ZONE_DEVICE pgmaps");
	l->types[MS_PGMAP_UNKNOWN] = -1;
	/* decode() reads these inside the struct's bytes: BTF is input too */
	if (!fits(l->type, 4, l->size) || !fits(l->nr_range, 4, l->size) ||
	    !fits(l->altmap_base_pfn, 8, l->size) || !fits(l->altmap_reserve, 8, l->size) ||
	    !fits(l->altmap_free, 8, l->size) || !fits(l->altmap_alloc, 8, l->size) ||
	    (l->vmemmap_shift != MS_ABSENT && !fits(l->vmemmap_shift, 4, l->size)) ||
	    l->range_size < 16)
		return ms_error_new(MS_ERR_FORMAT, "struct dev_pagemap (%" PRIu64 " bytes): a member lies outside it, or struct range is %" PRIu64 " bytes",
				    l->size, l->range_size);
	return NULL;
}
