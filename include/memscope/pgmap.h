/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pgmap: the kernel's ZONE_DEVICE page maps (struct dev_pagemap), found
 * through the struct pages of device sections (page->pgmap, or
 * folio->pgmap where the kernel moved it), each read once. Memory is
 * proportional to the number of pgmaps.
 */
#ifndef MEMSCOPE_PGMAP_H
#define MEMSCOPE_PGMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kinfo.h"
#include "sparse.h"
#include "target.h"

#define MS_PGMAP_MAX_RANGES 8

/* enum ms_pgmap_type: klayout.h, beside the enumerators it maps. */

struct ms_pgmap_range {
	uint64_t start;		/* physical, inclusive */
	uint64_t end;		/* physical, inclusive (struct range) */
};

struct ms_pgmap {
	uint64_t addr;			/* struct dev_pagemap * */
	enum ms_pgmap_type type;
	int64_t type_raw;		/* enum memory_type value */
	unsigned int vmemmap_shift;	/* compound order; 0 before 5.17 */
	bool has_vmemmap_shift;		/* the kernel has the member (5.17+) */
	unsigned int nr_range;
	struct ms_pgmap_range ranges[MS_PGMAP_MAX_RANGES];
	/* struct vmem_altmap: the memmap inside the device (-M dev) */
	uint64_t altmap_base_pfn;
	uint64_t altmap_reserve;
	uint64_t altmap_free;
	uint64_t altmap_alloc;
};

struct ms_pgmaps {
	struct ms_pgmap *v;		/* ascending by first range */
	size_t nr;
	/* without pgmap_array: active device sub-sections whose struct page
	 * names no readable dev_pagemap over it (counted, not guessed) */
	size_t nr_undecoded;
};

struct ms_error *ms_pgmap_load(struct ms_target *t, const struct ms_kinfo *ki,
			       const struct ms_sparse *sp,
			       struct ms_pgmaps **out);
void ms_pgmaps_free(struct ms_pgmaps *pm);
/* The pgmap one of whose ranges holds physical address pa, or NULL. */
const struct ms_pgmap *ms_pgmap_find(const struct ms_pgmaps *pm, uint64_t pa);
/* "private", "coherent", "fsdax", "generic", "p2pdma" or "unknown". */
const char *ms_pgmap_type_name(enum ms_pgmap_type type);

#endif
