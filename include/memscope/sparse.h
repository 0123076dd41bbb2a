/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sparse: the kernel's mem_section table (SPARSEMEM_EXTREME). Memory is
 * proportional to present sections, never to pages.
 */
#ifndef MEMSCOPE_SPARSE_H
#define MEMSCOPE_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kinfo.h"
#include "target.h"

#define MS_MAX_SUBSECTION_WORDS 4	/* up to 256 sub-sections per section */

struct ms_section {
	uint64_t nr;			/* section number */
	uint64_t start_pfn;
	uint64_t nr_pages;		/* pages per section */
	uint64_t addr;			/* address of the struct mem_section */
	uint64_t section_mem_map;	/* raw word, flags in the low bits */
	uint64_t flag_bits;		/* section_mem_map & flag mask */
	uint64_t memmap;		/* decoded: struct page of start_pfn */
	uint64_t usage;			/* struct mem_section_usage *, or 0 */
	uint64_t subsection_map[MS_MAX_SUBSECTION_WORDS];
	unsigned int active;		/* set sub-section bits */
	int nid;			/* node whose span holds it, -1 if none */
	unsigned int zone_mask;		/* bit i: node_zones[i] spans part of it */
};

struct ms_zone_span {
	int nid;
	int idx;			/* index in node_zones[] */
	char name[16];
	uint64_t start_pfn;
	uint64_t spanned;
	uint64_t present;
};

struct ms_node {
	int nid;
	uint64_t pgdat;			/* address of struct pglist_data */
	uint64_t start_pfn;
	uint64_t spanned;
	uint64_t present;
	uint64_t first_deferred_pfn;	/* MS_ABSENT when not configured */
};

struct ms_sparse {
	const struct ms_layout *layout;
	struct ms_section *sections;	/* present sections, ascending */
	size_t nr_sections;
	struct ms_node *nodes;
	size_t nr_nodes;
	struct ms_zone_span *zones;	/* populated zones (spanned != 0) */
	size_t nr_zones;
	int zone_device_idx;		/* ZONE_DEVICE in enum zone_type, or -1 */
};

struct ms_error *ms_sparse_load(struct ms_target *t, const struct ms_kinfo *ki,
				struct ms_sparse **out);
void ms_sparse_free(struct ms_sparse *sp);

bool ms_section_has(const struct ms_sparse *sp, const struct ms_section *s,
		    enum ms_section_bit bit);
/*
 * Device memory: tainted, or not online and in ZONE_DEVICE's span (online
 * memory is RAM, see facts.h for the class with sysfs). SECTION_TAINT_ZONE_DEVICE
 * alone is not enough: the kernel sets it only on sections where a device
 * range starts or ends off a section boundary (move_pfn_range_to_zone(),
 * 5.12+), so a device's fully covered sections do not carry it.
 */
bool ms_section_is_device(const struct ms_sparse *sp, const struct ms_section *s);
bool ms_section_subsection_active(const struct ms_section *s, unsigned int i);
/* The section holding pfn, or NULL when it is not present. */
const struct ms_section *ms_sparse_find(const struct ms_sparse *sp,
					uint64_t pfn);
/* Zone names of a section joined by '/' ("DMA/DMA32"), "" if none. */
void ms_section_zone_names(const struct ms_sparse *sp,
			   const struct ms_section *s, char *buf, size_t len);

#endif
