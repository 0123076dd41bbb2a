// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The map fitted to the window (see map_fit.h). The candidates go from
 * fine to coarse: a sub-section two columns wide, a sub-section one
 * column wide, a section, then 2, 4, 8... sections per cell; the first
 * whose rows fit the window wins. A row holds a power of two of cells so
 * it starts on a round address; runs of rows with no present section
 * collapse into one row. The sections are read once, into runs of present
 * ones; a candidate's rows are counted per run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "map_fit.h"

struct cand {
	bool sub;
	uint64_t group;
	int cell_w;
};

static int fit_per_row(int w, int label_w, int cell_w)
{
	int per_row = 1;

	while (per_row < 256 && label_w + 2 * per_row * cell_w <= w)
		per_row *= 2;
	return per_row;
}

/* Sub-section units per cell. */
static uint64_t cell_units(const struct ms_fit *f)
{
	return f->sub ? 1 : f->group * f->per_section;
}

/* A run of present section numbers, [first, end). */
struct run {
	uint64_t first, end;
};

/* The runs of present sections; *nr of them, NULL when out of memory. */
static struct run *present_runs(const struct ms_tui_data *d, size_t *nr)
{
	struct run *runs;
	size_t n = 0, cap = 0;

	for (uint64_t i = 0; i < d->nr_cells; i++)
		cap += d->cells[i].idx >= 0 && (!i || d->cells[i - 1].idx < 0);
	runs = calloc(cap ? cap : 1, sizeof(*runs));
	if (!runs)
		return NULL;
	for (uint64_t i = 0; i < d->nr_cells; i++) {
		if (d->cells[i].idx < 0)
			continue;
		if (i && d->cells[i - 1].idx >= 0)
			runs[n - 1].end = i + 1;
		else
			runs[n++] = (struct run){ i, i + 1 };
	}
	*nr = n;
	return runs;
}

/*
 * Walks the rows the runs of present sections take; counts them, and
 * fills f->rows when it is allocated. Stops counting past max (the
 * candidate does not fit). One step per run, not per section.
 */
static uint64_t walk_rows(const struct run *runs, size_t nr_runs,
			  struct ms_fit *f, uint64_t max)
{
	uint64_t row_units = (uint64_t)f->per_row * cell_units(f), rows = 0;
	uint64_t next = 0;	/* the first chunk not yet in a row */

	for (size_t i = 0; i < nr_runs && rows <= max; i++) {
		uint64_t ra = runs[i].first * f->per_section / row_units;
		uint64_t rb = (runs[i].end * f->per_section - 1) / row_units;

		if (ra > next) {
			if (f->rows)
				f->rows[rows] = (struct ms_fit_row){
					next * f->per_row, ra * f->per_row, true };
			rows++;
			next = ra;
		}
		if (!f->rows && rb >= next) {
			rows += rb - next + 1;
			next = rb + 1;
			continue;
		}
		for (; next <= rb; next++, rows++) {
			uint64_t end = (next + 1) * f->per_row;

			f->rows[rows] = (struct ms_fit_row){
				next * f->per_row,
				end < f->nr_cells ? end : f->nr_cells, false };
		}
	}
	return rows;
}

static int fit_label_w(const struct ms_tui_data *d, int *digits)
{
	const struct ms_layout *l = d->sp->layout;
	uint64_t last = d->nr_cells ? (d->nr_cells << l->section_size_bits) - 1 : 0;
	char buf[48];
	int w = snprintf(buf, sizeof(buf), "0x%" PRIx64 " ", last);

	*digits = w - 3;
	/* " bN": the memory block the row starts in */
	if (d->blocks && d->blocks->nr)
		w += snprintf(buf, sizeof(buf), "b%" PRIu64 " ",
			      d->blocks->blocks[d->blocks->nr - 1].nr);
	return w;
}

static void fit_apply(const struct ms_tui *t, const struct cand *c,
		      int label_w, struct ms_fit *f)
{
	const struct ms_layout *l = t->data.sp->layout;
	uint64_t n = t->data.nr_cells;

	f->sub = c->sub;
	f->group = c->sub ? 1 : c->group;
	f->cell_w = c->cell_w;
	f->label_w = label_w;
	f->per_row = fit_per_row(t->w, label_w, c->cell_w);
	f->nr_cells = c->sub ? n * f->per_section : (n + f->group - 1) / f->group;
	f->cell_bytes = c->sub ? 1ULL << l->subsection_shift :
				 f->group << l->section_size_bits;
}

int ms_fit_layout(const struct ms_tui *t, int y, int h, struct ms_fit *f)
{
	const struct ms_tui_data *d = &t->data;
	struct cand c = { d->per_section > 1, 1, 2 };
	struct run *runs;
	size_t nr_runs = 0;
	uint64_t rows;
	int label_w;

	*f = (struct ms_fit){ .x = 0, .y = y, .visible = h > 0 ? h : 0,
			      .per_section = d->per_section > 1 ? d->per_section : 1 };
	label_w = fit_label_w(d, &f->addr_digits);
	runs = present_runs(d, &nr_runs);
	if (!runs)
		return -1;
	for (;;) {
		fit_apply(t, &c, label_w, f);
		rows = walk_rows(runs, nr_runs, f, (uint64_t)f->visible);
		/* the last candidate, one cell for all, always ends the search */
		if (rows <= (uint64_t)f->visible || (!c.sub && c.group >= d->nr_cells))
			break;
		if (c.sub && c.cell_w == 2)
			c.cell_w = 1;
		else if (c.sub)
			c = (struct cand){ false, 1, 2 };
		else
			c.group *= 2;
	}
	rows = walk_rows(runs, nr_runs, f, UINT64_MAX);
	f->rows = calloc(rows ? rows : 1, sizeof(*f->rows));
	if (f->rows)
		f->nr_rows = (int)walk_rows(runs, nr_runs, f, UINT64_MAX);
	free(runs);
	return f->rows ? 0 : -1;
}

void ms_fit_free(struct ms_fit *f)
{
	free(f->rows);
	f->rows = NULL;
	f->nr_rows = 0;
}

uint64_t ms_fit_cell(const struct ms_fit *f, uint64_t nr, unsigned int sub)
{
	return f->sub ? nr * f->per_section + sub : nr / f->group;
}

void ms_fit_sections(const struct ms_fit *f, const struct ms_tui_data *d,
		     uint64_t cell, uint64_t *first, uint64_t *end)
{
	if (f->sub) {
		*first = cell / f->per_section;
		*end = *first + 1;
	} else {
		*first = cell * f->group;
		*end = *first + f->group;
	}
	if (*end > d->nr_cells)
		*end = d->nr_cells;
}

int ms_fit_row_of(const struct ms_fit *f, uint64_t cell)
{
	int lo = 0, hi = f->nr_rows;

	/* rows are contiguous from cell 0: the last row starting at or before */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (f->rows[mid].first <= cell)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int64_t ms_fit_hit(const struct ms_fit *f, int top, int sx, int sy)
{
	int row = sy - f->y, col;
	const struct ms_fit_row *r;
	uint64_t cell;

	if (row < 0 || row >= f->visible || row + top >= f->nr_rows ||
	    sx < f->x + f->label_w)
		return -1;
	r = &f->rows[row + top];
	col = (sx - f->x - f->label_w) / f->cell_w;
	if (r->hole || col >= f->per_row)
		return -1;
	cell = r->first + (uint64_t)col;
	return cell < r->end ? (int64_t)cell : -1;
}

void ms_fit_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (u < 5 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, units[u]);
}
