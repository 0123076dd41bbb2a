/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the pages, compound and check commands share: the page layout. */
#ifndef MEMSCOPE_CLI_PAGE_FMT_H
#define MEMSCOPE_CLI_PAGE_FMT_H

#include "cli.h"
#include "memscope/page.h"

/* Loads the kernel and resolves the page layout into *pl. */
struct ms_error *ms_cli_page_layout(struct ms_cli *c, struct ms_page_layout *pl);
/* Zone name of (node, zone index), or the index when no zone spans it. */
void ms_zone_format(const struct ms_sparse *sp, int node, int zone, char *buf,
		    size_t len);

/*
 * Walks [start, start + nr) over the sections whose memmap is initialised:
 * online sections and ZONE_DEVICE ones (offline hot-added memory has a
 * memmap the kernel has not initialised yet). Consecutive such sections
 * are one ms_pages_read() call (ms_pages_read_heads() with heads_only).
 */
struct ms_error *ms_cli_pages_walk(struct ms_cli *c,
				   const struct ms_page_layout *pl,
				   uint64_t start, uint64_t nr, bool heads_only,
				   ms_page_fn fn, ms_hole_fn hole, void *ctx,
				   struct ms_pages_stats *st);

#endif
