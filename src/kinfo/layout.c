// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resolves struct ms_layout once, at start-up: the sparse model's and the
 * nodes' and zones' sizes, offsets, symbols and constants, each from the
 * source that knows it (VMCOREINFO, kallsyms, BTF/DWARF, or a kernel
 * variable read through the target). What the types must say is in the
 * two tables below, sparse_needs and node_needs; the steps after them
 * check what was found. A missing required item is MS_ERR_MISSING naming
 * it; a type that disagrees with VMCOREINFO's SIZE()/OFFSET() is
 * MS_ERR_FORMAT, since it means the type information belongs to another
 * kernel. The other domains' tables are in page_layout.c, pgmap_layout.c,
 * hstate_layout.c and ksysfs_layout.c.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* What the tables fill: the layout, and answers the steps still check. */
struct answers {
	struct ms_layout lay;
	struct ms_member subsection_map, node_zones;
	int64_t map_last_bit, section_bit[MS_SECTION_NR_BITS];
	int64_t nr_zones;		/* __MAX_NR_ZONES, -1 when absent */
};

#define SP(kind, flags, type, name, field) \
	MS_NEED_ROW(kind, flags, type, name, struct answers, field)
#define OPT MS_NEED_OPTIONAL
#define VI MS_NEED_VI

static const struct ms_need sparse_needs[] = {
	SP(SIZE, VI, "struct mem_section", NULL, lay.mem_section.size),
	SP(OFFSET, VI, "struct mem_section", "section_mem_map",
	   lay.mem_section.section_mem_map),
	SP(OFFSET, VI, "struct mem_section", "usage", lay.mem_section.usage),
	/* struct mem_section_usage: 5.3 (f1eca35a0dc7 "mm/sparsemem:
	 * introduce struct mem_section_usage"); the rcu_head before the map
	 * came with 6.8 (and stable 6.1.y): only the offset moves. */
	SP(SIZE, 0, "struct mem_section_usage", NULL, lay.mem_section_usage.size),
	SP(MEMBER, VI, "struct mem_section_usage", "subsection_map",
	   subsection_map),
	/*
	 * Bits of section_mem_map: an anonymous enum in include/linux/mmzone.h
	 * since 5.13 (ed7802dd48f7).
	 */
	SP(ENUM, 0, NULL, "SECTION_MAP_LAST_BIT", map_last_bit),
	SP(ENUM, 0, NULL, "SECTION_MARKED_PRESENT_BIT",
	   section_bit[MS_SECTION_PRESENT]),
	SP(ENUM, 0, NULL, "SECTION_HAS_MEM_MAP_BIT",
	   section_bit[MS_SECTION_HAS_MEM_MAP]),
	SP(ENUM, 0, NULL, "SECTION_IS_ONLINE_BIT",
	   section_bit[MS_SECTION_ONLINE]),
	SP(ENUM, 0, NULL, "SECTION_IS_EARLY_BIT",
	   section_bit[MS_SECTION_EARLY]),
	/* CONFIG_ZONE_DEVICE, 5.12 */
	SP(ENUM, OPT, NULL, "SECTION_TAINT_ZONE_DEVICE_BIT",
	   section_bit[MS_SECTION_ZONE_DEVICE]),
	/* CONFIG_SPARSEMEM_VMEMMAP_PREINIT, 6.15 */
	SP(ENUM, OPT, NULL, "SECTION_IS_VMEMMAP_PREINIT_BIT",
	   section_bit[MS_SECTION_VMEMMAP_PREINIT]),
	/* absent from the types: VMCOREINFO's SIZE(page) will do */
	SP(SIZE, OPT | VI, "struct page", NULL, lay.page_struct_size),
};

static const struct ms_need node_needs[] = {
	SP(SIZE, VI, "struct pglist_data", NULL, lay.pglist_data.size),
	SP(MEMBER, VI, "struct pglist_data", "node_zones", node_zones),
	SP(OFFSET, VI, "struct pglist_data", "node_id", lay.pglist_data.node_id),
	SP(OFFSET, VI, "struct pglist_data", "node_start_pfn",
	   lay.pglist_data.node_start_pfn),
	SP(OFFSET, VI, "struct pglist_data", "node_present_pages",
	   lay.pglist_data.node_present_pages),
	SP(OFFSET, VI, "struct pglist_data", "node_spanned_pages",
	   lay.pglist_data.node_spanned_pages),
	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT only (2.6.x; 4.2 per node) */
	SP(OFFSET, OPT | VI, "struct pglist_data", "first_deferred_pfn",
	   lay.pglist_data.first_deferred_pfn),
	/* absent: the length of node_zones says it */
	SP(ENUM, OPT, NULL, "__MAX_NR_ZONES", nr_zones),
	SP(SIZE, VI, "struct zone", NULL, lay.zone.size),
	SP(OFFSET, VI, "struct zone", "zone_start_pfn", lay.zone.zone_start_pfn),
	SP(OFFSET, VI, "struct zone", "spanned_pages", lay.zone.spanned_pages),
	SP(OFFSET, VI, "struct zone", "present_pages", lay.zone.present_pages),
	SP(OFFSET, VI, "struct zone", "name", lay.zone.name),
	/* CONFIG_ZONE_DEVICE (4.x); without it no such zone, no error */
	SP(ENUM, OPT, NULL, "ZONE_DEVICE", lay.zone_device),
};

struct resolver {
	struct ms_kinfo *ki;
	struct ms_target *t;
	struct ms_layout *lay;		/* &a.lay */
	struct ms_layout *out;		/* the kinfo's, last */
	const struct ms_vmcoreinfo *vi;
	struct answers a;
};

static bool absent(struct ms_error **err)
{
	if (*err && (*err)->code == MS_ERR_MISSING) {
		ms_error_free(*err);
		*err = NULL;
		return true;
	}
	return false;
}

static unsigned int log2_u64(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Reads a kernel pointer-sized variable found through a symbol. */
static struct ms_error *read_var(struct resolver *r, const char *sym,
				 uint64_t *val)
{
	struct ms_error *err;
	uint64_t addr;

	err = ms_kinfo_symbol(r->ki, sym, &addr);
	if (!err)
		err = ms_target_read_u64(r->t, addr, val);
	if (err)
		return ms_error_wrap(err, "reading %s", sym);
	return NULL;
}

/* ---- the groups of fields ---- */

static struct ms_error *resolve_basics(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	const char *rel = ms_vmcoreinfo_get(r->vi, "OSRELEASE");
	struct ms_error *err;
	int64_t l5;

	if (!rel)
		return ms_error_new(MS_ERR_MISSING, "VMCOREINFO lacks OSRELEASE");
	/*
	 * Printed as it is (summary, JSON, the TUI): a byte from the file
	 * that is not plain text, or that JSON would have to escape, is '?'.
	 */
	snprintf(lay->release, sizeof(lay->release), "%s", rel);
	for (char *c = lay->release; *c; c++)
		if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
			*c = '?';
	err = ms_vmcoreinfo_u64(r->vi, "PAGESIZE", 10, &lay->page_size);
	if (err)
		return err;
	/* 4K to 64K: every page size Linux builds (arm64, ppc64 go to 64K) */
	if (!is_pow2(lay->page_size) || lay->page_size < 4096 ||
	    lay->page_size > 65536)
		return ms_error_new(MS_ERR_FORMAT,
				    "VMCOREINFO PAGESIZE=%llu is not a page size (4096..65536, a power of 2)",
				    (unsigned long long)lay->page_size);
	lay->page_shift = log2_u64(lay->page_size);
	/* x86_64 writes KERNELOFFSET (0 without KASLR) since 4.x. */
	err = ms_vmcoreinfo_u64(r->vi, "KERNELOFFSET", 16, &lay->kaslr_offset);
	if (absent(&err))
		lay->kaslr_offset = 0;
	if (err)
		return err;
	/* NUMBER(pgtable_l5_enabled) since 4.17; older kernels are 4-level. */
	err = ms_vmcoreinfo_s64(r->vi, "NUMBER(pgtable_l5_enabled)", &l5);
	if (absent(&err))
		l5 = 0;
	if (err)
		return err;
	lay->pgtable_levels = l5 ? 5 : 4;
	return ms_kinfo_symbol(r->ki, "init_top_pgt", &lay->init_top_pgt);
}

/*
 * With SPARSEMEM_EXTREME, mem_section is a pointer to the root array.
 * VMCOREINFO's SYMBOL(mem_section) is that pointer's value (4.15,
 * a0b1280368d1 "kdump: write correct address of mem_section into
 * vmcoreinfo"), not the variable's address; kallsyms has the address.
 */
static struct ms_error *resolve_roots(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	uint64_t vi_roots = 0, rd_roots;
	struct ms_error *err, *kerr;
	bool have_vi;

	err = ms_vmcoreinfo_u64(r->vi, "SYMBOL(mem_section)", 16, &vi_roots);
	have_vi = !absent(&err);
	if (err)
		return err;
	kerr = ms_kallsyms_lookup(ms_kinfo_kallsyms_table(r->ki), "mem_section",
				  &lay->sym_mem_section);
	if (kerr) {
		lay->sym_mem_section = MS_ABSENT;
		if (!have_vi)
			return kerr;
		ms_error_free(kerr);
		lay->mem_section_roots = vi_roots;
		return NULL;
	}
	err = ms_target_read_u64(r->t, lay->sym_mem_section, &rd_roots);
	if (err)
		return ms_error_wrap(err, "reading mem_section");
	if (have_vi && rd_roots != vi_roots)
		return ms_error_new(MS_ERR_FORMAT,
				    "mem_section at %#llx points to %#llx, but VMCOREINFO SYMBOL(mem_section)=%llx",
				    (unsigned long long)lay->sym_mem_section,
				    (unsigned long long)rd_roots,
				    (unsigned long long)vi_roots);
	lay->mem_section_roots = rd_roots;
	return NULL;
}

static struct ms_error *resolve_sparse(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	uint64_t roots, want;
	struct ms_error *err;
	int64_t v;

	err = ms_vmcoreinfo_s64(r->vi, "NUMBER(SECTION_SIZE_BITS)", &v);
	if (err)
		return err;
	/*
	 * A section holds whole sub-sections (SUBSECTION_SHIFT 21, 5.3) and
	 * a whole MAX_PAGE_ORDER block; no architecture goes past 30 (ia64;
	 * x86_64 has 27, arm64 27 or 29). Past that a section's memmap alone
	 * would be gigabytes.
	 */
	if (v < MS_MIN_SECTION_SIZE_BITS || v > MS_MAX_SECTION_SIZE_BITS ||
	    v <= lay->page_shift)
		return ms_error_new(MS_ERR_FORMAT,
				    "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=%lld is outside %d..%d",
				    (long long)v, MS_MIN_SECTION_SIZE_BITS,
				    MS_MAX_SECTION_SIZE_BITS);
	lay->section_size_bits = v;
	/* x86_64: MAX_PHYSMEM_BITS is (pgtable_l5_enabled() ? 52 : 46),
	 * evaluated when VMCOREINFO is written. */
	err = ms_vmcoreinfo_s64(r->vi, "NUMBER(MAX_PHYSMEM_BITS)", &v);
	if (err)
		return err;
	if (v != (lay->pgtable_levels == 5 ? 52 : 46))
		return ms_error_new(MS_ERR_FORMAT,
				    "VMCOREINFO NUMBER(MAX_PHYSMEM_BITS)=%lld does not match %d-level paging",
				    (long long)v, lay->pgtable_levels);
	lay->max_physmem_bits = v;
	lay->nr_mem_sections = 1ULL << (v - lay->section_size_bits);

	if (!lay->mem_section.size || lay->mem_section.size > lay->page_size)
		return ms_error_new(MS_ERR_FORMAT, "sizeof(struct mem_section) is %llu",
				    (unsigned long long)lay->mem_section.size);
	err = ms_need_fits("struct mem_section", "section_mem_map",
			   lay->mem_section.section_mem_map, 8, lay->mem_section.size);
	if (!err)
		err = ms_need_fits("struct mem_section", "usage", lay->mem_section.usage,
				   8, lay->mem_section.size);
	if (err)
		return err;
	lay->sections_per_root = lay->page_size / lay->mem_section.size;
	want = (lay->nr_mem_sections + lay->sections_per_root - 1) /
	       lay->sections_per_root;
	err = ms_vmcoreinfo_u64(r->vi, "LENGTH(mem_section)", 10, &roots);
	if (absent(&err))
		roots = want;
	if (err)
		return err;
	if (roots != want)
		return ms_error_new(MS_ERR_FORMAT,
				    "VMCOREINFO LENGTH(mem_section)=%llu, but %llu sections of %llu bytes need %llu roots",
				    (unsigned long long)roots,
				    (unsigned long long)lay->nr_mem_sections,
				    (unsigned long long)lay->mem_section.size,
				    (unsigned long long)want);
	lay->nr_section_roots = roots;
	return resolve_roots(r);
}

static struct ms_error *resolve_usage(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	const struct ms_member m = r->a.subsection_map;
	struct ms_error *err;
	uint64_t bits;

	if (!m.nelems || m.size % m.nelems || m.size / m.nelems != 8)
		return ms_error_new(MS_ERR_FORMAT,
				    "struct mem_section_usage.subsection_map is not an array of unsigned long");
	lay->mem_section_usage.subsection_map = m.offset;
	lay->mem_section_usage.subsection_map_longs = m.nelems;
	err = ms_need_fits("struct mem_section_usage", "subsection_map", m.offset,
			   m.size, lay->mem_section_usage.size);
	if (err)
		return err;
	/* a few words: usage structs are read in runs sized by it */
	if (lay->mem_section_usage.size > lay->page_size)
		return ms_error_new(MS_ERR_FORMAT,
				    "sizeof(struct mem_section_usage) is %llu, more than a page",
				    (unsigned long long)lay->mem_section_usage.size);
	/* DECLARE_BITMAP(subsection_map, SUBSECTIONS_PER_SECTION) */
	bits = m.nelems * 64;
	if (!is_pow2(bits) || log2_u64(bits) > lay->section_size_bits)
		return ms_error_new(MS_ERR_FORMAT,
				    "subsection_map of %llu bits does not divide a section",
				    (unsigned long long)bits);
	lay->subsections_per_section = bits;
	lay->subsection_shift = lay->section_size_bits - log2_u64(bits);
	/* a sub-section is whole pages (2 MiB, SUBSECTION_SHIFT, 5.3) */
	if (lay->subsection_shift < lay->page_shift)
		return ms_error_new(MS_ERR_FORMAT,
				    "%llu sub-sections of a %u-bit section are smaller than a page",
				    (unsigned long long)bits,
				    lay->section_size_bits);
	return NULL;
}

/* The bits of section_mem_map (sparse_needs): each below the last. */
static struct ms_error *resolve_section_bits(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	int64_t v = r->a.map_last_bit;

	if (v < 1 || v > 16)
		return ms_error_new(MS_ERR_FORMAT, "SECTION_MAP_LAST_BIT is %lld",
				    (long long)v);
	lay->section_map_last_bit = v;
	for (int bit = 0; bit < MS_SECTION_NR_BITS; bit++) {
		v = r->a.section_bit[bit];
		if (v >= (int64_t)lay->section_map_last_bit)
			return ms_error_new(MS_ERR_FORMAT, "%s is %lld, not below SECTION_MAP_LAST_BIT",
					    ms_needs_name(sparse_needs, MS_NEEDS_NR(sparse_needs),
							  offsetof(struct answers, section_bit[bit])),
					    (long long)v);
		lay->section_bit[bit] = (int)v;
	}
	return NULL;
}

/*
 * Without kallsyms (kptr_restrict=2, or a dump from another boot), the
 * direct map still shows in the core: /proc/kcore gives its KCORE_RAM
 * segments p_paddr = __pa(vaddr) (fs/proc/kcore.c, 4.19+), so vaddr - paddr
 * is page_offset_base. The kernel text segment, at or above
 * __START_KERNEL_map, has a physical address too and is skipped. Every
 * direct-map segment must agree.
 */
static bool direct_map_base(struct ms_target *t, uint64_t *base)
{
	const uint64_t start_kernel_map = 0xffffffff80000000ULL;
	size_t n = ms_target_nr_segments(t);
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		const struct ms_segment *s = ms_target_segment(t, i);

		if (s->paddr == MS_NO_PADDR || s->vaddr >= start_kernel_map ||
		    s->vaddr < s->paddr)
			continue;
		if (found && *base != s->vaddr - s->paddr)
			return false;
		*base = s->vaddr - s->paddr;
		found = true;
	}
	return found;
}

/*
 * page_offset_base and vmemmap_base are variables (CONFIG_RANDOMIZE_MEMORY
 * moves them). VMCOREINFO has SYMBOL(vmemmap) — the value, vmemmap_base on
 * x86_64 — since 6.9 (Huang Shijie's "vmcore_info: export vmemmap");
 * page_offset_base it never has, so read it from kernel data.
 */
static struct ms_error *resolve_bases(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	struct ms_error *err;

	err = read_var(r, "page_offset_base", &lay->page_offset_base);
	if (err && direct_map_base(r->t, &lay->page_offset_base)) {
		ms_error_free(err);
		err = NULL;
	}
	if (err)
		return err;
	err = ms_vmcoreinfo_u64(r->vi, "SYMBOL(vmemmap)", 16,
				&lay->vmemmap_base);
	if (absent(&err))
		err = read_var(r, "vmemmap_base", &lay->vmemmap_base);
	if (err)
		return err;
	if (lay->page_struct_size != MS_ABSENT)
		return NULL;
	/* VMCOREINFO alone will do */
	return ms_vmcoreinfo_u64(r->vi, "SIZE(page)", 10, &lay->page_struct_size);
}

static struct ms_error *resolve_nodes(struct resolver *r)
{
	struct ms_layout *lay = r->lay;
	struct ms_error *err;
	uint64_t n;

	/* CONFIG_NUMA: node_data[MAX_NUMNODES] (arch_crash_save_vmcoreinfo) */
	err = ms_vmcoreinfo_u64(r->vi, "SYMBOL(node_data)", 16,
				&lay->sym_node_data);
	if (!err) {
		err = ms_vmcoreinfo_u64(r->vi, "LENGTH(node_data)", 10, &n);
		if (err)
			return err;
		if (!n || n > 1 << 12)
			return ms_error_new(MS_ERR_FORMAT, "VMCOREINFO LENGTH(node_data)=%llu",
					    (unsigned long long)n);
		lay->node_data_is_array = true;
		lay->max_numnodes = n;
		return NULL;
	}
	if (!absent(&err))
		return err;
	/* !NUMA: one contig_page_data, in VMCOREINFO too */
	err = ms_kinfo_symbol(r->ki, "contig_page_data", &lay->sym_node_data);
	if (err)
		return ms_error_wrap(err, "neither node_data nor contig_page_data");
	lay->node_data_is_array = false;
	lay->max_numnodes = 1;
	return NULL;
}

static struct ms_error *resolve_pgdat(struct resolver *r)
{
	const struct ms_member zones = r->a.node_zones;
	struct ms_layout *lay = r->lay;
	int64_t nr = r->a.nr_zones;

	lay->pglist_data.node_zones = zones.offset;
	if (nr == -1)
		nr = zones.nelems;
	/* ZONES_SHIFT is at most 3 (include/linux/page-flags-layout.h) */
	if (nr < 1 || nr > 8 || (zones.nelems && (uint64_t)nr != zones.nelems))
		return ms_error_new(MS_ERR_FORMAT,
				    "MAX_NR_ZONES is %lld but pglist_data.node_zones has %llu",
				    (long long)nr,
				    (unsigned long long)zones.nelems);
	lay->max_nr_zones = nr;
	return NULL;
}

#define MAX_PGDAT_SIZE (16 << 20)

/* After resolve_zone: the members read from each pglist_data and zone. */
static struct ms_error *check_node_fits(struct resolver *r)
{
	static const char pg[] = "struct pglist_data", z[] = "struct zone";
	const struct ms_layout *lay = r->lay;
	uint64_t psz = lay->pglist_data.size, zsz = lay->zone.size;
	struct ms_error *err;

	/* one pread each: a few hundred KiB at most (MAX_NUMNODES 1024) */
	if (psz > MAX_PGDAT_SIZE)
		return ms_error_new(MS_ERR_FORMAT,
				    "sizeof(struct pglist_data) is %llu, more than %d",
				    (unsigned long long)psz, MAX_PGDAT_SIZE);
	if (zsz > psz / lay->max_nr_zones)
		return ms_error_new(MS_ERR_FORMAT,
				    "%u zones of %llu bytes do not fit in pglist_data of %llu",
				    lay->max_nr_zones, (unsigned long long)zsz,
				    (unsigned long long)psz);
	err = ms_need_fits(pg, "node_zones", lay->pglist_data.node_zones,
			   lay->max_nr_zones * zsz, psz);
	if (!err)
		err = ms_need_fits(pg, "node_id", lay->pglist_data.node_id, 4, psz);
	if (!err)
		err = ms_need_fits(pg, "node_start_pfn", lay->pglist_data.node_start_pfn, 8, psz);
	if (!err)
		err = ms_need_fits(pg, "node_present_pages",
				   lay->pglist_data.node_present_pages, 8, psz);
	if (!err)
		err = ms_need_fits(pg, "node_spanned_pages",
				   lay->pglist_data.node_spanned_pages, 8, psz);
	if (!err && lay->pglist_data.first_deferred_pfn != MS_ABSENT)
		err = ms_need_fits(pg, "first_deferred_pfn",
				   lay->pglist_data.first_deferred_pfn, 8, psz);
	if (!err)
		err = ms_need_fits(z, "zone_start_pfn", lay->zone.zone_start_pfn, 8, zsz);
	if (!err)
		err = ms_need_fits(z, "spanned_pages", lay->zone.spanned_pages, 8, zsz);
	if (!err)
		err = ms_need_fits(z, "present_pages", lay->zone.present_pages, 8, zsz);
	if (!err)
		err = ms_need_fits(z, "name", lay->zone.name, 8, zsz);
	return err;
}

/*
 * max_pfn bounds the sections a kernel can have present: x86_64 raises it
 * for every hot-added range, device memory included (add_pages() ->
 * update_end_of_memory_vars(), 4.x). Optional: a snapshot taken before
 * memscope read it, or a dump without kallsyms, has none (0: unknown).
 */
static struct ms_error *resolve_limits(struct resolver *r)
{
	struct ms_error *err = read_var(r, "max_pfn", &r->lay->max_pfn);

	if (err) {
		ms_error_free(err);
		r->lay->max_pfn = 0;
	}
	return NULL;
}

/*
 * The page tables, before the first read: in a dump with physical
 * addresses only (QEMU dump-guest-memory) every kernel variable is reached
 * through them.
 */
static struct ms_error *resolve_paging(struct resolver *r)
{
	*r->out = *r->lay;
	return ms_kinfo_set_paging(r->ki, r->t);
}

/* Both tables at once: the steps after this check what they found. */
static struct ms_error *resolve_types(struct resolver *r)
{
	struct ms_error *err;

	err = ms_needs_resolve(r->ki, sparse_needs, MS_NEEDS_NR(sparse_needs),
			       &r->a);
	if (!err)
		err = ms_needs_resolve(r->ki, node_needs, MS_NEEDS_NR(node_needs),
				       &r->a);
	return err;
}

struct ms_error *ms_layout_resolve(struct ms_kinfo *ki, struct ms_target *t,
				   struct ms_layout *lay)
{
	static struct ms_error *(*const steps[])(struct resolver *) = {
		resolve_basics, resolve_paging, resolve_types, resolve_sparse,
		resolve_usage, resolve_section_bits, resolve_bases,
		resolve_nodes, resolve_pgdat, check_node_fits, resolve_limits,
	};
	struct resolver r = { .ki = ki, .t = t, .out = lay,
			      .vi = ms_kinfo_vmcoreinfo_table(ki) };
	struct ms_error *err;

	/* the tables fill r.a.lay; basics are in lay before the walker */
	r.lay = &r.a.lay;
	memset(lay, 0, sizeof(*lay));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		err = steps[i](&r);
		if (err)
			return err;
	}
	*lay = r.a.lay;
	return NULL;
}
