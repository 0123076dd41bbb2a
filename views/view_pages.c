// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pages view: one row per pfn with its struct page decoded (kind, order,
 * head, refcount, mapcount, pincount, type, flags). Only the rows on
 * screen are read, between frames (collect.c), in one ms_pages_read() per
 * run of initialised sections, so memory and reads follow the screen,
 * never all pages; render only draws them.
 * Sections neither online nor ZONE_DEVICE have no initialised memmap:
 * their rows say so instead of decoding garbage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define MAX_ROWS 512

/* The layout is resolved once, on first use; a failure is kept and shown. */
bool ms_tui_page_layout(struct ms_tui *t)
{
	const struct ms_page_layout *pl;
	struct ms_error *err;

	if (t->pl_state)
		return t->pl_state > 0;
	err = ms_kinfo_page_layout(t->opts->kinfo, &pl);
	if (!err)
		t->pl = *pl;
	t->pl_state = err ? -1 : 1;
	if (err) {
		ms_tui_message(t, true, "pages: %s", err->msg);
		ms_error_free(err);
	}
	return t->pl_state > 0;
}

static void page_row(struct ms_tui *t, struct ms_canvas *c, int y,
		     const struct ms_page *p, bool ok, uint64_t pfn)
{
	char flags[200], type[32], head[24], pin[12] = "-";
	int attr = pfn == t->pfn ? MS_ATTR_CURSOR : 0;

	if (!ok) {
		ms_canvas_text(c, 0, y, MS_ROLE_DIM, attr, "0x%09" PRIx64
			       "  -     no initialised struct page", pfn);
		return;
	}
	/* a tail's flags are its head's, as in `memscope pages` */
	ms_page_flags_format(&t->pl, p->folio_flags, flags, sizeof(flags));
	ms_page_type_format(&t->pl, p, type, sizeof(type));
	if (p->kind == MS_PAGE_TAIL)
		snprintf(head, sizeof(head), "0x%" PRIx64, p->head_pfn);
	else
		snprintf(head, sizeof(head), "-");
	/* pincount lives in page[1]: heads only, -1 elsewhere */
	if (p->pincount >= 0)
		snprintf(pin, sizeof(pin), "%d", p->pincount);
	ms_canvas_text(c, 0, y, p->kind == MS_PAGE_BASE ? MS_ROLE_TEXT : MS_ROLE_OVERLAY,
		       attr, "0x%09" PRIx64 "  %-4s  %5u  %-11s %4d %4d %4s  %-8s %s%s%s",
		       pfn, ms_page_kind_name(p->kind), p->order, head, p->refcount,
		       p->mapcount, pin, type[0] ? type : "-",
		       p->kind == MS_PAGE_HEAD ? ms_compound_kind_name(p->ckind) : "",
		       p->kind == MS_PAGE_HEAD ? " " : "", flags);
}

int ms_tui_pages_window(struct ms_tui *t, int h)
{
	int n = h - 2;

	if (n <= 0)
		return 0;
	if (n > MAX_ROWS)
		n = MAX_ROWS;
	if (t->pfn < t->pfn_top)
		t->pfn_top = t->pfn;
	if (t->pfn >= t->pfn_top + (uint64_t)n)
		t->pfn_top = t->pfn - (uint64_t)n + 1;
	return n;
}

static void pages_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_tui_pagerows *r = &t->pages;
	int n = ms_tui_pages_window(t, h);

	if (!t->data.sp || !n || !ms_tui_page_layout(t)) {
		ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0, "no struct page layout");
		return;
	}
	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "Pages from pfn 0x%" PRIx64 "  (Esc: back to the section)",
		       t->pfn_top);
	ms_canvas_text(c, 0, y + 1, MS_ROLE_DIM, 0,
		       "pfn          kind  order  head         ref  map  pin  type     flags");
	for (int i = 0; i < n; i++) {
		/* rows not collected for this window are not decoded */
		bool ok = r->valid && r->top == t->pfn_top && i < r->n && r->ok[i];

		page_row(t, c, y + 2 + i, ok ? &r->p[i] : NULL, ok,
			 t->pfn_top + (uint64_t)i);
	}
}

static void pages_status(struct ms_tui *t, char *buf, size_t len)
{
	const struct ms_layout *l = t->data.sp ? t->data.sp->layout : NULL;

	if (!l) {
		snprintf(buf, len, "pfn 0x%" PRIx64, t->pfn);
		return;
	}
	snprintf(buf, len, "pfn 0x%" PRIx64 "  0x%" PRIx64 "  section %" PRIu64
		 "  struct page 0x%" PRIx64, t->pfn, t->pfn << l->page_shift,
		 t->pfn >> (l->section_size_bits - l->page_shift),
		 t->pl_state > 0 ? ms_page_vaddr(&t->pl, t->pfn) : 0);
}

/*
 * The present pfn nearest to pfn going in direction dir: a move never
 * lands in an absent section (there is no struct page to show there), it
 * goes on to the next present one; past the ends it stops on them.
 */
static uint64_t present_pfn(const struct ms_sparse *sp, uint64_t pfn, int dir)
{
	const struct ms_section *first = &sp->sections[0];
	const struct ms_section *last = &sp->sections[sp->nr_sections - 1];

	if (ms_sparse_find(sp, pfn))
		return pfn;
	if (dir > 0) {
		for (size_t i = 0; i < sp->nr_sections; i++)
			if (sp->sections[i].start_pfn > pfn)
				return sp->sections[i].start_pfn;
		return last->start_pfn + last->nr_pages - 1;
	}
	for (size_t i = sp->nr_sections; i-- > 0;)
		if (sp->sections[i].start_pfn + sp->sections[i].nr_pages <= pfn)
			return sp->sections[i].start_pfn + sp->sections[i].nr_pages - 1;
	return first->start_pfn;
}

static int pages_move(struct ms_tui *t, int dx, int dy)
{
	const struct ms_sparse *sp = t->data.sp;
	int64_t step = dy ? dy : dx;
	uint64_t pfn;

	if (!sp || !sp->nr_sections)
		return MS_REDRAW_NONE;
	if (step <= -MS_MOVE_FAR)		/* Home: the first present pfn */
		pfn = 0;
	else if (step >= MS_MOVE_FAR)		/* End: the last */
		pfn = UINT64_MAX;
	else if (step < 0 && (uint64_t)-step > t->pfn)
		pfn = 0;
	else if (step > 0 && t->pfn + (uint64_t)step < t->pfn)
		pfn = UINT64_MAX;
	else
		pfn = t->pfn + (uint64_t)step;
	t->pfn = present_pfn(sp, pfn, step < 0 ? -1 : 1);
	return MS_REDRAW_VIEW;
}

/* Out: the section view, on the sub-section holding the cursor pfn. */
static int pages_zoom(struct ms_tui *t, int dir)
{
	const struct ms_layout *l = t->data.sp ? t->data.sp->layout : NULL;

	if (dir > 0 || !l)
		return MS_REDRAW_NONE;
	t->cursor = t->pfn >> (l->section_size_bits - l->page_shift);
	t->sub = (unsigned int)((t->pfn << l->page_shift) >> l->subsection_shift) &
		 (t->data.per_section - 1);
	t->view = MS_VIEW_SECTION;
	return MS_REDRAW_VIEW;
}

int ms_pages_open(struct ms_tui *t, uint64_t pfn)
{
	t->pfn = pfn;
	t->pfn_top = pfn;
	t->view = MS_VIEW_PAGES;
	return MS_REDRAW_VIEW;
}

const struct ms_view ms_view_pages = {
	.name = "Pages",
	.render = pages_render,
	.status = pages_status,
	.move = pages_move,
	.zoom = pages_zoom,
};
