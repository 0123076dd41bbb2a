// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The domains of what sysfs and /proc would have said, read from kernel
 * memory (mm/kblocks.c, mm/kiomem.c): struct memory_block in the
 * memory_blocks xarray, struct resource under iomem_resource, and the
 * xarray itself (pgmap_array uses it too).
 */
#include <inttypes.h>

#include "internal.h"

/* ---- struct xarray, struct xa_node ---- */

struct xa_answers {
	struct ms_xa_layout l;
	struct ms_member slots;
};

static const struct ms_need xa_needs[] = {
	MS_NEED_ROW(OFFSET, 0, "struct xarray", "xa_head", struct xa_answers,
		    l.xa_head),
	MS_NEED_ROW(MEMBER, 0, "struct xa_node", "slots", struct xa_answers,
		    slots),
};

struct ms_error *ms_xa_layout_resolve(const struct ms_kinfo *ki,
				      struct ms_xa_layout *out)
{
	struct xa_answers a = { 0 };
	struct ms_error *err;

	err = ms_needs_resolve(ki, xa_needs, MS_NEEDS_NR(xa_needs), &a);
	if (err)
		return err;
	a.l.node_slots = a.slots.offset;
	a.l.nr_slots = a.slots.nelems;
	/* XA_CHUNK_SIZE is 64 (16 with CONFIG_BASE_SMALL) */
	if (!a.l.nr_slots || a.l.nr_slots > 256)
		return ms_error_new(MS_ERR_FORMAT, "struct xa_node has %" PRIu64 " slots",
				    a.l.nr_slots);
	*out = a.l;
	return NULL;
}

/* ---- struct memory_block (drivers/base/memory.c) ---- */

#define MB(kind, flags, type, name, field) \
	MS_NEED_ROW(kind, flags, type, name, struct ms_block_layout, field)
#define OPT MS_NEED_OPTIONAL
#define ELSE MS_NEED_ELSE

static const char mb[] = "struct memory_block";

static const struct ms_need block_needs[] = {
	/* the memory_blocks xarray: 5.8+ (4fb6eabf1037) */
	MB(SYMBOL, 0, NULL, "memory_blocks", sym_blocks),
	MB(SIZE, 0, mb, NULL, size),
	MB(MEMBER, 0, mb, "start_section_nr", start_section_nr),
	MB(MEMBER, 0, mb, "state", state),
	MB(MEMBER, 0, mb, "nid", nid),
	MB(MEMBER, 0, mb, "zone", zone),
	/* memmap_on_memory: a count of vmemmap pages (5.12, a08a2ae34613),
	 * replaced by a struct vmem_altmap pointer (6.6, 1a8c64e11043) */
	MB(MEMBER, OPT, mb, "altmap", memmap),
	MB(MEMBER, OPT | ELSE, mb, "nr_vmemmap_pages", memmap),
	/*
	 * MEM_ONLINE and friends: #defines 1 << 0, 1 << 1, 1 << 2 in
	 * include/linux/memory.h (the 6.1 lab kernel: state is an unsigned
	 * long, no type names them); an enum memory_block_state counting
	 * from 0 in the 6.12 and 7.3 lab kernels, whose BTF carries them.
	 */
	MB(ENUM, OPT, NULL, "MEM_ONLINE", states[MS_MEM_ONLINE]),
	MB(ENUM, OPT, NULL, "MEM_GOING_OFFLINE", states[MS_MEM_GOING_OFFLINE]),
	MB(ENUM, OPT, NULL, "MEM_OFFLINE", states[MS_MEM_OFFLINE]),
	/*
	 * memory_block_size_bytes() / MIN_MEMORY_BLOCK_SIZE: the static int
	 * sections_per_block of drivers/base/memory.c (set in
	 * memory_dev_init()), else x86's memory_block_size_probed
	 * (arch/x86/mm/init_64.c, 4.13+). Both need CONFIG_KALLSYMS_ALL, as
	 * Debian kernels have.
	 */
	MB(SYMBOL, OPT, NULL, "sections_per_block", sym_sections_per_block),
	MB(SYMBOL, OPT | ELSE, NULL, "memory_block_size_probed",
	   sym_block_size_probed),
	/* sysfs "removable" is IS_ENABLED(CONFIG_MEMORY_HOTREMOVE) since
	 * 5.9 (53cdc1cb29e8); remove_memory() exists exactly then */
	MB(SYMBOL, OPT, NULL, "remove_memory", sym_remove_memory),
};

static struct ms_error *check_member(const char *name, const struct ms_member *m)
{
	if (m->bit_size || !m->size || m->size > 8)
		return ms_error_new(MS_ERR_FORMAT, "struct memory_block.%s is %" PRIu64 " bytes",
				    name, m->size);
	return NULL;
}

static struct ms_error *check_block(struct ms_block_layout *l)
{
	const struct ms_member *m[] = {
		&l->start_section_nr, &l->state, &l->nid, &l->zone, &l->memmap,
	};
	struct ms_error *err = NULL;

	if (l->size < 8 || l->size > MS_BLOCK_STRUCT_MAX)
		return ms_error_new(MS_ERR_FORMAT, "struct memory_block is %" PRIu64 " bytes", l->size);
	for (size_t i = 0; !err && i < sizeof(m) / sizeof(*m); i++)
		if (m[i]->offset != MS_ABSENT)
			err = check_member(ms_needs_name(block_needs,
							 MS_NEEDS_NR(block_needs),
							 (const char *)m[i] - (const char *)l),
					   m[i]);
	if (err)
		return err;
	if (l->memmap.offset == MS_ABSENT)
		l->memmap = (struct ms_member){ 0 };
	if (l->sym_sections_per_block == MS_ABSENT &&
	    l->sym_block_size_probed == MS_ABSENT)
		return ms_error_new(MS_ERR_MISSING, "kallsyms has neither sections_per_block nor memory_block_size_probed");
	/* the #defines of 6.1 when no enum names the first state */
	if (l->states[MS_MEM_ONLINE] == -1) {
		l->states[MS_MEM_ONLINE] = 1 << 0;
		l->states[MS_MEM_GOING_OFFLINE] = 1 << 1;
		l->states[MS_MEM_OFFLINE] = 1 << 2;
	} else if (l->states[MS_MEM_GOING_OFFLINE] == -1 ||
		   l->states[MS_MEM_OFFLINE] == -1) {
		return ms_error_new(MS_ERR_MISSING, "kernel type information names MEM_ONLINE but not MEM_GOING_OFFLINE and MEM_OFFLINE");
	}
	l->removable = l->sym_remove_memory != MS_ABSENT;
	return NULL;
}

struct ms_error *ms_block_layout_resolve(const struct ms_kinfo *ki,
					 struct ms_block_layout *l)
{
	const struct ms_xa_layout *xa;
	struct ms_error *err;

	err = ms_needs_resolve(ki, block_needs, MS_NEEDS_NR(block_needs), l);
	if (err && l->sym_blocks == MS_ABSENT)
		return ms_error_wrap(err, "memory blocks (the memory_blocks xarray, 5.8+)");
	if (!err)
		err = check_block(l);
	if (!err)
		err = ms_kinfo_xa_layout(ki, &xa);
	if (!err)
		l->xa = *xa;
	return err ? ms_error_wrap(err, "memory blocks") : NULL;
}

/* ---- struct resource (kernel/resource.c) ---- */

#define RS(kind, name, field) \
	MS_NEED_ROW(kind, 0, "struct resource", name, struct ms_resource_layout, field)

static const struct ms_need resource_needs[] = {
	RS(SIZE, NULL, size),
	RS(MEMBER, "start", start),
	RS(MEMBER, "end", end),
	RS(MEMBER, "name", name),
	RS(MEMBER, "sibling", sibling),
	RS(MEMBER, "child", child),
	MS_NEED_ROW(SYMBOL, 0, NULL, "iomem_resource", struct ms_resource_layout,
		    sym_iomem_resource),
};

struct ms_error *ms_resource_layout_resolve(const struct ms_kinfo *ki,
					    struct ms_resource_layout *l)
{
	const struct ms_member *m[] = {
		&l->start, &l->end, &l->name, &l->sibling, &l->child,
	};
	struct ms_error *err;

	err = ms_needs_resolve(ki, resource_needs, MS_NEEDS_NR(resource_needs), l);
	if (!err && l->size > 256)
		return ms_error_new(MS_ERR_FORMAT, "struct resource is %" PRIu64 " bytes", l->size);
	for (size_t i = 0; !err && i < sizeof(m) / sizeof(*m); i++)
		if (m[i]->size != 8 || m[i]->offset + 8 > l->size)
			err = ms_error_new(MS_ERR_FORMAT, "struct resource.%s is not an 8-byte member",
					   ms_needs_name(resource_needs,
							 MS_NEEDS_NR(resource_needs),
							 (const char *)m[i] - (const char *)l));
	return err ? ms_error_wrap(err, "/proc/iomem from kernel memory") : NULL;
}
