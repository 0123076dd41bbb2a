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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

struct leaf {
	uint64_t vaddr, frame, size;
	bool writable;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
	uint64_t holes;		/* bytes of the range not mapped */
};

static struct ms_error *add_leaf(void *arg, const struct ms_pt_map *m)
{
	struct leaves *l = arg;

	if (m->kind != MS_PT_MAPPED) {
		l->holes += m->size;
		return NULL;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct leaf *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "vmemmap view");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct leaf){ m->vaddr, m->paddr, m->size, m->writable };
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* How many leaves of the range map frame (frames sorted). */
static size_t share_count(const uint64_t *frames, size_t n, uint64_t frame)
{
	const uint64_t *p = bsearch(&frame, frames, n, sizeof(*frames), cmp_u64);
	size_t c = 0;

	if (!p)
		return 0;
	while (p > frames && p[-1] == frame)
		p--;
	for (; p < frames + n && *p == frame; p++)
		c++;
	return c;
}

static void leaf_row(struct ms_tui *t, struct ms_canvas *c, int y,
		     const struct leaf *lf, size_t shares)
{
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
		ms_canvas_text(c, 86, y, MS_ROLE_OVERLAY, MS_ATTR_FILL, "shared x%zu", shares);
}

static void vmemmap_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);
	struct leaves l = { 0 };
	uint64_t *frames = NULL, start, end;
	struct ms_error *err;
	size_t shared = 0;

	if (!s || !ms_tui_page_layout(t)) {
		ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0, "section %" PRIu64 " is not present",
			       t->cursor);
		return;
	}
	start = ms_page_vaddr(&t->pl, s->start_pfn);
	end = ms_page_vaddr(&t->pl, s->start_pfn + s->nr_pages);
	err = ms_target_walk_range(t->opts->target, start, end, add_leaf, &l);
	if (err) {
		ms_tui_message(t, true, "vmemmap: %s", err->msg);
		ms_error_free(err);
	}
	frames = calloc(l.n ? l.n : 1, sizeof(*frames));
	if (!frames)
		goto out;
	for (size_t i = 0; i < l.n; i++)
		frames[i] = l.v[i].frame;
	qsort(frames, l.n, sizeof(*frames), cmp_u64);
	for (size_t i = 0; i < l.n; i++)
		shared += share_count(frames, l.n, l.v[i].frame) > 1;
	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "vmemmap of section %" PRIu64 "  0x%" PRIx64 "-0x%" PRIx64
		       ": %zu mappings, %zu on shared frames, %" PRIu64 "K unmapped  (Esc: back)",
		       s->nr, start, end - 1, l.n, shared, l.holes >> 10);
	if (t->list_top > (int)l.n)
		t->list_top = l.n ? (int)l.n - 1 : 0;
	for (int r = 0; r + 1 < h && (size_t)(t->list_top + r) < l.n; r++) {
		const struct leaf *lf = &l.v[t->list_top + r];

		leaf_row(t, c, y + 1 + r, lf, share_count(frames, l.n, lf->frame));
	}
out:
	free(frames);
	free(l.v);
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
