// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scan behind the compound and pin overlays: on each refresh, only the
 * sections on the map's screen are walked, heads only
 * (ms_pages_read_heads(): base pages and consistent tails are skipped on
 * two words), one read per run of initialised sections. A section gets a
 * bit per compound kind found and MS_MARK_PIN when a head's folio
 * _pincount is positive. Small pages keep their pins in _refcount
 * (GUP_PIN_COUNTING_BIAS), which cannot be told from plain references, so
 * only large folios are marked. Sections scrolled onto the screen are
 * marked at the next refresh.
 *
 * Cost: the heads-only walk reads the whole memmap of what it scans, 64
 * bytes per 4K page (2 MiB per 128M section). On the 4.6 GiB demo snapshot
 * (21 present sections) the refresh with the overlay on takes ~0.7 s more
 * than without; so at most MS_SCAN_MAX sections (a 16 GiB window, 256 MiB
 * of memmap) are scanned per refresh, around the cursor, and the status
 * bar says so when the screen holds more.
 */
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define MS_SCAN_MAX 128

struct scan {
	struct ms_tui_data *d;
	unsigned int pfn_shift;		/* pfn -> section number */
};

static int mark_head(void *ctx, const struct ms_page *p)
{
	struct scan *s = ctx;

	ms_section_mark_page(s->d->marks, s->d->nr_marks, s->pfn_shift, p);
	return 0;
}

/* Heads in the sections [lo, hi), one read per run of initialised ones. */
static struct ms_error *scan_runs(struct ms_tui *t, struct scan *sc,
				  uint64_t lo, uint64_t hi)
{
	uint64_t pps = 1ULL << (t->data.sp->layout->section_size_bits -
				t->data.sp->layout->page_shift);

	return ms_pages_walk(t->opts->target, t->data.sp, &t->pl, lo * pps,
			     (hi - lo) * pps, true, mark_head, NULL, sc, NULL);
}

struct ms_error *ms_tui_scan(struct ms_tui *t)
{
	struct ms_tui_data *d = &t->data;
	const struct ms_layout *l;
	struct scan sc = { d, 0 };
	uint64_t lo, hi;

	free(d->marks);
	d->marks = NULL;
	d->nr_marks = 0;
	if (!d->want_pages || !d->sp || !d->nr_cells)
		return NULL;
	if (!ms_tui_page_layout(t))
		return ms_error_new(MS_ERR_MISSING, "no struct page layout for the overlay");
	d->marks = calloc(d->nr_cells, 1);
	if (!d->marks)
		return ms_error_new(MS_ERR_NOMEM, "overlay marks for %llu sections",
				    (unsigned long long)d->nr_cells);
	d->nr_marks = d->nr_cells;
	l = d->sp->layout;
	sc.pfn_shift = l->section_size_bits - l->page_shift;
	ms_map_screen(t, &lo, &hi);
	if (hi - lo > MS_SCAN_MAX) {
		uint64_t on_screen = hi - lo;

		lo = t->cursor > lo + MS_SCAN_MAX / 2 ? t->cursor - MS_SCAN_MAX / 2 : lo;
		if (lo + MS_SCAN_MAX > hi)
			lo = hi - MS_SCAN_MAX;
		hi = lo + MS_SCAN_MAX;
		ms_tui_message(t, false, "overlay: sections %llu-%llu of the %llu on screen scanned",
			       (unsigned long long)lo, (unsigned long long)hi - 1,
			       (unsigned long long)on_screen);
	}
	return scan_runs(t, &sc, lo, hi);
}
