// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory blocks from kernel memory (drivers/base/memory.c): every struct
 * memory_block sits in the memory_blocks xarray (5.8+, 4fb6eabf1037),
 * indexed by block id; a block spans sections_per_block sections. What
 * sysfs would print is decoded from each: phys_index from
 * start_section_nr, state, the node (nid), valid_zones of an online block
 * (its zone's name, "None" when it spans zones: valid_zones_show()) and
 * whether its memmap came from the block itself (memmap_on_memory).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/ksysfs.h"
#include "xarray.h"

struct kblocks {
	struct ms_target *t;
	const struct ms_kinfo *ki;
	const struct ms_sparse *sp;
	const struct ms_block_layout *l;
	uint64_t sections_per_block;
	struct ms_blocks *bl;
	size_t cap, max;
	uint8_t buf[MS_BLOCK_STRUCT_MAX];
};

static struct ms_error *read_uint(struct ms_target *t, uint64_t addr,
				  size_t size, uint64_t *v)
{
	*v = 0;
	return ms_target_read(t, addr, v, size);
}

/*
 * The block size, from the variable kinfo found (sections_per_block,
 * else memory_block_size_probed: ksysfs_layout.c).
 */
static struct ms_error *read_block_size(struct ms_target *t,
					const struct ms_layout *lay,
					const struct ms_block_layout *l,
					uint64_t *spb)
{
	struct ms_error *err;
	uint64_t v;

	if (l->sym_sections_per_block != MS_ABSENT) {
		err = read_uint(t, l->sym_sections_per_block, 4, &v);
		if (err)
			return ms_error_wrap(err, "reading sections_per_block");
	} else {
		err = read_uint(t, l->sym_block_size_probed, 8, &v);
		if (err)
			return ms_error_wrap(err, "reading memory_block_size_probed");
		if (v & ((1ULL << lay->section_size_bits) - 1))
			return ms_error_new(MS_ERR_FORMAT, "memory_block_size_probed 0x%" PRIx64 " is not a whole number of sections", v);
		v >>= lay->section_size_bits;
	}
	/* memory_dev_init() (driver_init()) has not run yet */
	if (!v)
		return ms_error_new(MS_ERR_MISSING, "memory blocks: none registered yet (sections_per_block is 0: a dump taken before memory_dev_init())");
	/* a power of two, no larger than the section table */
	if ((v & (v - 1)) || v > lay->nr_mem_sections)
		return ms_error_new(MS_ERR_FORMAT, "memory blocks: %" PRIu64 " sections per block is impossible", v);
	*spb = v;
	return NULL;
}

static uint64_t get(const uint8_t *p, const struct ms_member *m)
{
	uint64_t v = 0;

	memcpy(&v, p + m->offset, m->size);
	return v;
}

static int64_t get_signed(const uint8_t *p, const struct ms_member *m)
{
	uint64_t v = get(p, m);
	unsigned int bits = (unsigned int)m->size * 8;

	if (bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return (int64_t)v;
}

static const char *state_name(const struct ms_block_layout *l, uint64_t v)
{
	static const char *const names[MS_MEM_NR_STATES] = {
		[MS_MEM_ONLINE] = "online",
		[MS_MEM_GOING_OFFLINE] = "going-offline",
		[MS_MEM_OFFLINE] = "offline",
	};

	for (int i = 0; i < MS_MEM_NR_STATES; i++)
		if ((uint64_t)l->states[i] == v)
			return names[i];
	return NULL;
}

/* The zone a block points to must be one of the nodes' own zones. */
static const struct ms_zone_span *zone_of(const struct ms_sparse *sp,
					  uint64_t zone)
{
	const struct ms_layout *lay = sp->layout;

	for (size_t i = 0; i < sp->nr_zones; i++) {
		const struct ms_zone_span *z = &sp->zones[i];

		for (size_t n = 0; n < sp->nr_nodes; n++)
			if (sp->nodes[n].nid == z->nid &&
			    sp->nodes[n].pgdat + lay->pglist_data.node_zones +
			    (uint64_t)z->idx * lay->zone.size == zone)
				return z;
	}
	return NULL;
}

static struct ms_error *push(struct kblocks *k, const struct ms_block *b)
{
	struct ms_blocks *bl = k->bl;

	if (bl->nr == k->max)
		return ms_error_new(MS_ERR_FORMAT, "memory_blocks holds more than %zu blocks", k->max);
	if (bl->nr == k->cap) {
		struct ms_block *v = ms_array_grow(bl->blocks, &k->cap, sizeof(*v), 64);

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory listing memory blocks");
		bl->blocks = v;
	}
	bl->blocks[bl->nr++] = *b;
	return NULL;
}

static struct ms_error *decode(struct kblocks *k, uint64_t addr,
			       struct ms_block *b)
{
	const struct ms_block_layout *l = k->l;
	const struct ms_layout *lay = k->sp->layout;
	const struct ms_zone_span *z;
	const char *state;
	uint64_t ssn, v, zone;
	int64_t nid;

	ssn = get(k->buf, &l->start_section_nr);
	if (ssn >= lay->nr_mem_sections || ssn % k->sections_per_block)
		return ms_error_fault(addr, "memory block at 0x%" PRIx64 ": start_section_nr %" PRIu64 " is impossible",
				      addr, ssn);
	memset(b, 0, sizeof(*b));
	b->nr = ssn / k->sections_per_block;
	b->size = k->sections_per_block << lay->section_size_bits;
	b->start = b->nr * b->size;
	v = get(k->buf, &l->state);
	state = state_name(l, v);
	if (!state)
		return ms_error_fault(addr, "memory block %" PRIu64 ": state %" PRIu64 " is none the kernel has",
				      b->nr, v);
	snprintf(b->state, sizeof(b->state), "%s", state);
	nid = get_signed(k->buf, &l->nid);
	if (nid < -1 || nid >= (int64_t)lay->max_numnodes)
		return ms_error_fault(addr, "memory block %" PRIu64 ": node %" PRId64 " is impossible",
				      b->nr, nid);
	b->nid = (int)nid;
	b->removable = l->removable;
	b->has_removable = true;
	b->memmap_on_memory = l->memmap.size ? get(k->buf, &l->memmap) != 0 : -1;
	zone = get(k->buf, &l->zone);
	if (strcmp(state, "online"))
		return NULL;	/* valid_zones of an offline block: not known */
	if (!zone) {	/* sysfs "none", spelt as lsmem and sysfs.h do */
		snprintf(b->zones, sizeof(b->zones), "None");
		return NULL;
	}
	z = zone_of(k->sp, zone);
	if (!z)
		return ms_error_fault(zone, "memory block %" PRIu64 ": zone 0x%" PRIx64 " is no zone of any node",
				      b->nr, zone);
	snprintf(b->zones, sizeof(b->zones), "%s", z->name);
	return NULL;
}

static struct ms_error *one_block(void *arg, uint64_t addr)
{
	struct kblocks *k = arg;
	struct ms_block b;
	struct ms_error *err;

	err = ms_target_read(k->t, addr, k->buf, k->l->size);
	if (err)
		return ms_error_wrap(err, "reading a struct memory_block");
	err = decode(k, addr, &b);
	return err ? err : push(k, &b);
}

static int block_cmp(const void *a, const void *b)
{
	const struct ms_block *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

struct ms_error *ms_kblocks_load(struct ms_target *t, const struct ms_kinfo *ki,
				 const struct ms_sparse *sp,
				 struct ms_blocks **out)
{
	const struct ms_block_layout *l;
	struct kblocks *k;
	struct ms_error *err;
	uint64_t spb = 0;

	*out = NULL;
	err = ms_kinfo_block_layout(ki, &l);
	if (!err)
		err = read_block_size(t, sp->layout, l, &spb);
	if (err)
		return err;
	k = calloc(1, sizeof(*k));
	if (k)
		k->bl = calloc(1, sizeof(*k->bl));
	if (!k || !k->bl) {
		free(k);
		return ms_error_new(MS_ERR_NOMEM, "out of memory listing memory blocks");
	}
	k->t = t;
	k->ki = ki;
	k->sp = sp;
	k->l = l;
	k->sections_per_block = spb;
	k->max = (size_t)(sp->layout->nr_mem_sections / spb);
	k->bl->block_size = spb << sp->layout->section_size_bits;
	/* 64 slots a node: blocks / 32 covers every interior node */
	err = ms_xa_for_each(t, &l->xa, l->sym_blocks, "memory_blocks",
			     k->max / 32 + 64, one_block, k);
	if (!err) {
		qsort(k->bl->blocks, k->bl->nr, sizeof(*k->bl->blocks), block_cmp);
		for (size_t i = 1; !err && i < k->bl->nr; i++)
			if (k->bl->blocks[i].nr == k->bl->blocks[i - 1].nr)
				err = ms_error_new(MS_ERR_FORMAT, "memory_blocks holds block %" PRIu64 " twice",
						   k->bl->blocks[i].nr);
	}
	if (err)
		ms_blocks_free(k->bl);
	else
		*out = k->bl;
	free(k);
	return err;
}
