/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmemmap_build: what ms_vmemmap_load() gathers before it builds the model
 * (the page-table records and the HugeTLB folios), private to mm/ and the
 * unit tests, which feed ms_vmemmap_build() known mappings. Callers
 * outside mm/ use include/memscope/vmemmap.h.
 */
#ifndef MEMSCOPE_MM_VMEMMAP_BUILD_H
#define MEMSCOPE_MM_VMEMMAP_BUILD_H

#include "memscope/vmemmap.h"

/* HugeTLB folios, found on each hstate's lists (vmemmap_hugetlb.c). */
struct ms_hugetlb_folio {
	uint64_t head;		/* struct page * of the head */
	int hstate;
};

/* One 4 KiB vmemmap page as the page tables map it. */
struct ms_vmemmap_record {
	uint64_t vaddr;
	uint64_t paddr;
	enum ms_pt_level level;
	bool writable;
};

/*
 * The model from records already walked (ascending vaddr), HugeTLB folios
 * and hstates (copied), and the unreadable spans; load uses it, and unit
 * tests feed it known mappings.
 */
struct ms_vmemmap_input {
	const struct ms_vmemmap_record *rec;
	size_t nr_rec;
	const struct ms_hugetlb_folio *folios;
	size_t nr_folios;
	const struct ms_hstate *hstates;
	size_t nr_hstates;
	uint64_t unmapped;
};

struct ms_error *ms_vmemmap_build(const struct ms_layout *lay,
				  const struct ms_sparse *sp,
				  const struct ms_pgmaps *pm,
				  const struct ms_vmemmap_input *in,
				  struct ms_vmemmap **out);

struct ms_error *ms_hugetlb_folios_read(struct ms_target *t,
					const struct ms_kinfo *ki,
					struct ms_hstate **hstates, size_t *nr_hstates,
					struct ms_hugetlb_folio **folios,
					size_t *nr_folios);

#endif
