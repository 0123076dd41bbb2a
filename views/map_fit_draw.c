// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Map fitted to the window (map_fit.h): its rows, labelled with the
 * address and the memory block they start in, the scale line above them,
 * and the cursor's moves, zoom and clicks over the same layout.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map_fit.h"

/* y: the body's first row, below the legend (view_map.c knows it) */
static int fit_open(const struct ms_tui *t, int y, struct ms_fit *f)
{
	return ms_fit_layout(t, y, t->h - 1 - y, f);
}

static uint64_t cursor_cell(const struct ms_tui *t, const struct ms_fit *f)
{
	uint64_t cell = ms_fit_cell(f, t->cursor, f->sub ? t->sub : 0);

	return cell < f->nr_cells ? cell : (f->nr_cells ? f->nr_cells - 1 : 0);
}

/* The cursor onto a cell: its sub-section, or its first present section. */
static void set_cursor(struct ms_tui *t, const struct ms_fit *f, uint64_t cell)
{
	uint64_t first, end;

	ms_fit_sections(f, &t->data, cell, &first, &end);
	if (f->sub) {
		t->cursor = first;
		t->sub = (unsigned int)(cell % f->per_section);
		return;
	}
	t->cursor = first;
	for (uint64_t nr = first; nr < end; nr++) {
		if (t->data.cells[nr].idx >= 0) {
			t->cursor = nr;
			break;
		}
	}
}

/* The present class most sections of [first, end) have; absent if none. */
static int cell_state(const struct ms_tui_data *d, uint64_t first, uint64_t end)
{
	unsigned int n[MS_CELL_NR] = { 0 };
	int best = MS_CELL_ABSENT;

	for (uint64_t nr = first; nr < end; nr++)
		n[d->cells[nr].state]++;
	for (int s = 0; s < MS_CELL_NR; s++)
		if (s != MS_CELL_ABSENT && n[s] &&
		    (best == MS_CELL_ABSENT || n[s] > n[best]))
			best = s;
	return best;
}

/* Active sub-sections of [first, end) per column of a cell_w wide cell. */
static void cell_parts(const struct ms_tui_data *d, const struct ms_fit *f,
		       uint64_t first, uint64_t end, uint64_t *active,
		       uint64_t per_part)
{
	for (uint64_t nr = first; nr < end; nr++) {
		const struct ms_section *s = ms_tui_section(d, nr);
		uint64_t off = (nr - first) * f->per_section;

		if (!s)
			continue;
		if (per_part >= f->per_section) {
			active[off / per_part] += s->active;
			continue;
		}
		for (unsigned int k = 0; k < f->per_section; k++)
			active[(off + k) / per_part] += ms_section_subsection_active(s, k);
	}
}

/* The overlays' role and letter for the cell: the last overlay shown wins,
 * as on the section map. */
static int cell_overlay(const struct ms_tui *t, uint64_t first, uint64_t end,
			char *letter)
{
	int found = -1;

	for (size_t i = 0; i < ms_nr_overlays; i++) {
		if (!(t->overlays & (1U << i)))
			continue;
		for (uint64_t nr = first; nr < end; nr++) {
			char l = '~';
			int role = ms_overlays[i].cell(&t->data, nr, &l);

			if (role >= 0) {
				found = role;
				*letter = l;
				break;
			}
		}
	}
	return found;
}

static void draw_cell(const struct ms_tui *t, struct ms_canvas *c,
		      const struct ms_fit *f, uint64_t cell, int x, int y,
		      uint64_t cur)
{
	const struct ms_tui_data *d = &t->data;
	uint64_t first, end, active[2] = { 0, 0 };
	bool changed = false, on = true;
	int state, attr, role;
	char letter = '~';

	ms_fit_sections(f, d, cell, &first, &end);
	for (uint64_t nr = first; nr < end; nr++)
		changed |= d->cells[nr].changed;
	attr = (changed ? MS_ATTR_CHANGED : 0) | (cell == cur ? MS_ATTR_CURSOR : 0);
	state = cell_state(d, first, end);
	if (f->sub) {
		const struct ms_section *s = ms_tui_section(d, first);

		/* an inactive sub-section reads as the section view draws it */
		on = s && ms_section_subsection_active(s, (unsigned int)(cell % f->per_section));
		ms_grid_cell(c, x, y, f->cell_w, on ? state : MS_CELL_ABSENT, 1, 1, attr);
	} else {
		uint64_t per_part = f->group * f->per_section / (uint64_t)f->cell_w;

		cell_parts(d, f, first, end, active, per_part ? per_part : 1);
		ms_grid_cell_parts(c, x, y, f->cell_w, state, active,
				   per_part ? per_part : 1, attr);
	}
	if (!t->overlays || !on || state == MS_CELL_ABSENT)
		return;
	role = cell_overlay(t, first, end, &letter);
	if (role >= 0)
		for (int k = 0; k < f->cell_w; k++)
			ms_canvas_put(c, x + k, y, letter, role, attr | MS_ATTR_FILL);
}

static void draw_row(const struct ms_tui *t, struct ms_canvas *c,
		     const struct ms_fit *f, const struct ms_fit_row *r, int y,
		     uint64_t cur)
{
	const struct ms_tui_data *d = &t->data;
	uint64_t addr = r->first * f->cell_bytes;
	const struct ms_block *b = d->blocks && !r->hole ?
				   ms_blocks_find(d->blocks, addr) : NULL;
	int x = ms_canvas_text(c, f->x, y, MS_ROLE_DIM, 0, "0x%0*" PRIx64 " ",
			       f->addr_digits, addr);

	if (b)
		ms_canvas_text(c, x, y, MS_ROLE_DIM, 0, "b%" PRIu64, b->nr);
	if (r->hole) {
		uint64_t first, end, last, lend;
		char size[32];

		ms_fit_sections(f, d, r->first, &first, &end);
		ms_fit_sections(f, d, r->end - 1, &last, &lend);
		ms_fit_size((lend - first) << d->sp->layout->section_size_bits,
			    size, sizeof(size));
		ms_canvas_text(c, f->x + f->label_w, y, MS_ROLE_ABSENT, 0,
			       ". . .  sections %" PRIu64 "-%" PRIu64 " absent (%s)",
			       first, lend - 1, size);
		return;
	}
	for (uint64_t cell = r->first; cell < r->end; cell++)
		draw_cell(t, c, f, cell, f->x + f->label_w +
			  (int)(cell - r->first) * f->cell_w, y, cur);
}

/* "1 cell = 2 MiB (a sub-section), 64/row = 128 MiB, ..." */
static int scale_line(const struct ms_tui *t, struct ms_canvas *c,
		      const struct ms_fit *f, int y)
{
	const struct ms_tui_data *d = &t->data;
	char cell[32], row[32], what[40];

	ms_fit_size(f->cell_bytes, cell, sizeof(cell));
	ms_fit_size(f->cell_bytes * (uint64_t)f->per_row, row, sizeof(row));
	if (f->sub)
		snprintf(what, sizeof(what), "a sub-section");
	else if (f->group == 1)
		snprintf(what, sizeof(what), "a section");
	else
		snprintf(what, sizeof(what), "%" PRIu64 " sections", f->group);
	return ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
			      "1 cell = %s (%s), %d/row = %s, sections 0-%" PRIu64
			      ", %u changed",
			      cell, what, f->per_row, row,
			      d->nr_cells ? d->nr_cells - 1 : 0, d->nr_changed);
}

void ms_fit_render(struct ms_tui *t, int body_y, struct ms_canvas *c)
{
	struct ms_fit f;
	struct ms_grid g = { 0 };
	uint64_t cur;
	int x;

	if (fit_open(t, body_y, &f)) {
		ms_canvas_text(c, 0, body_y, MS_ROLE_ERROR, 0,
			       "out of memory for the map's rows");
		return;
	}
	cur = cursor_cell(t, &f);
	g.visible = f.visible;
	g.rows = f.nr_rows;
	t->top = ms_grid_scroll(&g, t->top, ms_fit_row_of(&f, cur));
	x = scale_line(t, c, &f, f.y - 1);
	for (size_t i = 0; i < ms_nr_overlays; i++)
		if (t->overlays & (1U << i))
			x = ms_canvas_text(c, x + 2, f.y - 1, MS_ROLE_OVERLAY, MS_ATTR_FILL,
					   "overlay: %s", ms_overlays[i].name);
	for (int r = 0; r < f.visible && t->top + r < f.nr_rows; r++)
		draw_row(t, c, &f, &f.rows[t->top + r], f.y + r, cur);
	ms_fit_free(&f);
}

/* The next row in direction step that holds cells, or -1. */
static int cell_row(const struct ms_fit *f, int r, int step)
{
	for (r += step; r >= 0 && r < f->nr_rows; r += step)
		if (!f->rows[r].hole)
			return r;
	return -1;
}

static uint64_t move_rows(const struct ms_fit *f, uint64_t cell, int dy)
{
	int r = ms_fit_row_of(f, cell), step = dy > 0 ? 1 : -1, next;
	uint64_t col = cell - f->rows[r].first;
	const struct ms_fit_row *to;

	for (int n = dy > 0 ? dy : -dy; n > 0 && (next = cell_row(f, r, step)) >= 0; n--)
		r = next;
	to = &f->rows[r];
	return to->first + col < to->end ? to->first + col : to->end - 1;
}

int ms_fit_move(struct ms_tui *t, int body_y, int dx, int dy)
{
	struct ms_fit f;
	uint64_t cell;
	int64_t nc;

	if (fit_open(t, body_y, &f))
		return MS_REDRAW_NONE;
	if (!f.nr_cells) {
		ms_fit_free(&f);
		return MS_REDRAW_NONE;
	}
	cell = cursor_cell(t, &f);
	if (dy)
		cell = move_rows(&f, cell, dy);
	if (dx) {
		int r;

		nc = (int64_t)cell + dx;
		nc = nc < 0 ? 0 : nc >= (int64_t)f.nr_cells ? (int64_t)f.nr_cells - 1 : nc;
		r = ms_fit_row_of(&f, (uint64_t)nc);
		/* over a collapsed hole to the cells on its far side */
		if (f.rows[r].hole) {
			int to = cell_row(&f, r, dx > 0 ? 1 : -1);

			if (to >= 0)
				nc = (int64_t)(dx > 0 ? f.rows[to].first : f.rows[to].end - 1);
			else
				nc = (int64_t)cell;
		}
		cell = (uint64_t)nc;
	}
	set_cursor(t, &f, cell);
	ms_fit_free(&f);
	return MS_REDRAW_VIEW;
}

/*
 * In: a sub-section or section cell opens the Section view on it; an
 * aggregate opens the map at one cell per section, on its first present
 * section.
 */
int ms_fit_zoom(struct ms_tui *t, int body_y, int dir)
{
	struct ms_fit f;
	bool aggregate;

	if (dir < 0) {
		t->zoom = MS_ZOOM_NODE;
		return MS_REDRAW_VIEW;
	}
	if (fit_open(t, body_y, &f))
		return MS_REDRAW_NONE;
	aggregate = !f.sub && f.group > 1;
	ms_fit_free(&f);
	if (aggregate) {
		t->zoom = MS_ZOOM_SECTION;
	} else {
		if (!f.sub)
			t->sub = 0;
		t->view = MS_VIEW_SECTION;
	}
	return MS_REDRAW_VIEW;
}

int ms_fit_click(struct ms_tui *t, int body_y, int x, int y)
{
	struct ms_fit f;
	int64_t cell;
	uint64_t cur;

	if (fit_open(t, body_y, &f))
		return MS_REDRAW_NONE;
	cell = ms_fit_hit(&f, t->top, x, y);
	cur = cursor_cell(t, &f);
	if (cell >= 0 && (uint64_t)cell != cur)
		set_cursor(t, &f, (uint64_t)cell);
	ms_fit_free(&f);
	if (cell < 0)
		return MS_REDRAW_NONE;
	return (uint64_t)cell == cur ? ms_fit_zoom(t, body_y, 1) : MS_REDRAW_VIEW;
}

void ms_fit_screen(const struct ms_tui *t, int body_y, uint64_t *lo, uint64_t *hi)
{
	struct ms_fit f;
	uint64_t end;
	int last;

	*lo = *hi = 0;
	if (fit_open(t, body_y, &f))
		return;
	last = t->top + f.visible < f.nr_rows ? t->top + f.visible : f.nr_rows;
	if (t->top < last) {
		ms_fit_sections(&f, &t->data, f.rows[t->top].first, lo, &end);
		ms_fit_sections(&f, &t->data, f.rows[last - 1].end - 1, &end, hi);
	}
	ms_fit_free(&f);
}
