// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope diff A B: what changed between two sources, A and B snapshots
 * (or any core memscope reads with its files) and "-" the live system, one
 * row per change: sections (class, flags, active sub-sections), memory
 * blocks (state, zones), pgmaps (added, removed, type, size), the compound
 * census per kind, order and zone, vmemmap pages, frames and savings per
 * owner, deferred-init progress per node. An object only one side has is
 * one row (added or removed). Exit as diff(1): 0 nothing changed, 1 some
 * change, 2 trouble. A collector that fails on both sides (no struct pages
 * in either) is left out with a note on stderr; on one side only, that is
 * trouble.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"
#include "commands.h"
#include "diff_facts.h"

enum { COL_OBJECT, COL_ID, COL_FIELD, COL_A, COL_B, COL_DELTA, COL_CHANGE };

const struct ms_coldesc ms_diff_columns[] = {
	[COL_OBJECT] = { "OBJECT", 8, false, true, MS_COL_STRING, "section, block, pgmap, compound, vmemmap or deferred" },
	[COL_ID] = { "ID", 10, false, true, MS_COL_STRING, "section, block or node number; device, kind/order/zone or owner" },
	[COL_FIELD] = { "FIELD", 8, false, true, MS_COL_STRING, "what changed; empty when the object was added or removed" },
	[COL_A] = { "A", 12, false, true, MS_COL_STRING, "the value in A (empty: A has no such object)" },
	[COL_B] = { "B", 12, false, true, MS_COL_STRING, "the value in B (empty: B has no such object)" },
	[COL_DELTA] = { "DELTA", 6, true, true, MS_COL_NUMBER, "B - A for counts" },
	[COL_CHANGE] = { "CHANGE", 7, false, true, MS_COL_STRING, "added, removed or changed" },
};
const size_t ms_diff_nr_columns = sizeof(ms_diff_columns) / sizeof(*ms_diff_columns);

struct diff_row {
	const struct ms_fact *a, *b;	/* NULL: that side has none */
	bool whole;			/* the whole object was added or removed */
};

static void diff_cell(const struct ms_cli *c, int id, const void *row,
		      char *buf, size_t len)
{
	const struct diff_row *r = row;
	const struct ms_fact *x = r->a ? r->a : r->b;

	switch (id) {
	case COL_OBJECT:
		snprintf(buf, len, "%s", ms_diff_object_name(x->obj));
		break;
	case COL_ID:
		if (x->id[0])
			snprintf(buf, len, "%s", x->id);
		else
			snprintf(buf, len, "%" PRIu64, x->id_num);
		break;
	case COL_FIELD:
		if (!r->whole)
			snprintf(buf, len, "%s", x->field);
		break;
	case COL_A:
		if (r->a && !r->whole)
			snprintf(buf, len, "%s", r->a->value);
		else if (r->a)
			snprintf(buf, len, "present");
		break;
	case COL_B:
		if (r->b && !r->whole)
			snprintf(buf, len, "%s", r->b->value);
		else if (r->b)
			snprintf(buf, len, "present");
		break;
	case COL_DELTA:
		/* +32 for people; JSON numbers have no plus sign */
		if (r->a && r->b && r->a->is_num)
			snprintf(buf, len, c->json ? "%" PRId64 : "%+" PRId64,
				 r->b->num - r->a->num);
		break;
	case COL_CHANGE:
		snprintf(buf, len, "%s", !r->b ? "removed" : !r->a ? "added" : "changed");
		break;
	}
}

/* Does the object of v[i] appear among v[0..n)? (both sorted) */
static bool has_object(const struct ms_diff_facts *f, const struct ms_fact *x)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = ms_fact_cmp(&f->v[mid], x, false);

		if (!r)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whole objects once; the facts of objects both sides have, field by field. */
static size_t merge(struct ms_table *t, const struct ms_diff_facts *a,
		    const struct ms_diff_facts *b)
{
	size_t i = 0, j = 0, rows = 0;

	while (i < a->n || j < b->n) {
		int r = i == a->n ? 1 : j == b->n ? -1 :
			ms_fact_cmp(&a->v[i], &b->v[j], true);
		struct diff_row d = { r <= 0 ? &a->v[i] : NULL, r >= 0 ? &b->v[j] : NULL,
				      false };
		const struct ms_fact *x = d.a ? d.a : d.b;
		bool first = x == (d.a ? a->v : b->v) ||
			     ms_fact_cmp(x - 1, x, false);

		i += r <= 0;
		j += r >= 0;
		if (d.a && d.b) {
			if (!strcmp(d.a->value, d.b->value))
				continue;
		} else if (!has_object(d.a ? b : a, x)) {
			if (!first)	/* one row per object */
				continue;
			d.whole = true;
		}
		ms_table_add_row(t, &d);
		rows++;
	}
	return rows;
}

static void side_init(struct ms_cli *s, const struct ms_cli *c, const char *src)
{
	memset(s, 0, sizeof(*s));
	s->bytes = true;
	if (strcmp(src, "-")) {
		s->core_path = src;	/* a snapshot brings its own files */
	} else {
		s->sysroot = c->sysroot;
		s->btf_path = c->btf_path;
		s->vmlinux_path = c->vmlinux_path;
	}
}

/* Both sides lack a collector: a note; one side only: trouble. */
static int check_failed(const struct ms_diff_facts *a, const struct ms_diff_facts *b,
			char **argv)
{
	int rc = 0;

	for (int o = 0; o < MS_DIFF_NR; o++) {
		const char *name = ms_diff_object_name(o);

		if (a->failed[o][0] && b->failed[o][0]) {
			fprintf(stderr, "memscope: diff: %s not compared: %s\n", name,
				a->failed[o]);
		} else if (a->failed[o][0] || b->failed[o][0]) {
			fprintf(stderr, "memscope: diff: %s: %s: %s\n", name,
				a->failed[o][0] ? argv[1] : argv[2],
				a->failed[o][0] ? a->failed[o] : b->failed[o]);
			rc = 2;
		}
	}
	return rc;
}

int ms_cmd_diff(struct ms_cli *c, int argc, char **argv)
{
	struct ms_cli sa, sb;
	struct ms_diff_facts a = { 0 }, b = { 0 };
	struct ms_error *err;
	struct ms_table *t;
	size_t rows;
	int rc;

	if (argc != 3)
		return ms_cli_usage_error("diff wants two sources: A B (a snapshot, or - for this system)");
	if (!strcmp(argv[1], "-") && !strcmp(argv[2], "-"))
		return ms_cli_usage_error("diff: at most one side can be the live system");
	side_init(&sa, c, argv[1]);
	side_init(&sb, c, argv[2]);
	/* the live side first: opening a file drops every capability */
	if (!strcmp(argv[2], "-")) {
		err = ms_diff_facts_gather(&sb, &b);
		if (!err)
			err = ms_diff_facts_gather(&sa, &a);
	} else {
		err = ms_diff_facts_gather(&sa, &a);
		if (!err)
			err = ms_diff_facts_gather(&sb, &b);
	}
	rc = err ? 2 : check_failed(&a, &b, argv);
	if (err) {
		ms_cli_fail(err);
	} else if (!rc) {
		t = ms_table_new(c, "diff", ms_diff_columns, ms_diff_nr_columns,
				 diff_cell);
		if (!t) {
			rc = MS_EXIT_USAGE;
		} else {
			rows = merge(t, &a, &b);
			rc = ms_table_print(t) ? 2 : rows ? 1 : 0;
		}
	}
	ms_diff_facts_free(&a);
	ms_diff_facts_free(&b);
	ms_cli_release(&sa);
	ms_cli_release(&sb);
	return rc;
}
