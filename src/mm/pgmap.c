// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ZONE_DEVICE page maps. memremap_pages() files every pgmap in a static
 * xarray, pgmap_array, indexed by pfn (multi-index entries): walking it
 * finds them all with a read per xarray node, including pgmaps whose
 * struct pages live in the device itself (-M dev, altmap), which
 * /proc/kcore cannot read since it exposes no device memory. Should a
 * kernel lack the symbol, each not-yet-covered sub-section of the device
 * sections has one struct page read instead (page->pgmap). Either way a
 * candidate is accepted only when its own ranges lie in device sections.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/pgmap.h"
#include "xarray.h"

static const char *const type_names[] = {
	[MS_PGMAP_UNKNOWN] = "unknown", [MS_PGMAP_PRIVATE] = "private",
	[MS_PGMAP_COHERENT] = "coherent", [MS_PGMAP_FS_DAX] = "fsdax",
	[MS_PGMAP_GENERIC] = "generic", [MS_PGMAP_P2PDMA] = "p2pdma",
};

const char *ms_pgmap_type_name(enum ms_pgmap_type type)
{
	return type <= MS_PGMAP_P2PDMA ? type_names[type] : "unknown";
}

static uint64_t get(const uint8_t *p, uint64_t o, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p + o, n);
	return v;
}

static bool holds(const struct ms_pgmap *g, uint64_t pa)
{
	for (unsigned int i = 0; i < g->nr_range; i++)
		if (pa >= g->ranges[i].start && pa <= g->ranges[i].end)
			return true;
	return false;
}

const struct ms_pgmap *ms_pgmap_find(const struct ms_pgmaps *pm, uint64_t pa)
{
	for (size_t i = 0; pm && i < pm->nr; i++)
		if (holds(&pm->v[i], pa))
			return &pm->v[i];
	return NULL;
}

/* A read whose failure only means "not a dev_pagemap": true if it failed. */
static bool read_quiet(struct ms_target *t, uint64_t addr, void *buf,
		       uint64_t len)
{
	struct ms_error *err = ms_target_read(t, addr, buf, len);
	bool failed = err != NULL;

	ms_error_free(err);
	return failed;
}

/* Reads the dev_pagemap at addr; *ok = false if it does not hold pa. */
static struct ms_error *decode(struct ms_target *t, const struct ms_pgmap_layout *l,
			       uint64_t addr, uint64_t pa, struct ms_pgmap *g,
			       bool *ok)
{
	uint8_t buf[1024];
	uint64_t nr;
	int64_t ty;

	*ok = false;
	if (l->size > sizeof(buf) || l->range + MS_PGMAP_MAX_RANGES * l->range_size > sizeof(buf))
		return ms_error_new(MS_ERR_FORMAT, "struct dev_pagemap is %" PRIu64 " bytes: larger than expected", l->size);
	/* Garbage pointers (uninitialised struct pages) simply fail to read. */
	if (read_quiet(t, addr, buf, l->size))
		return NULL;
	memset(g, 0, sizeof(*g));
	g->addr = addr;
	nr = get(buf, l->nr_range, 4);
	if (!nr || nr > MS_PGMAP_MAX_RANGES)
		return NULL;
	/* ranges[] beyond the first lie past sizeof(): a flexible array. */
	if (nr > 1 && read_quiet(t, addr + l->range, buf + l->range,
				 nr * l->range_size))
		return NULL;
	g->nr_range = (unsigned int)nr;
	for (unsigned int i = 0; i < nr; i++) {
		g->ranges[i].start = get(buf, l->range + i * l->range_size, 8);
		g->ranges[i].end = get(buf, l->range + i * l->range_size + 8, 8);
	}
	if (pa != MS_ABSENT && !holds(g, pa))
		return NULL;
	ty = (int64_t)get(buf, l->type, 4);
	g->type_raw = ty;
	for (int i = MS_PGMAP_PRIVATE; i <= MS_PGMAP_P2PDMA; i++)
		if (l->types[i] == ty)
			g->type = i;
	g->has_vmemmap_shift = l->vmemmap_shift != MS_ABSENT;
	if (g->has_vmemmap_shift)
		g->vmemmap_shift = (unsigned int)get(buf, l->vmemmap_shift, 4);
	g->altmap_base_pfn = get(buf, l->altmap_base_pfn, 8);
	g->altmap_reserve = get(buf, l->altmap_reserve, 8);
	g->altmap_free = get(buf, l->altmap_free, 8);
	g->altmap_alloc = get(buf, l->altmap_alloc, 8);
	*ok = true;
	return NULL;
}

static struct ms_error *push(struct ms_pgmaps *pm, size_t *cap,
			     const struct ms_pgmap *g)
{
	if (pm->nr == *cap) {
		struct ms_pgmap *v = ms_array_grow(pm->v, cap, sizeof(*v), 8);

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory listing pgmaps");
		pm->v = v;
	}
	pm->v[pm->nr++] = *g;
	return NULL;
}

/* Tries the struct page of pfn; adds its pgmap when it is a new one. */
static struct ms_error *probe(struct ms_target *t, const struct ms_layout *lay,
			      const struct ms_pgmap_layout *l, uint64_t pfn,
			      struct ms_pgmaps *pm, size_t *cap)
{
	uint64_t pa = pfn << lay->page_shift, ptr = 0;
	struct ms_pgmap g;
	struct ms_error *err;
	bool ok;

	if (ms_pgmap_find(pm, pa))
		return NULL;
	err = ms_target_read(t, lay->vmemmap_base + pfn * lay->page_struct_size +
			     l->page_pgmap, &ptr, sizeof(ptr));
	if (err) {
		/* An unmapped memmap is the vmemmap model's to report. */
		ms_error_free(err);
		return NULL;
	}
	err = ptr ? decode(t, l, ptr, pa, &g, &ok) : NULL;
	if (err)
		return err;
	if (!ptr || !ok) {
		pm->nr_undecoded++;
		return NULL;
	}
	return push(pm, cap, &g);
}

/* Every range of g lies in device sections: not a stray pointer. */
static bool in_device_sections(const struct ms_sparse *sp,
			       const struct ms_pgmap *g)
{
	unsigned int shift = sp->layout->page_shift;

	for (unsigned int i = 0; i < g->nr_range; i++) {
		const struct ms_section *a = ms_sparse_find(sp, g->ranges[i].start >> shift);
		const struct ms_section *z = ms_sparse_find(sp, g->ranges[i].end >> shift);

		if (!a || !z || !ms_section_is_device(sp, a) ||
		    !ms_section_is_device(sp, z))
			return false;
	}
	return g->nr_range > 0;
}

/* A few nodes hold every pgmap of a machine; a node met twice is a cycle
 * (slots^depth work before it was caught by the depth alone). */
#define PGMAP_XA_MAX_NODES 4096

struct xa_ctx {
	struct ms_target *t;
	const struct ms_pgmap_layout *l;
	const struct ms_sparse *sp;
	struct ms_pgmaps *pm;
	size_t *cap;
};

/* An entry of pgmap_array: a struct dev_pagemap *, met once per index. */
static struct ms_error *xa_entry(void *arg, uint64_t entry)
{
	struct xa_ctx *x = arg;
	struct ms_pgmap g;
	struct ms_error *err;
	bool ok;

	for (size_t i = 0; i < x->pm->nr; i++)
		if (x->pm->v[i].addr == entry)
			return NULL;
	err = decode(x->t, x->l, entry, MS_ABSENT, &g, &ok);
	if (err)
		return err;
	if (!ok || !in_device_sections(x->sp, &g))
		return ms_error_fault(entry, "pgmap_array holds 0x%" PRIx64 ", which is not a dev_pagemap over device sections",
				      entry);
	return push(x->pm, x->cap, &g);
}

static struct ms_error *from_xarray(struct ms_target *t,
				    const struct ms_pgmap_layout *l,
				    const struct ms_sparse *sp,
				    struct ms_pgmaps *pm, size_t *cap)
{
	struct xa_ctx x = { t, l, sp, pm, cap };

	return ms_xa_for_each(t, &l->xa, l->sym_pgmap_array, "pgmap_array",
			      PGMAP_XA_MAX_NODES, xa_entry, &x);
}

static int by_start(const void *a, const void *b)
{
	const struct ms_pgmap *x = a, *y = b;

	return x->ranges[0].start < y->ranges[0].start ? -1 :
	       x->ranges[0].start > y->ranges[0].start;
}

struct ms_error *ms_pgmap_load(struct ms_target *t, const struct ms_kinfo *ki,
			       const struct ms_sparse *sp,
			       struct ms_pgmaps **out)
{
	const struct ms_layout *lay = ms_kinfo_layout(ki);
	const struct ms_pgmap_layout *l = NULL;
	struct ms_pgmaps *pm;
	struct ms_error *err = NULL;
	size_t cap = 0, i;
	uint64_t per_sub;

	*out = NULL;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return ms_error_new(MS_ERR_NOMEM, "out of memory listing pgmaps");
	/* No device memory, no pgmaps: nor a need for their types. */
	for (i = 0; i < sp->nr_sections && !ms_section_is_device(sp, &sp->sections[i]); i++)
		;
	if (i == sp->nr_sections) {
		*out = pm;
		return NULL;
	}
	err = ms_kinfo_pgmap_layout(ki, &l);
	if (!err && l->sym_pgmap_array != MS_ABSENT)
		err = from_xarray(t, l, sp, pm, &cap);
	per_sub = 1ULL << (lay->subsection_shift - lay->page_shift);
	for (i = 0; !err && l->sym_pgmap_array == MS_ABSENT &&
	     i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];

		if (!ms_section_is_device(sp, s))
			continue;
		for (unsigned int j = 0; !err && j < lay->subsections_per_section; j++)
			if (ms_section_subsection_active(s, j))
				err = probe(t, lay, l, s->start_pfn + j * per_sub,
					    pm, &cap);
	}
	if (err) {
		ms_pgmaps_free(pm);
		return err;
	}
	if (pm->nr > 1)
		qsort(pm->v, pm->nr, sizeof(*pm->v), by_start);
	*out = pm;
	return NULL;
}

void ms_pgmaps_free(struct ms_pgmaps *pm)
{
	if (!pm)
		return;
	free(pm->v);
	free(pm);
}
