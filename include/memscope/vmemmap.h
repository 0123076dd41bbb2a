/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmemmap: which physical frames back the struct pages of every present
 * section, which frames are mapped more than once (HugeTLB vmemmap
 * optimisation, compound device pages), and who owns each range: boot
 * memory, hot-added memory, a HugeTLB hstate's folios, a ZONE_DEVICE pgmap.
 * Everything is what the kernel's page tables show, walked in bulk; memory
 * is one small record per vmemmap page (1/64 of a page per 4 KiB of RAM).
 */
#ifndef MEMSCOPE_VMEMMAP_H
#define MEMSCOPE_VMEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kinfo.h"
#include "pgmap.h"
#include "sparse.h"
#include "target.h"

enum ms_vmemmap_kind {
	MS_VMEMMAP_BOOT,		/* early sections */
	MS_VMEMMAP_HOTPLUG,		/* hot-added RAM sections */
	MS_VMEMMAP_HUGETLB,		/* struct pages of a HugeTLB folio */
	MS_VMEMMAP_DEVICE,		/* a ZONE_DEVICE pgmap's pfns */
	MS_VMEMMAP_NR_KINDS,
};

struct ms_hstate {
	char name[32];		/* "hugepages-2048kB" */
	unsigned int order;
	uint64_t nr_huge_pages;	/* hstate.nr_huge_pages */
	uint64_t nr_found;	/* folios found on its free and active lists */
};

/* Counts over a set of vmemmap pages (4 KiB of struct pages each). */
struct ms_vmemmap_count {
	uint64_t pages;		/* mapped vmemmap pages */
	uint64_t frames;	/* distinct frames behind them */
	uint64_t shared;	/* of those, frames mapped more than once anywhere */
	uint64_t ro;		/* read-only mappings */
	uint64_t pmd;		/* pages mapped by PMD (or PUD) leaves */
	uint64_t self;		/* pages whose frame lies in the memory they describe */
};

struct ms_vmemmap_row {
	uint64_t start, end;	/* vmemmap virtual range, end exclusive */
	uint64_t first_pfn, last_pfn; /* pfns whose struct pages it holds */
	enum ms_vmemmap_kind kind;
	int owner;		/* hstate index (HUGETLB), pgmap index (DEVICE), else -1 */
	enum ms_pt_level level;	/* leaf level of every page in the row */
	bool self;		/* frames inside the memory described
				 * (memmap_on_memory, altmap) */
	struct ms_vmemmap_count c;
};

struct ms_vmemmap_bad {
	uint64_t vaddr;		/* start of the unreadable span */
	uint64_t size;
	uint64_t table;		/* physical address of the table that failed */
	enum ms_pt_level level;
};

struct ms_vmemmap {
	struct ms_vmemmap_row *rows;
	size_t nr_rows;
	struct ms_vmemmap_count kind[MS_VMEMMAP_NR_KINDS];
	struct ms_vmemmap_count total;
	uint64_t unmapped;	/* vmemmap pages not present (inactive sub-sections) */
	uint64_t unreadable;	/* vmemmap pages under unreadable tables */
	struct ms_vmemmap_bad *bad;	/* the unreadable spans */
	size_t nr_bad;
	struct ms_hstate *hstates;
	size_t nr_hstates;
	struct ms_vmemmap_count *by_hstate;	/* [nr_hstates] */
	struct ms_vmemmap_count *by_pgmap;	/* [nr of the pgmaps given to load] */
	size_t nr_pgmaps;
	uint64_t page_table_reads; /* preads of the walk, for the record */
};

/*
 * Walks the page tables and the hstates, then builds the model (ms_vmemmap_build(), src/mm/vmemmap_build.h).
 */
struct ms_error *ms_vmemmap_load(struct ms_target *t, const struct ms_kinfo *ki,
				 const struct ms_sparse *sp,
				 const struct ms_pgmaps *pm,
				 struct ms_vmemmap **out);
void ms_vmemmap_free(struct ms_vmemmap *vm);

const char *ms_vmemmap_kind_name(enum ms_vmemmap_kind kind);

/*
 * Saved vmemmap pages of a set: pages - frames. Frames counted once even
 * when a set maps them many times, so a shared frame saves every extra
 * mapping.
 */
static inline uint64_t ms_vmemmap_saved(const struct ms_vmemmap_count *c)
{
	return c->pages - c->frames;
}

#endif
