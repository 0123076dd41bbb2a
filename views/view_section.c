// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Section view: one section zoomed in. Its sub-section bitmap (one cell
 * per sub-section, 2 MiB on x86_64), memory block, zones, node, memmap
 * address and the frame behind the memmap, found by walking the kernel's
 * page tables between frames (collect.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

#define SUB_PER_ROW 16
#define CELL_W 3


void ms_map_status(const struct ms_tui *t, uint64_t nr, char *buf, size_t len)
{
	const struct ms_tui_data *d = &t->data;
	const struct ms_layout *l = d->sp->layout;
	uint64_t start = nr << l->section_size_bits;
	uint64_t end = start + (1ULL << l->section_size_bits) - 1;
	const struct ms_section *s = ms_tui_section(d, nr);
	/* the sections command's CLASS, BLOCK, NODE and OWNER (facts.c) */
	const struct ms_section_facts *f = ms_tui_facts(d, nr);
	char zones[64];
	size_t n;

	n = snprintf(buf, len, "section %" PRIu64 "  0x%" PRIx64 "-0x%" PRIx64
		     "  pfn 0x%" PRIx64, nr, start, end, start >> l->page_shift);
	if (n >= len)
		return;
	if (!s || !f) {
		snprintf(buf + n, len - n, "  absent");
		return;
	}
	ms_section_zone_names(d->sp, s, zones, sizeof(zones));
	n += snprintf(buf + n, len - n, "  %s %u/%u", ms_section_class_info(f->cls)->name,
		      s->active, d->per_section);
	if (n < len && f->block)
		n += snprintf(buf + n, len - n, "  block %" PRIu64 " %s", f->block->nr,
			      f->block->state);
	if (n < len && zones[0])
		n += snprintf(buf + n, len - n, "  zone %s", zones);
	if (n < len && f->nid >= 0)
		n += snprintf(buf + n, len - n, "  node %d", f->nid);
	if (n < len && f->owner)
		snprintf(buf + n, len - n, "  %s", f->owner);
}

static int line(struct ms_canvas *c, int y, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int line(struct ms_canvas *c, int y, const char *key, const char *fmt, ...)
{
	va_list ap;

	ms_canvas_text(c, 0, y, MS_ROLE_DIM, 0, "%-13s", key);
	va_start(ap, fmt);
	ms_canvas_vtext(c, 13, y, MS_ROLE_TEXT, 0, fmt, ap);
	va_end(ap);
	return y + 1;
}

/* The frames behind the memmap, translated between frames (collect.c). */
static void memmap_line(struct ms_tui *t, struct ms_canvas *c, int y,
			const struct ms_section *s)
{
	const struct ms_tui_memmap *m = &t->memmap;

	if (!s->memmap) {
		line(c, y, "memmap", "none");
	} else if (!m->valid || m->nr != s->nr) {
		line(c, y, "memmap", "0x%" PRIx64 " (frame: next frame)", s->memmap);
	} else if (!m->active) {
		line(c, y, "memmap", "0x%" PRIx64 " (no active sub-section)", s->memmap);
	} else if (m->err[0]) {
		line(c, y, "memmap", "0x%" PRIx64 " (frame: %s)", s->memmap, m->err);
	} else {
		line(c, y, "memmap", "0x%" PRIx64 " -> frame 0x%" PRIx64 " (%" PRIu64
		     "K leaf), last page -> 0x%" PRIx64, s->memmap, m->first.paddr,
		     m->first.leaf_size >> 10, m->last.paddr);
	}
}

static void render_bitmap(struct ms_tui *t, struct ms_canvas *c, int y, int h,
			  const struct ms_section *s)
{
	const struct ms_layout *l = t->data.sp->layout;
	unsigned int n = t->data.per_section;
	uint64_t sub_bytes = 1ULL << l->subsection_shift;
	char map[257];

	/* the subsections command's MAP */
	ms_section_subsection_map(t->data.sp, s, map, sizeof(map));
	line(c, y, "bitmap", "%s", map);
	for (unsigned int r = 0; r * SUB_PER_ROW < n && 2 + (int)r < h; r++) {
		int ry = y + 2 + (int)r;
		uint64_t first = (uint64_t)r * SUB_PER_ROW;

		ms_canvas_text(c, 0, ry, MS_ROLE_DIM, 0, "0x%011" PRIx64 "  ",
			       (s->start_pfn << l->page_shift) + first * sub_bytes);
		for (unsigned int k = 0; k < SUB_PER_ROW && first + k < n; k++) {
			unsigned int sub = (unsigned int)first + k;
			bool on = ms_section_subsection_active(s, sub);
			int state = on ? t->data.cells[s->nr].state : MS_CELL_ABSENT;
			int attr = sub == t->sub ? MS_ATTR_CURSOR : 0;

			ms_grid_cell(c, 15 + (int)k * CELL_W, ry, CELL_W - 1, state,
				     1, 1, attr);
		}
	}
}

static void section_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_tui_data *d = &t->data;
	const struct ms_section *s = d->sp ? ms_tui_section(d, t->cursor) : NULL;
	const struct ms_block *b;
	char text[256];

	if (!s) {
		ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0,
			       "section %" PRIu64 " is not present", t->cursor);
		return;
	}
	b = ms_tui_facts(d, s->nr)->block;
	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "Section %" PRIu64 "  (Esc: back to the map)", s->nr);
	ms_map_status(t, s->nr, text, sizeof(text));
	y = line(c, y + 1, "where", "%s", text);
	/* the names (and bitN) of `memscope sections` */
	ms_section_flags_format(d->sp, s, text, sizeof(text));
	y = line(c, y, "flags", "%s (raw 0x%" PRIx64 ")", text, s->section_mem_map);
	ms_section_zone_names(d->sp, s, text, sizeof(text));
	y = line(c, y, "zone", "%s", text[0] ? text : "-");
	if (b)
		y = line(c, y, "block", "memory%" PRIu64 " %s, zones %s", b->nr,
			 b->state, b->zones);
	else
		y = line(c, y, "block", "- (no memory block)");
	memmap_line(t, c, y++, s);
	y = line(c, y, "usage", "0x%" PRIx64, s->usage);
	y = line(c, y, "sub-sections", "%u of %u active, %" PRIu64 "K each",
		 s->active, d->per_section,
		 (uint64_t)(1ULL << d->sp->layout->subsection_shift) >> 10);
	render_bitmap(t, c, y, h - (y - 1), s);
}

static void section_status(struct ms_tui *t, char *buf, size_t len)
{
	const struct ms_section *s = t->data.sp ? ms_tui_section(&t->data, t->cursor) : NULL;
	const struct ms_layout *l;
	uint64_t start;

	if (!s) {
		snprintf(buf, len, "section %" PRIu64 " absent", t->cursor);
		return;
	}
	l = t->data.sp->layout;
	start = (s->start_pfn << l->page_shift) + ((uint64_t)t->sub << l->subsection_shift);
	snprintf(buf, len, "section %" PRIu64 " sub-section %u  0x%" PRIx64 "-0x%" PRIx64
		 "  pfn 0x%" PRIx64 "  %s", s->nr, t->sub, start,
		 start + ((uint64_t)1 << l->subsection_shift) - 1, start >> l->page_shift,
		 ms_section_subsection_active(s, t->sub) ? "active" : "not active");
}

static int section_move(struct ms_tui *t, int dx, int dy)
{
	int64_t sub = (int64_t)t->sub + dx + (int64_t)dy * SUB_PER_ROW;

	if (sub >= 0 && sub < (int64_t)t->data.per_section)
		t->sub = (unsigned int)sub;
	return MS_REDRAW_VIEW;
}

static int section_zoom(struct ms_tui *t, int dir)
{
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);
	const struct ms_layout *l;

	if (dir < 0) {
		/* back to the map at the zoom it was opened from */
		t->view = MS_VIEW_MAP;
		if (t->zoom == MS_ZOOM_NODE)
			t->zoom = MS_ZOOM_FIT;
	} else if (s) {
		/* in: the pages view on the sub-section's first pfn */
		l = t->data.sp->layout;
		return ms_pages_open(t, s->start_pfn + ((uint64_t)t->sub <<
					(l->subsection_shift - l->page_shift)));
	}
	return MS_REDRAW_VIEW;
}

const struct ms_view ms_view_section = {
	.name = "Section",
	.render = section_render,
	.status = section_status,
	.move = section_move,
	.zoom = section_zoom,
};
