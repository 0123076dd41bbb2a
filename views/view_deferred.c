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

/* The figures of `memscope deferred`, from the same model and function. */
static void node_row(struct ms_canvas *c, int y, const struct ms_deferred_node *n)
{
	struct ms_deferred_progress p;
	int x, fill;

	ms_deferred_progress(n, &p);
	fill = (int)(p.percent * BAR / 100);
	x = ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0, "node %-3d [", n->nid);
	for (int i = 0; i < BAR; i++)
		ms_canvas_put(c, x + i, y, i < fill ? '#' : '.',
			      i < fill ? MS_ROLE_ONLINE : MS_ROLE_DIM,
			      i < fill ? MS_ATTR_FILL : 0);
	if (n->state == MS_DEFERRED_NOT_CONFIGURED) {
		ms_canvas_text(c, x + BAR, y, MS_ROLE_TEXT, 0,
			       "] not configured (all initialised at boot)");
		return;
	}
	ms_canvas_text(c, x + BAR, y, MS_ROLE_TEXT, 0,
		       "] %3u%%  %" PRIu64 " of %" PRIu64 " struct pages initialised, %"
		       PRIu64 " pending  first_deferred_pfn %s%" PRIx64 "  %s",
		       p.percent, p.done, p.total, n->pending,
		       n->first_deferred_pfn != UINT64_MAX ? "0x" : "",
		       n->first_deferred_pfn != UINT64_MAX ? n->first_deferred_pfn : 0,
		       ms_deferred_state_name(n->state));
}

static void deferred_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_deferred *d = t->data.deferred;

	ms_canvas_text(c, 0, y, MS_ROLE_TITLE, 0,
		       "Deferred struct page init, per node: the deferrable zone's boot sections");
	if (!d) {
		ms_canvas_text(c, 0, y + 1, MS_ROLE_DIM, 0, "%s",
			       t->data.deferred_msg[0] ? t->data.deferred_msg :
			       "reading the struct pages (next refresh)");
		return;
	}
	for (size_t i = 0; i < d->nr && (int)i + 1 < h; i++)
		node_row(c, y + 1 + (int)i, &d->nodes[i]);
}

static void deferred_status(struct ms_tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%zu nodes", t->data.deferred ? t->data.deferred->nr : 0);
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
