// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kinfo on synthetic kernels of each layout variant (a kcore-like ELF core
 * with a VMCOREINFO note and the kernel variables kinfo reads, a sysroot
 * with proc/kallsyms, and the variant's BTF from fx_btf.c): every layout
 * field against the fixture's answers, the lookups, the DWARF finder (on
 * this test binary's own debug information), and the errors. Then, when
 * the lab has left them in build/lab/artifacts/, the real Debian kernels.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "fx.h"
#include "memscope/kinfo.h"
#include "../../src/kinfo/internal.h"

#define KASLR		0x1e000000ULL
#define STEXT		(0xffffffff81000000ULL + KASLR)
#define KDATA		(0xffffffff82a00000ULL + KASLR)	/* kernel data segment */
#define KDATA_PA	0x3a00000ULL
#define PGD_VA		KDATA				/* init_top_pgt */
#define POB_VAR		(KDATA + 0x1000)		/* page_offset_base */
#define VMB_VAR		(KDATA + 0x1008)		/* vmemmap_base */
#define MS_VAR		(KDATA + 0x1010)		/* mem_section */
#define NODE_DATA	(KDATA + 0x1100)
#define CONTIG_PGDAT	(KDATA + 0x1800)
#define SECTION_SIZE_BITS 27
#define SEG_VA		(0xffffffff82c00000ULL + KASLR)	/* kallsyms tables */
#define SEG_PA		0x3c00000ULL

struct kopts {
	enum fx_variant v;
	int levels;
	const char *vi_extra;	/* lines placed first: the first key wins */
	bool no_vmcoreinfo;
	bool no_btf;		/* no sysroot BTF and no btf_path */
	bool no_numa;		/* contig_page_data instead of node_data */
	bool hide_kallsyms;	/* kptr_restrict: every address zero */
	bool no_kallsyms;	/* no proc/kallsyms at all */
	const char *drop_sym;	/* kallsyms lacks this symbol */
	uint64_t stext_shift;	/* kallsyms from another boot */
	bool pad_kallsyms;	/* every symbol wanted, then 600 MiB (sparse) */
	const void *seg;	/* one more kernel segment at SEG_VA */
	size_t seg_len;
	const char *btf_path;	/* a BTF of the test's own making */
	const char *vmlinux;	/* DWARF */
};

struct kfx {
	char dir[64], core[128], btf[128], sysroot[128];
	struct fx_layout lay;
	uint64_t pob, vmb, roots;
	struct ms_target *t;
	struct ms_kinfo *ki;
};

static void write_vmcoreinfo(struct kfx *k, const struct kopts *o,
			     struct fx_core *c)
{
	const struct fx_layout *l = &k->lay;
	int mpb = o->levels == 5 ? 52 : 46;
	uint64_t nr = 1ULL << (mpb - SECTION_SIZE_BITS);
	uint64_t per_root = 4096 / l->mem_section_size;
	char text[4096], node[128] = "", vmemmap[64] = "";
	int n;

	if (o->no_numa)
		snprintf(node, sizeof(node), "SYMBOL(contig_page_data)=%llx\n",
			 (unsigned long long)CONTIG_PGDAT);
	else
		snprintf(node, sizeof(node),
			 "SYMBOL(node_data)=%llx\nLENGTH(node_data)=%u\n",
			 (unsigned long long)NODE_DATA, l->max_numnodes);
	if (o->v != FX_KERNEL_6_1)	/* 6.9+ */
		snprintf(vmemmap, sizeof(vmemmap), "SYMBOL(vmemmap)=%" PRIx64 "\n",
			 k->vmb);
	n = snprintf(text, sizeof(text),
		"%sOSRELEASE=%s\nBUILD-ID=0123\nPAGESIZE=4096\n"
		"SYMBOL(_stext)=%llx\nNUMBER(VMALLOC_START)=0xffffc90000000000\n%s"
		"SYMBOL(mem_section)=%" PRIx64 "\nLENGTH(mem_section)=%" PRIu64 "\n"
		"SIZE(mem_section)=%" PRIu64 "\nOFFSET(mem_section.section_mem_map)=%" PRIu64 "\n"
		"NUMBER(SECTION_SIZE_BITS)=%d\nNUMBER(MAX_PHYSMEM_BITS)=%d\n"
		"SIZE(page)=%" PRIu64 "\nSIZE(pglist_data)=%" PRIu64 "\nSIZE(zone)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_zones)=0\nOFFSET(pglist_data.node_start_pfn)=%" PRIu64 "\n"
		"OFFSET(pglist_data.node_spanned_pages)=%" PRIu64 "\nOFFSET(pglist_data.node_id)=%" PRIu64 "\n"
		"OFFSET(zone.spanned_pages)=%" PRIu64 "\n"
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
		"SYMBOL(init_top_pgt)=%llx\nNUMBER(pgtable_l5_enabled)=%d\n%s"
		"KERNELOFFSET=%llx\nNUMBER(KERNEL_IMAGE_SIZE)=1073741824\n",
		o->vi_extra ? o->vi_extra : "",
		o->v == FX_KERNEL_6_1 ? "6.1.0-50-amd64" :
		o->v == FX_KERNEL_6_12 ? "6.12.117+deb13-amd64" : "7.3.4+deb13-amd64",
		(unsigned long long)STEXT, vmemmap, k->roots,
		(nr + per_root - 1) / per_root, l->mem_section_size,
		l->ms_section_mem_map, SECTION_SIZE_BITS, mpb, l->page_size,
		l->pgdat_size, l->zone_size, l->pgdat_node_start_pfn,
		l->pgdat_node_spanned_pages, l->pgdat_node_id,
		l->zone_spanned_pages, (unsigned long long)PGD_VA,
		o->levels == 5, node, (unsigned long long)KASLR);
	assert_true(n > 0 && n < (int)sizeof(text));
	fx_core_add_note(c, "VMCOREINFO", 0, text, n);
}

static void write_kallsyms(struct kfx *k, const struct kopts *o)
{
	const struct { const char *name; uint64_t addr; const char *tail; } syms[] = {
		{ "fixed_percpu_data", 0, "A" },	/* percpu: really 0 */
		{ "_stext", STEXT + o->stext_shift, "T" },
		{ "init_top_pgt", PGD_VA, "D" },
		{ "page_offset_base", POB_VAR, "D" },
		{ "vmemmap_base", VMB_VAR, "D" },
		{ "mem_section", MS_VAR, "B" },
		{ "node_data", NODE_DATA, "D" },
		{ "contig_page_data", CONTIG_PGDAT, "d" },
		/* a module's symbol before the core's: the core's wins */
		{ "remove_memory", 0xffffffffc0001000ULL, "t\t[nd_pmem]" },
		{ "remove_memory", 0xffffffff81234000ULL, "T" },
		{ "remove_memory", 0xffffffff81235000ULL, "t" },
		{ "pgmap_array", 0xffffffffc0002000ULL, "b\t[dax]" },
		{ "pgmap_array", 0xffffffffc0003000ULL, "b\t[kmem]" },
	};
	/* the rest of what memscope may ask kallsyms for */
	static const char *const rest[] = {
		"max_pfn", "sections_per_block", "memory_block_size_probed",
		"memory_blocks", "hstates", "iomem_resource",
		"pgmap_array",	/* the core's, after the modules' */
	};
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc", k->sysroot);
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/kallsyms");
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		const char *tail = strchr(syms[i].tail, '\t');

		if (o->drop_sym && !strcmp(o->drop_sym, syms[i].name))
			continue;
		fprintf(f, "%016llx %c %s%s\n",
			o->hide_kallsyms ? 0ULL : (unsigned long long)syms[i].addr,
			syms[i].tail[0], syms[i].name, tail ? tail : "");
	}
	for (size_t i = 0; o->pad_kallsyms && i < sizeof(rest) / sizeof(rest[0]); i++)
		if (!o->drop_sym || strcmp(o->drop_sym, rest[i]))
			fprintf(f, "%016llx B %s\n", 0xffffffff83000000ULL + 64 * i, rest[i]);
	/* past the 512 MiB any kallsyms may have: read only to the end of the list */
	if (o->pad_kallsyms)
		assert_int_equal(ftruncate(fileno(f), 600 << 20), 0);
	assert_int_equal(fclose(f), 0);
}

/* Builds the fixture and opens it; returns kinfo's verdict. */
static struct ms_error *kfx_open(struct kfx *k, const struct kopts *o)
{
	struct ms_kinfo_opts ko = { 0 };
	uint8_t kdata[0x2000] = { 0 };
	struct fx_core *c;
	char path[256];
	uint64_t vals[3];

	memset(k, 0, sizeof(*k));
	snprintf(k->dir, sizeof(k->dir), "/tmp/memscope-kinfo-XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->core, sizeof(k->core), "%s/core", k->dir);
	snprintf(k->btf, sizeof(k->btf), "%s/vmlinux.btf", k->dir);
	snprintf(k->sysroot, sizeof(k->sysroot), "%s/root", k->dir);
	assert_int_equal(mkdir(k->sysroot, 0755), 0);
	assert_int_equal(fx_btf_write(o->v, k->btf, &k->lay), 0);
	if (!o->no_btf && !o->btf_path) {
		snprintf(path, sizeof(path), "%s/sys", k->sysroot);
		assert_int_equal(mkdir(path, 0755), 0);
		strcat(path, "/kernel");
		assert_int_equal(mkdir(path, 0755), 0);
		strcat(path, "/btf");
		assert_int_equal(mkdir(path, 0755), 0);
		strcat(path, "/vmlinux");
		assert_int_equal(rename(k->btf, path), 0);
	}
	k->pob = o->levels == 5 ? 0xff11000000000000ULL : 0xffff888000000000ULL;
	k->vmb = o->levels == 5 ? 0xffd4000000000000ULL : 0xffffea0000000000ULL;
	k->roots = k->pob + 0x3ffd0000;
	vals[0] = k->pob;
	vals[1] = k->vmb;
	vals[2] = k->roots;
	memcpy(kdata + 0x1000, vals, sizeof(vals));

	c = fx_core_new();
	assert_non_null(c);
	fx_core_add_segment(c, KDATA, KDATA_PA, kdata, sizeof(kdata));
	if (o->seg)
		fx_core_add_segment(c, SEG_VA, SEG_PA, o->seg, o->seg_len);
	/* a direct-map segment: vaddr - paddr is page_offset_base */
	fx_core_add_segment(c, k->pob + 0x100000, 0x100000, kdata, 0x1000);
	if (!o->no_vmcoreinfo)
		write_vmcoreinfo(k, o, c);
	assert_int_equal(fx_core_write(c, k->core), 0);
	fx_core_free(c);
	if (!o->no_kallsyms)
		write_kallsyms(k, o);

	assert_null(ms_target_open(k->core, &k->t));
	ko.sysroot = k->sysroot;
	ko.btf_path = o->btf_path;
	ko.vmlinux_path = o->vmlinux;
	return ms_kinfo_open(k->t, &ko, &k->ki);
}

static void rm_rf(const char *dir)
{
	char cmd[128];

	/* only ever our own mkdtemp() directory */
	assert_int_equal(strncmp(dir, "/tmp/memscope-kinfo-", 20), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void kfx_close(struct kfx *k)
{
	ms_kinfo_close(k->ki);
	ms_target_close(k->t);
	rm_rf(k->dir);
}

/* Opening must fail with code, and the message must contain want. */
static void expect_error(const struct kopts *o, enum ms_errcode code,
			 const char *want)
{
	struct ms_error *err;
	struct kfx k;

	err = kfx_open(&k, o);
	assert_non_null(err);
	if (err->code != code || !strstr(err->msg, want))
		fail_msg("got code %d \"%s\", want code %d with \"%s\"",
			 err->code, err->msg, code, want);
	assert_null(k.ki);
	ms_error_free(err);
	kfx_close(&k);
}

static void check_layout(const struct kfx *k, const struct kopts *o)
{
	const struct ms_layout *lay = ms_kinfo_layout(k->ki);
	const struct fx_layout *l = &k->lay;
	unsigned int mpb = o->levels == 5 ? 52 : 46;

	assert_int_equal(lay->page_size, 4096);
	assert_int_equal(lay->page_shift, 12);
	assert_int_equal(lay->pgtable_levels, o->levels);
	assert_int_equal(lay->kaslr_offset, KASLR);
	assert_int_equal(lay->page_offset_base, k->pob);
	assert_int_equal(lay->vmemmap_base, k->vmb);
	assert_int_equal(lay->init_top_pgt, PGD_VA);
	assert_int_equal(lay->sym_mem_section, MS_VAR);
	assert_int_equal(lay->mem_section_roots, k->roots);
	assert_int_equal(lay->section_size_bits, SECTION_SIZE_BITS);
	assert_int_equal(lay->max_physmem_bits, mpb);
	assert_int_equal(lay->subsection_shift, 21);
	assert_int_equal(lay->subsections_per_section, 64);
	assert_int_equal(lay->nr_mem_sections, 1ULL << (mpb - 27));
	assert_int_equal(lay->sections_per_root, 4096 / l->mem_section_size);
	assert_int_equal(lay->nr_section_roots,
			 lay->nr_mem_sections / lay->sections_per_root);
	assert_int_equal(lay->mem_section.size, l->mem_section_size);
	assert_int_equal(lay->mem_section.section_mem_map, l->ms_section_mem_map);
	assert_int_equal(lay->mem_section.usage, l->ms_usage);
	assert_int_equal(lay->mem_section_usage.size, l->usage_size);
	assert_int_equal(lay->mem_section_usage.subsection_map,
			 l->usage_subsection_map);
	assert_int_equal(lay->mem_section_usage.subsection_map_longs,
			 l->usage_subsection_longs);
	for (int i = 0; i < MS_SECTION_NR_BITS; i++)
		assert_int_equal(lay->section_bit[i], l->section_bit[i]);
	assert_int_equal(lay->section_map_last_bit, l->section_map_last_bit);
	assert_int_equal(lay->page_struct_size, l->page_size);
	assert_int_equal(lay->sym_node_data, o->no_numa ? CONTIG_PGDAT : NODE_DATA);
	assert_int_equal(lay->node_data_is_array, !o->no_numa);
	assert_int_equal(lay->max_numnodes, o->no_numa ? 1 : l->max_numnodes);
	assert_int_equal(lay->max_nr_zones, l->max_nr_zones);
	assert_int_equal(lay->pglist_data.size, l->pgdat_size);
	assert_int_equal(lay->pglist_data.node_zones, l->pgdat_node_zones);
	assert_int_equal(lay->pglist_data.node_id, l->pgdat_node_id);
	assert_int_equal(lay->pglist_data.node_start_pfn, l->pgdat_node_start_pfn);
	assert_int_equal(lay->pglist_data.node_present_pages,
			 l->pgdat_node_present_pages);
	assert_int_equal(lay->pglist_data.node_spanned_pages,
			 l->pgdat_node_spanned_pages);
	assert_int_equal(lay->pglist_data.first_deferred_pfn,
			 l->pgdat_first_deferred_pfn);
	assert_int_equal(lay->zone.size, l->zone_size);
	assert_int_equal(lay->zone.zone_start_pfn, l->zone_start_pfn);
	assert_int_equal(lay->zone.spanned_pages, l->zone_spanned_pages);
	assert_int_equal(lay->zone.present_pages, l->zone_present_pages);
	assert_int_equal(lay->zone.name, l->zone_name);
}

static void layout_case(enum fx_variant v, int levels, bool no_numa)
{
	struct kopts o = { .v = v, .levels = levels, .no_numa = no_numa };
	struct ms_error *err;
	struct kfx k;

	err = kfx_open(&k, &o);
	if (err)
		fail_msg("ms_kinfo_open: %s", err->msg);
	check_layout(&k, &o);
	assert_string_equal(ms_kinfo_type_source(k.ki), "btf");
	kfx_close(&k);
}

/* every variant under both paging modes, NUMA and not */
static void test_layouts(void **state)
{
	layout_case(FX_KERNEL_6_1, 4, false);
	layout_case(FX_KERNEL_6_1, 5, false);
	layout_case(FX_KERNEL_6_12, 4, false);
	layout_case(FX_KERNEL_6_12, 5, true);
	layout_case(FX_KERNEL_7_3, 5, false);
	layout_case(FX_KERNEL_7_3, 4, true);
}

static void test_lookups(void **state)
{
	struct kopts o = { .v = FX_KERNEL_7_3, .levels = 5 };
	struct ms_member m;
	struct ms_error *err;
	uint64_t v;
	int64_t n;
	struct kfx k;

	assert_null(kfx_open(&k, &o));
	/* anonymous unions and structs of struct page, and paths */
	assert_null(ms_kinfo_member(k.ki, "struct page", "compound_head", &m));
	assert_int_equal(m.offset, 8);
	assert_int_equal(m.size, 8);
	assert_null(ms_kinfo_member(k.ki, "struct page", "lru.prev", &m));
	assert_int_equal(m.offset, 16);
	assert_null(ms_kinfo_member(k.ki, "struct page", "_mapcount", &m));
	assert_int_equal(m.offset, 48);
	assert_null(ms_kinfo_member(k.ki, "struct page", "private", &m));
	assert_int_equal(m.offset, 40);
	assert_null(ms_kinfo_member(k.ki, "struct mem_section_usage",
				    "subsection_map", &m));
	assert_int_equal(m.nelems, 1);
	assert_int_equal(m.size, 8);
	assert_null(ms_kinfo_member(k.ki, "pg_data_t", "node_zones", &m));
	assert_int_equal(m.nelems, 5);
	assert_int_equal(m.size, 5 * k.lay.zone_size);
	assert_null(ms_kinfo_member(k.ki, "struct mem_section_usage", "rcu.func", &m));
	assert_int_equal(m.offset, 8);
	err = ms_kinfo_member(k.ki, "struct page", "lru.nope", &m);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_MISSING);
	assert_string_equal(err->msg, "kernel type information lacks struct page.lru.nope");
	ms_error_free(err);
	/* (struct folio is in the fixtures since issue 3: ask for another) */
	err = ms_kinfo_member(k.ki, "struct slab", "flags", &m);
	assert_string_equal(err->msg, "kernel type information lacks struct slab");
	ms_error_free(err);

	assert_null(ms_kinfo_type_size(k.ki, "pg_data_t", &v));
	assert_int_equal(v, k.lay.pgdat_size);
	assert_null(ms_kinfo_type_size(k.ki, "enum zone_type", &v));
	assert_int_equal(v, 4);
	assert_null(ms_kinfo_type_size(k.ki, "unsigned int", &v));
	assert_int_equal(v, 4);
	assert_null(ms_kinfo_type_size(k.ki, "struct list_head", &v));
	assert_int_equal(v, 16);
	err = ms_kinfo_type_size(k.ki, "union nope", &v);
	assert_string_equal(err->msg, "kernel type information lacks union nope");
	ms_error_free(err);

	assert_null(ms_kinfo_enumerator(k.ki, "ZONE_MOVABLE", &n));
	assert_int_equal(n, 3);
	assert_null(ms_kinfo_number(k.ki, "PAGE_BUDDY_MAPCOUNT_VALUE", &n));
	assert_int_equal(n, -129);
	assert_null(ms_kinfo_number(k.ki, "VMALLOC_START", &n));
	assert_int_equal((uint64_t)n, 0xffffc90000000000ULL);
	assert_null(ms_kinfo_number(k.ki, "__MAX_NR_ZONES", &n));
	assert_int_equal(n, 5);
	err = ms_kinfo_number(k.ki, "NOPE", &n);
	assert_int_equal(err->code, MS_ERR_MISSING);
	assert_non_null(strstr(err->msg, "NOPE"));
	ms_error_free(err);

	assert_null(ms_kinfo_symbol(k.ki, "init_top_pgt", &v));
	assert_int_equal(v, PGD_VA);
	/* 6.9+: SYMBOL(vmemmap) is vmemmap_base's value, so it is not read */
	err = ms_kinfo_symbol(k.ki, "vmemmap_base", &v);
	assert_int_equal(err->code, MS_ERR_MISSING);
	assert_non_null(strstr(err->msg, "was not read for it (VMCOREINFO has SYMBOL(vmemmap))"));
	ms_error_free(err);
	assert_null(ms_kinfo_symbol(k.ki, "remove_memory", &v));	/* core wins */
	assert_int_equal(v, 0xffffffff81234000ULL);
	assert_null(ms_kinfo_symbol(k.ki, "pgmap_array", &v));	/* the first */
	assert_int_equal(v, 0xffffffffc0002000ULL);
	/* SYMBOL(mem_section) is the pointer's value; the address is kallsyms' */
	assert_null(ms_kinfo_symbol(k.ki, "mem_section", &v));
	assert_int_equal(v, MS_VAR);
	err = ms_kinfo_symbol(k.ki, "hstates", &v);
	assert_int_equal(err->code, MS_ERR_MISSING);
	assert_non_null(strstr(err->msg, "symbol hstates is in neither VMCOREINFO nor"));
	ms_error_free(err);
	/* kallsyms is read for a fixed list: another name is memscope's bug */
	err = ms_kinfo_symbol(k.ki, "fixed_percpu_data", &v);
	assert_int_equal(err->code, MS_ERR_OTHER);
	assert_non_null(strstr(err->msg, "not one memscope reads from kallsyms"));
	ms_error_free(err);

	assert_string_equal(ms_kinfo_vmcoreinfo(k.ki, "OSRELEASE"), "7.3.4+deb13-amd64");
	assert_string_equal(ms_kinfo_vmcoreinfo(k.ki, "BUILD-ID"), "0123");
	assert_null(ms_kinfo_vmcoreinfo(k.ki, "CRASHTIME"));
	assert_string_equal(ms_kinfo_layout(k.ki)->release, "7.3.4+deb13-amd64");
	kfx_close(&k);
}

/* 6.9+ needs no kallsyms: init_top_pgt, mem_section, node_data and vmemmap
 * are in VMCOREINFO, page_offset_base shows in the direct-map segments. */
static void test_no_kallsyms(void **state)
{
	struct kopts o = { .v = FX_KERNEL_6_12, .levels = 5, .hide_kallsyms = true };
	const struct ms_layout *lay;
	struct kfx k;

	/* the direct-map segment stands in for page_offset_base */
	o.drop_sym = "page_offset_base";
	assert_null(kfx_open(&k, &o));
	assert_int_equal(ms_kinfo_layout(k.ki)->page_offset_base, k.pob);
	kfx_close(&k);
	o.drop_sym = NULL;

	for (int i = 0; i < 2; i++) {
		assert_null(kfx_open(&k, &o));
		lay = ms_kinfo_layout(k.ki);
		assert_int_equal(lay->page_offset_base, k.pob);
		assert_int_equal(lay->vmemmap_base, k.vmb);
		assert_int_equal(lay->mem_section_roots, k.roots);
		assert_int_equal(lay->sym_mem_section, MS_ABSENT);
		kfx_close(&k);
		o.hide_kallsyms = false;
		o.no_kallsyms = true;
	}
}

/*
 * One pass that stops at the line completing the symbols VMCOREINFO lacks:
 * the 600 MiB of zeros after them are never read (reading the file whole
 * refused it, as larger than any kallsyms). Without one of them it reads
 * on, into the zeros.
 */
static void test_kallsyms_stops(void **state)
{
	struct kopts o = { .v = FX_KERNEL_6_1, .levels = 4, .pad_kallsyms = true };
	struct kfx k;
	struct ms_error *err;
	uint64_t v;

	err = kfx_open(&k, &o);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(ms_kinfo_layout(k.ki)->vmemmap_base, k.vmb);
	assert_null(ms_kinfo_symbol(k.ki, "hstates", &v));
	assert_int_equal(v, 0xffffffff83000000ULL + 64 * 4);
	kfx_close(&k);
	o.drop_sym = "hstates";
	expect_error(&o, MS_ERR_FORMAT, "/root/proc/kallsyms: a line of 64 KiB or more is no kallsyms line");
}

/*
 * The kernel's own kallsyms tables as scripts/kallsyms lays them out, with
 * one token per character (token i is the letter i): a count, the names
 * (a length then token indexes, the type letter first), the token table
 * and index, the offsets and the relative base. absolute: the
 * KALLSYMS_ABSOLUTE_PERCPU encoding (relative_base - 1 - offset).
 */
struct ktab {
	uint8_t seg[0x8000];
	char vi[1024];
};

static void make_tables(struct ktab *kt, bool absolute, uint64_t bad_stext)
{
	static const struct { const char *name; uint64_t addr; char type; } syms[] = {
		{ "_text", STEXT, 'T' }, { "_stext", STEXT, 'T' },
		{ "remove_memory", STEXT + 0x1000, 'T' },
		{ "init_top_pgt", PGD_VA, 'D' }, { "page_offset_base", POB_VAR, 'D' },
		{ "vmemmap_base", VMB_VAR, 'D' }, { "mem_section", MS_VAR, 'B' },
		{ "iomem_resource", KDATA + 0x1200, 'D' }, { "max_pfn", KDATA + 0x1300, 'B' },
		{ "hstates", KDATA + 0x1400, 'B' }, { "pgmap_array", KDATA + 0x1500, 'b' },
		{ "memory_blocks", KDATA + 0x1600, 'b' },
		{ "sections_per_block", KDATA + 0x1700, 'b' },
		{ "memory_block_size_probed", KDATA + 0x1708, 'b' },
		{ "contig_page_data", CONTIG_PGDAT, 'd' },
		{ "remove_memory", STEXT + 0x2000, 't' },	/* the first wins */
	};
	const size_t nr = sizeof(syms) / sizeof(syms[0]);
	/* offsets into seg: count, relative base, index, tokens, offsets, names */
	const size_t o_num = 0, o_base = 8, o_index = 0x100, o_tok = 0x400,
		     o_offs = 0x1000, o_names = 0x2000;
	uint64_t base = STEXT;
	size_t at = o_names;

	memset(kt, 0, sizeof(*kt));
	memcpy(kt->seg + o_num, &(uint32_t){ (uint32_t)nr }, 4);
	memcpy(kt->seg + o_base, &base, 8);
	for (int i = 0; i < 256; i++) {
		uint16_t idx = (uint16_t)(2 * i);

		memcpy(kt->seg + o_index + 2 * i, &idx, 2);
		kt->seg[o_tok + 2 * i] = (uint8_t)i;
	}
	for (size_t i = 0; i < nr; i++) {
		uint64_t addr = syms[i].addr + (i == 1 ? bad_stext : 0);
		int32_t off = absolute ? (int32_t)(base - 1 - addr) : (int32_t)(uint32_t)(addr - base);
		size_t len = strlen(syms[i].name) + 1;

		memcpy(kt->seg + o_offs + 4 * i, &off, 4);
		kt->seg[at++] = (uint8_t)len;
		kt->seg[at++] = (uint8_t)syms[i].type;
		memcpy(kt->seg + at, syms[i].name, len - 1);
		at += len - 1;
	}
	snprintf(kt->vi, sizeof(kt->vi),
		 "SYMBOL(kallsyms_names)=%llx\nSYMBOL(kallsyms_num_syms)=%llx\n"
		 "SYMBOL(kallsyms_token_table)=%llx\nSYMBOL(kallsyms_token_index)=%llx\n"
		 "SYMBOL(kallsyms_offsets)=%llx\nSYMBOL(kallsyms_relative_base)=%llx\n",
		 (unsigned long long)(SEG_VA + o_names), (unsigned long long)(SEG_VA + o_num),
		 (unsigned long long)(SEG_VA + o_tok), (unsigned long long)(SEG_VA + o_index),
		 (unsigned long long)(SEG_VA + o_offs), (unsigned long long)(SEG_VA + o_base));
}

/*
 * With VMCOREINFO's kallsyms_* symbols, the kernel's own tables answer and
 * /proc/kallsyms is not needed (it used to be: 6.1 has neither
 * vmemmap_base nor page_offset_base in VMCOREINFO). Tables that do not
 * give VMCOREINFO's _stext are not this kernel's: the file is read.
 */
static void test_kallsyms_tables(void **state)
{
	static struct ktab kt;
	struct kopts o = { .v = FX_KERNEL_6_1, .levels = 4, .no_kallsyms = true };
	struct ms_error *err;
	struct kfx k;
	uint64_t v;

	for (int absolute = 0; absolute < 2; absolute++) {
		make_tables(&kt, absolute, 0);
		o.seg = kt.seg;
		o.seg_len = sizeof(kt.seg);
		o.vi_extra = kt.vi;
		err = kfx_open(&k, &o);
		if (err)
			fail_msg("%s", err->msg);
		assert_int_equal(ms_kinfo_layout(k.ki)->vmemmap_base, k.vmb);
		assert_int_equal(ms_kinfo_layout(k.ki)->page_offset_base, k.pob);
		assert_null(ms_kinfo_symbol(k.ki, "remove_memory", &v));
		assert_int_equal(v, STEXT + 0x1000);
		assert_null(ms_kinfo_symbol(k.ki, "memory_block_size_probed", &v));
		assert_int_equal(v, KDATA + 0x1708);
		kfx_close(&k);
	}
	/* another kernel's tables: the file, which is missing here */
	make_tables(&kt, false, 0x1000);
	expect_error(&o, MS_ERR_MISSING, "symbol vmemmap_base: not in VMCOREINFO, and ");
	o.no_kallsyms = false;
	assert_null(kfx_open(&k, &o));
	assert_int_equal(ms_kinfo_layout(k.ki)->vmemmap_base, k.vmb);
	kfx_close(&k);
}

static void test_errors(void **state)
{
	const enum fx_variant v61 = FX_KERNEL_6_1;
	struct kopts o;
	char want[256];

	o = (struct kopts){ .v = v61, .levels = 4, .no_vmcoreinfo = true };
	expect_error(&o, MS_ERR_FORMAT, "no VMCOREINFO note in /tmp/memscope-kinfo-");

	o = (struct kopts){ .v = v61, .levels = 4, .no_btf = true };
	expect_error(&o, MS_ERR_MISSING, "/root/sys/kernel/btf/vmlinux is missing (CONFIG_DEBUG_INFO_BTF off?); pass -k VMLINUX with DWARF");

	o = (struct kopts){ .v = v61, .levels = 4, .btf_path = "/nonexistent.btf" };
	expect_error(&o, MS_ERR_OS, "opening /nonexistent.btf");

	/* 6.1 has no SYMBOL(vmemmap): vmemmap_base comes from kallsyms only */
	o = (struct kopts){ .v = v61, .levels = 4, .hide_kallsyms = true };
	expect_error(&o, MS_ERR_PERM, "symbol vmemmap_base: kallsyms addresses are hidden (kernel.kptr_restrict); run as root");
	o = (struct kopts){ .v = v61, .levels = 4, .no_kallsyms = true };
	expect_error(&o, MS_ERR_MISSING, "symbol vmemmap_base: not in VMCOREINFO, and ");
	o = (struct kopts){ .v = v61, .levels = 4, .drop_sym = "vmemmap_base" };
	expect_error(&o, MS_ERR_MISSING, "symbol vmemmap_base is in neither VMCOREINFO nor /tmp/memscope-kinfo-");
	o = (struct kopts){ .v = v61, .levels = 4, .stext_shift = 0x200000 };
	expect_error(&o, MS_ERR_FORMAT, "is not this kernel's (its _stext is");

	/* the BTF is not this kernel's */
	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "SIZE(mem_section)=16\n" };
	expect_error(&o, MS_ERR_FORMAT, "sizeof(struct mem_section) is 32 in the kernel type information (btf) but VMCOREINFO says SIZE(mem_section)=16");
	o = (struct kopts){ .v = FX_KERNEL_7_3, .levels = 5, .vi_extra = "OFFSET(zone.spanned_pages)=144\n" };
	expect_error(&o, MS_ERR_FORMAT, "offsetof(struct zone, spanned_pages) is 120");
	o = (struct kopts){ .v = FX_KERNEL_6_12, .levels = 5, .vi_extra = "SIZE(zone)=1536\n" };
	expect_error(&o, MS_ERR_FORMAT, "sizeof(struct zone) is 1600");

	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "NUMBER(MAX_PHYSMEM_BITS)=52\n" };
	expect_error(&o, MS_ERR_FORMAT, "NUMBER(MAX_PHYSMEM_BITS)=52 does not match 4-level paging");
	o = (struct kopts){ .v = v61, .levels = 5, .vi_extra = "LENGTH(mem_section)=2048\n" };
	expect_error(&o, MS_ERR_FORMAT, "LENGTH(mem_section)=2048, but 33554432 sections");
	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "SYMBOL(mem_section)=ffffffff83a01010\n" };
	snprintf(want, sizeof(want), "mem_section at %#llx points to 0xffff88803ffd0000, but VMCOREINFO SYMBOL(mem_section)=ffffffff83a01010",
		 (unsigned long long)MS_VAR);
	expect_error(&o, MS_ERR_FORMAT, want);
	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "PAGESIZE=4097\n" };
	expect_error(&o, MS_ERR_FORMAT, "PAGESIZE=4097");
	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "NUMBER(SECTION_SIZE_BITS)=2x7\n" };
	expect_error(&o, MS_ERR_FORMAT, "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=2x7 is not a number");
	o = (struct kopts){ .v = v61, .levels = 4, .vi_extra = "SYMBOL(init_top_pgt)=\n" };
	expect_error(&o, MS_ERR_FORMAT, "SYMBOL(init_top_pgt)= is not a number");
}

/*
 * Issue 12: each domain's table is resolved once per kinfo, renames are
 * rows of it, and a domain that fails keeps its error. The expected
 * offsets are the fixture's own (fx_btf.c add_page, fx_page.c): 7.3 has
 * compound_info beside compound_head at 8 and folio.pgmap at 8, no
 * page.pgmap; 6.1 has neither compound_info nor a pgmap member, and its
 * order in folio._folio_order.
 */
static void test_domains_once(void **state)
{
	static const enum fx_variant vs[] = { FX_KERNEL_6_1, FX_KERNEL_7_3 };

	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		struct kopts o = { .v = vs[i], .levels = 4 };
		const struct ms_page_layout *a, *b;
		const struct ms_block_layout *bl;
		struct ms_error *e1, *e2;
		struct kfx k;
		bool v7 = vs[i] == FX_KERNEL_7_3;

		assert_null(kfx_open(&k, &o));
		assert_null(ms_kinfo_page_layout(k.ki, &a));
		assert_null(ms_kinfo_page_layout(k.ki, &b));
		assert_ptr_equal(a, b);
		assert_int_equal(a->flags, 0);
		assert_int_equal(a->compound_head, 8);
		assert_int_equal(a->compound_info, v7);
		assert_true(a->pgmap == (v7 ? 8 : MS_ABSENT));
		assert_int_equal(a->order_store, v7 ? MS_ORDER_FLAGS1_LOW :
						      MS_ORDER_PAGE1_BYTE);
		assert_int_equal(a->size, k.lay.page_size);
		/* the kfx kernel has no memory_blocks symbol: the same named
		 * error twice, each the caller's own */
		e1 = ms_kinfo_block_layout(k.ki, &bl);
		assert_non_null(e1);
		assert_null(bl);
		e2 = ms_kinfo_block_layout(k.ki, &bl);
		assert_non_null(e2);
		assert_ptr_not_equal(e1, e2);
		assert_int_equal(e1->code, MS_ERR_MISSING);
		assert_int_equal(e2->code, MS_ERR_MISSING);
		assert_string_equal(e1->msg, e2->msg);
		assert_non_null(strstr(e1->msg, "memory blocks (the memory_blocks xarray, 5.8+): symbol memory_blocks"));
		ms_error_free(e1);
		ms_error_free(e2);
		kfx_close(&k);
	}
}

/* A BTF that lacks one member: the error names it exactly. */
static void test_missing_member(void **state)
{
	char path[] = "/tmp/memscope-kinfo-btf-XXXXXX";
	struct btf *b = btf__new_empty();
	int ul, vp, fd;
	const void *raw;
	__u32 size;
	struct kopts o = { .v = FX_KERNEL_6_1, .levels = 4, .btf_path = path };

	assert_non_null(b);
	ul = btf__add_int(b, "long unsigned int", 8, 0);
	vp = btf__add_ptr(b, 0);
	btf__add_struct(b, "mem_section", 32);
	btf__add_field(b, "section_mem_map", ul, 0, 0);
	btf__add_field(b, "usage", vp, 64, 0);
	btf__add_struct(b, "mem_section_usage", 24);
	btf__add_field(b, "pageblock_flags", ul, 192, 0);
	raw = btf__raw_data(b, &size);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, size), (ssize_t)size);
	close(fd);
	btf__free(b);
	expect_error(&o, MS_ERR_MISSING,
		     "kernel type information lacks struct mem_section_usage.subsection_map");
	unlink(path);
}

/*
 * The DWARF finder, on this binary's own debug information: the types
 * below have the fixture's 6.1 layout (the _Static_asserts say so), and
 * globals keep them in the DWARF.
 */
struct mem_section {
	unsigned long section_mem_map;
	void *usage, *page_ext;
	unsigned long pad;
};
struct mem_section_usage {
	struct { void *next, *func; } rcu;
	unsigned long subsection_map[1];
	unsigned long pageblock_flags[];
};
enum {
	SECTION_MARKED_PRESENT_BIT, SECTION_HAS_MEM_MAP_BIT,
	SECTION_IS_ONLINE_BIT, SECTION_IS_EARLY_BIT,
	SECTION_TAINT_ZONE_DEVICE_BIT, SECTION_MAP_LAST_BIT,
} fx_dwarf_section_bit;
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE,
		 ZONE_DEVICE, __MAX_NR_ZONES } fx_dwarf_zone_type;
struct page {
	unsigned long flags;
	union {
		struct { void *lru[2]; void *mapping; unsigned long index, private; };
		struct { unsigned long compound_head; };
	};
	union { int _mapcount; unsigned int page_type; };
	int _refcount;
	unsigned long memcg_data;
};
struct fx_dwarf_bits {
	unsigned long word;
	unsigned int fx_bits : 3, fx_more : 5;
} fx_dwarf_bits;
struct zone {
	char pad0[88];
	unsigned long zone_start_pfn, pad1, spanned_pages, present_pages;
	char pad2[16];
	const char *name;
	char pad3[1664 - 144];
};
struct pglist_data {
	struct zone node_zones[5];
	char pad0[10304 - 5 * 1664];
	unsigned long node_start_pfn, node_present_pages, node_spanned_pages;
	int node_id;
	char pad1[10880 - 10332];
	unsigned long first_deferred_pfn;
	char pad2[11584 - 10888];
};
_Static_assert(offsetof(struct zone, name) == 136, "fx 6.1 zone");
_Static_assert(sizeof(struct pglist_data) == 11584, "fx 6.1 pglist_data");
_Static_assert(offsetof(struct pglist_data, node_id) == 10328, "fx 6.1 node_id");
struct mem_section *fx_dwarf_ms;
struct mem_section_usage *fx_dwarf_usage;
struct page *fx_dwarf_page;
struct pglist_data *fx_dwarf_pgdat;

static void test_dwarf(void **state)
{
	struct kopts o = { .v = FX_KERNEL_6_1, .levels = 5, .no_btf = true,
			   .vmlinux = "/proc/self/exe" };
	struct ms_member m;
	struct ms_error *err;
	struct kfx k;
	int64_t n;

	err = kfx_open(&k, &o);
	if (err && err->code == MS_ERR_FORMAT && strstr(err->msg, "no DWARF")) {
		ms_error_free(err);
		kfx_close(&k);
		print_message("skip reason: fixture built without -g (no DWARF)\n");
		skip();
	}
	if (err)
		fail_msg("ms_kinfo_open: %s", err->msg);
	check_layout(&k, &o);
	assert_string_equal(ms_kinfo_type_source(k.ki), "dwarf");
	assert_null(ms_kinfo_member(k.ki, "struct page", "compound_head", &m));
	assert_int_equal(m.offset, 8);
	assert_null(ms_kinfo_member(k.ki, "struct page", "lru", &m));
	assert_int_equal(m.nelems, 2);
	assert_int_equal(m.size, 16);
	assert_null(ms_kinfo_member(k.ki, "struct fx_dwarf_bits", "fx_more", &m));
	assert_int_equal(m.offset * 8 + m.bit_offset, 64 + 3);
	assert_int_equal(m.bit_size, 5);
	assert_null(ms_kinfo_member(k.ki, "struct mem_section_usage", "rcu.func", &m));
	assert_int_equal(m.offset, 8);
	assert_null(ms_kinfo_enumerator(k.ki, "ZONE_DEVICE", &n));
	assert_int_equal(n, 4);
	kfx_close(&k);

	/* BTF first; a name BTF lacks comes from DWARF */
	o.no_btf = false;
	assert_null(kfx_open(&k, &o));
	check_layout(&k, &o);
	assert_string_equal(ms_kinfo_type_source(k.ki), "btf");
	assert_null(ms_kinfo_member(k.ki, "struct fx_dwarf_bits", "fx_bits", &m));
	assert_int_equal(m.bit_size, 3);
	assert_string_equal(ms_kinfo_type_source(k.ki), "btf+dwarf");
	kfx_close(&k);
}

/* ---- the real kernels the lab collected, when present ---- */

static const char *artifacts_dir(void)
{
	const char *d = getenv("MEMSCOPE_LAB_ARTIFACTS");

	return d ? d : "build/lab/artifacts";
}

struct real {
	char *vmcoreinfo;
	uint64_t pob, vmemmap_seg;	/* from the kcore program headers */
};

/* VMCOREINFO and the direct-map offset from the first 64 KiB of kcore. */
static bool read_kcore_head(const char *path, struct real *r)
{
	uint8_t buf[65536];
	FILE *f = fopen(path, "rb");
	size_t len;
	uint64_t phoff;
	uint16_t phnum;

	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(len > 64);
	memcpy(&phoff, buf + 0x20, 8);
	memcpy(&phnum, buf + 0x38, 2);
	r->vmemmap_seg = UINT64_MAX;
	for (unsigned int i = 0; i < phnum; i++) {
		uint32_t type;
		uint64_t off, va, pa, fsz;
		const uint8_t *ph = buf + phoff + i * 56;

		assert_true(phoff + (i + 1) * 56 <= len);
		memcpy(&type, ph, 4);
		memcpy(&off, ph + 8, 8);
		memcpy(&va, ph + 16, 8);
		memcpy(&pa, ph + 24, 8);
		memcpy(&fsz, ph + 32, 8);
		if (type == 1 && pa != UINT64_MAX && va < 0xffffffff80000000ULL)
			r->pob = va - pa;
		/* KCORE_VMEMMAP of the first RAM: the lowest small pa-less one */
		if (type == 1 && pa == UINT64_MAX && fsz < 0x10000000 &&
		    va < r->vmemmap_seg)
			r->vmemmap_seg = va;
		for (uint64_t p = off; type == 4 && p + 12 < off + fsz && p + 12 < len;) {
			uint32_t nsz, dsz;

			memcpy(&nsz, buf + p, 4);
			memcpy(&dsz, buf + p + 4, 4);
			if (nsz == 11 && !memcmp(buf + p + 12, "VMCOREINFO", 10) &&
			    p + 12 + 12 + dsz <= len)
				r->vmcoreinfo = strndup((char *)buf + p + 24, dsz);
			p += 12 + ((nsz + 3) & ~3U) + ((dsz + 3) & ~3U);
		}
	}
	return r->vmcoreinfo != NULL;
}

static bool vi_hex(const char *vi, const char *key, uint64_t *v)
{
	const char *p = strstr(vi, key);

	if (!p)
		return false;
	*v = strtoull(p + strlen(key), NULL, 16);
	return true;
}

static bool ks_addr(const char *path, const char *name, uint64_t *v)
{
	char line[256], sym[200];
	FILE *f = fopen(path, "r");
	unsigned long long a;
	bool found = false;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %199s", &a, sym) == 2 && !strcmp(sym, name))
			found = true, *v = a;
	fclose(f);
	return found;
}

static void print_layout(const char *kernel, const struct ms_kinfo *ki)
{
	const struct ms_layout *l = ms_kinfo_layout(ki);
	const int *b = l->section_bit;
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "%s: %s, %d-level, page_offset_base %#" PRIx64 ", vmemmap_base %#" PRIx64
		 ", kaslr %#" PRIx64 ", types from %s\n"
		 "  mem_section: size %" PRIu64 " section_mem_map %" PRIu64 " usage %" PRIu64
		 "; %" PRIu64 " roots of %" PRIu64 ", %" PRIu64 " sections, max_physmem_bits %u, section_size_bits %u\n"
		 "  mem_section_usage: size %" PRIu64 " subsection_map %" PRIu64
		 " (%u longs): %u subsections, shift %u\n"
		 "  section bits: present %d memmap %d online %d early %d zone_device %d vmemmap_preinit %d last %u\n"
		 "  page %" PRIu64 "; node_data %#" PRIx64 " x%u; zones %u\n",
		 kernel, l->release, l->pgtable_levels, l->page_offset_base,
		 l->vmemmap_base, l->kaslr_offset, ms_kinfo_type_source(ki),
		 l->mem_section.size, l->mem_section.section_mem_map,
		 l->mem_section.usage, l->nr_section_roots, l->sections_per_root,
		 l->nr_mem_sections, l->max_physmem_bits, l->section_size_bits,
		 l->mem_section_usage.size, l->mem_section_usage.subsection_map,
		 l->mem_section_usage.subsection_map_longs,
		 l->subsections_per_section, l->subsection_shift,
		 b[0], b[1], b[2], b[3], b[4], b[5], l->section_map_last_bit,
		 l->page_struct_size, l->sym_node_data, l->max_numnodes,
		 l->max_nr_zones);
	print_message("%s", buf);
	print_message("  pglist_data: size %" PRIu64 " node_zones %" PRIu64 " node_id %" PRIu64
		      " node_start_pfn %" PRIu64 " node_present_pages %" PRIu64
		      " node_spanned_pages %" PRIu64 " first_deferred_pfn %" PRId64 "\n"
		      "  zone: size %" PRIu64 " zone_start_pfn %" PRIu64 " spanned_pages %" PRIu64
		      " present_pages %" PRIu64 " name %" PRIu64 "\n",
		      l->pglist_data.size, l->pglist_data.node_zones,
		      l->pglist_data.node_id, l->pglist_data.node_start_pfn,
		      l->pglist_data.node_present_pages,
		      l->pglist_data.node_spanned_pages,
		      (int64_t)l->pglist_data.first_deferred_pfn, l->zone.size,
		      l->zone.zone_start_pfn, l->zone.spanned_pages,
		      l->zone.present_pages, l->zone.name);
}

static void add_var(struct fx_core *c, uint64_t va, uint64_t val)
{
	fx_core_add_segment(c, va, UINT64_MAX, &val, sizeof(val));
}

/*
 * A core made of the real VMCOREINFO, the real page_offset_base (from the
 * direct-map program headers), the real mem_section root pointer and a
 * page at init_top_pgt; with the real kallsyms and BTF, kinfo must resolve
 * the whole layout and agree with every SIZE()/OFFSET() of VMCOREINFO.
 */
static void real_kernel(const char *kernel)
{
	char dir[] = "/tmp/memscope-kinfo-XXXXXX", path[512], src[512];
	struct ms_kinfo_opts ko = { 0 };
	static uint8_t pgd[4096];
	struct real r = { 0 };
	struct ms_target *t;
	struct ms_kinfo *ki = NULL;
	struct ms_error *err;
	uint64_t roots = 0, vmb = 0, a = 0;
	char abs[PATH_MAX];
	struct fx_core *c;
	const struct ms_layout *l;

	snprintf(path, sizeof(path), "%s/%s/kcore.head", artifacts_dir(), kernel);
	if (!read_kcore_head(path, &r)) {
		print_message("%s: no lab artefacts, skipped\n", kernel);
		return;
	}
	assert_non_null(mkdtemp(dir));
	c = fx_core_new();
	fx_core_add_note(c, "VMCOREINFO", 0, r.vmcoreinfo, strlen(r.vmcoreinfo));
	assert_true(vi_hex(r.vmcoreinfo, "SYMBOL(init_top_pgt)=", &a));
	fx_core_add_segment(c, a, 0x1000000, pgd, sizeof(pgd));
	assert_true(vi_hex(r.vmcoreinfo, "SYMBOL(mem_section)=", &roots));
	snprintf(src, sizeof(src), "%s/%s/kallsyms", artifacts_dir(), kernel);
	assert_true(ks_addr(src, "mem_section", &a));
	add_var(c, a, roots);
	assert_true(ks_addr(src, "page_offset_base", &a));
	add_var(c, a, r.pob);
	if (!vi_hex(r.vmcoreinfo, "SYMBOL(vmemmap)=", &vmb))
		vmb = r.vmemmap_seg;
	assert_true(ks_addr(src, "vmemmap_base", &a));
	add_var(c, a, vmb);
	snprintf(path, sizeof(path), "%s/core", dir);
	assert_int_equal(fx_core_write(c, path), 0);
	fx_core_free(c);
	assert_null(ms_target_open(path, &t));

	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/kallsyms");
	/* a copy: a sysroot's symlinks are never followed */
	snprintf(abs, sizeof(abs), "cp '%s' '%s'", src, path);
	assert_int_equal(system(abs), 0);
	snprintf(src, sizeof(src), "%s/%s/btf-vmlinux", artifacts_dir(), kernel);
	ko.sysroot = dir;
	ko.btf_path = src;
	err = ms_kinfo_open(t, &ko, &ki);
	if (err)
		fail_msg("%s: %s", kernel, err->msg);
	l = ms_kinfo_layout(ki);
	print_layout(kernel, ki);
	assert_int_equal(l->mem_section_roots, roots);
	assert_int_equal(l->page_offset_base, r.pob);
	for (int i = 0; i < 4; i++)
		assert_true(l->section_bit[i] == i);
	assert_true(l->section_bit[MS_SECTION_ZONE_DEVICE] >= 0);
	assert_int_equal(l->subsection_shift, 21);
	assert_int_equal(l->mem_section_usage.subsection_map_longs, 1);
	ms_kinfo_close(ki);
	ms_target_close(t);
	free(r.vmcoreinfo);
	rm_rf(dir);
}

static void test_real_kernels(void **state)
{
	char path[512];
	bool any = false;
	static const char *const kernels[] = { "6.1", "6.12", "7.3" };

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s/kcore.head", artifacts_dir(),
			 kernels[i]);
		if (access(path, R_OK))
			continue;
		any = true;
		real_kernel(kernels[i]);
	}
	if (!any) {
		/* tests/run-unit prints this reason with its SKIP line */
		print_message("skip reason: no lab artifacts in %s (tests/lab/lab.py artifacts)\n",
			      artifacts_dir());
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_no_kallsyms),
		cmocka_unit_test(test_kallsyms_stops),
		cmocka_unit_test(test_kallsyms_tables),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_member),
		cmocka_unit_test(test_domains_once),
		cmocka_unit_test(test_dwarf),
		cmocka_unit_test(test_real_kernels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
