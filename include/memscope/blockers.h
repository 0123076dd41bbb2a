/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blockers: why a memory block cannot go offline, page by page. The rules
 * follow the kernel's own checks in mm/memory_hotplug.c and
 * mm/page_isolation.c (has_unmovable_pages(), scan_movable_pages(),
 * test_pages_in_a_zone()) as far as struct page shows them: reserved and
 * typed pages (PageOffline, page tables) and slab cannot move; pinned pages
 * (folio_maybe_dma_pinned()) cannot be migrated; hugetlb pages in use need
 * migration; a block must sit in a single zone.
 */
#ifndef MEMSCOPE_BLOCKERS_H
#define MEMSCOPE_BLOCKERS_H

#include "page.h"

enum ms_blocker {
	MS_BLOCKER_NONE,
	MS_BLOCKER_PINNED,
	MS_BLOCKER_SLAB,
	MS_BLOCKER_RESERVED,
	MS_BLOCKER_UNMOVABLE,
	MS_BLOCKER_HUGETLB,
	MS_BLOCKER_ZONE,
	MS_BLOCKER_NR,
};

/*
 * folio_maybe_dma_pinned() for an order-0 page: each FOLL_PIN adds
 * GUP_PIN_COUNTING_BIAS to the refcount (include/linux/mm.h, 1024 since
 * v5.7, commit fc1d8e7cca2d "mm/gup: page->hpage_pinned_refcount"). It is a
 * #define, in no BTF or VMCOREINFO, so it is named here once.
 */
#define MS_GUP_PIN_COUNTING_BIAS 1024

/*
 * Classifies p. head is p's head when p is a tail and the caller has it
 * (else NULL: a tail is judged by itself). zone is the block's zone index
 * (-1 unknown), movable whether that zone is ZONE_MOVABLE (there the
 * kernel only holds movable allocations, so an untyped page with a
 * reference is no blocker by itself). Pure.
 */
enum ms_blocker ms_page_blocker(const struct ms_page_layout *pl,
				const struct ms_page *p,
				const struct ms_page *head, int zone,
				bool movable);
const char *ms_blocker_name(enum ms_blocker b);
/* The pins on p (folio pincount, or refcount / bias for order 0). */
int64_t ms_page_pins(const struct ms_page *p);

#endif
