// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmemmap view: for the cursor's section, every vmemmap page (the struct
 * pages of 64 pfns, with a 64-byte struct page) and the frame behind it,
 * from one bulk page-table walk over the section's memmap. Frames mapped
 * more than once in the range are highlighted with their share count:
 * the diagram of Documentation/mm/vmemmap_dedup.rst drawn from live data
 * (HugeTLB vmemmap optimisation, 5.18+: a huge page's tail vmemmap pages
 * all map one frame read-only; compound devmaps of device-dax, 5.19+).
 * Counts are within the section; `memscope vmemmap` counts machine-wide.
 * The walk and the counts are the data layer's (data_vmemmap.c), taken
 * between frames: this file only draws them.
 */
#include <inttypes.h>
#include <stdio.h>

#include "tui_int.h"

static void leaf_row(struct ms_tui *t, struct ms_canvas *c, int y,
		     const struct ms_tui_leaf *lf)
{
	uint32_t shares = lf->shares;
	uint64_t size = t->pl.size ? t->pl.size : 64;
	uint64_t first = (lf->vaddr - t->pl.vmemmap_base) / size;
	uint64_t last = (lf->vaddr + lf->size - t->pl.vmemmap_base) / size - 1;

	ms_canvas_text(c, 0, y, shares > 1 ? MS_ROLE_OVERLAY : MS_ROLE_TEXT,
		       shares > 1 ? MS_ATTR_FILL : 0,
		       "0x%016" PRIx64 "  pfn 0x%09" PRIx64 "-0x%09" PRIx64
		       "  -> frame 0x%011" PRIx64 "  %s %s", lf->vaddr, first, last,
		       lf->frame, lf->size >= (1ULL << 30) ? "1G" : lf->size >= (1ULL << 21) ? "2M" : "4K",
		       lf->writable ? "rw" : "ro");
	if (shares > 1)
		ms_canvas_text(c, 86, y, MS_ROLE_OVERLAY, MS_ATTR_FILL, "shared x%" PRIu32, shares);
}

static void vmemmap_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_tui_vmemmap *v = &t->vmv;

	if (!v->valid || v->nr != t->cursor) {
		ms_canvas_text(c, 0, y, MS_ROLE_DIM, 0, "reading the page tables of section %"
			       PRIu64, t->cursor);
		return;
	}
	if (!v->present) {
		ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0, "section %" PRIu64 " is not present",
			       t->cursor);
		return;
	}
	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "vmemmap of section %" PRIu64 "  0x%" PRIx64 "-0x%" PRIx64
		       ": %zu mappings, %zu on shared frames, %" PRIu64 "K unmapped  (Esc: back)",
		       v->nr, v->start, v->end - 1, v->n, v->shared, v->holes >> 10);
	if (t->list_top > (int)v->n)
		t->list_top = v->n ? (int)v->n - 1 : 0;
	for (int r = 0; r + 1 < h && (size_t)(t->list_top + r) < v->n; r++)
		leaf_row(t, c, y + 1 + r, &v->leaves[t->list_top + r]);
}

static void vmemmap_status(struct ms_tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "section %" PRIu64 "  row %d  (Up/Down scroll, Left/Right: section)",
		 t->cursor, t->list_top);
}

static int vmemmap_move(struct ms_tui *t, int dx, int dy)
{
	int64_t nr = (int64_t)t->cursor + dx;

	if (dx && nr >= 0 && (uint64_t)nr < t->data.nr_cells) {
		t->cursor = (uint64_t)nr;
		t->list_top = 0;
	}
	if (t->list_top + dy >= 0)
		t->list_top += dy;
	else
		t->list_top = 0;
	return MS_REDRAW_VIEW;
}

static int vmemmap_zoom(struct ms_tui *t, int dir)
{
	if (dir > 0)
		return MS_REDRAW_NONE;
	t->view = MS_VIEW_SECTION;
	return MS_REDRAW_VIEW;
}

const struct ms_view ms_view_vmemmap = {
	.name = "vmemmap",
	.render = vmemmap_render,
	.status = vmemmap_status,
	.move = vmemmap_move,
	.zoom = vmemmap_zoom,
};
