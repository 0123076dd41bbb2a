// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map overlays: each is a plug-in, a function that colours a section's
 * cell (or leaves it alone), toggled by its key. Overlays for compound
 * pages, vmemmap deduplication and pins plug in here as their models
 * (page.h, vmemmap.h) land.
 */
#include "tui_int.h"

/* Sections whose struct pages await deferred init (section_marks.c). */
static int deferred_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	const struct ms_section *s = ms_tui_section(d, nr);

	if (!s || !ms_section_deferred(d->sp, s))
		return -1;
	*letter = '~';
	return MS_ROLE_OVERLAY;
}

/* Struct pages on shared vmemmap frames, from the vmemmap model. */
static int dedup_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	const struct ms_section *s = ms_tui_section(d, nr);

	if (!s || !d->vm || !ms_section_vmemmap_shared(d->vm, s))
		return -1;
	*letter = '+';
	return MS_ROLE_OVERLAY;
}

/*
 * Compound pages by kind: the letter of the largest kind found among the
 * heads in the section, from the scan of the sections on screen (scan.c).
 */
static int compound_cell(const struct ms_tui_data *d, uint64_t nr, char *letter)
{
	char c;

	if (!d->marks || nr >= d->nr_marks)
		return -1;
	c = ms_section_mark_compound(d->marks[nr]);
	if (!c)
		return -1;
	*letter = c;
	return MS_ROLE_OVERLAY;
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
