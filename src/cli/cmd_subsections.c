// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope subsections [SECTION...]: each section's sub-section bitmap, one
 * character per sub-section (2 MiB on x86_64), lowest address first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "columns.h"
#include "commands.h"
#include "section_fmt.h"

enum { COL_SECTION, COL_MAP, COL_ACTIVE, COL_START, COL_OWNER };

const struct ms_coldesc ms_subsections_columns[] = {
	[COL_SECTION] = { "SECTION", 5, true, true, MS_COL_NUMBER, "section number" },
	[COL_MAP] = { "MAP", 64, false, true, MS_COL_STRING, "one char per sub-section: # active, . not" },
	[COL_ACTIVE] = { "ACTIVE", 3, true, true, MS_COL_NUMBER, "active sub-sections" },
	[COL_START] = { "START", 12, false, false, MS_COL_HEX, "first physical address" },
	[COL_OWNER] = { "OWNER", 12, false, false, MS_COL_STRING, "owner in /proc/iomem" },
};
const size_t ms_subsections_nr_columns =
	sizeof(ms_subsections_columns) / sizeof(*ms_subsections_columns);

struct subsection_row {
	const struct ms_sparse *sp;
	const struct ms_section *s;
	const struct ms_iomem *iomem;
};

static void subsection_cell(const struct ms_cli *c, int id, const void *row,
			    char *buf, size_t len)
{
	const struct subsection_row *r = row;
	const char *owner;

	switch (id) {
	case COL_SECTION:
		snprintf(buf, len, "%" PRIu64, r->s->nr);
		break;
	case COL_MAP:
		ms_section_subsection_map(r->sp, r->s, buf, len);
		break;
	case COL_ACTIVE:
		snprintf(buf, len, "%u", r->s->active);
		break;
	case COL_START:
		snprintf(buf, len, "0x%" PRIx64,
			 r->s->start_pfn << r->sp->layout->page_shift);
		break;
	case COL_OWNER:
		owner = ms_section_owner(r->sp, r->s, r->iomem);
		if (owner)
			snprintf(buf, len, "%s", owner);
		break;
	}
}

/* "12" or "12-20"; 0 on success. */
static int parse_section_range(const char *arg, uint64_t *lo, uint64_t *hi)
{
	char *end;

	errno = 0;
	*lo = strtoull(arg, &end, 0);
	if (errno || end == arg)
		return -1;
	*hi = *lo;
	if (*end == '-') {
		const char *p = end + 1;

		*hi = strtoull(p, &end, 0);
		if (errno || end == p || *hi < *lo)
			return -1;
	}
	return *end ? -1 : 0;
}

static bool wanted(int argc, char **argv, uint64_t nr)
{
	if (argc <= 1)
		return true;
	for (int i = 1; i < argc; i++) {
		uint64_t lo, hi;

		if (!parse_section_range(argv[i], &lo, &hi) && nr >= lo &&
		    nr <= hi)
			return true;
	}
	return false;
}

int ms_cmd_subsections(struct ms_cli *c, int argc, char **argv)
{
	struct subsection_row row = { 0 };
	struct ms_error *err;
	struct ms_table *t;
	size_t shown = 0;

	for (int i = 1; i < argc; i++) {
		uint64_t lo, hi;

		if (parse_section_range(argv[i], &lo, &hi))
			return ms_cli_usage_error("bad section number or range: %s",
						  argv[i]);
	}
	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_iomem(c, &row.iomem);
	if (err)
		return ms_cli_fail(err);
	t = ms_table_new(c, "subsections", ms_subsections_columns,
			 ms_subsections_nr_columns, subsection_cell);
	if (!t)
		return MS_EXIT_USAGE;
	row.sp = c->sparse;
	for (size_t i = 0; i < c->sparse->nr_sections; i++) {
		row.s = &c->sparse->sections[i];
		if (!wanted(argc, argv, row.s->nr))
			continue;
		ms_table_add_row(t, &row);
		shown++;
	}
	if (argc > 1 && !shown) {
		ms_table_free(t);
		return ms_cli_fail(ms_error_new(MS_ERR_USAGE,
				   "no present section matches the arguments"));
	}
	return ms_table_print(t);
}
