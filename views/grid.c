// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The map's grid: cells in rows of a power of two, so a row starts on a
 * round address and the label before it reads well. Pure arithmetic, no
 * data: the same layout serves drawing and mouse hits.
 */
#include "tui_int.h"

void ms_grid_layout(struct ms_grid *g, uint64_t count, int x, int y, int w,
		    int h, int label_w, int cell_w)
{
	int per_row = 1;

	while (per_row < 128 && label_w + 2 * per_row * cell_w <= w)
		per_row *= 2;
	g->x = x;
	g->y = y;
	g->label_w = label_w;
	g->cell_w = cell_w;
	g->per_row = per_row;
	g->count = count;
	g->rows = (int)((count + per_row - 1) / per_row);
	g->visible = h > 0 ? h : 0;
}

void ms_grid_pos(const struct ms_grid *g, uint64_t i, int *row, int *col)
{
	*row = (int)(i / g->per_row);
	*col = (int)(i % g->per_row);
}

int64_t ms_grid_hit(const struct ms_grid *g, int top, int sx, int sy)
{
	int row = sy - g->y, col;
	uint64_t i;

	if (row < 0 || row >= g->visible || sx < g->x + g->label_w)
		return -1;
	col = (sx - g->x - g->label_w) / g->cell_w;
	if (col >= g->per_row)
		return -1;
	i = (uint64_t)(row + top) * g->per_row + col;
	return i < g->count ? (int64_t)i : -1;
}

int ms_grid_scroll(const struct ms_grid *g, int top, int row)
{
	if (g->visible <= 0)
		return 0;
	if (row < top)
		top = row;
	else if (row >= top + g->visible)
		top = row - g->visible + 1;
	if (top > g->rows - g->visible)
		top = g->rows - g->visible;
	return top < 0 ? 0 : top;
}

/*
 * A full section is its letter on the state's colour across the whole
 * cell; a partly populated one fills only the share of the cell its
 * active sub-sections cover (at least one column) and shows the letter in
 * lower case, so the difference survives monochrome.
 */
void ms_grid_cell(struct ms_canvas *c, int x, int y, int cell_w, int state,
		  unsigned int active, unsigned int per_section, int attr)
{
	char letter = ms_section_class_info(state)->letter;
	int role = ms_cell_roles[state];
	int filled = cell_w;
	bool partial = state != MS_CELL_ABSENT && per_section &&
		       active < per_section;

	if (partial) {
		filled = (int)((active * (unsigned int)cell_w) / per_section);
		if (filled < 1)
			filled = 1;
		if (filled >= cell_w)
			filled = cell_w - 1;
		letter = (char)(letter - 'A' + 'a');
	}
	for (int i = 0; i < cell_w; i++) {
		if (state == MS_CELL_ABSENT)
			ms_canvas_put(c, x + i, y, i ? ' ' : '.', role, attr);
		else if (i < filled || (partial && i == 0))
			ms_canvas_put(c, x + i, y, letter, role, attr | MS_ATTR_FILL);
		else
			ms_canvas_put(c, x + i, y, ' ', role, attr);
	}
}

/*
 * A cell whose columns each cover per_part sub-sections, active[i] of
 * them active in column i. A full cell is ms_grid_cell's; a partly
 * populated one, where the screen has block elements, is one lower-eighths
 * block per column in the class's colour, as high as the column's share
 * of active sub-sections (blank for none); elsewhere ms_grid_cell's letters.
 */
void ms_grid_cell_parts(struct ms_canvas *c, int x, int y, int cell_w,
			int state, const uint64_t *active, uint64_t per_part,
			int attr)
{
	uint64_t sum = 0;

	for (int i = 0; i < cell_w; i++)
		sum += active[i];
	if (state == MS_CELL_ABSENT || !per_part || sum >= per_part * cell_w ||
	    !c->blocks) {
		/* the letters' scale: sum of per_part * cell_w, kept in range */
		uint64_t total = per_part * (uint64_t)cell_w;
		bool partial = sum < total;

		while (total > 0xffffU) {
			total >>= 1;
			sum >>= 1;
		}
		if (partial && sum >= total)
			sum = total - 1;
		ms_grid_cell(c, x, y, cell_w, state, (unsigned int)sum,
			     (unsigned int)total, attr);
		return;
	}
	for (int i = 0; i < cell_w; i++) {
		uint64_t n = (active[i] * 8 + per_part - 1) / per_part;

		if (n >= 8 && active[i] < per_part)
			n = 7;
		ms_canvas_put(c, x + i, y, n ? MS_GLYPH_EIGHTHS(n) : ' ',
			      ms_cell_roles[state], attr);
	}
}
