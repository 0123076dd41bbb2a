// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What an action changed: the sections (and their memory blocks) of the
 * physical ranges it touched, captured before and after, printed as one
 * table with a row per section: block state and valid zones from sysfs,
 * section flag letters, zone and active sub-sections from the kernel.
 *
 * After the action the model is loaded again, target included: on a hotplug
 * the kernel rebuilds /proc/kcore's program headers (new RAM gets a
 * direct-map segment) and the page tables that map new memmaps change, so
 * neither the old segments nor the old page-table cache can be trusted.
 * The types (kinfo) stay: the kernel did not change.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "columns.h"
#include "memscope/privilege.h"
#include "section_fmt.h"

enum {
	COL_SECTION, COL_BLOCK, COL_STATE_BEFORE, COL_STATE_AFTER,
	COL_ZONES_BEFORE, COL_ZONES_AFTER, COL_SECTION_BEFORE,
	COL_SECTION_AFTER, COL_ACTIVE_BEFORE, COL_ACTIVE_AFTER,
	COL_ZONE_BEFORE, COL_ZONE_AFTER, COL_CHANGED,
};

const struct ms_coldesc ms_act_columns[] = {
	[COL_SECTION] = { "SECTION", 5, true, true, MS_COL_NUMBER, "memory section" },
	[COL_BLOCK] = { "BLOCK", 5, true, true, MS_COL_NUMBER, "memory block (after, else before)" },
	[COL_STATE_BEFORE] = { "STATE_BEFORE", 7, false, true, MS_COL_STRING, "block state before (- no block)" },
	[COL_STATE_AFTER] = { "STATE_AFTER", 7, false, true, MS_COL_STRING, "block state after" },
	[COL_ZONES_BEFORE] = { "ZONES_BEFORE", 8, false, true, MS_COL_STRING, "block valid_zones before" },
	[COL_ZONES_AFTER] = { "ZONES_AFTER", 8, false, true, MS_COL_STRING, "block valid_zones after" },
	[COL_SECTION_BEFORE] = { "SECTION_BEFORE", 4, false, true, MS_COL_STRING, "section flag letters before (- not present)" },
	[COL_SECTION_AFTER] = { "SECTION_AFTER", 4, false, true, MS_COL_STRING, "section flag letters after" },
	[COL_ACTIVE_BEFORE] = { "ACTIVE_BEFORE", 3, true, true, MS_COL_NUMBER, "active sub-sections before" },
	[COL_ACTIVE_AFTER] = { "ACTIVE_AFTER", 3, true, true, MS_COL_NUMBER, "active sub-sections after" },
	[COL_ZONE_BEFORE] = { "ZONE_BEFORE", 6, false, false, MS_COL_STRING, "zones spanning the section before" },
	[COL_ZONE_AFTER] = { "ZONE_AFTER", 6, false, false, MS_COL_STRING, "zones spanning the section after" },
	[COL_CHANGED] = { "CHANGED", 3, false, true, MS_COL_BOOLEAN, "anything in the row changed" },
};
const size_t ms_act_nr_columns = sizeof(ms_act_columns) / sizeof(*ms_act_columns);

struct act_sec {
	bool present;
	char letters[16], zone[32], bstate[24], bzones[64];
	int64_t block;			/* -1: none */
	unsigned int active;
};

struct act_row {
	uint64_t nr;
	struct act_sec before, after;
};

struct ms_act_snap {
	struct act_row *rows;
	size_t nr;
};

struct ms_error *ms_act_privilege(void)
{
	struct ms_error *err;
	bool has = false;

	err = ms_priv_has_sys_admin(&has);
	if (!err && !has)
		err = ms_error_new(MS_ERR_PERM,
				   "changing memory needs CAP_SYS_ADMIN (run as root)");
	return err;
}

struct ms_error *ms_act_reload(struct ms_cli *c)
{
	const struct ms_layout *lay = ms_kinfo_layout(c->kinfo);
	struct ms_error *err;

	ms_iomem_free(c->iomem);
	ms_blocks_free(c->blocks);
	ms_sparse_free(c->sparse);
	ms_target_close(c->target);
	c->iomem = NULL;
	c->blocks = NULL;
	c->sparse = NULL;
	c->blocks_tried = c->iomem_tried = false;
	/* the types did not change: kinfo stays, the rest is read afresh */
	err = ms_target_open("/proc/kcore", &c->target);
	if (!err)
		err = ms_target_set_paging(c->target, lay->init_top_pgt,
					   lay->pgtable_levels);
	if (!err)
		err = ms_sparse_load(c->target, c->kinfo, &c->sparse);
	return err;
}

static void capture_one(struct ms_cli *c, const struct ms_blocks *bl,
			uint64_t nr, struct act_sec *out)
{
	const struct ms_layout *lay = c->sparse->layout;
	uint64_t pfn = nr << (lay->section_size_bits - lay->page_shift);
	const struct ms_section *s = ms_sparse_find(c->sparse, pfn);
	const struct ms_block *b = bl ? ms_blocks_find(bl, nr << lay->section_size_bits) : NULL;

	memset(out, 0, sizeof(*out));
	out->block = b ? (int64_t)b->nr : -1;
	snprintf(out->bstate, sizeof(out->bstate), "%s", b ? b->state : "-");
	snprintf(out->bzones, sizeof(out->bzones), "%s", b ? b->zones : "-");
	snprintf(out->letters, sizeof(out->letters), "-");
	if (!s)
		return;
	out->present = true;
	out->active = s->active;
	ms_section_state_format(c->sparse, s, out->letters, sizeof(out->letters));
	ms_section_zone_names(c->sparse, s, out->zone, sizeof(out->zone));
}

/* Captures the sections of [start, end) into snap (before or after). */
struct ms_error *ms_act_capture(struct ms_cli *c, uint64_t start, uint64_t end,
				struct ms_act_snap **snap, bool after)
{
	const struct ms_blocks *bl = NULL;
	struct ms_error *err;
	unsigned int bits;
	uint64_t first, last;

	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (err)
		return err;
	bits = c->sparse->layout->section_size_bits;
	first = start >> bits;
	last = (end - 1) >> bits;
	if (!*snap) {
		*snap = calloc(1, sizeof(**snap));
		if (*snap)
			(*snap)->rows = calloc(last - first + 1, sizeof(struct act_row));
		if (!*snap || !(*snap)->rows)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		(*snap)->nr = last - first + 1;
	}
	for (size_t i = 0; i < (*snap)->nr; i++) {
		struct act_row *r = &(*snap)->rows[i];

		r->nr = first + i;
		capture_one(c, bl, r->nr, after ? &r->after : &r->before);
	}
	return NULL;
}

void ms_act_snap_free(struct ms_act_snap *snap)
{
	if (snap)
		free(snap->rows);
	free(snap);
}

static bool row_changed(const struct act_row *r)
{
	return memcmp(&r->before, &r->after, sizeof(r->before)) != 0;
}

static void act_cell(const struct ms_cli *c, int id, const void *row,
		     char *buf, size_t len)
{
	const struct act_row *r = row;
	int64_t blk = r->after.block >= 0 ? r->after.block : r->before.block;

	switch (id) {
	case COL_SECTION: snprintf(buf, len, "%" PRIu64, r->nr); break;
	case COL_BLOCK:
		if (blk >= 0)
			snprintf(buf, len, "%" PRId64, blk);
		break;
	case COL_STATE_BEFORE: snprintf(buf, len, "%s", r->before.bstate); break;
	case COL_STATE_AFTER: snprintf(buf, len, "%s", r->after.bstate); break;
	case COL_ZONES_BEFORE: snprintf(buf, len, "%s", r->before.bzones); break;
	case COL_ZONES_AFTER: snprintf(buf, len, "%s", r->after.bzones); break;
	case COL_SECTION_BEFORE: snprintf(buf, len, "%s", r->before.letters); break;
	case COL_SECTION_AFTER: snprintf(buf, len, "%s", r->after.letters); break;
	case COL_ACTIVE_BEFORE: snprintf(buf, len, "%u", r->before.active); break;
	case COL_ACTIVE_AFTER: snprintf(buf, len, "%u", r->after.active); break;
	case COL_ZONE_BEFORE: snprintf(buf, len, "%s", r->before.zone); break;
	case COL_ZONE_AFTER: snprintf(buf, len, "%s", r->after.zone); break;
	case COL_CHANGED: snprintf(buf, len, "%s", row_changed(r) ? "yes" : "no"); break;
	}
}

/*
 * Prints the table ("changes"); with dry_run the after columns repeat the
 * before ones (nothing was done). Returns an exit code (0, or 2 on -o).
 */
int ms_act_print(struct ms_cli *c, struct ms_act_snap *snap, bool dry_run)
{
	struct ms_table *t;

	if (dry_run)
		for (size_t i = 0; i < snap->nr; i++)
			snap->rows[i].after = snap->rows[i].before;
	t = ms_table_new(c, "changes", ms_act_columns, ms_act_nr_columns, act_cell);
	if (!t)
		return MS_EXIT_USAGE;
	for (size_t i = 0; i < snap->nr; i++)
		ms_table_add_row(t, &snap->rows[i]);
	return ms_table_print(t);
}

/*
 * A line for people about what was done: on stdout in text mode; with -J,
 * -P or -r on stderr, so that stdout stays parseable and the note is kept.
 */
void ms_act_say(const struct ms_cli *c, const char *fmt, ...)
{
	FILE *out = c->json || c->pairs || c->raw ? stderr : stdout;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
