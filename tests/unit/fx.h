/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture writer for unit tests: builds synthetic kernel images with known
 * answers — a kcore-like ELF core (PT_LOAD segments with virtual and
 * physical addresses, a VMCOREINFO note), x86_64 page tables in the
 * fixture's physical memory, a BTF blob written with libbpf's writer API,
 * and a sysroot (proc/kallsyms, sys/...).
 *
 *   fx_core.c    ELF core writer                        (struct fx_core)
 *   fx_pgtable.c simulated physical memory + page tables (struct fx_mem)
 *   fx_btf.c     BTF for a kernel variant + its layout  (struct fx_layout)
 *   fx_kernel.c  a whole synthetic kernel: mem_section, pgdat, zones, ...
 */
#ifndef MEMSCOPE_TESTS_FX_H
#define MEMSCOPE_TESTS_FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/sparse.h"

/* ---- fx_core.c: ELF core writer ---- */
struct fx_core;
struct fx_core *fx_core_new(void);
/* data is copied; paddr may be UINT64_MAX (no physical address). */
void fx_core_add_segment(struct fx_core *c, uint64_t vaddr, uint64_t paddr,
			 const void *data, uint64_t size);
void fx_core_add_note(struct fx_core *c, const char *name, uint32_t type,
		      const void *desc, size_t len);
/*
 * A segment whose bytes fill() makes chunk by chunk, chunk bytes at a time
 * (the last one shorter): fill() returns false for a chunk of zeros, which
 * the writer leaves a hole, as it leaves every zero 4 KiB page of the
 * others, so a core of terabytes of mostly-zero struct pages stays sparse.
 */
typedef bool (*fx_fill_fn)(void *arg, uint64_t off, uint8_t *buf, size_t len);
void fx_core_add_lazy_segment(struct fx_core *c, uint64_t vaddr, uint64_t paddr,
			      uint64_t size, size_t chunk, fx_fill_fn fill,
			      void *arg);
/* Writes the core; returns 0 or -errno. */
int fx_core_write(struct fx_core *c, const char *path);
void fx_core_free(struct fx_core *c);

/* ---- fx_pgtable.c: physical memory and x86_64 page tables ---- */
#define FX_PAGE_SIZE 4096ULL
struct fx_mem {
	uint8_t *bytes;		/* physical memory [base, base + size) */
	uint64_t base;
	uint64_t size;
	uint64_t next_free;	/* bump allocator for page-table frames */
	uint64_t pgd;		/* physical address of the top table */
	int levels;		/* 4 or 5 */
};
/* Physical memory of size bytes at base; frames for tables come from
 * [table_base, base + size). */
void fx_mem_init(struct fx_mem *m, uint64_t base, uint64_t size,
		 uint64_t table_base, int levels);
void fx_mem_free(struct fx_mem *m);
/* Allocates a zeroed, page-aligned frame; returns its physical address. */
uint64_t fx_mem_alloc(struct fx_mem *m, uint64_t size, uint64_t align);
void *fx_mem_ptr(struct fx_mem *m, uint64_t paddr);
/* Maps [vaddr, vaddr + size) to paddr with leaves of leaf_size (4K, 2M, 1G). */
void fx_mem_map(struct fx_mem *m, uint64_t vaddr, uint64_t paddr,
		uint64_t size, uint64_t leaf_size, bool writable);
/* The entry for vaddr at depth (0 = top) in the tables, for tests to alter. */
uint64_t *fx_mem_entry(struct fx_mem *m, uint64_t vaddr, int depth);

/* ---- fx_btf.c: type information for a kernel variant ---- */
enum fx_variant {
	FX_KERNEL_6_1,		/* no SECTION_IS_VMEMMAP_PREINIT, PG_head 16 */
	FX_KERNEL_6_12,
	FX_KERNEL_7_3,		/* SECTION_IS_VMEMMAP_PREINIT present */
};
struct fx_layout {
	uint64_t mem_section_size, ms_section_mem_map, ms_usage;
	uint64_t usage_size, usage_subsection_map;
	unsigned int usage_subsection_longs;
	int section_bit[6];	/* PRESENT .. VMEMMAP_PREINIT, -1 absent */
	unsigned int section_map_last_bit;
	uint64_t page_size;	/* sizeof(struct page) */
	uint64_t pgdat_size, pgdat_node_zones, pgdat_node_id,
		 pgdat_node_start_pfn, pgdat_node_present_pages,
		 pgdat_node_spanned_pages, pgdat_first_deferred_pfn;
	uint64_t zone_size, zone_start_pfn, zone_spanned_pages,
		 zone_present_pages, zone_name;
	unsigned int max_nr_zones;
	unsigned int max_numnodes;
};
/* Writes a raw BTF blob for the variant; fills *lay. Returns 0 or -errno. */
int fx_btf_write(enum fx_variant v, const char *path, struct fx_layout *lay);

/* ---- fx_page.c: struct page and folio facts of each variant ---- */
struct btf;
/* Adds struct folio, enum pageflags, enum pagetype (6.12+) and enum
 * compound_dtor_id (6.1) to b, after fx_btf's struct page; 0 or -errno. */
int fx_page_btf(struct btf *b, enum fx_variant v);
/* VMCOREINFO lines of the variant for struct pages ("" when none). */
const char *fx_page_vmcoreinfo(enum fx_variant v);

/* ---- fx_vmemmap.c: hstates, dev_pagemap and xarray (issue 7) ---- */
/* Adds struct hstate, dev_pagemap, range, vmem_altmap, xarray, xa_node and
 * enum memory_type to b; 0 or -errno. */
int fx_vmemmap_btf(struct btf *b, enum fx_variant v);

/* ---- fx_kernel.c: a whole synthetic kernel, written to a directory ---- */
struct fx_kernel;
struct fx_section {
	uint64_t nr;
	unsigned int flags;	/* bit (1 << MS_SECTION_*) for each set flag */
	uint64_t subsection_map; /* x86_64: one word, 64 sub-sections */
	bool own_usage;		/* usage allocated alone (hot-added) */
	const char *state;	/* its memory block's state; NULL: no block */
	const char *zones;	/* valid_zones of that block */
	bool memmap_on_memory;	/* vmemmap backed inside its own block */
};

struct fx_zone {
	const char *name;
	uint64_t start_pfn, spanned, present;
};

/* fx_sysmem.c: one hostile value in the kernel's memory blocks or iomem */
enum fx_sysmem_fault {
	FX_SYSMEM_OK,
	FX_SYSMEM_BLOCK_STATE,		/* block 2: a state no kernel has */
	FX_SYSMEM_BLOCK_ZONE,		/* block 1: a zone pointer to no zone */
	FX_SYSMEM_BLOCK_DUP,		/* block 0 filed twice */
	FX_SYSMEM_XA_LOOP,		/* an xarray node that holds itself */
	FX_SYSMEM_SPB_ZERO,		/* before memory_dev_init() */
	FX_SYSMEM_RES_CYCLE,		/* a resource that is its own child */
	FX_SYSMEM_RES_OUTSIDE,		/* a child ending past its parent */
};

struct fx_kernel_opts {
	enum fx_variant variant;
	int levels;			/* 4 or 5 */
	const struct fx_section *sections;
	size_t nr_sections;
	const struct fx_zone *zones;	/* node 0's zones, index order */
	size_t nr_zones;
	bool corrupt_memmap;		/* plant a wrong memmap encoding */
	const char *vi_extra;		/* VMCOREINFO lines placed first
					 * (the first of a key wins) */
	unsigned int hostile;		/* FX_HOSTILE_* damage (issue 10) */
	uint64_t max_pfn;		/* the max_pfn variable; 0: none */
	/* struct pages of the device sections (contiguous, from the first
	 * one's start pfn), mapped on frames of their own; NULL: none */
	const uint8_t *device_memmap;
	enum fx_sysmem_fault sysmem_fault;
	/* sections [hvo_start, hvo_end) hold a HugeTLB pool of 2 MiB pages
	 * with HVO: each page's 8 vmemmap pages map one frame, the 7 tails
	 * read-only (6.2+) */
	uint64_t hvo_start, hvo_end;
	/* called on the core before it is written (more segments); NULL:
	 * none */
	void (*core_hook)(void *arg, struct fx_core *c, const struct fx_kernel *k);
	void *core_arg;
};

/* Damage planted in the kernel data of fx_kernel_build(). */
#define FX_HOSTILE_USAGE_WRAP	(1U << 0) /* last section's usage = ~0 */
#define FX_HOSTILE_USAGE_SHARED	(1U << 1) /* section 1 uses section 0's */
#define FX_HOSTILE_ROOTS_ALIASED (1U << 2) /* every root = the first */
#define FX_HOSTILE_NODE_DATA_ZERO (1U << 3) /* node_data[] all NULL */
/* no pgmap_array symbol (pgmaps are probed from struct pages), and the
 * device sections' memmap is one frame of 0xff bytes: every pgmap
 * pointer is ~0, which reads nothing */
#define FX_HOSTILE_DEVICE_GARBAGE (1U << 4)
/* every slot of pgmap_array's top xarray node points back to it */
#define FX_HOSTILE_XA_CYCLE	(1U << 5)

struct fx_kernel {
	char dir[256];			/* temporary directory holding it all */
	char core[300], btf[300], sysroot[300];
	struct fx_layout lay;
	uint64_t page_offset_base, vmemmap_base;
};

#define FX_PAGES_PER_SECTION 32768ULL

/* fx_machine.c: the standard machine (boot RAM, hot-added, device). */
extern const struct fx_section fx_machine_sections[];
extern const size_t fx_machine_nr_sections;
extern const struct fx_zone fx_machine_zones[];
extern const size_t fx_machine_nr_zones;

/* Writes text to dir/name (a sysroot file); 0 or -errno. */
int fx_write_file(const char *dir, const char *name, const char *text);

/* Builds the kernel into a fresh temporary directory; 0 or -errno. */
int fx_kernel_build(const struct fx_kernel_opts *o, struct fx_kernel *k);
/* Writes into dir (created if missing) instead of a temporary one. */
int fx_kernel_build_in(const struct fx_kernel_opts *o, const char *dir,
		       struct fx_kernel *k);
void fx_kernel_remove(struct fx_kernel *k);

/* fx_vmemmap.c: places hstates[] and pgmap_array (one pgmap over the
 * device sections of o) in m; writes their kallsyms lines to buf. */
size_t fx_vmemmap_build(struct fx_mem *m, uint64_t page_offset_base,
			const struct fx_kernel_opts *o, char *buf, size_t len);

/* ---- fx_memmap.c: kernels with a readable device memmap (issue 10) ---- */
struct ms_page_layout;
/* Fills the struct pages of pfns [start, start + nr) into buf. */
typedef void (*fx_memmap_fn)(void *arg, const struct ms_page_layout *pl,
			     int zone_device, uint64_t start, uint64_t nr,
			     uint8_t *buf);
/* The page layout and ZONE_DEVICE's number memscope resolves from k;
 * 0 or -EINVAL. */
/* kinfo's page layout, copied into pl (it lives as long as ki). */
static inline struct ms_error *fx_page_layout_copy(const struct ms_kinfo *ki,
						   struct ms_page_layout *pl)
{
	const struct ms_page_layout *kl;
	struct ms_error *err = ms_kinfo_page_layout(ki, &kl);

	if (!err)
		*pl = *kl;
	return err;
}

int fx_kernel_page_layout(const struct fx_kernel *k, struct ms_page_layout *pl,
			  int *zone_device);
/* Builds o into dir twice: once to resolve the page layout from its own
 * BTF and VMCOREINFO, then with the device memmap fill() wrote. */
int fx_kernel_build_memmap(const struct fx_kernel_opts *o, const char *dir,
			   fx_memmap_fn fill, void *arg, struct fx_kernel *k);
/*
 * fill() for device-dax compound pages of 1 << order pages that do not
 * cover their tails, as a 7.3 guest showed (issue 10): every head claims
 * order 0, every tail names its head. bad_head_order > 0 also plants, at
 * the first head, a head inside it claiming that order (garbage).
 */
struct fx_devdax {
	unsigned int order;
	bool covered;			/* true: consistent compound pages */
	unsigned int bad_head_order;
};
void fx_memmap_devdax(void *arg, const struct ms_page_layout *pl,
		      int zone_device, uint64_t start, uint64_t nr,
		      uint8_t *buf);

/* fx_load.c: built, then opened as memscope opens a core */
struct fx_loaded {
	struct fx_kernel k;
	struct ms_target *t;
	struct ms_kinfo *ki;
	struct ms_sparse *sp;
};
/* NULL on success; l is to be closed either way. */
struct ms_error *fx_loaded_open(const struct fx_kernel_opts *o,
				struct fx_loaded *l);
/* The fixture machine's sections and zones (fx_machine_*) on variant v. */
struct fx_kernel_opts fx_machine_opts(enum fx_variant v, int levels);
/* k's core and kernel info opened as memscope opens them: NULL on success;
 * *t and *ki are set (or NULL) and to be closed either way. */
struct ms_error *fx_kernel_open(const struct fx_kernel *k, struct ms_target **t,
				struct ms_kinfo **ki);
void fx_loaded_close(struct fx_loaded *l);

/* fx_sysmem.c (issue 11): struct memory_block and struct resource in b. */
int fx_sysmem_btf(struct btf *b, enum fx_variant v);
/* Places memory_blocks, sections_per_block and iomem_resource in m (zones
 * of node 0's pglist_data at pgdat_pa); writes their kallsyms lines. */
size_t fx_sysmem_build(struct fx_mem *m, uint64_t page_offset_base,
		       const struct fx_kernel_opts *o, uint64_t pgdat_pa,
		       uint64_t node_zones, uint64_t zone_size, char *kallsyms,
		       size_t len);

#endif
