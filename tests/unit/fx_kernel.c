// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A whole synthetic kernel for unit and CLI tests: the mem_section table,
 * usage structs, a pglist_data with zones, page tables covering the
 * vmemmap, a VMCOREINFO note, kallsyms and a sysfs tree — laid out with
 * the BTF of the chosen kernel variant, so the answers are known.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fx.h"
#include "memscope/kinfo.h"

#define MEM_SIZE (32ULL << 20)
#define TABLE_BASE (1ULL << 20)
#define SECTION_SIZE_BITS 27
#define PAGES_PER_SECTION (1ULL << (SECTION_SIZE_BITS - 12))
#define MAX_NUMNODES 64
#define FX_KASLR ((uint64_t)0x1e000000)

struct build {
	const struct fx_kernel_opts *o;
	struct fx_kernel *k;
	struct fx_mem mem;
	uint64_t mem_section_var, node_data, pob_var, vmb_var, max_pfn_var;
	uint64_t roots_va;	/* what VMCOREINFO's SYMBOL(mem_section) holds */
	unsigned int max_physmem_bits;
	uint64_t nr_roots, per_root;
	char vm_syms[256];	/* kallsyms of fx_vmemmap_build */
	uint64_t device_start_pfn; /* of o->device_memmap */
	char sys_syms[256];	/* kallsyms of fx_sysmem_build */
};

static void put_u64(struct fx_mem *m, uint64_t paddr, uint64_t v)
{
	memcpy(fx_mem_ptr(m, paddr), &v, sizeof(v));
}

static void put_u32(struct fx_mem *m, uint64_t paddr, uint32_t v)
{
	memcpy(fx_mem_ptr(m, paddr), &v, sizeof(v));
}

static uint64_t va(const struct build *b, uint64_t paddr)
{
	return b->k->page_offset_base + paddr;
}

static uint64_t encode_flags(const struct fx_layout *lay, unsigned int flags)
{
	uint64_t word = 0;

	for (int i = 0; i < 6; i++)
		if ((flags & (1U << i)) && lay->section_bit[i] >= 0)
			word |= 1ULL << lay->section_bit[i];
	return word;
}

static void build_sections(struct build *b)
{
	const struct fx_layout *lay = &b->k->lay;
	const struct fx_kernel_opts *o = b->o;
	uint64_t roots, usage_array;

	roots = fx_mem_alloc(&b->mem, b->nr_roots * 8, 4096);
	put_u64(&b->mem, b->mem_section_var, va(b, roots));
	b->roots_va = va(b, roots);
	/* boot usage structs sit in one array, as sparse_init_nid() does */
	usage_array = fx_mem_alloc(&b->mem, o->nr_sections * lay->usage_size + 8, 8);
	for (size_t i = 0; i < o->nr_sections; i++) {
		const struct fx_section *s = &o->sections[i];
		uint64_t root_nr = s->nr / b->per_root, root, ms, usage;
		uint64_t memmap_enc = b->k->vmemmap_base;

		root = *(uint64_t *)fx_mem_ptr(&b->mem, roots + root_nr * 8);
		if (!root) {
			root = va(b, fx_mem_alloc(&b->mem, 4096, 4096));
			put_u64(&b->mem, roots + root_nr * 8, root);
		}
		ms = root - b->k->page_offset_base +
		     (s->nr % b->per_root) * lay->mem_section_size;
		usage = s->own_usage ? fx_mem_alloc(&b->mem, lay->usage_size, 64) :
			usage_array + i * lay->usage_size;
		put_u64(&b->mem, usage + lay->usage_subsection_map,
			s->subsection_map);
		if (o->corrupt_memmap && i == o->nr_sections - 1)
			memmap_enc += 1ULL << 30;
		put_u64(&b->mem, ms + lay->ms_section_mem_map,
			memmap_enc | encode_flags(lay, s->flags));
		put_u64(&b->mem, ms + lay->ms_usage, va(b, usage));
		if ((o->hostile & FX_HOSTILE_USAGE_WRAP) && i == o->nr_sections - 1)
			put_u64(&b->mem, ms + lay->ms_usage, UINT64_MAX);
		if ((o->hostile & FX_HOSTILE_USAGE_SHARED) && i == 1)
			put_u64(&b->mem, ms + lay->ms_usage, va(b, usage_array));
	}
	if (o->hostile & FX_HOSTILE_ROOTS_ALIASED) {
		uint64_t first = *(uint64_t *)fx_mem_ptr(&b->mem, roots);

		for (uint64_t r = 0; r < b->nr_roots; r++)
			put_u64(&b->mem, roots + r * 8, first);
	}
}

/*
 * The vmemmap of every section is mapped with 2 MiB leaves; a block with
 * memmap_on_memory gets frames inside itself, the others frames from a
 * fake boot allocation above the sections.
 */
static void build_vmemmap(struct build *b)
{
	const struct fx_kernel_opts *o = b->o;
	uint64_t boot_frames = 1ULL << 40, garbage = 0;

	if (o->hostile & FX_HOSTILE_DEVICE_GARBAGE) {
		garbage = fx_mem_alloc(&b->mem, 2ULL << 20, 2ULL << 20);
		memset(fx_mem_ptr(&b->mem, garbage), 0xff, 2ULL << 20);
	}
	for (size_t i = 0; i < o->nr_sections; i++) {
		const struct fx_section *s = &o->sections[i];
		uint64_t start_pfn = s->nr * PAGES_PER_SECTION;
		uint64_t vaddr = b->k->vmemmap_base + start_pfn * b->k->lay.page_size;
		uint64_t size = PAGES_PER_SECTION * b->k->lay.page_size;
		uint64_t paddr = s->memmap_on_memory ? start_pfn << 12 :
				 boot_frames + i * size;

		if (o->device_memmap && (s->flags & (1U << MS_SECTION_ZONE_DEVICE))) {
			uint64_t f = fx_mem_alloc(&b->mem, size, 2ULL << 20);

			memcpy(fx_mem_ptr(&b->mem, f), o->device_memmap +
			       (start_pfn - b->device_start_pfn) * b->k->lay.page_size,
			       size);
			fx_mem_map(&b->mem, vaddr, f, size, 2ULL << 20, true);
			continue;
		}
		if (garbage && (s->flags & (1U << MS_SECTION_ZONE_DEVICE))) {
			for (uint64_t off = 0; off < size; off += 2ULL << 20)
				fx_mem_map(&b->mem, vaddr + off, garbage,
					   2ULL << 20, 2ULL << 20, true);
			continue;
		}

		if (s->nr >= o->hvo_start && s->nr < o->hvo_end) {
			/* 6.2+ HVO: the head's vmemmap page copied to a
			 * frame that all 8 of the 2 MiB page map, the 7
			 * tails read-only (mm/hugetlb_vmemmap.c) */
			for (uint64_t off = 0; off < size; off += FX_PAGE_SIZE)
				fx_mem_map(&b->mem, vaddr + off,
					   paddr + (off & ~(8 * FX_PAGE_SIZE - 1)),
					   FX_PAGE_SIZE, FX_PAGE_SIZE,
					   !(off & (8 * FX_PAGE_SIZE - 1)));
			continue;
		}
		fx_mem_map(&b->mem, vaddr, paddr, size, 2ULL << 20, true);
	}
}

static void build_nodes(struct build *b)
{
	const struct fx_layout *lay = &b->k->lay;
	const struct fx_kernel_opts *o = b->o;
	uint64_t pgdat = fx_mem_alloc(&b->mem, lay->pgdat_size, 64);
	uint64_t lo = UINT64_MAX, hi = 0, present = 0;

	b->node_data = fx_mem_alloc(&b->mem, MAX_NUMNODES * 8, 64);
	if (!(o->hostile & FX_HOSTILE_NODE_DATA_ZERO))
		put_u64(&b->mem, b->node_data, va(b, pgdat));
	/* a variant with fewer zones (no ZONE_DEVICE) drops the last ones */
	for (size_t i = 0; i < o->nr_zones && i < lay->max_nr_zones; i++) {
		const struct fx_zone *z = &o->zones[i];
		uint64_t zone = pgdat + lay->pgdat_node_zones + i * lay->zone_size;
		uint64_t name = fx_mem_alloc(&b->mem, 16, 8);

		memcpy(fx_mem_ptr(&b->mem, name), z->name, strlen(z->name) + 1);
		put_u64(&b->mem, zone + lay->zone_start_pfn, z->start_pfn);
		put_u64(&b->mem, zone + lay->zone_spanned_pages, z->spanned);
		put_u64(&b->mem, zone + lay->zone_present_pages, z->present);
		put_u64(&b->mem, zone + lay->zone_name, va(b, name));
		if (!z->spanned)
			continue;
		if (z->start_pfn < lo)
			lo = z->start_pfn;
		if (z->start_pfn + z->spanned > hi)
			hi = z->start_pfn + z->spanned;
		present += z->present;
	}
	put_u32(&b->mem, pgdat + lay->pgdat_node_id, 0);
	put_u64(&b->mem, pgdat + lay->pgdat_node_start_pfn, lo == UINT64_MAX ? 0 : lo);
	put_u64(&b->mem, pgdat + lay->pgdat_node_spanned_pages, hi > lo ? hi - lo : 0);
	put_u64(&b->mem, pgdat + lay->pgdat_node_present_pages, present);
	if (lay->pgdat_first_deferred_pfn != UINT64_MAX)
		put_u64(&b->mem, pgdat + lay->pgdat_first_deferred_pfn, UINT64_MAX);
}

int fx_write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static int mkdirs(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

static int write_vmcoreinfo(struct build *b, struct fx_core *core)
{
	char text[4096];
	int n;

	n = snprintf(text, sizeof(text),
		"%sOSRELEASE=%s\nPAGESIZE=4096\n"
		"SYMBOL(mem_section)=%" PRIx64 "\nLENGTH(mem_section)=%" PRIu64 "\n"
		"SIZE(mem_section)=%" PRIu64 "\nOFFSET(mem_section.section_mem_map)=%" PRIu64 "\n"
		"SIZE(page)=%" PRIu64 "\n"
		"NUMBER(SECTION_SIZE_BITS)=%d\nNUMBER(MAX_PHYSMEM_BITS)=%u\n"
		"SYMBOL(init_top_pgt)=%" PRIx64 "\nNUMBER(pgtable_l5_enabled)=%d\n"
		"SYMBOL(node_data)=%" PRIx64 "\nLENGTH(node_data)=%d\n"
		"KERNELOFFSET=%" PRIx64 "\n"
		"SIZE(pglist_data)=%" PRIu64 "\nSIZE(zone)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_zones)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_start_pfn)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_spanned_pages)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_id)=%" PRIu64 "\n"
		"OFFSET(zone.spanned_pages)=%" PRIu64 "\n",
		b->o->vi_extra ? b->o->vi_extra : "",
		b->o->variant == FX_KERNEL_6_1 ? "6.1.0-fx" :
		b->o->variant == FX_KERNEL_6_12 ? "6.12.0-fx" : "7.3.0-fx",
		b->roots_va, b->nr_roots,
		b->k->lay.mem_section_size, b->k->lay.ms_section_mem_map,
		b->k->lay.page_size, SECTION_SIZE_BITS, b->max_physmem_bits,
		va(b, b->mem.pgd), b->o->levels == 5,
		va(b, b->node_data), MAX_NUMNODES, FX_KASLR,
		b->k->lay.pgdat_size, b->k->lay.zone_size,
		b->k->lay.pgdat_node_zones, b->k->lay.pgdat_node_start_pfn,
		b->k->lay.pgdat_node_spanned_pages, b->k->lay.pgdat_node_id,
		b->k->lay.zone_spanned_pages);
	if (n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - n, "%s",
			      fx_page_vmcoreinfo(b->o->variant));
	fx_core_add_note(core, "VMCOREINFO", 0, text, (size_t)n);
	return 0;
}

static int write_kallsyms(struct build *b)
{
	char path[512], text[2048], max_pfn[64] = "";

	if (b->o->max_pfn)
		snprintf(max_pfn, sizeof(max_pfn), "%016" PRIx64 " B max_pfn\n",
			 va(b, b->max_pfn_var));
	snprintf(text, sizeof(text),
		 "%016" PRIx64 " D page_offset_base\n%016" PRIx64 " D vmemmap_base\n"
		 "%016" PRIx64 " B mem_section\n%016" PRIx64 " D node_data\n"
		 "%016" PRIx64 " D init_top_pgt\n%s%s%s",
		 va(b, b->pob_var), va(b, b->vmb_var), va(b, b->mem_section_var),
		 va(b, b->node_data), va(b, b->mem.pgd), max_pfn, b->vm_syms,
		 b->sys_syms);
	snprintf(path, sizeof(path), "%s/proc", b->k->sysroot);
	if (mkdirs(path))
		return -errno;
	return fx_write_file(path, "kallsyms", text);
}

static int write_block(struct build *b, const struct fx_section *s,
		       const char *root)
{
	char dir[1024], val[64];
	int ret;

	snprintf(dir, sizeof(dir), "%s/memory%" PRIu64 "/node0", root, s->nr);
	ret = mkdirs(dir);
	*strrchr(dir, '/') = '\0';
	snprintf(val, sizeof(val), "%" PRIx64 "\n", s->nr);
	if (!ret)
		ret = fx_write_file(dir, "phys_index", val);
	snprintf(val, sizeof(val), "%s\n", s->state);
	if (!ret)
		ret = fx_write_file(dir, "state", val);
	snprintf(val, sizeof(val), "%s\n", s->zones ? s->zones : "none");
	if (!ret)
		ret = fx_write_file(dir, "valid_zones", val);
	if (!ret)
		ret = fx_write_file(dir, "removable", "1\n");
	return ret;
}

static int write_sysfs(struct build *b)
{
	char root[400], iomem[4096];
	size_t used = 0;
	int ret;

	snprintf(root, sizeof(root), "%s/sys/devices/system/memory", b->k->sysroot);
	ret = mkdirs(root);
	if (!ret)
		ret = fx_write_file(root, "block_size_bytes", "8000000\n");
	for (size_t i = 0; !ret && i < b->o->nr_sections; i++) {
		const struct fx_section *s = &b->o->sections[i];
		uint64_t start = s->nr << SECTION_SIZE_BITS;
		bool dev = s->flags & (1U << MS_SECTION_ZONE_DEVICE);

		if (s->state)
			ret = write_block(b, s, root);
		/* a machine of many sections gets the first lines only */
		if (used + 64 < sizeof(iomem))
			used += snprintf(iomem + used, sizeof(iomem) - used,
				 "%08" PRIx64 "-%08" PRIx64 " : %s\n", start,
				 start + ((uint64_t)1 << SECTION_SIZE_BITS) - 1,
				 dev ? "Persistent Memory" : "System RAM");
		if (!i)	/* fx_sysmem.c's tree has them too */
			used += snprintf(iomem + used, sizeof(iomem) - used,
					 "  %08" PRIx64 "-%08" PRIx64 " : Kernel code\n"
					 "  %08" PRIx64 "-%08" PRIx64 " : Reserved\n",
					 start + 0x100000, start + 0x1ffffff,
					 start + 0x2000000, start + 0x2000fff);
	}
	if (!ret)
		ret = fx_write_file(b->k->sysroot, "proc/iomem", iomem);
	return ret;
}

static int build_core(struct build *b)
{
	struct fx_core *core = fx_core_new();
	int ret;

	write_vmcoreinfo(b, core);
	fx_core_add_segment(core, b->k->page_offset_base, 0, b->mem.bytes,
			    b->mem.size);
	if (b->o->core_hook)
		b->o->core_hook(b->o->core_arg, core, b->k);
	ret = fx_core_write(core, b->k->core);
	fx_core_free(core);
	return ret;
}

int fx_kernel_build_in(const struct fx_kernel_opts *o, const char *dir,
		       struct fx_kernel *k)
{
	struct build b = { .o = o, .k = k };
	uint64_t mem_size;
	int ret;

	memset(k, 0, sizeof(*k));
	snprintf(k->dir, sizeof(k->dir), "%s", dir);
	snprintf(k->core, sizeof(k->core), "%s/core", dir);
	snprintf(k->btf, sizeof(k->btf), "%s/btf", dir);
	snprintf(k->sysroot, sizeof(k->sysroot), "%s/root", dir);
	ret = mkdirs(dir);
	if (!ret)
		ret = fx_btf_write(o->variant, k->btf, &k->lay);
	if (ret)
		return ret;
	/* not the default bases: nothing may assume them */
	k->page_offset_base = o->levels == 5 ? 0xff3a000000000000ULL :
					       0xffff9b4000000000ULL;
	k->vmemmap_base = o->levels == 5 ? 0xffd7000000000000ULL :
					   0xffffd6c000000000ULL;
	b.max_physmem_bits = o->levels == 5 ? 52 : 46;
	b.per_root = 4096 / k->lay.mem_section_size;
	b.nr_roots = ((1ULL << (b.max_physmem_bits - SECTION_SIZE_BITS)) +
		      b.per_root - 1) / b.per_root;
	mem_size = MEM_SIZE;
	b.device_start_pfn = UINT64_MAX;
	for (size_t i = 0; o->device_memmap && i < o->nr_sections; i++) {
		if (!(o->sections[i].flags & (1U << MS_SECTION_ZONE_DEVICE)))
			continue;
		mem_size += PAGES_PER_SECTION * k->lay.page_size;
		if (b.device_start_pfn == UINT64_MAX)
			b.device_start_pfn = o->sections[i].nr * PAGES_PER_SECTION;
	}
	fx_mem_init(&b.mem, 0, mem_size, TABLE_BASE, o->levels);
	b.mem_section_var = fx_mem_alloc(&b.mem, 8, 8);
	b.pob_var = fx_mem_alloc(&b.mem, 8, 8);
	b.vmb_var = fx_mem_alloc(&b.mem, 8, 8);
	put_u64(&b.mem, b.pob_var, k->page_offset_base);
	put_u64(&b.mem, b.vmb_var, k->vmemmap_base);
	b.max_pfn_var = fx_mem_alloc(&b.mem, 8, 8);
	put_u64(&b.mem, b.max_pfn_var, o->max_pfn);
	build_sections(&b);
	build_nodes(&b);
	build_vmemmap(&b);
	fx_vmemmap_build(&b.mem, k->page_offset_base, o, b.vm_syms, sizeof(b.vm_syms));
	if ((o->hostile & FX_HOSTILE_DEVICE_GARBAGE) && strstr(b.vm_syms, " b pgmap_array"))
		strchr(b.vm_syms, '\n')[1] = '\0';	/* hstates only */
	fx_sysmem_build(&b.mem, k->page_offset_base, o,
			*(uint64_t *)fx_mem_ptr(&b.mem, b.node_data) - k->page_offset_base,
			k->lay.pgdat_node_zones, k->lay.zone_size, b.sys_syms,
			sizeof(b.sys_syms));
	ret = build_core(&b);
	if (!ret)
		ret = write_kallsyms(&b);
	if (!ret)
		ret = write_sysfs(&b);
	fx_mem_free(&b.mem);
	return ret;
}

int fx_kernel_build(const struct fx_kernel_opts *o, struct fx_kernel *k)
{
	char tmpl[] = "/tmp/memscope-fx.XXXXXX";

	if (!mkdtemp(tmpl))
		return -errno;
	return fx_kernel_build_in(o, tmpl, k);
}

void fx_kernel_remove(struct fx_kernel *k)
{
	char cmd[600];

	if (!k->dir[0] || strncmp(k->dir, "/tmp/memscope-fx.", 17))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", k->dir);
	if (system(cmd))
		fprintf(stderr, "fx: could not remove %s\n", k->dir);
}
