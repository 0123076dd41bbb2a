// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel xarrays read from the target. Entries (include/linux/xarray.h):
 * ...10 binary marks an internal entry; above 4096 it is a node (pointer
 * + 2), below it a sibling, retry or zero marker; ...1 is a value entry;
 * anything else non-NULL is a pointer the user stored. Each node is read
 * once: one met again is an error that names it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xarray.h"

#define XA_INTERNAL(e)	(((e) & 3) == 2)
#define XA_IS_NODE(e)	(XA_INTERNAL(e) && (e) > 4096)
/* 64 slots a node: 12 levels cover far more than a 64-bit index. */
#define XA_DEPTH_MAX	12

struct walk {
	struct ms_target *t;
	const struct ms_xa_layout *l;
	const char *what;
	uint64_t nodes_left;
	ms_xa_fn fn;
	void *ctx;
	uint64_t *seen;		/* nodes visited: open addressing, grown */
	size_t nr_seen, cap_seen;
};

static size_t slot_of(uint64_t node, size_t cap)
{
	return (size_t)((node >> 3) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static bool seen_put(uint64_t *set, size_t cap, uint64_t node)
{
	size_t i = slot_of(node, cap);

	while (set[i]) {
		if (set[i] == node)
			return false;
		i = (i + 1) & (cap - 1);
	}
	set[i] = node;
	return true;
}

/* A node met twice (a cycle, or shared children) is an error, not a loop. */
static struct ms_error *visit(struct walk *w, uint64_t node)
{
	if (!w->nodes_left--)
		return ms_error_fault(node, "%s: more than %" PRIu64 " xarray nodes",
				      w->what, w->nr_seen);
	if (2 * (w->nr_seen + 1) > w->cap_seen) {
		size_t cap = w->cap_seen ? 2 * w->cap_seen : 64;
		uint64_t *set = calloc(cap, sizeof(*set));

		if (!set)
			return ms_error_new(MS_ERR_NOMEM, "out of memory walking %s", w->what);
		for (size_t i = 0; i < w->cap_seen; i++)
			if (w->seen[i])
				seen_put(set, cap, w->seen[i]);
		free(w->seen);
		w->seen = set;
		w->cap_seen = cap;
	}
	if (!seen_put(w->seen, w->cap_seen, node))
		return ms_error_fault(node, "%s: xarray node 0x%" PRIx64 " is reached twice",
				      w->what, node);
	w->nr_seen++;
	return NULL;
}

static struct ms_error *walk_entry(struct walk *w, uint64_t entry, int depth)
{
	uint64_t slots[256], node;
	struct ms_error *err;

	if (!entry || (entry & 1))
		return NULL;		/* empty, value entry */
	if (!XA_IS_NODE(entry))
		return XA_INTERNAL(entry) ? NULL : w->fn(w->ctx, entry);
	node = entry - 2;
	if (depth >= XA_DEPTH_MAX)
		return ms_error_fault(node, "%s: xarray deeper than %d levels at 0x%" PRIx64,
				      w->what, XA_DEPTH_MAX, node);
	err = visit(w, node);
	if (err)
		return err;
	err = ms_target_read(w->t, node + w->l->node_slots, slots,
			     w->l->nr_slots * sizeof(uint64_t));
	if (err)
		return ms_error_wrap(err, "reading a %s node", w->what);
	for (uint64_t i = 0; i < w->l->nr_slots; i++) {
		err = walk_entry(w, slots[i], depth + 1);
		if (err)
			return err;
	}
	return NULL;
}

struct ms_error *ms_xa_for_each(struct ms_target *t,
				const struct ms_xa_layout *l, uint64_t xa,
				const char *what, uint64_t max_nodes,
				ms_xa_fn fn, void *ctx)
{
	struct walk w = { t, l, what, max_nodes, fn, ctx, NULL, 0, 0 };
	uint64_t head;
	struct ms_error *err;

	err = ms_target_read_u64(t, xa + l->xa_head, &head);
	if (err)
		return ms_error_wrap(err, "reading %s", what);
	err = walk_entry(&w, head, 0);
	free(w.seen);
	return err;
}
