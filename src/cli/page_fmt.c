// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the pages, compound and check commands. */
#include <stdio.h>
#include <string.h>

#include "memscope/timings.h"
#include "page_fmt.h"

struct ms_error *ms_cli_page_layout(struct ms_cli *c, struct ms_page_layout *pl)
{
	struct ms_error *err = ms_cli_kernel(c);

	if (!err)
		err = ms_page_layout_resolve(c->kinfo, pl);
	ms_timing("kinfo: page layout");
	return err;
}

void ms_fmt_zone(const struct ms_sparse *sp, int node, int zone, char *buf,
		 size_t len)
{
	for (size_t i = 0; i < sp->nr_zones; i++) {
		if (sp->zones[i].nid == node && sp->zones[i].idx == zone) {
			snprintf(buf, len, "%s", sp->zones[i].name);
			return;
		}
	}
	snprintf(buf, len, "%d", zone);
}

struct ms_error *ms_cli_pages_walk(struct ms_cli *c,
				   const struct ms_page_layout *pl,
				   uint64_t start, uint64_t nr, bool heads_only,
				   ms_page_fn fn, ms_hole_fn hole, void *ctx,
				   struct ms_pages_stats *st)
{
	return ms_pages_walk(c->target, c->sparse, pl, start, nr, heads_only,
			     fn, hole, ctx, st);
}
