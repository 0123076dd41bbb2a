/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Deferred struct-page initialisation (CONFIG_DEFERRED_STRUCT_PAGE_INIT):
 * per node, how many struct pages of the deferrable zone are initialised,
 * decided from pglist_data.first_deferred_pfn and from the struct pages
 * themselves, plus the time the kernel logged for it.
 */
#ifndef MEMSCOPE_DEFERRED_H
#define MEMSCOPE_DEFERRED_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "kinfo.h"
#include "sparse.h"
#include "target.h"

enum ms_deferred_state {
	MS_DEFERRED_NOT_CONFIGURED,	/* no first_deferred_pfn in pglist_data */
	MS_DEFERRED_COMPLETE,
	MS_DEFERRED_IN_PROGRESS,
};

struct ms_deferred_node {
	int nid;
	uint64_t spanned;		/* node_spanned_pages */
	int zone_idx;			/* the deferrable zone, -1 if none */
	uint64_t scanned;		/* early-section pfns of that zone looked at */
	uint64_t initialised;		/* of those, struct pages initialised */
	uint64_t pending;		/* of those, not yet */
	uint64_t first_pending_pfn;	/* lowest pending pfn, or MS_ABSENT */
	uint64_t first_deferred_pfn;	/* raw; UINT64_MAX (ULONG_MAX): none
					 * left to defer, or not configured */
	enum ms_deferred_state state;
	int64_t init_ms;		/* logged "initialised in N ms", or -1 */
};

struct ms_deferred {
	struct ms_deferred_node *nodes;
	size_t nr;
};

/*
 * Reads the struct pages of each node's deferrable zone, one section's
 * memmap per read. kmsg holds kernel log lines ("node 0 deferred pages
 * initialised in 36ms"), or NULL.
 */
struct ms_error *ms_deferred_load(struct ms_target *t, const struct ms_kinfo *ki,
				  const struct ms_sparse *sp, const char *kmsg,
				  struct ms_deferred **out);
void ms_deferred_free(struct ms_deferred *d);
/*
 * The progress the CLI and the TUI show, one definition: of the struct
 * pages of the deferrable zone's boot sections (SCANNED, the base), how
 * many are initialised; percent is 100 when there is nothing to scan.
 */
struct ms_deferred_progress {
	uint64_t done, total;
	unsigned int percent;
};

void ms_deferred_progress(const struct ms_deferred_node *n,
			  struct ms_deferred_progress *out);
const char *ms_deferred_state_name(enum ms_deferred_state s);

#endif
