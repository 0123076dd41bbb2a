/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kinfo: what the bytes mean. Symbols come from VMCOREINFO, then kallsyms;
 * types from a chain of finders, BTF first (libbpf; /sys/kernel/btf/vmlinux
 * or --btf FILE), then DWARF (libdw; -k VMLINUX): the first finder that
 * knows a name wins. Everything the model needs is resolved once per
 * target, from one table per domain in src/kinfo/: the sparse model and
 * the nodes and zones at start-up, into struct ms_layout; the others
 * (struct page, pgmaps, hstates, memory blocks, iomem) on first use, into
 * the sub-tables of klayout.h. A missing type, member, symbol or constant
 * is an MS_ERR_MISSING error that names it. Offsets are never guessed,
 * and only src/kinfo/ asks the finders (tests/check-layers).
 */
#ifndef MEMSCOPE_KINFO_H
#define MEMSCOPE_KINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "target.h"

#define MS_ABSENT UINT64_MAX	/* an optional member the kernel does not have */

/* Bounds of VMCOREINFO's NUMBER(SECTION_SIZE_BITS) (see layout.c). */
#define MS_MIN_SECTION_SIZE_BITS 21
#define MS_MAX_SECTION_SIZE_BITS 30

struct ms_fs;

struct ms_kinfo_opts {
	/* where /proc/kallsyms and /sys/kernel/btf/vmlinux are (fs.h) */
	const struct ms_fs *fs;
	const char *sysroot;	/* without fs: a directory; NULL = "/" */
	const char *btf_path;	/* explicit BTF file; NULL = the fs's vmlinux BTF */
	const char *vmlinux_path; /* vmlinux with DWARF; NULL = none */
};

/* Bits of mem_section::section_mem_map, in the kernel's own enum order. */
enum ms_section_bit {
	MS_SECTION_PRESENT,		/* SECTION_MARKED_PRESENT_BIT */
	MS_SECTION_HAS_MEM_MAP,		/* SECTION_HAS_MEM_MAP_BIT */
	MS_SECTION_ONLINE,		/* SECTION_IS_ONLINE_BIT */
	MS_SECTION_EARLY,		/* SECTION_IS_EARLY_BIT */
	MS_SECTION_ZONE_DEVICE,		/* SECTION_TAINT_ZONE_DEVICE_BIT */
	MS_SECTION_VMEMMAP_PREINIT,	/* SECTION_IS_VMEMMAP_PREINIT_BIT, 6.15+ */
	MS_SECTION_NR_BITS,
};

/* The one table: every size, offset and constant the model uses. */
struct ms_layout {
	char release[65];		/* OSRELEASE */
	uint64_t page_size;
	unsigned int page_shift;
	int pgtable_levels;		/* 4, or 5 when pgtable_l5_enabled */
	uint64_t kaslr_offset;		/* KERNELOFFSET */
	uint64_t page_offset_base;	/* start of the direct map */
	uint64_t vmemmap_base;		/* struct page of pfn 0 */
	uint64_t init_top_pgt;		/* virtual address of the kernel pgd */

	/* sparse memory model (SPARSEMEM_EXTREME + SPARSEMEM_VMEMMAP) */
	uint64_t sym_mem_section;	/* address of the mem_section pointer
					 * (kallsyms), MS_ABSENT when unknown */
	uint64_t mem_section_roots;	/* its value: the root array; this is
					 * what VMCOREINFO SYMBOL(mem_section)
					 * holds (4.15+, a0b1280368d1) */
	unsigned int section_size_bits;	/* SECTION_SIZE_BITS */
	unsigned int max_physmem_bits;	/* MAX_PHYSMEM_BITS at run time */
	unsigned int subsection_shift;	/* SUBSECTION_SHIFT */
	unsigned int subsections_per_section;
	uint64_t nr_mem_sections;	/* 1 << (max_physmem_bits - section_size_bits) */
	uint64_t sections_per_root;	/* page_size / sizeof(struct mem_section) */
	uint64_t nr_section_roots;	/* LENGTH(mem_section) */
	uint64_t max_pfn;		/* max_pfn, 0 when unknown */
	struct {
		uint64_t size;
		uint64_t section_mem_map;
		uint64_t usage;
	} mem_section;
	struct {
		uint64_t size;		/* without the flexible pageblock_flags */
		uint64_t subsection_map;
		unsigned int subsection_map_longs;
	} mem_section_usage;
	/* bit number of each flag, or -1 when this kernel has no such bit */
	int section_bit[MS_SECTION_NR_BITS];
	unsigned int section_map_last_bit; /* SECTION_MAP_LAST_BIT */

	uint64_t page_struct_size;	/* sizeof(struct page) */

	/* nodes and zones */
	uint64_t sym_node_data;		/* node_data[] (or contig_page_data) */
	bool node_data_is_array;	/* false: a single contig_page_data */
	unsigned int max_numnodes;	/* LENGTH(node_data) */
	unsigned int max_nr_zones;	/* MAX_NR_ZONES */
	int zone_device;		/* ZONE_DEVICE, -1 without CONFIG_ZONE_DEVICE */
	struct {
		uint64_t size;
		uint64_t node_zones;
		uint64_t node_id;
		uint64_t node_start_pfn;
		uint64_t node_present_pages;
		uint64_t node_spanned_pages;
		uint64_t first_deferred_pfn;	/* MS_ABSENT without DEFERRED_STRUCT_PAGE_INIT */
	} pglist_data;
	struct {
		uint64_t size;
		uint64_t zone_start_pfn;
		uint64_t spanned_pages;
		uint64_t present_pages;
		uint64_t name;			/* const char * */
	} zone;
};

/*
 * The largest compound order: x86_64's PUD_SHIFT is 30 under 4- and
 * 5-level paging, and no compound page (1G HugeTLB, 1G-aligned device-dax)
 * is larger; the buddy allocator's MAX_PAGE_ORDER (10) is below it. An
 * order read from kernel data above this is garbage.
 */
#define MS_PUD_SHIFT 30
static inline unsigned int ms_layout_max_order(const struct ms_layout *lay)
{
	return MS_PUD_SHIFT - lay->page_shift;
}

struct ms_member {
	uint64_t offset;	/* bytes from the start of the type */
	uint64_t size;		/* bytes */
	unsigned int bit_offset; /* for bitfields, within offset; else 0 */
	unsigned int bit_size;	/* for bitfields; else 0 */
	uint64_t nelems;	/* for arrays; else 0 */
};

struct ms_kinfo;

/*
 * Reads VMCOREINFO from the target, kallsyms and type information, resolves
 * the layout, and arms the target's page-table walker.
 */
struct ms_error *ms_kinfo_open(struct ms_target *t,
			       const struct ms_kinfo_opts *opts,
			       struct ms_kinfo **out);
void ms_kinfo_close(struct ms_kinfo *ki);

const struct ms_layout *ms_kinfo_layout(const struct ms_kinfo *ki);
/* "btf", "btf+dwarf" or "dwarf": which finders were used, for the summary. */
const char *ms_kinfo_type_source(const struct ms_kinfo *ki);

/* Raw VMCOREINFO value for KEY (e.g. "OSRELEASE", "SIZE(page)"), or NULL. */
const char *ms_kinfo_vmcoreinfo(const struct ms_kinfo *ki, const char *key);

/*
 * For snapshots: the kallsyms lines of every symbol looked up so far
 * (malloc'd, /proc/kallsyms format), and the raw BTF in use, owned by ki
 * (NULL when types come from DWARF only).
 */
struct ms_error *ms_kinfo_kallsyms_used(const struct ms_kinfo *ki, char **text,
					size_t *len);
const void *ms_kinfo_btf_raw(const struct ms_kinfo *ki, size_t *len);

/* The other domains' sub-tables, resolved on first use. */
#include "klayout.h"

#endif
