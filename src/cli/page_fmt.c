// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the pages, compound and check commands. */
#include <stdio.h>
#include <string.h>

#include "page_fmt.h"

struct ms_error *ms_cli_page_layout(struct ms_cli *c, struct ms_page_layout *pl)
{
	struct ms_error *err = ms_cli_kernel(c);

	if (!err)
		err = ms_page_layout_resolve(c->kinfo, pl);
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

static bool initialised(const struct ms_sparse *sp, const struct ms_section *s)
{
	return ms_section_has(sp, s, MS_SECTION_ONLINE) ||
	       ms_section_is_device(sp, s);
}

struct ms_error *ms_cli_pages_walk(struct ms_cli *c,
				   const struct ms_page_layout *pl,
				   uint64_t start, uint64_t nr, bool heads_only,
				   ms_page_fn fn, ms_hole_fn hole, void *ctx,
				   struct ms_pages_stats *st)
{
	const struct ms_sparse *sp = c->sparse;
	uint64_t end = start + nr;
	struct ms_error *err = NULL;
	size_t i = 0;

	while (i < sp->nr_sections && !err) {
		const struct ms_section *s = &sp->sections[i];
		uint64_t lo, hi;
		size_t j = i;

		if (!initialised(sp, s) ||
		    s->start_pfn + s->nr_pages <= start || s->start_pfn >= end) {
			i++;
			continue;
		}
		while (j + 1 < sp->nr_sections && initialised(sp, &sp->sections[j + 1]) &&
		       sp->sections[j + 1].start_pfn ==
		       sp->sections[j].start_pfn + sp->sections[j].nr_pages)
			j++;
		lo = s->start_pfn > start ? s->start_pfn : start;
		hi = sp->sections[j].start_pfn + sp->sections[j].nr_pages;
		if (hi > end)
			hi = end;
		err = (heads_only ? ms_pages_read_heads : ms_pages_read)(
			c->target, sp, pl, lo, hi - lo, fn, hole, ctx, st);
		i = j + 1;
	}
	return err;
}
