// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture additions for issue 11 (dumps stand alone): struct memory_block
 * as the 6.1, 6.12 and 7.3 lab kernels lay it out (their BTF), struct
 * resource, and in the synthetic kernel's memory the memory_blocks xarray
 * (one block a section, sections_per_block 1, as the fixture's sysfs says)
 * and an iomem_resource tree holding exactly the fixture's /proc/iomem,
 * plus the children "Kernel code" and "Reserved" that the file has too.
 * A fault (enum fx_sysmem_fault) plants one hostile value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "fx.h"
#include "memscope/kinfo.h"

#define RES_SIZE	64
#define XA_SLOTS	40	/* fx_vmemmap.c's struct xa_node */
#define XA_NODE_SIZE	(XA_SLOTS + 64 * 8 + 24)
#define SECTION_BYTES	(FX_PAGES_PER_SECTION << 12)

/* struct memory_block of each lab kernel (sizes and offsets from its BTF) */
static const struct {
	uint64_t size, state, state_size, nid, zone, memmap;
	const char *memmap_name;
	bool state_enum;
} mb[] = {
	/* 6.1: unsigned long state, MEM_* #defines, nr_vmemmap_pages */
	[FX_KERNEL_6_1] = { 816, 8, 8, 20, 24, 784, "nr_vmemmap_pages", false },
	/* 6.12 and 7.3: enum memory_block_state from 0, struct vmem_altmap * */
	[FX_KERNEL_6_12] = { 840, 8, 4, 16, 24, 800, "altmap", true },
	[FX_KERNEL_7_3] = { 864, 8, 4, 16, 24, 824, "altmap", true },
};

static int err_of(int id, int *err)
{
	if (id < 0 && !*err)
		*err = id;
	return id < 0 ? 0 : id;
}

int fx_sysmem_btf(struct btf *b, enum fx_variant v)
{
	int err = 0, ul, sint, chr, cptr, zptr, vptr, st;

	ul = err_of(btf__find_by_name_kind(b, "long unsigned int", BTF_KIND_INT), &err);
	sint = err_of(btf__find_by_name_kind(b, "int", BTF_KIND_INT), &err);
	chr = err_of(btf__find_by_name_kind(b, "char", BTF_KIND_INT), &err);
	zptr = err_of(btf__add_ptr(b, err_of(btf__find_by_name_kind(b, "zone", BTF_KIND_STRUCT),
					     &err)), &err);
	vptr = err_of(btf__add_ptr(b, 0), &err);
	cptr = err_of(btf__add_ptr(b, err_of(btf__add_const(b, chr), &err)), &err);
	st = ul;
	if (mb[v].state_enum) {
		st = err_of(btf__add_enum(b, "memory_block_state", 4), &err);
		err_of(btf__add_enum_value(b, "MEM_ONLINE", 0), &err);
		err_of(btf__add_enum_value(b, "MEM_GOING_OFFLINE", 1), &err);
		err_of(btf__add_enum_value(b, "MEM_OFFLINE", 2), &err);
		err_of(btf__add_enum_value(b, "MEM_GOING_ONLINE", 3), &err);
	}
	err_of(btf__add_struct(b, "memory_block", (uint32_t)mb[v].size), &err);
	err_of(btf__add_field(b, "start_section_nr", ul, 0, 0), &err);
	err_of(btf__add_field(b, "state", st, (uint32_t)mb[v].state * 8, 0), &err);
	err_of(btf__add_field(b, "nid", sint, (uint32_t)mb[v].nid * 8, 0), &err);
	err_of(btf__add_field(b, "zone", zptr, (uint32_t)mb[v].zone * 8, 0), &err);
	err_of(btf__add_field(b, mb[v].memmap_name, mb[v].state_enum ? vptr : ul,
			      (uint32_t)mb[v].memmap * 8, 0), &err);

	err_of(btf__add_struct(b, "resource", RES_SIZE), &err);
	err_of(btf__add_field(b, "start", ul, 0, 0), &err);
	err_of(btf__add_field(b, "end", ul, 64, 0), &err);
	err_of(btf__add_field(b, "name", cptr, 128, 0), &err);
	err_of(btf__add_field(b, "flags", ul, 192, 0), &err);
	err_of(btf__add_field(b, "parent", vptr, 320, 0), &err);
	err_of(btf__add_field(b, "sibling", vptr, 384, 0), &err);
	err_of(btf__add_field(b, "child", vptr, 448, 0), &err);
	return err;
}

static void put(struct fx_mem *m, uint64_t pa, uint64_t v, size_t n)
{
	memcpy(fx_mem_ptr(m, pa), &v, n);
}

static uint64_t state_value(enum fx_variant v, const char *state)
{
	int i = !strcmp(state, "online") ? 0 : !strcmp(state, "going-offline") ? 1 : 2;

	return mb[v].state_enum ? (uint64_t)i : 1ULL << i;
}

struct sm {
	struct fx_mem *m;
	uint64_t pob;
	const struct fx_kernel_opts *o;
	uint64_t zones_pa;		/* &pgdat->node_zones[0] */
	uint64_t zone_size;
};

static uint64_t zone_ptr(const struct sm *s, const char *zones)
{
	for (size_t i = 0; zones && i < s->o->nr_zones; i++)
		if (!strcmp(zones, s->o->zones[i].name))
			return s->pob + s->zones_pa + i * s->zone_size;
	return 0;	/* "none": the block spans zones */
}

static uint64_t build_block(struct sm *s, const struct fx_section *sec)
{
	enum fx_variant v = s->o->variant;
	uint64_t pa = fx_mem_alloc(s->m, mb[v].size, 64);
	bool online = !strcmp(sec->state, "online");

	put(s->m, pa, sec->nr, 8);
	put(s->m, pa + mb[v].state, state_value(v, sec->state), mb[v].state_size);
	if (s->o->sysmem_fault == FX_SYSMEM_BLOCK_STATE && sec->nr == 2)
		put(s->m, pa + mb[v].state, 99, mb[v].state_size);
	put(s->m, pa + mb[v].nid, 0, 4);
	if (online)
		put(s->m, pa + mb[v].zone, zone_ptr(s, sec->zones), 8);
	if (online && s->o->sysmem_fault == FX_SYSMEM_BLOCK_ZONE && sec->nr == 1)
		put(s->m, pa + mb[v].zone, s->pob + pa, 8);	/* itself: no zone */
	/* a count of pages (6.1) or an altmap pointer (6.6+): non-zero either way */
	if (sec->memmap_on_memory)
		put(s->m, pa + mb[v].memmap, mb[v].state_enum ? s->pob + pa : 512, 8);
	return pa;
}

/* memory_blocks: one xa_node, slot = block id (all below 64 here). */
static uint64_t build_blocks(struct sm *s)
{
	uint64_t xa = fx_mem_alloc(s->m, 16, 8);
	uint64_t node = fx_mem_alloc(s->m, XA_NODE_SIZE, 8);
	uint64_t first = 0;

	put(s->m, xa + 8, s->pob + node + 2, 8);
	for (size_t i = 0; i < s->o->nr_sections; i++) {
		const struct fx_section *sec = &s->o->sections[i];
		uint64_t pa;

		if (!sec->state || sec->nr >= 64)
			continue;
		pa = build_block(s, sec);
		put(s->m, node + XA_SLOTS + 8 * sec->nr, s->pob + pa, 8);
		if (!first)
			first = pa;
	}
	if (s->o->sysmem_fault == FX_SYSMEM_BLOCK_DUP)
		put(s->m, node + XA_SLOTS + 8 * 63, s->pob + first, 8);
	if (s->o->sysmem_fault == FX_SYSMEM_XA_LOOP)
		put(s->m, node + XA_SLOTS + 8 * 62, s->pob + node + 2, 8);
	return xa;
}

static uint64_t add_res(struct sm *s, uint64_t start, uint64_t end,
			const char *name, uint64_t parent)
{
	uint64_t pa = fx_mem_alloc(s->m, RES_SIZE, 8);
	uint64_t np = fx_mem_alloc(s->m, strlen(name) + 1, 8);

	memcpy(fx_mem_ptr(s->m, np), name, strlen(name) + 1);
	put(s->m, pa, start, 8);
	put(s->m, pa + 8, end, 8);
	put(s->m, pa + 16, s->pob + np, 8);
	put(s->m, pa + 40, parent ? s->pob + parent : 0, 8);
	return pa;
}

static void link_child(struct sm *s, uint64_t parent, uint64_t child,
		       uint64_t *prev)
{
	if (*prev)
		put(s->m, *prev + 48, s->pob + child, 8);
	else
		put(s->m, parent + 56, s->pob + child, 8);
	*prev = child;
}

/* iomem_resource: the sections' ranges at the top, as fx_kernel's file. */
static uint64_t build_iomem(struct sm *s)
{
	uint64_t root = add_res(s, 0, (1ULL << 46) - 1, "PCI mem", 0);
	uint64_t prev = 0;

	for (size_t i = 0; i < s->o->nr_sections; i++) {
		const struct fx_section *sec = &s->o->sections[i];
		uint64_t start = sec->nr * SECTION_BYTES, r, c, cprev = 0;
		bool dev = sec->flags & (1U << MS_SECTION_ZONE_DEVICE);

		r = add_res(s, start, start + SECTION_BYTES - 1,
			    dev ? "Persistent Memory" : "System RAM", root);
		link_child(s, root, r, &prev);
		if (i == 0) {
			c = add_res(s, start + 0x100000, start + 0x1ffffff, "Kernel code", r);
			link_child(s, r, c, &cprev);
			c = add_res(s, start + 0x2000000, start + 0x2000fff, "Reserved", r);
			link_child(s, r, c, &cprev);
			if (s->o->sysmem_fault == FX_SYSMEM_RES_CYCLE)
				put(s->m, c + 56, s->pob + c, 8);	/* its own child */
			if (s->o->sysmem_fault == FX_SYSMEM_RES_OUTSIDE)
				put(s->m, c + 8, start + SECTION_BYTES, 8);
		}
	}
	return root;
}

size_t fx_sysmem_build(struct fx_mem *m, uint64_t pob,
		       const struct fx_kernel_opts *o, uint64_t pgdat_pa,
		       uint64_t node_zones, uint64_t zone_size, char *kallsyms,
		       size_t len)
{
	struct sm s = { m, pob, o, pgdat_pa + node_zones, zone_size };
	uint64_t spb = fx_mem_alloc(m, 8, 8), xa, root;

	put(m, spb, o->sysmem_fault == FX_SYSMEM_SPB_ZERO ? 0 : 1, 4);
	xa = build_blocks(&s);
	root = build_iomem(&s);
	return (size_t)snprintf(kallsyms, len,
				"%016" PRIx64 " b memory_blocks\n%016" PRIx64 " b sections_per_block\n"
				"%016" PRIx64 " D iomem_resource\n%016" PRIx64 " T remove_memory\n",
				pob + xa, pob + spb, pob + root, pob + root + 0x1000);
}
