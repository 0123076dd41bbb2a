/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts `memscope diff` compares: one (object, id, field, value) per
 * fact of one source, gathered from the collectors the table commands use
 * (sections, blocks, devices, compound, vmemmap, deferred).
 */
#ifndef MEMSCOPE_CLI_DIFF_FACTS_H
#define MEMSCOPE_CLI_DIFF_FACTS_H

#include "cli.h"

enum ms_diff_object {
	MS_DIFF_SECTION, MS_DIFF_BLOCK, MS_DIFF_PGMAP, MS_DIFF_COMPOUND,
	MS_DIFF_VMEMMAP, MS_DIFF_DEFERRED, MS_DIFF_NR,
};

struct ms_fact {
	enum ms_diff_object obj;
	uint64_t id_num;		/* numbered objects: sections, blocks, nodes */
	char id[64];			/* else a name: dax0.0, thp/9/Movable */
	char field[16];
	char value[128];
	bool is_num;
	int64_t num;
};

struct ms_diff_facts {
	struct ms_fact *v;		/* sorted by ms_fact_cmp after gather */
	size_t n, cap;
	/* collectors that failed: their objects are left out, with why */
	char failed[MS_DIFF_NR][512];
};

const char *ms_diff_object_name(enum ms_diff_object o);
/* Gathers every fact of the source c names; NULL or why not. */
struct ms_error *ms_diff_facts_gather(struct ms_cli *c, struct ms_diff_facts *f);
int ms_fact_cmp(const struct ms_fact *a, const struct ms_fact *b, bool field);
void ms_diff_facts_free(struct ms_diff_facts *f);

#endif
