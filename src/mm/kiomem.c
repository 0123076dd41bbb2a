// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/iomem from kernel memory: the tree of struct resource under
 * iomem_resource (kernel/resource.c), walked in the order r_next() prints
 * it: a resource, its children, then its next sibling. The kernel keeps
 * every child inside its parent and siblings ascending without overlap
 * (__request_resource()); a tree that breaks that, revisits a resource,
 * nests deeper than any real machine or grows past a bound is refused.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/ksysfs.h"

#define IOMEM_MAX_DEPTH		16
#define IOMEM_MAX_RESOURCES	65536

struct res {
	uint64_t addr, start, end, name, sibling, child;
};

struct walk {
	struct ms_target *t;
	const struct ms_resource_layout *l;
	struct ms_iomem *io;
	size_t cap;
	uint64_t *seen;		/* open addressing, 2 * IOMEM_MAX_RESOURCES */
};

#define SEEN_SLOTS (2 * IOMEM_MAX_RESOURCES)

/* false when addr was seen before */
static bool seen_add(struct walk *w, uint64_t addr)
{
	size_t i = (size_t)((addr >> 4) * 0x9e3779b97f4a7c15ULL % SEEN_SLOTS);

	while (w->seen[i]) {
		if (w->seen[i] == addr)
			return false;
		i = (i + 1) % SEEN_SLOTS;
	}
	w->seen[i] = addr;
	return true;
}

static uint64_t get(const uint8_t *p, const struct ms_member *m)
{
	uint64_t v;

	memcpy(&v, p + m->offset, 8);
	return v;
}

static struct ms_error *read_res(struct walk *w, uint64_t addr, struct res *r)
{
	uint8_t buf[256];
	struct ms_error *err;

	err = ms_target_read(w->t, addr, buf, w->l->size);
	if (err)
		return ms_error_wrap(err, "reading struct resource at 0x%" PRIx64, addr);
	r->addr = addr;
	r->start = get(buf, &w->l->start);
	r->end = get(buf, &w->l->end);
	r->name = get(buf, &w->l->name);
	r->sibling = get(buf, &w->l->sibling);
	r->child = get(buf, &w->l->child);
	return NULL;
}

/* The name as r_show() prints it ("<BAD>" for none); unprintables as '?'. */
static void read_name(struct walk *w, uint64_t addr, char *name, size_t len)
{
	size_t n = 0;

	snprintf(name, len, "<BAD>");
	if (!addr)
		return;
	/* byte by byte up to a page end, where the next page may be absent */
	while (n + 1 < len) {
		char ch;

		if (ms_target_read(w->t, addr + n, &ch, 1) ? true : !ch)
			break;
		name[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	name[n] = '\0';
	if (!n)
		snprintf(name, len, "<BAD>");
}

static struct ms_error *emit(struct walk *w, const struct res *r, int depth)
{
	struct ms_iomem *io = w->io;
	struct ms_iomem_range *v;

	if (io->nr == IOMEM_MAX_RESOURCES)
		return ms_error_new(MS_ERR_FORMAT, "iomem_resource holds more than %d resources",
				    IOMEM_MAX_RESOURCES);
	if (io->nr == w->cap) {
		v = ms_array_grow(io->ranges, &w->cap, sizeof(*v), 128);
		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory listing iomem");
		io->ranges = v;
	}
	v = &io->ranges[io->nr++];
	memset(v, 0, sizeof(*v));	/* realloc'd: no heap bytes past the name */
	v->start = r->start;
	v->end = r->end;
	v->depth = depth;
	read_name(w, r->name, v->name, sizeof(v->name));
	return NULL;
}

static struct ms_error *walk_children(struct walk *w, const struct res *parent,
				      int depth)
{
	uint64_t p = parent->child, prev_end = 0;
	bool has_prev = false;
	struct ms_error *err;
	struct res r;

	while (p) {
		if (depth >= IOMEM_MAX_DEPTH)
			return ms_error_fault(p, "iomem_resource nests deeper than %d levels at 0x%" PRIx64,
					      IOMEM_MAX_DEPTH, p);
		if (!seen_add(w, p))
			return ms_error_fault(p, "iomem_resource reaches the resource at 0x%" PRIx64 " twice (a cycle)", p);
		err = read_res(w, p, &r);
		if (err)
			return err;
		if (r.start > r.end || r.start < parent->start || r.end > parent->end)
			return ms_error_fault(p, "resource at 0x%" PRIx64 " [0x%" PRIx64 "-0x%" PRIx64 "] lies outside its parent",
					      p, r.start, r.end);
		if (has_prev && r.start <= prev_end)
			return ms_error_fault(p, "resource at 0x%" PRIx64 " [0x%" PRIx64 "-0x%" PRIx64 "] overlaps or precedes its sibling",
					      p, r.start, r.end);
		err = emit(w, &r, depth);
		if (!err)
			err = walk_children(w, &r, depth + 1);
		if (err)
			return err;
		prev_end = r.end;
		has_prev = true;
		p = r.sibling;
	}
	return NULL;
}

struct ms_error *ms_kiomem_load(struct ms_target *t, const struct ms_kinfo *ki,
				struct ms_iomem **out)
{
	struct walk w = { .t = t };
	struct ms_error *err;
	uint64_t root;
	struct res r;

	*out = NULL;
	err = ms_kinfo_resource_layout(ki, &w.l);
	if (err)
		return err;
	root = w.l->sym_iomem_resource;
	w.io = calloc(1, sizeof(*w.io));
	w.seen = calloc(SEEN_SLOTS, sizeof(*w.seen));
	if (!w.io || !w.seen) {
		free(w.io);
		free(w.seen);
		return ms_error_new(MS_ERR_NOMEM, "out of memory listing iomem");
	}
	seen_add(&w, root);
	err = read_res(&w, root, &r);
	if (!err)
		err = walk_children(&w, &r, 0);
	free(w.seen);
	if (err) {
		ms_iomem_free(w.io);
		return err;
	}
	*out = w.io;
	return NULL;
}
