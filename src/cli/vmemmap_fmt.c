// SPDX-License-Identifier: GPL-2.0-or-later
/* The vmemmap model for the vmemmap and devices commands, and pgmap names. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "memscope/facts.h"
#include "vmemmap_fmt.h"

struct ms_error *ms_vmemmap_model_load(struct ms_cli *c, bool with_vmemmap,
				       struct ms_vmemmap_model *m)
{
	const struct ms_blocks *bl = NULL;
	struct ms_error *err;
	bool snapshot;

	memset(m, 0, sizeof(*m));
	err = ms_cli_kernel(c);
	if (!err)
		err = ms_cli_iomem(c, &m->iomem);
	if (!err)
		err = ms_pgmap_load(c->target, c->kinfo, c->sparse, &m->pgmaps);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	/* a core with files of its own and no --sysroot: a snapshot */
	snapshot = c->core_path && !c->sysroot && c->fs;
	if (!err && ms_pgmaps_missing(c->sparse, bl, m->pgmaps))
		err = ms_error_new(MS_ERR_FORMAT, "%s holds no pgmaps for its %zu ZONE_DEVICE sections%s",
				   snapshot ? "this snapshot" :
				   c->core_path ? "this core" : "the kernel",
				   ms_pgmaps_missing(c->sparse, bl, m->pgmaps),
				   snapshot ? " (taken by a memscope before pgmap capture: retake it with `memscope capture`)" : "");
	/* counted, never a silent gap (issue 10) */
	if (!err && m->pgmaps->nr_undecoded)
		fprintf(stderr, "memscope: %zu active device sub-sections name no readable dev_pagemap: their pgmap is unknown\n",
			m->pgmaps->nr_undecoded);
	if (!err && with_vmemmap)
		err = ms_vmemmap_load(c->target, c->kinfo, c->sparse, m->pgmaps,
				      &m->vm);
	return err;
}

void ms_vmemmap_model_release(struct ms_vmemmap_model *m)
{
	ms_vmemmap_free(m->vm);
	ms_pgmaps_free(m->pgmaps);
	memset(m, 0, sizeof(*m));
}

void ms_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	while (bytes >= 1024 && !(bytes % 1024) && u < 4) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, units[u]);
}

uint64_t ms_vmemmap_pgmap_size(const struct ms_pgmap *g)
{
	uint64_t sz = 0;

	for (unsigned int i = 0; i < g->nr_range; i++)
		sz += g->ranges[i].end - g->ranges[i].start + 1;
	return sz;
}

const char *ms_vmemmap_pgmap_type(const struct ms_pgmap *g, const char *dax)
{
	if (g->type == MS_PGMAP_GENERIC && dax[0])
		return "devdax";
	return ms_pgmap_type_name(g->type);
}

const char *ms_vmemmap_pgmap_memmap(const struct ms_vmemmap_count *n)
{
	if (!n || !n->pages)
		return NULL;
	return !n->self ? "ram" : n->self == n->pages ? "device" : "mixed";
}
