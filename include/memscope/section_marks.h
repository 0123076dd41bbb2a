/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * section_marks: per-section facts the map overlays show, for the TUI and
 * the SVG map alike: struct pages awaiting deferred init, struct pages on
 * shared vmemmap frames, and, from a heads-only walk, the compound kinds
 * and pinned large folios a section holds.
 */
#ifndef MEMSCOPE_SECTION_MARKS_H
#define MEMSCOPE_SECTION_MARKS_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h"
#include "sparse.h"
#include "vmemmap.h"

/* A mark byte: bit (1 << enum ms_compound_kind) per kind found, and: */
#define MS_MARK_PIN 0x80	/* a large folio with _pincount > 0 */

/*
 * At or above its node's first_deferred_pfn (ULONG_MAX once the deferred
 * init kthread is done, MS_ABSENT without DEFERRED_STRUCT_PAGE_INIT).
 */
bool ms_section_deferred(const struct ms_sparse *sp, const struct ms_section *s);
/*
 * In a vmemmap range with frames mapped more than once (HugeTLB vmemmap
 * optimisation, 5.18+; compound devmaps of device-dax, 5.19+).
 */
bool ms_section_vmemmap_shared(const struct ms_vmemmap *vm,
			       const struct ms_section *s);
/* Marks the section of head p in marks[] (pfn_shift: pfn -> section). */
void ms_section_mark_page(uint8_t *marks, uint64_t nr_marks,
			  unsigned int pfn_shift, const struct ms_page *p);
/*
 * The overlay letter of a mark: the first kind found in the order HugeTLB
 * U, devdax V, THP T, slab S, other C; 0 when none.
 */
char ms_section_mark_compound(uint8_t mark);

#endif
