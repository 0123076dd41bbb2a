// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Deferred view: per node, how much of its memmap the kernel has
 * initialised. With CONFIG_DEFERRED_STRUCT_PAGE_INIT, boot initialises
 * struct pages up to pgdat->first_deferred_pfn and a kthread per node does
 * the rest, then sets first_deferred_pfn to ULONG_MAX (mm/mm_init.c,
 * deferred_init_memmap(), 6.1 through 7.3).
 */
#include <inttypes.h>
#include <stdio.h>

#include "tui_int.h"

#define BAR 40

static void node_row(struct ms_canvas *c, int y, const struct ms_node *n,
		     bool configured)
{
	uint64_t done = n->spanned, end = n->start_pfn + n->spanned;
	const char *what = "done";
	int x, fill;

	if (!configured) {
		what = "not configured (all initialised at boot)";
	} else if (n->first_deferred_pfn != UINT64_MAX && n->first_deferred_pfn < end) {
		done = n->first_deferred_pfn > n->start_pfn ?
		       n->first_deferred_pfn - n->start_pfn : 0;
		what = "pending";
	}
	fill = n->spanned ? (int)(done * BAR / n->spanned) : BAR;
	x = ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0, "node %-3d [", n->nid);
	for (int i = 0; i < BAR; i++)
		ms_canvas_put(c, x + i, y, i < fill ? '#' : '.',
			      i < fill ? MS_ROLE_ONLINE : MS_ROLE_DIM,
			      i < fill ? MS_ATTR_FILL : 0);
	ms_canvas_text(c, x + BAR, y, MS_ROLE_TEXT, 0,
		       "] %3d%%  %" PRIu64 " of %" PRIu64 " pfns  first_deferred_pfn %s%" PRIx64 "  %s",
		       n->spanned ? (int)(done * 100 / n->spanned) : 100, done, n->spanned,
		       configured && n->first_deferred_pfn != UINT64_MAX ? "0x" : "",
		       configured && n->first_deferred_pfn != UINT64_MAX ?
		       n->first_deferred_pfn : 0, what);
}

static void deferred_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_sparse *sp = t->data.sp;
	bool configured;

	if (!sp)
		return;
	/* the member exists only with DEFERRED_STRUCT_PAGE_INIT */
	configured = sp->layout->pglist_data.first_deferred_pfn != MS_ABSENT;
	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0, "Deferred struct page init, per node");
	for (size_t i = 0; i < sp->nr_nodes && (int)i + 1 < h; i++)
		node_row(c, y + 1 + (int)i, &sp->nodes[i], configured);
}

static void deferred_status(struct ms_tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%zu nodes", t->data.sp ? t->data.sp->nr_nodes : 0);
}

static int deferred_move(struct ms_tui *t, int dx, int dy)
{
	return MS_REDRAW_NONE;
}

const struct ms_view ms_view_deferred = {
	.name = "Deferred",
	.render = deferred_render,
	.status = deferred_status,
	.move = deferred_move,
	.zoom = NULL,
};
