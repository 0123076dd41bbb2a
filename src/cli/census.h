/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compound-page census, shared by compound, metrics and diff: one
 * bucket per kind, order, node, zone and device, from one heads-only walk
 * that also counts the pages of pinned large folios.
 */
#ifndef MEMSCOPE_CLI_CENSUS_H
#define MEMSCOPE_CLI_CENSUS_H

#include "cli.h"
#include "memscope/page.h"

#define MS_CENSUS_MAX_BUCKETS 512

struct ms_census_bucket {
	enum ms_compound_kind kind;
	unsigned int order;
	int node, zone;
	char device[64];	/* ZONE_DEVICE: the /proc/iomem owner */
	uint64_t count;
};

struct ms_census {
	struct ms_census_bucket *b;	/* sorted: kind, node, zone, device, order */
	size_t n;
	bool overflow;			/* more than MS_CENSUS_MAX_BUCKETS kinds */
	uint64_t invalid;		/* heads that failed the sanity check */
	uint64_t pinned_folios;		/* large folios with _pincount > 0 */
	uint64_t pinned_pages;		/* the base pages they cover */
};

/* Counts [start, start + nr); pl already resolved (ms_cli_page_layout). */
struct ms_error *ms_cli_census(struct ms_cli *c, const struct ms_page_layout *pl,
			       uint64_t start, uint64_t nr, struct ms_census *out);
void ms_census_free(struct ms_census *x);

#endif
