/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts: what every face of memscope shows about a section, decided once.
 * The sections, summary and blocks commands, the TUI's map and Section view
 * take a section's class, block, node and sub-section map from here, so
 * the CLI and the TUI cannot disagree (issue 11, issue 12 item 3).
 */
#ifndef MEMSCOPE_FACTS_H
#define MEMSCOPE_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "pgmap.h"
#include "section_class.h"
#include "sparse.h"
#include "sysfs.h"


/*
 * The class of a present section (section_class.h; MS_CLASS_KMEM: online
 * device memory given to the kernel as System RAM, dax kmem). blocks and iomem may be NULL (a core
 * file without sysfs): the section flags and zone spans decide alone then.
 */
enum ms_section_class ms_section_class(const struct ms_sparse *sp,
				       const struct ms_section *s,
				       const struct ms_blocks *blocks,
				       const struct ms_iomem *iomem);
/* "present,memmap,online,early"; a bit the kernel has unnamed: bitN. */
void ms_section_flags_format(const struct ms_sparse *sp,
			     const struct ms_section *s, char *buf, size_t len);
/* crash-style letters: P M O E D V for the set flags. */
void ms_section_state_format(const struct ms_sparse *sp,
			     const struct ms_section *s, char *buf, size_t len);
/* "boot", "hotplug", "kmem", "online", "offline", "device" */
const char *ms_section_class_name(enum ms_section_class c);

/*
 * The memory block holding the section, or NULL: ZONE_DEVICE memory has
 * none (memremap_pages() creates no memory block), nor has a core without
 * sysfs.
 */
const struct ms_block *ms_section_block(const struct ms_sparse *sp,
					const struct ms_section *s,
					const struct ms_blocks *blocks);
/*
 * The node of a section: the node whose span holds it, else (offline
 * memory is in no node's span) its memory block's; -1 if neither knows.
 */
int ms_section_node(const struct ms_sparse *sp, const struct ms_section *s,
		    const struct ms_blocks *blocks);
/* One char per sub-section, lowest address first: '#' active, '.' not. */
void ms_section_subsection_map(const struct ms_sparse *sp,
			       const struct ms_section *s, char *buf,
			       size_t len);

/* Present sections by class, and their sub-sections. */
struct ms_section_census {
	size_t present;
	size_t by_class[MS_CLASS_NR];
	uint64_t active, subsections;
};

void ms_section_census(const struct ms_sparse *sp,
		       const struct ms_blocks *blocks,
		       const struct ms_iomem *iomem,
		       struct ms_section_census *out);

/*
 * ZONE_DEVICE sections (by their class) when no pgmap was found at all: a
 * source that holds no pgmaps (a snapshot taken before memscope captured
 * them), to be said, never shown as an empty table; 0 when no
 * contradiction.
 */
size_t ms_pgmaps_missing(const struct ms_sparse *sp,
			 const struct ms_blocks *blocks,
			 const struct ms_pgmaps *pm);

#endif
