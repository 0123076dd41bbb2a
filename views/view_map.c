// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map: the physical address space coloured by state, by default fitted
 * to the window (map_fit.h: a cell is a sub-section, a section or a group
 * of sections); 'z' toggles one cell per section; zoomed out, one row per
 * node. Enter zooms in (node -> the fitted map -> sections, for an
 * aggregate -> the section view's sub-sections), Esc zooms out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map_fit.h"

#define CELL_W 2

static uint64_t section_pfn(const struct ms_tui_data *d, uint64_t nr)
{
	return nr << (d->sp->layout->section_size_bits - d->sp->layout->page_shift);
}

static int label_width(const struct ms_tui_data *d)
{
	uint64_t last = d->nr_cells ? d->nr_cells - 1 : 0;
	char buf[32];

	return snprintf(buf, sizeof(buf), "0x%" PRIx64,
			last << d->sp->layout->section_size_bits) + 1;
}

static int legend(const struct ms_tui *t, struct ms_canvas *c, int y, int w);

/* body: title row above, status row below; legend and header inside */
int ms_map_body_y(const struct ms_tui *t)
{
	return 1 + (t->data.sp ? legend(t, NULL, 0, t->w) : 0) + 1;
}

void ms_map_grid(const struct ms_tui *t, struct ms_grid *g)
{
	int y = ms_map_body_y(t);

	ms_grid_layout(g, t->data.nr_cells, 0, y, t->w, t->h - 1 - y,
		       t->data.sp ? label_width(&t->data) : 4, CELL_W);
}

/*
 * The legend: "[EE] early boot: 4" entries, then partly populated cells,
 * wrapped to the width. Returns the rows it takes; draws when c is given.
 */
static int legend(const struct ms_tui *t, struct ms_canvas *c, int y, int w)
{
	const struct ms_tui_data *d = &t->data;
	int x = 0, row = 0;

	for (int s = 0; s <= MS_CELL_NR; s++) {
		char text[64];
		int len;

		if (s < MS_CELL_NR)
			len = snprintf(text, sizeof(text), "] %s: %u", ms_section_class_info(s)->name,
				       d->counts[s]);
		else
			len = snprintf(text, sizeof(text), "] partly populated: %u",
				       d->nr_partial);
		if (x && x + len + 1 + CELL_W > w) {
			x = 0;
			row++;
		}
		if (c) {
			/* partly populated: 6/8 and 2/8 of the halves */
			uint64_t parts[CELL_W] = { 6, 2 };

			if (s < MS_CELL_NR)
				parts[0] = parts[1] = 8;
			ms_canvas_text(c, x, y + row, MS_ROLE_TEXT, 0, "[");
			ms_grid_cell_parts(c, x + 1, y + row, CELL_W,
					   s < MS_CELL_NR ? s : MS_CELL_EARLY,
					   parts, 8, 0);
			ms_canvas_text(c, x + 1 + CELL_W, y + row, MS_ROLE_TEXT, 0,
				       "%s", text);
		}
		x += 1 + CELL_W + len + 3;
	}
	return row + 1;
}

static void overlay_cell(const struct ms_tui *t, struct ms_canvas *c, int x,
			 int y, uint64_t nr, int attr)
{
	for (size_t i = 0; i < ms_nr_overlays; i++) {
		char letter = '~';
		int role;

		if (!(t->overlays & (1U << i)))
			continue;
		role = ms_overlays[i].cell(&t->data, nr, &letter);
		if (role >= 0)
			for (int k = 0; k < CELL_W; k++)
				ms_canvas_put(c, x + k, y, letter, role,
					      attr | MS_ATTR_FILL);
	}
}

static void render_row(const struct ms_tui *t, struct ms_canvas *c,
		       const struct ms_grid *g, int row, int y)
{
	const struct ms_tui_data *d = &t->data;
	uint64_t first = (uint64_t)row * g->per_row;

	ms_canvas_text(c, g->x, y, MS_ROLE_DIM, 0, "0x%0*" PRIx64, g->label_w - 3,
		       first << d->sp->layout->section_size_bits);
	for (int col = 0; col < g->per_row && first + col < d->nr_cells; col++) {
		uint64_t nr = first + col;
		const struct ms_cell *cell = &d->cells[nr];
		int x = g->x + g->label_w + col * CELL_W;
		int attr = (cell->changed ? MS_ATTR_CHANGED : 0) |
			   (nr == t->cursor ? MS_ATTR_CURSOR : 0);

		ms_grid_cell(c, x, y, CELL_W, cell->state, cell->active,
			     d->per_section, attr);
		if (t->overlays)
			overlay_cell(t, c, x, y, nr, attr);
	}
}

static void render_sections(struct ms_tui *t, struct ms_canvas *c)
{
	const struct ms_tui_data *d = &t->data;
	struct ms_grid g;
	int row, col, x, y;

	ms_map_grid(t, &g);
	y = g.y - 1;
	ms_grid_pos(&g, t->cursor, &row, &col);
	t->top = ms_grid_scroll(&g, t->top, row);
	x = ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "sections 0-%" PRIu64 ", %" PRIu64 "M each, %d per row; %u changed since the last refresh",
		       d->nr_cells ? d->nr_cells - 1 : 0,
		       (uint64_t)1 << (d->sp->layout->section_size_bits - 20),
		       g.per_row, d->nr_changed);
	for (size_t i = 0; i < ms_nr_overlays; i++)
		if (t->overlays & (1U << i))
			x = ms_canvas_text(c, x + 2, y, MS_ROLE_OVERLAY, MS_ATTR_FILL,
					   "overlay: %s", ms_overlays[i].name);
	/* only the rows on screen: a 1 TiB map costs what the window holds */
	for (int r = 0; r < g.visible && t->top + r < g.rows; r++)
		render_row(t, c, &g, t->top + r, g.y + r);
}

static void node_counts(const struct ms_tui_data *d, const struct ms_node *n,
			unsigned int *counts)
{
	uint64_t first = n->start_pfn, end = n->start_pfn + n->spanned;

	memset(counts, 0, MS_CELL_NR * sizeof(*counts));
	for (uint64_t nr = 0; nr < d->nr_cells; nr++) {
		uint64_t pfn = section_pfn(d, nr);

		if (pfn + section_pfn(d, 1) > first && pfn < end)
			counts[d->cells[nr].state]++;
	}
}

static void render_nodes(struct ms_tui *t, struct ms_canvas *c, int y)
{
	/* y: the header row, where the section grid has its header */
	const struct ms_sparse *sp = t->data.sp;

	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "nodes: %zu (Enter: its sections)", sp->nr_nodes);
	for (size_t i = 0; i < sp->nr_nodes; i++) {
		const struct ms_node *n = &sp->nodes[i];
		unsigned int counts[MS_CELL_NR];
		int x, attr = i == t->node ? MS_ATTR_CURSOR : 0;

		node_counts(&t->data, n, counts);
		x = ms_canvas_text(c, 0, y + 1 + (int)i, MS_ROLE_TEXT, attr,
				   "node %d  pfn 0x%" PRIx64 "-0x%" PRIx64 "  %" PRIu64 " pages present ",
				   n->nid, n->start_pfn, n->start_pfn + n->spanned,
				   n->present);
		for (int s = 0; s < MS_CELL_NR; s++) {
			if (!counts[s] || s == MS_CELL_ABSENT)
				continue;
			ms_grid_cell(c, x + 1, y + 1 + (int)i, CELL_W, s,
				     t->data.per_section, t->data.per_section, 0);
			x = ms_canvas_text(c, x + 1 + CELL_W, y + 1 + (int)i,
					   MS_ROLE_TEXT, 0, " %u", counts[s]);
		}
	}
}

static void map_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	if (!t->data.sp)
		return;
	int rows = legend(t, c, y, c->w);

	if (t->zoom == MS_ZOOM_NODE)
		render_nodes(t, c, y + rows);
	else if (t->zoom == MS_ZOOM_FIT)
		ms_fit_render(t, ms_map_body_y(t), c);
	else
		render_sections(t, c);
}

static void map_status(struct ms_tui *t, char *buf, size_t len)
{
	if (!t->data.sp) {
		snprintf(buf, len, "no data");
	} else if (t->zoom == MS_ZOOM_NODE && t->node < t->data.sp->nr_nodes) {
		const struct ms_node *n = &t->data.sp->nodes[t->node];

		snprintf(buf, len, "node %d  pgdat 0x%" PRIx64 "  spanned %" PRIu64
			 "  present %" PRIu64, n->nid, n->pgdat, n->spanned, n->present);
	} else {
		ms_map_status(t, t->cursor, buf, len);
	}
}

static int map_move(struct ms_tui *t, int dx, int dy)
{
	struct ms_grid g;
	int64_t nr;

	if (!t->data.sp)
		return MS_REDRAW_NONE;
	if (t->zoom == MS_ZOOM_NODE) {
		int64_t n = (int64_t)t->node + dy;

		if (n >= 0 && (size_t)n < t->data.sp->nr_nodes)
			t->node = (size_t)n;
		return MS_REDRAW_VIEW;
	}
	if (t->zoom == MS_ZOOM_FIT)
		return ms_fit_move(t, ms_map_body_y(t), dx, dy);
	ms_map_grid(t, &g);
	nr = (int64_t)t->cursor + dx + (int64_t)dy * g.per_row;
	if (nr < 0)
		nr = 0;
	if (t->data.nr_cells && (uint64_t)nr >= t->data.nr_cells)
		nr = (int64_t)t->data.nr_cells - 1;
	t->cursor = (uint64_t)nr;
	return MS_REDRAW_VIEW;
}

static int map_zoom(struct ms_tui *t, int dir)
{
	if (!t->data.sp)
		return MS_REDRAW_NONE;
	if (t->zoom == MS_ZOOM_FIT)
		return ms_fit_zoom(t, ms_map_body_y(t), dir);
	if (dir < 0) {
		if (t->zoom == MS_ZOOM_SECTION)
			t->zoom = MS_ZOOM_FIT;
		return MS_REDRAW_VIEW;
	}
	if (t->zoom == MS_ZOOM_NODE) {
		if (t->node < t->data.sp->nr_nodes) {
			const struct ms_node *n = &t->data.sp->nodes[t->node];
			const struct ms_layout *l = t->data.sp->layout;
			uint64_t nr = n->start_pfn >> (l->section_size_bits - l->page_shift);

			t->cursor = nr < t->data.nr_cells ? nr : 0;
			t->sub = 0;
		}
		t->zoom = MS_ZOOM_FIT;
	} else {
		t->view = MS_VIEW_SECTION;
		t->sub = 0;
	}
	return MS_REDRAW_VIEW;
}

static int map_click(struct ms_tui *t, int x, int y)
{
	struct ms_grid g;
	int64_t nr;

	if (!t->data.sp)
		return MS_REDRAW_NONE;
	if (t->zoom == MS_ZOOM_NODE) {
		int n = y - (1 + legend(t, NULL, 0, t->w) + 1);

		if (n >= 0 && (size_t)n < t->data.sp->nr_nodes) {
			t->node = (size_t)n;
			return map_zoom(t, 1);
		}
		return MS_REDRAW_NONE;
	}
	if (t->zoom == MS_ZOOM_FIT)
		return ms_fit_click(t, ms_map_body_y(t), x, y);
	ms_map_grid(t, &g);
	nr = ms_grid_hit(&g, t->top, x, y);
	if (nr < 0)
		return MS_REDRAW_NONE;
	if ((uint64_t)nr == t->cursor)
		return map_zoom(t, 1);
	t->cursor = (uint64_t)nr;
	return MS_REDRAW_VIEW;
}

/* The sections on screen, [*lo, *hi): what the page overlays scan. */
void ms_map_screen(const struct ms_tui *t, uint64_t *lo, uint64_t *hi)
{
	struct ms_grid g;

	if (t->zoom == MS_ZOOM_FIT) {
		ms_fit_screen(t, ms_map_body_y(t), lo, hi);
		return;
	}
	ms_map_grid(t, &g);
	*lo = (uint64_t)t->top * (uint64_t)g.per_row;
	*hi = *lo + (uint64_t)g.visible * (uint64_t)g.per_row;
	if (*hi > t->data.nr_cells)
		*hi = t->data.nr_cells;
}

const struct ms_view ms_view_map = {
	.name = "Map",
	.render = map_render,
	.status = map_status,
	.move = map_move,
	.zoom = map_zoom,
	.click = map_click,
};
