/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts: what every face of memscope shows about a section, decided once.
 * struct ms_facts is built once per load (a CLI command) or refresh (the
 * TUI) from the sparse model, the memory blocks and /proc/iomem; the
 * sections, subsections, summary and metrics commands, the SVG map, the
 * diff, the TUI's map, Section and Devices views all read a section's
 * class, block, node, owner and sub-section map from it, and name
 * devices and vmemmap owners with the functions below, so the CLI, the
 * TUI and the exports cannot disagree (issue 11, issue 12 item 3).
 */
#ifndef MEMSCOPE_FACTS_H
#define MEMSCOPE_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "pgmap.h"
#include "section_class.h"
#include "sparse.h"
#include "sysfs.h"
#include "vmemmap.h"


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
/* The section's owner in /proc/iomem, or NULL (iomem may be NULL). */
const char *ms_section_owner(const struct ms_sparse *sp,
			     const struct ms_section *s,
			     const struct ms_iomem *iomem);
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

/* What both faces show of one present section. */
struct ms_section_facts {
	enum ms_section_class cls;
	const struct ms_block *block;	/* NULL: none (ZONE_DEVICE, no sysfs) */
	int nid;			/* ms_section_node(), -1 unknown */
	const char *owner;		/* its /proc/iomem owner, or NULL */
};

/*
 * The facts of every present section, by index in sp->sections; blocks
 * and iomem may be NULL and are borrowed, as sp is: they must outlive it.
 */
struct ms_facts {
	const struct ms_sparse *sp;
	const struct ms_blocks *blocks;
	const struct ms_iomem *iomem;
	struct ms_section_facts *sections;	/* [sp->nr_sections] */
	struct ms_section_census census;
};

struct ms_error *ms_facts_build(const struct ms_sparse *sp,
				const struct ms_blocks *blocks,
				const struct ms_iomem *iomem,
				struct ms_facts *out);
void ms_facts_release(struct ms_facts *f);

/* The facts of s, a section of f->sp. */
static inline const struct ms_section_facts *
ms_facts_section(const struct ms_facts *f, const struct ms_section *s)
{
	return &f->sections[s - f->sp->sections];
}

/*
 * Names of a pgmap from /proc/iomem (io may be NULL): the namespace
 * (namespaceX.Y) and the dax device (daxX.Y) over its ranges, "" when
 * there is none.
 */
void ms_pgmap_names(const struct ms_iomem *io, const struct ms_pgmap *g,
		    char *ns, size_t nslen, char *dax, size_t daxlen);
/* "dax0.0", else "namespace0.0", else "pgmap@0x..." */
void ms_pgmap_device_name(const struct ms_iomem *io, const struct ms_pgmap *g,
			  char *buf, size_t len);
/*
 * A vmemmap owner: boot, hotplug, hugetlb:2M, device:dax0.0 (owner: the
 * hstate index in vm or the pgmap index in pm, -1 for none).
 */
void ms_vmemmap_owner_name(const struct ms_vmemmap *vm,
			   const struct ms_pgmaps *pm,
			   const struct ms_iomem *io, enum ms_vmemmap_kind kind,
			   int owner, char *buf, size_t len);

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
