// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map overlays: each is a plug-in, a function that colours a section's
 * cell (or leaves it alone), toggled by its key. Overlays for compound
 * pages, vmemmap deduplication and pins plug in here as their models
 * (page.h, vmemmap.h) land.
 */
#include "tui_int.h"

/*
 * Sections whose struct pages the boot has not initialised yet: at or
 * above their node's first_deferred_pfn (ULONG_MAX once the deferred
 * init kthread is done, MS_ABSENT without DEFERRED_STRUCT_PAGE_INIT).
 */
static int deferred_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	const struct ms_section *s = ms_tui_section(d, nr);

	if (!s)
		return -1;
	for (size_t i = 0; i < d->sp->nr_nodes; i++) {
		const struct ms_node *n = &d->sp->nodes[i];

		if (n->first_deferred_pfn == UINT64_MAX || n->nid != s->nid)
			continue;
		if (s->start_pfn + s->nr_pages > n->first_deferred_pfn &&
		    s->start_pfn < n->start_pfn + n->spanned) {
			*letter = '~';
			return MS_ROLE_OVERLAY;
		}
	}
	return -1;
}

/*
 * vmemmap deduplication: sections whose struct pages sit in a vmemmap
 * range with frames mapped more than once (HugeTLB vmemmap optimisation,
 * 5.18+; compound devmaps of device-dax, 5.19+), from the vmemmap model.
 */
static int dedup_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	const struct ms_section *s = ms_tui_section(d, nr);

	if (!s || !d->vm)
		return -1;
	for (size_t i = 0; i < d->vm->nr_rows; i++) {
		const struct ms_vm_row *r = &d->vm->rows[i];

		if (r->c.shared && r->first_pfn < s->start_pfn + s->nr_pages &&
		    r->last_pfn >= s->start_pfn) {
			*letter = '+';
			return MS_ROLE_OVERLAY;
		}
	}
	return -1;
}

/*
 * Compound pages by kind: the letter of the largest kind found among the
 * heads in the section (HugeTLB, devdax, THP, slab, other), from the scan
 * of the sections on screen (scan.c).
 */
static int compound_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	static const struct { enum ms_compound_kind k; char c; } order[] = {
		{ MS_COMPOUND_HUGETLB, 'U' }, { MS_COMPOUND_DEVDAX, 'V' },
		{ MS_COMPOUND_THP, 'T' }, { MS_COMPOUND_SLAB, 'S' },
		{ MS_COMPOUND_OTHER, 'C' },
	};

	if (!d->marks || nr >= d->nr_marks)
		return -1;
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
		if (d->marks[nr] & (1U << order[i].k)) {
			*letter = order[i].c;
			return MS_ROLE_OVERLAY;
		}
	}
	return -1;
}

/* Sections holding a large folio with a positive _pincount (FOLL_PIN). */
static int pin_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	if (!d->marks || nr >= d->nr_marks || !(d->marks[nr] & MS_MARK_PIN))
		return -1;
	*letter = '*';
	return MS_ROLE_OVERLAY;
}

const struct ms_overlay ms_overlays[] = {
	{ "deferred", 'f', "overlay: sections whose struct pages await deferred init (~)",
	  deferred_cell, false, false },
	{ "vmemmap-dedup", 'v', "overlay: struct pages on shared vmemmap frames (+)",
	  dedup_cell, true, false },
	{ "compound", 'c', "overlay: compound pages, HugeTLB U, devdax V, THP T, slab S, other C",
	  compound_cell, false, true },
	{ "pins", 'P', "overlay: large folios with pins (*)", pin_cell, false, true },
};
const size_t ms_nr_overlays = sizeof(ms_overlays) / sizeof(*ms_overlays);
