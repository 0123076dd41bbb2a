// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the pages, compound and check commands. */
#include <stdio.h>
#include <string.h>

#include "memscope/timings.h"
#include "columns.h"
#include "page_fmt.h"
#include "progress.h"

struct ms_error *ms_cli_page_layout(struct ms_cli *c, struct ms_page_layout *pl)
{
	const struct ms_page_layout *kl;
	struct ms_error *err = ms_cli_kernel(c);

	if (!err)
		err = ms_kinfo_page_layout(c->kinfo, &kl);
	if (!err)
		*pl = *kl;
	ms_timings_mark("kinfo: page layout");
	return err;
}

void ms_zone_format(const struct ms_sparse *sp, int node, int zone, char *buf,
		    size_t len)
{
	for (size_t i = 0; i < sp->nr_zones; i++) {
		if (sp->zones[i].nid == node && sp->zones[i].idx == zone) {
			ms_cell_str(buf, len, sp->zones[i].name);
			return;
		}
	}
	snprintf(buf, len, "%d", zone);
}

/* The caller's callbacks, with the progress line moved on the way. */
struct walk_progress {
	ms_page_fn fn;
	ms_hole_fn hole;
	void *ctx;
	struct ms_progress *pr;
	uint64_t start;
};

static int progress_page(void *ctx, const struct ms_page *p)
{
	struct walk_progress *w = ctx;

	ms_progress_set(w->pr, p->pfn - w->start);
	return w->fn(w->ctx, p);
}

static int progress_hole(void *ctx, uint64_t pfn, uint64_t nr,
			 const struct ms_error *why)
{
	struct walk_progress *w = ctx;

	ms_progress_set(w->pr, pfn + nr - w->start);
	return w->hole(w->ctx, pfn, nr, why);
}

struct ms_error *ms_cli_pages_walk(struct ms_cli *c,
				   const struct ms_page_layout *pl,
				   uint64_t start, uint64_t nr, bool heads_only,
				   ms_page_fn fn, ms_hole_fn hole, void *ctx,
				   struct ms_pages_stats *st)
{
	struct walk_progress w = { fn, hole, ctx, NULL, start };
	struct ms_error *err;

	w.pr = ms_progress_start(c, heads_only ? "compound pages" : "struct pages",
				 nr, 4096, NULL);
	if (!w.pr)
		return ms_pages_walk(c->target, c->sparse, pl, start, nr,
				     heads_only, fn, hole, ctx, st);
	err = ms_pages_walk(c->target, c->sparse, pl, start, nr, heads_only,
			    progress_page, hole ? progress_hole : NULL, &w, st);
	ms_progress_end(w.pr);
	return err;
}
