// SPDX-License-Identifier: GPL-2.0-or-later
/* The facts of one source for `memscope diff` (see diff_facts.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "commands.h"
#include "diff_facts.h"
#include "memscope/array.h"
#include "memscope/deferred.h"
#include "memscope/section_class.h"
#include "page_fmt.h"
#include "page_range.h"
#include "section_fmt.h"
#include "vmemmap_fmt.h"

static const char *const object_names[MS_DIFF_NR] = {
	[MS_DIFF_SECTION] = "section", [MS_DIFF_BLOCK] = "block",
	[MS_DIFF_PGMAP] = "pgmap", [MS_DIFF_COMPOUND] = "compound",
	[MS_DIFF_VMEMMAP] = "vmemmap", [MS_DIFF_DEFERRED] = "deferred",
};

const char *ms_diff_object_name(enum ms_diff_object o)
{
	return object_names[o];
}

static struct ms_fact *add(struct ms_diff_facts *f, enum ms_diff_object obj,
			   uint64_t id_num, const char *id, const char *field)
{
	struct ms_fact *x;

	if (f->n == f->cap) {
		struct ms_fact *v = ms_array_grow(f->v, &f->cap, sizeof(*v), 256);

		if (!v)
			return NULL;
		f->v = v;
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->obj = obj;
	x->id_num = id_num;
	snprintf(x->id, sizeof(x->id), "%s", id ? id : "");
	snprintf(x->field, sizeof(x->field), "%s", field);
	return x;
}

static int add_str(struct ms_diff_facts *f, enum ms_diff_object obj, uint64_t id_num,
		   const char *id, const char *field, const char *value)
{
	struct ms_fact *x = add(f, obj, id_num, id, field);

	if (!x)
		return -1;
	snprintf(x->value, sizeof(x->value), "%s", value);
	return 0;
}

static int add_num(struct ms_diff_facts *f, enum ms_diff_object obj, uint64_t id_num,
		   const char *id, const char *field, uint64_t v)
{
	struct ms_fact *x = add(f, obj, id_num, id, field);

	if (!x)
		return -1;
	x->is_num = true;
	x->num = (int64_t)v;
	snprintf(x->value, sizeof(x->value), "%" PRIu64, v);
	return 0;
}

#define NOMEM ms_error_new(MS_ERR_NOMEM, "diff facts")

/* The class as the sections command's CLASS and the TUI's map decide it. */
static struct ms_error *sections(struct ms_cli *c, struct ms_diff_facts *f)
{
	const struct ms_sparse *sp = c->sparse;
	struct ms_facts facts;
	struct ms_error *err = ms_cli_facts_any_iomem(c, &facts);
	int bad = 0;

	if (err)
		return err;
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		char flags[128];

		ms_section_flags_format(sp, s, flags, sizeof(flags));
		bad |= add_str(f, MS_DIFF_SECTION, s->nr, NULL, "class",
			       ms_section_class_name(facts.sections[i].cls));
		bad |= add_str(f, MS_DIFF_SECTION, s->nr, NULL, "flags", flags);
		bad |= add_num(f, MS_DIFF_SECTION, s->nr, NULL, "active", s->active);
	}
	ms_facts_release(&facts);
	return bad ? NOMEM : NULL;
}

static struct ms_error *blocks(struct ms_cli *c, struct ms_diff_facts *f)
{
	const struct ms_blocks *bl;
	struct ms_error *err = ms_cli_blocks(c, &bl);
	int bad = 0;

	for (size_t i = 0; !err && bl && i < bl->nr; i++) {
		const struct ms_block *b = &bl->blocks[i];

		bad |= add_str(f, MS_DIFF_BLOCK, b->nr, NULL, "state",
			       ms_block_state_format(b));
		bad |= add_str(f, MS_DIFF_BLOCK, b->nr, NULL, "zones", b->zones);
	}
	return err ? err : bad ? NOMEM : NULL;
}

static int vm_owner(struct ms_diff_facts *f, const char *owner,
		    const struct ms_vmemmap_count *n)
{
	return add_num(f, MS_DIFF_VMEMMAP, 0, owner, "pages", n->pages) |
	       add_num(f, MS_DIFF_VMEMMAP, 0, owner, "frames", n->frames) |
	       add_num(f, MS_DIFF_VMEMMAP, 0, owner, "saved", ms_vmemmap_saved(n));
}

/* pgmaps by device name; vmemmap by the owners the CLI totals. */
static struct ms_error *vmemmap(struct ms_cli *c, struct ms_diff_facts *f)
{
	struct ms_vmemmap_model m;
	struct ms_error *err = ms_vmemmap_model_load(c, true, &m);
	char name[80], ns[64], dax[64];
	int bad = 0;

	for (size_t i = 0; !err && i < m.pgmaps->nr; i++) {
		const struct ms_pgmap *g = &m.pgmaps->v[i];

		ms_pgmap_device_name(m.iomem, g, name, sizeof(name));
		ms_pgmap_names(m.iomem, g, ns, sizeof(ns), dax, sizeof(dax));
		bad |= add_str(f, MS_DIFF_PGMAP, 0, name, "type",
			       ms_vmemmap_pgmap_type(g, dax));
		bad |= add_num(f, MS_DIFF_PGMAP, 0, name, "size", ms_vmemmap_pgmap_size(g));
	}
	for (size_t i = 0; !err && i < m.vm->nr_hstates; i++) {
		ms_vmemmap_owner_name(m.vm, m.pgmaps, m.iomem,
				      MS_VMEMMAP_HUGETLB, (int)i, name, sizeof(name));
		bad |= vm_owner(f, name, &m.vm->by_hstate[i]);
	}
	for (size_t i = 0; !err && i < m.vm->nr_pgmaps; i++) {
		ms_vmemmap_owner_name(m.vm, m.pgmaps, m.iomem,
				      MS_VMEMMAP_DEVICE, (int)i, name, sizeof(name));
		bad |= vm_owner(f, name, &m.vm->by_pgmap[i]);
	}
	for (int k = 0; !err && k < MS_VMEMMAP_NR_KINDS; k++)
		bad |= vm_owner(f, ms_vmemmap_kind_name(k), &m.vm->kind[k]);
	ms_vmemmap_model_release(&m);
	return err ? err : bad ? NOMEM : NULL;
}

/* The census by kind, order and zone, as the metrics count it. */
static struct ms_error *compound(struct ms_cli *c, struct ms_diff_facts *f)
{
	struct ms_page_layout pl;
	struct ms_pfn_range r;
	struct ms_census x;
	struct ms_error *err = ms_cli_page_layout(c, &pl);
	size_t first = f->n;
	int bad = 0;

	if (err)
		return err;
	ms_cli_pfn_all(c, &r);
	err = ms_cli_census(c, &pl, r.start, r.nr, &x);
	for (size_t i = 0; !err && i < x.n; i++) {
		const struct ms_census_bucket *b = &x.b[i];
		char id[64], zone[32];
		size_t j;

		ms_zone_format(c->sparse, b->node, b->zone, zone, sizeof(zone));
		snprintf(id, sizeof(id), "%s/%u/%s", ms_compound_kind_name(b->kind),
			 b->order, zone);
		for (j = first; j < f->n && strcmp(f->v[j].id, id); j++)
			;
		if (j < f->n) {	/* other nodes or devices: add up */
			f->v[j].num += (int64_t)b->count;
			snprintf(f->v[j].value, sizeof(f->v[j].value), "%" PRId64,
				 f->v[j].num);
			continue;
		}
		bad |= add_num(f, MS_DIFF_COMPOUND, 0, id, "count", b->count);
	}
	if (!err)
		ms_census_free(&x);
	return err ? err : bad ? NOMEM : NULL;
}

static struct ms_error *deferred(struct ms_cli *c, struct ms_diff_facts *f)
{
	struct ms_deferred *d;
	struct ms_error *err = ms_cli_deferred_load(c, &d);
	int bad = 0;

	for (size_t i = 0; !err && i < d->nr; i++) {
		const struct ms_deferred_node *n = &d->nodes[i];

		bad |= add_str(f, MS_DIFF_DEFERRED, (uint64_t)n->nid, NULL, "state",
			       ms_deferred_state_name(n->state));
		if (n->state == MS_DEFERRED_NOT_CONFIGURED)
			continue;
		bad |= add_num(f, MS_DIFF_DEFERRED, (uint64_t)n->nid, NULL,
			       "initialised", n->initialised);
		bad |= add_num(f, MS_DIFF_DEFERRED, (uint64_t)n->nid, NULL,
			       "pending", n->pending);
	}
	if (!err)
		ms_deferred_free(d);
	return err ? err : bad ? NOMEM : NULL;
}

int ms_fact_cmp(const struct ms_fact *a, const struct ms_fact *b, bool field)
{
	int r;

	if (a->obj != b->obj)
		return a->obj < b->obj ? -1 : 1;
	if (a->id_num != b->id_num)
		return a->id_num < b->id_num ? -1 : 1;
	r = strcmp(a->id, b->id);
	return r || !field ? r : strcmp(a->field, b->field);
}

static int qcmp(const void *a, const void *b)
{
	return ms_fact_cmp(a, b, true);
}

struct ms_error *ms_diff_facts_gather(struct ms_cli *c, struct ms_diff_facts *f)
{
	static struct ms_error *(*const collect[MS_DIFF_NR])(struct ms_cli *,
							     struct ms_diff_facts *) = {
		[MS_DIFF_SECTION] = sections, [MS_DIFF_BLOCK] = blocks,
		[MS_DIFF_PGMAP] = vmemmap, [MS_DIFF_COMPOUND] = compound,
		[MS_DIFF_DEFERRED] = deferred,
	};
	struct ms_error *err;

	memset(f, 0, sizeof(*f));
	err = ms_cli_kernel(c);
	if (err)
		return err;
	/* vmemmap facts come with the pgmaps (one model load) */
	for (int o = 0; o < MS_DIFF_NR; o++) {
		size_t first = f->n;

		if (!collect[o])
			continue;
		err = collect[o](c, f);
		if (!err)
			continue;
		if (err->code == MS_ERR_NOMEM)
			return err;
		f->n = first;
		snprintf(f->failed[o], sizeof(f->failed[o]), "%s", err->msg);
		ms_error_free(err);
	}
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), qcmp);
	return NULL;
}

void ms_diff_facts_free(struct ms_diff_facts *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
