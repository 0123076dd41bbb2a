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

#include "memscope/ksysfs.h"
#include "xarray.h"

/* sizeof(struct memory_block) is 816..864 in the lab kernels. */
#define BLOCK_STRUCT_MAX 4096

enum { ST_ONLINE, ST_GOING_OFFLINE, ST_OFFLINE, NR_ST };

struct kblock_layout {
	uint64_t size;
	struct ms_member start_section_nr, state, nid, zone;
	struct ms_member memmap;	/* .size 0: neither member */
	int64_t states[NR_ST];
	uint64_t sym_blocks;
	uint64_t sections_per_block;
	bool removable;
	struct ms_xa_layout xa;
};

struct kblocks {
	struct ms_target *t;
	const struct ms_kinfo *ki;
	const struct ms_sparse *sp;
	const struct kblock_layout *l;
	struct ms_blocks *bl;
	size_t cap, max;
	uint8_t buf[BLOCK_STRUCT_MAX];
};

static struct ms_error *member(const struct ms_kinfo *ki, const char *name,
			       struct ms_member *m)
{
	struct ms_error *err = ms_kinfo_member(ki, "struct memory_block", name, m);

	if (!err && (m->bit_size || !m->size || m->size > 8))
		err = ms_error_new(MS_ERR_FORMAT, "struct memory_block.%s is %" PRIu64 " bytes",
				   name, m->size);
	return err ? ms_error_wrap(err, "memory blocks") : NULL;
}

/* Optional member: m->size = 0 when this kernel has none. */
static struct ms_error *member_opt(const struct ms_kinfo *ki, const char *name,
				   struct ms_member *m)
{
	struct ms_error *err = member(ki, name, m);

	if (err && err->code == MS_ERR_MISSING) {
		ms_error_free(err);
		memset(m, 0, sizeof(*m));
		return NULL;
	}
	return err;
}

/*
 * MEM_ONLINE and friends: #defines 1 << 0, 1 << 1, 1 << 2 in
 * include/linux/memory.h (the 6.1 lab kernel: state is an unsigned long,
 * no type names them); an enum memory_block_state counting from 0 in the
 * 6.12 and 7.3 lab kernels, whose BTF carries the values.
 */
static struct ms_error *resolve_states(const struct ms_kinfo *ki,
				       struct kblock_layout *l)
{
	static const char *const names[NR_ST] = {
		"MEM_ONLINE", "MEM_GOING_OFFLINE", "MEM_OFFLINE",
	};
	struct ms_error *err;

	for (int i = 0; i < NR_ST; i++) {
		err = ms_kinfo_enumerator(ki, names[i], &l->states[i]);
		if (!err)
			continue;
		if (err->code != MS_ERR_MISSING || i)
			return ms_error_wrap(err, "memory blocks");
		ms_error_free(err);
		l->states[ST_ONLINE] = 1 << 0;
		l->states[ST_GOING_OFFLINE] = 1 << 1;
		l->states[ST_OFFLINE] = 1 << 2;
		return NULL;
	}
	return NULL;
}

static struct ms_error *read_uint(struct ms_target *t, uint64_t addr,
				  size_t size, uint64_t *v)
{
	*v = 0;
	return ms_target_read(t, addr, v, size);
}

/*
 * memory_block_size_bytes() / MIN_MEMORY_BLOCK_SIZE: the static int
 * sections_per_block of drivers/base/memory.c (set in memory_dev_init()),
 * else x86's memory_block_size_probed (arch/x86/mm/init_64.c, 4.13+).
 * Both need CONFIG_KALLSYMS_ALL, as Debian kernels have.
 */
static struct ms_error *resolve_block_size(struct ms_target *t,
					   const struct ms_kinfo *ki,
					   struct kblock_layout *l)
{
	const struct ms_layout *lay = ms_kinfo_layout(ki);
	struct ms_error *err;
	uint64_t addr, v;

	err = ms_kinfo_symbol(ki, "sections_per_block", &addr);
	if (!err) {
		err = read_uint(t, addr, 4, &v);
		if (err)
			return ms_error_wrap(err, "reading sections_per_block");
	} else if (err->code == MS_ERR_MISSING) {
		ms_error_free(err);
		err = ms_kinfo_symbol(ki, "memory_block_size_probed", &addr);
		if (err && err->code == MS_ERR_MISSING) {
			ms_error_free(err);
			return ms_error_new(MS_ERR_MISSING, "memory blocks: kallsyms has neither sections_per_block nor memory_block_size_probed");
		}
		if (!err)
			err = read_uint(t, addr, 8, &v);
		if (err)
			return ms_error_wrap(err, "reading memory_block_size_probed");
		if (v & ((1ULL << lay->section_size_bits) - 1))
			return ms_error_new(MS_ERR_FORMAT, "memory_block_size_probed 0x%" PRIx64 " is not a whole number of sections", v);
		v >>= lay->section_size_bits;
	} else {
		return err;
	}
	/* memory_dev_init() (driver_init()) has not run yet */
	if (!v)
		return ms_error_new(MS_ERR_MISSING, "memory blocks: none registered yet (sections_per_block is 0: a dump taken before memory_dev_init())");
	/* a power of two, no larger than the section table */
	if ((v & (v - 1)) || v > lay->nr_mem_sections)
		return ms_error_new(MS_ERR_FORMAT, "memory blocks: %" PRIu64 " sections per block is impossible", v);
	l->sections_per_block = v;
	return NULL;
}

static struct ms_error *resolve(struct ms_target *t, const struct ms_kinfo *ki,
				struct kblock_layout *l)
{
	struct ms_error *err;
	uint64_t addr;

	memset(l, 0, sizeof(*l));
	err = ms_kinfo_symbol(ki, "memory_blocks", &l->sym_blocks);
	if (err)
		return ms_error_wrap(err, "memory blocks (the memory_blocks xarray, 5.8+)");
	err = ms_kinfo_type_size(ki, "struct memory_block", &l->size);
	if (!err && (l->size < 8 || l->size > BLOCK_STRUCT_MAX))
		err = ms_error_new(MS_ERR_FORMAT, "struct memory_block is %" PRIu64 " bytes", l->size);
	if (!err)
		err = member(ki, "start_section_nr", &l->start_section_nr);
	if (!err)
		err = member(ki, "state", &l->state);
	if (!err)
		err = member(ki, "nid", &l->nid);
	if (!err)
		err = member(ki, "zone", &l->zone);
	/* memmap_on_memory: a count of vmemmap pages (5.12, a08a2ae34613),
	 * replaced by a struct vmem_altmap pointer (6.6, 1a8c64e11043) */
	if (!err)
		err = member_opt(ki, "altmap", &l->memmap);
	if (!err && !l->memmap.size)
		err = member_opt(ki, "nr_vmemmap_pages", &l->memmap);
	if (!err)
		err = resolve_states(ki, l);
	if (!err)
		err = resolve_block_size(t, ki, l);
	if (!err)
		err = ms_xa_resolve(ki, "memory_blocks", &l->xa);
	if (err)
		return err;
	/* sysfs "removable" is IS_ENABLED(CONFIG_MEMORY_HOTREMOVE) since 5.9
	 * (53cdc1cb29e8); remove_memory() exists exactly then */
	err = ms_kinfo_symbol(ki, "remove_memory", &addr);
	if (err && err->code != MS_ERR_MISSING)
		return err;
	l->removable = !err;
	ms_error_free(err);
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

static const char *state_name(const struct kblock_layout *l, uint64_t v)
{
	static const char *const names[NR_ST] = {
		"online", "going-offline", "offline",
	};

	for (int i = 0; i < NR_ST; i++)
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
		size_t n = k->cap ? k->cap * 2 : 64;
		struct ms_block *v = realloc(bl->blocks, n * sizeof(*v));

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory listing memory blocks");
		bl->blocks = v;
		k->cap = n;
	}
	bl->blocks[bl->nr++] = *b;
	return NULL;
}

static struct ms_error *decode(struct kblocks *k, uint64_t addr,
			       struct ms_block *b)
{
	const struct kblock_layout *l = k->l;
	const struct ms_layout *lay = k->sp->layout;
	const struct ms_zone_span *z;
	const char *state;
	uint64_t ssn, v, zone;
	int64_t nid;

	ssn = get(k->buf, &l->start_section_nr);
	if (ssn >= lay->nr_mem_sections || ssn % l->sections_per_block)
		return ms_error_fault(addr, "memory block at 0x%" PRIx64 ": start_section_nr %" PRIu64 " is impossible",
				      addr, ssn);
	memset(b, 0, sizeof(*b));
	b->nr = ssn / l->sections_per_block;
	b->size = l->sections_per_block << lay->section_size_bits;
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
	struct kblock_layout l;
	struct kblocks *k;
	struct ms_error *err;

	*out = NULL;
	err = resolve(t, ki, &l);
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
	k->l = &l;
	k->max = (size_t)(sp->layout->nr_mem_sections / l.sections_per_block);
	k->bl->block_size = l.sections_per_block << sp->layout->section_size_bits;
	/* 64 slots a node: blocks / 32 covers every interior node */
	err = ms_xa_for_each(t, &l.xa, l.sym_blocks, "memory_blocks",
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
