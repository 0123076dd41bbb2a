// SPDX-License-Identifier: GPL-2.0-or-later
/* memscope deferred: one row per node, deferred struct-page init progress. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "columns.h"
#include "commands.h"
#include "memscope/deferred.h"
#include "memscope/kmsg.h"

enum {
	COL_NODE, COL_SPANNED, COL_SCANNED, COL_INITIALISED, COL_PENDING,
	COL_FIRST_DEFERRED,
	COL_STATE, COL_INIT_MS, COL_ZONE, COL_FIRST_PENDING,
};

const struct ms_coldesc ms_deferred_columns[] = {
	[COL_NODE] = { "NODE", 2, true, true, MS_COL_NUMBER, "NUMA node" },
	[COL_SPANNED] = { "SPANNED", 8, true, true, MS_COL_NUMBER, "pages the node spans" },
	[COL_INITIALISED] = { "INITIALISED", 8, true, true, MS_COL_NUMBER, "struct pages of the deferrable zone (boot sections) initialised" },
	[COL_PENDING] = { "PENDING", 8, true, true, MS_COL_NUMBER, "struct pages of that zone not initialised yet" },
	[COL_FIRST_DEFERRED] = { "FIRST_DEFERRED_PFN", 10, true, true, MS_COL_PFN, "pglist_data.first_deferred_pfn (none once the init threads start)" },
	[COL_STATE] = { "STATE", 14, false, true, MS_COL_STRING, "complete, in progress, not configured" },
	[COL_INIT_MS] = { "INIT_MS", 6, true, true, MS_COL_NUMBER, "time the kernel logged for the node's deferred init" },
	[COL_ZONE] = { "ZONE", 6, false, false, MS_COL_STRING, "the deferrable zone (the node's last)" },
	[COL_SCANNED] = { "SCANNED", 8, true, true, MS_COL_NUMBER, "struct pages of the deferrable zone's boot sections: INITIALISED + PENDING, the base of the progress (the TUI's too)" },
	[COL_FIRST_PENDING] = { "FIRST_PENDING", 10, true, false, MS_COL_PFN, "lowest pfn whose struct page is not initialised" },
};
const size_t ms_deferred_nr_columns =
	sizeof(ms_deferred_columns) / sizeof(*ms_deferred_columns);

struct deferred_row {
	const struct ms_sparse *sp;
	const struct ms_deferred_node *n;
};

static void zone_name(const struct ms_sparse *sp, int nid, int idx, char *buf,
		      size_t len)
{
	for (size_t i = 0; i < sp->nr_zones; i++)
		if (sp->zones[i].nid == nid && sp->zones[i].idx == idx)
			snprintf(buf, len, "%s", sp->zones[i].name);
}

static void deferred_cell(const struct ms_cli *c, int id, const void *row,
			  char *buf, size_t len)
{
	const struct deferred_row *r = row;
	const struct ms_deferred_node *n = r->n;
	bool configured = n->state != MS_DEFERRED_NOT_CONFIGURED;

	switch (id) {
	case COL_NODE:
		snprintf(buf, len, "%d", n->nid);
		break;
	case COL_SPANNED:
		snprintf(buf, len, "%" PRIu64, n->spanned);
		break;
	case COL_INITIALISED:
		if (configured)
			snprintf(buf, len, "%" PRIu64, n->initialised);
		break;
	case COL_PENDING:
		if (configured)
			snprintf(buf, len, "%" PRIu64, n->pending);
		break;
	case COL_FIRST_DEFERRED:
		if (configured && n->first_deferred_pfn != UINT64_MAX)
			snprintf(buf, len, "%" PRIu64, n->first_deferred_pfn);
		break;
	case COL_STATE:
		snprintf(buf, len, "%s", ms_deferred_state_name(n->state));
		break;
	case COL_INIT_MS:
		if (n->init_ms >= 0)
			snprintf(buf, len, "%" PRId64, n->init_ms);
		break;
	case COL_ZONE:
		if (n->zone_idx >= 0)
			zone_name(r->sp, n->nid, n->zone_idx, buf, len);
		break;
	case COL_SCANNED:
		if (configured)
			snprintf(buf, len, "%" PRIu64, n->scanned);
		break;
	case COL_FIRST_PENDING:
		if (n->first_pending_pfn != MS_ABSENT)
			snprintf(buf, len, "%" PRIu64, n->first_pending_pfn);
		break;
	}
}

#define KMSG_DEFERRED "deferred pages initialised"

struct ms_error *ms_cli_deferred_load(struct ms_cli *c, struct ms_deferred **out)
{
	const struct ms_fs *fs = NULL;
	struct ms_error *err;
	char *kmsg = NULL;
	size_t len;

	*out = NULL;
	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_fs(c, &fs);
	if (err)
		return err;
	/* A dump without a snapshot's files has no log of its own. */
	if (fs)
		err = ms_kmsg_grep(fs, KMSG_DEFERRED, &kmsg, &len);
	if (!err)
		err = ms_deferred_load(c->target, c->kinfo, c->sparse, kmsg, out);
	free(kmsg);
	return err;
}

int ms_cmd_deferred(struct ms_cli *c, int argc, char **argv)
{
	struct deferred_row row = { 0 };
	struct ms_deferred *d;
	struct ms_error *err;
	struct ms_table *t;
	int ret;

	if (argc > 1)
		return ms_cli_usage_error("deferred takes no arguments");
	err = ms_cli_deferred_load(c, &d);
	if (err)
		return ms_cli_fail(err);
	t = ms_table_new(c, "deferred", ms_deferred_columns,
			 ms_deferred_nr_columns, deferred_cell);
	if (!t) {
		ms_deferred_free(d);
		return MS_EXIT_USAGE;
	}
	row.sp = c->sparse;
	for (size_t i = 0; i < d->nr; i++) {
		row.n = &d->nodes[i];
		ms_table_add_row(t, &row);
	}
	ret = ms_table_print(t);
	ms_deferred_free(d);
	return ret;
}
