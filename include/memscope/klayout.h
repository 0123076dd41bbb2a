/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klayout: the resolved sub-tables of struct ms_layout, one per domain of
 * the model. Each domain declares what it needs in one table in
 * src/kinfo/ (type, member, enumerator, symbol; required or optional, the
 * kernel release behind each optional one beside it); kinfo resolves the
 * table once per target, on the domain's first use, and keeps the result
 * (or the error naming the first missing required item) for every later
 * call. An optional item the kernel lacks is MS_ABSENT (offsets, symbols),
 * -1 (enumerators) or a zero-sized struct ms_member. The decoders in mm/
 * read these tables and never ask the type finders themselves.
 */
#ifndef MEMSCOPE_KLAYOUT_H
#define MEMSCOPE_KLAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* kinfo.h includes this file at its end: a declaration, not an include,
 * keeps the two out of a circle (tests/check-circles) */
struct ms_kinfo;

/* ---- struct page and struct folio (page.c, page_read.c, deferred.c) ---- */

#define MS_PAGE_MAX_FLAGS 64

/* page_type names memscope knows to ask the kernel for. */
enum ms_page_type {
	MS_PGTY_NONE = 0,	/* no type: the word is _mapcount */
	MS_PGTY_BUDDY,
	MS_PGTY_OFFLINE,
	MS_PGTY_TABLE,
	MS_PGTY_GUARD,
	MS_PGTY_HUGETLB,
	MS_PGTY_SLAB,
	MS_PGTY_ZSMALLOC,
	MS_PGTY_UNACCEPTED,
	MS_PGTY_LARGE_KMALLOC,
	MS_PGTY_UNKNOWN,	/* a type this kernel has but memscope cannot name */
	MS_PGTY_NR,
};

/* Page flags the decoder itself needs; -1 when the kernel lacks one. */
enum ms_page_flag {
	MS_PG_HEAD, MS_PG_SLAB, MS_PG_LRU, MS_PG_RESERVED, MS_PG_HUGETLB,
	MS_PG_LARGE_RMAPPABLE, MS_PG_ANON_EXCLUSIVE, MS_PG_NR,
};

/* How the compound order is stored. */
enum ms_order_store {
	MS_ORDER_PAGE1_BYTE,	/* 6.1: page[1].compound_order (u8) */
	MS_ORDER_FLAGS1_LOW,	/* 6.6+: folio._flags_1 & 0xff */
};

/* How page_type is encoded. */
enum ms_page_type_encoding {
	MS_PGTY_CLEARED_BITS,	/* < 6.12: PAGE_TYPE_BASE, a cleared bit per type */
	MS_PGTY_TOP_BYTE,	/* 6.12+: enum pagetype in the top byte */
};

struct ms_page_layout {
	uint64_t size;			/* sizeof(struct page) */
	unsigned int size_shift;	/* log2(size) when a power of 2, else 0 */
	unsigned int max_order;		/* larger compound orders are garbage */
	unsigned int page_shift;
	uint64_t vmemmap_base;
	/* offsets within struct page */
	uint64_t flags, compound_head, mapping, private_, mapcount,
		 page_type, refcount;
	uint64_t pgmap;			/* MS_ABSENT when unknown */
	bool compound_info;		/* 7.1+: compound_info, maybe a mask */
	/* offsets within page[1] (the first tail), MS_ABSENT when none */
	enum ms_order_store order_store;
	uint64_t order;			/* byte holding the order */
	uint64_t nr_pages;		/* folio nr pages, cross-check */
	uint64_t pincount;		/* folio _pincount */
	uint64_t dtor;			/* 6.1: compound_dtor */
	int64_t dtor_hugetlb, dtor_thp;	/* enum compound_dtor_id, or -1 */
	int pg[MS_PG_NR];		/* bit numbers, -1 when absent */
	unsigned int nr_pageflags;	/* __NR_PAGEFLAGS */
	const char *flag_name[MS_PAGE_MAX_FLAGS]; /* NULL: print bitN */
	/* page_type */
	enum ms_page_type_encoding type_encoding;
	int64_t type_value[MS_PGTY_NR];	/* top byte, or the cleared bit; -1 */
	int type_limit;			/* PGTY_mapcount_underflow (6.12+) */
	/* node and zone in page->flags (no SECTION bits with VMEMMAP) */
	unsigned int node_shift, node_bits, zone_shift, zone_bits;
};

/* ---- kernel xarrays (pgmap_array, memory_blocks) ---- */

struct ms_xa_layout {
	uint64_t xa_head;	/* struct xarray.xa_head */
	uint64_t node_slots;	/* struct xa_node.slots */
	uint64_t nr_slots;	/* XA_CHUNK_SIZE, from the array's length */
};

/* ---- ZONE_DEVICE page maps: struct dev_pagemap (pgmap.c) ---- */

enum ms_pgmap_type {
	MS_PGMAP_UNKNOWN,
	MS_PGMAP_PRIVATE,	/* MEMORY_DEVICE_PRIVATE */
	MS_PGMAP_COHERENT,	/* MEMORY_DEVICE_COHERENT, 6.0+ */
	MS_PGMAP_FS_DAX,	/* MEMORY_DEVICE_FS_DAX */
	MS_PGMAP_GENERIC,	/* MEMORY_DEVICE_GENERIC: device-dax */
	MS_PGMAP_P2PDMA,	/* MEMORY_DEVICE_PCI_P2PDMA */
	MS_PGMAP_NR_TYPES,
};

struct ms_pgmap_layout {
	/* where a struct page keeps its pgmap pointer: read only without
	 * pgmap_array (then required), else MS_ABSENT */
	uint64_t page_pgmap;
	uint64_t size;			/* sizeof(struct dev_pagemap) */
	uint64_t type, nr_range, range, range_size;
	uint64_t vmemmap_shift;		/* MS_ABSENT before 5.17 */
	uint64_t altmap_base_pfn, altmap_reserve, altmap_free, altmap_alloc;
	int64_t types[MS_PGMAP_NR_TYPES]; /* enumerator values, -1 absent */
	uint64_t sym_pgmap_array;	/* MS_ABSENT when kallsyms lacks it */
	struct ms_xa_layout xa;		/* set when sym_pgmap_array is */
};

/* ---- HugeTLB: struct hstate (vmemmap_hugetlb.c) ---- */

struct ms_hstate_layout {
	uint64_t sym;			/* &hstates[0]; 0: no HugeTLB */
	uint64_t size;			/* sizeof(struct hstate) */
	uint64_t order, nr_huge_pages, name, name_len;
	uint64_t freelists, nr_freelists, freelist_stride, activelist;
	uint64_t list_next;		/* list_head.next */
	uint64_t page_lru;		/* page.lru */
};

/* ---- memory blocks and iomem from kernel memory (kblocks.c, kiomem.c) ---- */

enum { MS_MEM_ONLINE, MS_MEM_GOING_OFFLINE, MS_MEM_OFFLINE, MS_MEM_NR_STATES };

/* sizeof(struct memory_block) is 816..864 in the lab kernels. */
#define MS_BLOCK_STRUCT_MAX 4096

struct ms_block_layout {
	uint64_t size;			/* <= MS_BLOCK_STRUCT_MAX */
	struct ms_member start_section_nr, state, nid, zone;
	struct ms_member memmap;	/* .size 0: neither member */
	int64_t states[MS_MEM_NR_STATES];
	uint64_t sym_blocks;		/* the memory_blocks xarray */
	/* the block size, a variable: one of the two, the other MS_ABSENT */
	uint64_t sym_sections_per_block, sym_block_size_probed;
	uint64_t sym_remove_memory;	/* MS_ABSENT without hot-remove */
	bool removable;			/* CONFIG_MEMORY_HOTREMOVE */
	struct ms_xa_layout xa;
};

struct ms_resource_layout {
	uint64_t size;			/* sizeof(struct resource) */
	struct ms_member start, end, name, sibling, child;
	uint64_t sym_iomem_resource;
};

/*
 * Each domain's sub-table, resolved on first use and kept: later calls
 * return the same table, or a copy of the same error. *out stays valid
 * as long as ki.
 */
struct ms_error *ms_kinfo_page_layout(const struct ms_kinfo *ki,
				      const struct ms_page_layout **out);
struct ms_error *ms_kinfo_pgmap_layout(const struct ms_kinfo *ki,
				       const struct ms_pgmap_layout **out);
struct ms_error *ms_kinfo_hstate_layout(const struct ms_kinfo *ki,
					const struct ms_hstate_layout **out);
struct ms_error *ms_kinfo_block_layout(const struct ms_kinfo *ki,
				       const struct ms_block_layout **out);
struct ms_error *ms_kinfo_resource_layout(const struct ms_kinfo *ki,
					  const struct ms_resource_layout **out);

#endif
