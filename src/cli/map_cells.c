// SPDX-License-Identifier: GPL-2.0-or-later
/* The section map as bounded cells (see map_cells.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_cells.h"
#include "memscope/section_marks.h"
#include "page_fmt.h"
#include "page_range.h"
#include "section_fmt.h"
#include "vmemmap_fmt.h"

static const struct {
	const char *name;
	unsigned int bit;
} overlay_names[] = {
	{ "vmemmap", MS_MAP_OV_VMEMMAP }, { "compound", MS_MAP_OV_COMPOUND },
	{ "deferred", MS_MAP_OV_DEFERRED }, { "pins", MS_MAP_OV_PINS },
};

int ms_map_overlays_parse(const char *list, unsigned int *out)
{
	*out = 0;
	while (list && *list) {
		size_t len = strcspn(list, ","), i;

		for (i = 0; i < sizeof(overlay_names) / sizeof(*overlay_names); i++)
			if (strlen(overlay_names[i].name) == len &&
			    !strncmp(overlay_names[i].name, list, len))
				break;
		if (i == sizeof(overlay_names) / sizeof(*overlay_names))
			return ms_cli_usage_error("unknown overlay: %.*s (vmemmap, compound, deferred, pins)",
						  (int)len, list);
		*out |= overlay_names[i].bit;
		list += len + (list[len] == ',');
	}
	return 0;
}

struct marks_walk {
	struct ms_map *m;
	uint8_t *marks;
	uint64_t nr;
	unsigned int shift;
};

static int walk_head(void *ctx, const struct ms_page *p)
{
	struct marks_walk *w = ctx;

	ms_section_mark_page(w->marks, w->nr, w->shift, p);
	return 0;
}

/* Compound kinds and pins: one heads-only walk over all present memory. */
static struct ms_error *collect_marks(struct ms_cli *c, struct ms_map *m)
{
	const struct ms_layout *l = c->sparse->layout;
	struct marks_walk w = { .m = m, .nr = m->nr_cells };
	struct ms_page_layout pl;
	struct ms_pfn_range r;
	struct ms_error *err = ms_cli_page_layout(c, &pl);
	unsigned int g = 0;

	if (err)
		return err;
	while ((1U << g) < m->group)
		g++;
	w.shift = l->section_size_bits - l->page_shift + g;
	w.marks = calloc(m->nr_cells ? m->nr_cells : 1, 1);
	if (!w.marks)
		return ms_error_new(MS_ERR_NOMEM, "map marks");
	ms_cli_pfn_all(c, &r);
	err = ms_cli_pages_walk(c, &pl, r.start, r.nr, true, walk_head, NULL, &w,
				NULL);
	for (uint64_t i = 0; !err && i < m->nr_cells; i++)
		m->cells[i].marks = w.marks[i];
	free(w.marks);
	return err;
}

static void add_device(struct ms_map *m, const char *name, uint64_t start,
		       uint64_t end)
{
	uint64_t cell = m->section_bytes * m->group;
	struct ms_map_device *d;

	if (m->nr_devices == MS_MAP_MAX_DEVICES || start / cell >= m->nr_cells)
		return;
	d = &m->devices[m->nr_devices++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->first = start / cell;
	d->last = end / cell < m->nr_cells ? end / cell : m->nr_cells - 1;
}

/*
 * Device boundaries: the ZONE_DEVICE pgmaps, named as devices names them;
 * a source without pgmaps (a snapshot that predates them) falls back to
 * the dax devices of /proc/iomem.
 */
static struct ms_error *collect_devices(struct ms_cli *c, struct ms_map *m,
					bool want_vmemmap)
{
	struct ms_vmemmap_model vm;
	struct ms_error *err = ms_vmemmap_model_load(c, want_vmemmap, &vm);

	if (err) {
		ms_vmemmap_model_release(&vm);
		return err;
	}
	for (size_t i = 0; i < vm.pgmaps->nr; i++) {
		const struct ms_pgmap *g = &vm.pgmaps->v[i];
		char name[64];

		ms_pgmap_device_name(vm.iomem, g, name, sizeof(name));
		add_device(m, name, g->ranges[0].start, g->ranges[g->nr_range - 1].end);
	}
	for (size_t i = 0; !vm.pgmaps->nr && vm.iomem && i < vm.iomem->nr; i++) {
		const struct ms_iomem_range *r = &vm.iomem->ranges[i];

		if (!strncmp(r->name, "dax", 3))
			add_device(m, r->name, r->start, r->end);
	}
	for (size_t i = 0; vm.vm && i < c->sparse->nr_sections; i++) {
		const struct ms_section *s = &c->sparse->sections[i];

		if (ms_section_vmemmap_shared(vm.vm, s))
			m->cells[s->nr / m->group].shared = true;
	}
	ms_vmemmap_model_release(&vm);
	return NULL;
}

/* The most common present class of each cell; absent when none is. */
static void classify(struct ms_map *m, const uint32_t *counts)
{
	for (uint64_t i = 0; i < m->nr_cells; i++) {
		const uint32_t *n = &counts[i * MS_CLASS_NR];
		enum ms_section_class best = MS_CLASS_ABSENT;

		for (int k = 0; k < MS_CLASS_ABSENT; k++)
			if (n[k] && (best == MS_CLASS_ABSENT || n[k] > n[best]))
				best = k;
		m->cells[i].cls = best;
	}
}

struct ms_error *ms_map_cells(const struct ms_facts *f, struct ms_map *m)
{
	const struct ms_sparse *sp = f->sp;
	uint64_t n = sp->nr_sections ? sp->sections[sp->nr_sections - 1].nr + 1 : 0;
	uint32_t *counts;

	m->per_section = sp->layout->subsections_per_section;
	m->section_bytes = ms_section_bytes(sp);
	m->nr_sections = n;
	m->group = 1;
	while ((n + m->group - 1) / m->group > MS_MAP_MAX_CELLS)
		m->group *= 2;
	m->nr_cells = (n + m->group - 1) / m->group;
	m->cells = calloc(m->nr_cells ? m->nr_cells : 1, sizeof(*m->cells));
	counts = calloc(m->nr_cells ? m->nr_cells : 1, MS_CLASS_NR * sizeof(*counts));
	if (!m->cells || !counts) {
		free(counts);
		return ms_error_new(MS_ERR_NOMEM, "map of %llu sections",
				    (unsigned long long)n);
	}
	for (uint64_t i = 0; i < m->nr_cells; i++)
		m->cells[i].block = -1;
	m->counts[MS_CLASS_ABSENT] = n - sp->nr_sections;
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		struct ms_map_cell *cell = &m->cells[s->nr / m->group];
		const struct ms_section_facts *sf = &f->sections[i];
		enum ms_section_class k = sf->cls;
		const struct ms_block *b = sf->block;

		counts[(s->nr / m->group) * MS_CLASS_NR + k]++;
		m->counts[k]++;
		if (!cell->present && b)
			cell->block = (int64_t)b->nr;
		if (!cell->present)
			memcpy(cell->subsection_map, s->subsection_map,
			       sizeof(cell->subsection_map));
		cell->present++;
		cell->active += s->active;
		cell->subsections += m->per_section;
		cell->deferred |= ms_section_deferred(sp, s);
	}
	classify(m, counts);
	free(counts);
	return NULL;
}

struct ms_error *ms_map_build(struct ms_cli *c, unsigned int overlays,
			      struct ms_map *out)
{
	struct ms_facts facts;
	struct ms_error *err;

	memset(out, 0, sizeof(*out));
	/* the sections command's CLASS and BLOCK, and the TUI map's */
	err = ms_cli_facts_any_iomem(c, &facts);
	if (err)
		return err;
	out->overlays = overlays;
	err = ms_map_cells(&facts, out);
	ms_facts_release(&facts);
	if (!err)
		err = collect_devices(c, out, overlays & MS_MAP_OV_VMEMMAP);
	if (!err && overlays & (MS_MAP_OV_COMPOUND | MS_MAP_OV_PINS))
		err = collect_marks(c, out);
	if (err)
		ms_map_free(out);
	return err;
}

void ms_map_free(struct ms_map *m)
{
	free(m->cells);
	memset(m, 0, sizeof(*m));
}
