/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The map fitted to the window (the Map's default zoom): a cell is a
 * sub-section, a section, or a power-of-two group of sections, the finest
 * of those whose rows fit the window; rows of absent memory collapse into
 * one "hole" row each, so present memory fills the screen. Pure geometry
 * over the TUI's cells (map_fit.c); view_map.c draws it.
 */
#ifndef MEMSCOPE_VIEWS_MAP_FIT_H
#define MEMSCOPE_VIEWS_MAP_FIT_H

#include "tui_int.h"

struct ms_fit_row {
	uint64_t first;		/* first cell of the row */
	uint64_t end;		/* one past its last cell */
	bool hole;		/* cells [first, end) all absent, one row */
};

struct ms_fit {
	bool sub;		/* a cell is a sub-section; else group sections */
	uint64_t group;		/* sections per cell (not sub) */
	unsigned int per_section; /* sub-sections per section, >= 1 */
	uint64_t nr_cells;
	uint64_t cell_bytes;
	int x, y;		/* top-left of the first row */
	int label_w, cell_w, per_row;
	int addr_digits;	/* hex digits of the row labels' addresses */
	int visible;		/* rows that fit */
	struct ms_fit_row *rows;
	int nr_rows;
};

/* The layout for t's data in rows [y, y + h) of a t->w wide window;
 * -1 when out of memory. */
int ms_fit_layout(const struct ms_tui *t, int y, int h, struct ms_fit *f);
void ms_fit_free(struct ms_fit *f);
/* The cell of section nr's sub-section sub. */
uint64_t ms_fit_cell(const struct ms_fit *f, uint64_t nr, unsigned int sub);
/* The sections a cell covers: [*first, *end), clipped to the map. */
void ms_fit_sections(const struct ms_fit *f, const struct ms_tui_data *d,
		     uint64_t cell, uint64_t *first, uint64_t *end);
/* The row that holds cell (a hole row for an absent one). */
int ms_fit_row_of(const struct ms_fit *f, uint64_t cell);
/* The cell at screen (sx, sy) with rows scrolled to top; -1 if none. */
int64_t ms_fit_hit(const struct ms_fit *f, int top, int sx, int sy);
/* The Map's fitted zoom (map_fit_draw.c), as struct ms_view's hooks. */
void ms_fit_render(struct ms_tui *t, int body_y, struct ms_canvas *c);
int ms_fit_move(struct ms_tui *t, int body_y, int dx, int dy);
int ms_fit_zoom(struct ms_tui *t, int body_y, int dir);
int ms_fit_click(struct ms_tui *t, int body_y, int x, int y);
/* The sections on screen: [*lo, *hi). */
void ms_fit_screen(const struct ms_tui *t, int body_y, uint64_t *lo, uint64_t *hi);
/* Bytes as "2 MiB", "8 GiB". */
void ms_fit_size(uint64_t bytes, char *buf, size_t len);

#endif
