// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mem_section table (SPARSEMEM_EXTREME): mem_section is a pointer to
 * NR_SECTION_ROOTS pointers, each to a page of struct mem_section. Every
 * root is read with one pread, and the usage structs (allocated together
 * per node at boot) are read in coalesced runs, so the cost follows the
 * number of present sections, never the number of pages.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/sparse.h"
#include "sparse_nodes.h"

/* Usage structs closer than this are read together in one pread. */
#define USAGE_COALESCE_GAP 4096

static uint64_t get_u64(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static struct ms_error *push_section(struct ms_sparse *sp, size_t *cap,
				     const struct ms_section *s)
{
	if (sp->nr_sections == *cap) {
		void *p = ms_array_grow(sp->sections, cap, sizeof(*sp->sections), 256);

		if (!p)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		sp->sections = p;
	}
	sp->sections[sp->nr_sections++] = *s;
	return NULL;
}

/*
 * With SPARSEMEM_VMEMMAP the encoded map is mem_map - start_pfn (in struct
 * page units); decoded, it must land on vmemmap_base + pfn * sizeof(page).
 * If it does not, the layout we resolved does not describe this kernel.
 */
static struct ms_error *decode_section(const struct ms_layout *lay,
				       const uint8_t *raw, uint64_t nr,
				       uint64_t addr, struct ms_section *s)
{
	uint64_t map_mask = ~((1ULL << lay->section_map_last_bit) - 1);
	uint64_t expect;

	memset(s, 0, sizeof(*s));
	s->nr = nr;
	s->addr = addr;
	s->nr_pages = 1ULL << (lay->section_size_bits - lay->page_shift);
	s->start_pfn = nr * s->nr_pages;
	s->section_mem_map = get_u64(raw, lay->mem_section.section_mem_map);
	s->flag_bits = s->section_mem_map & ~map_mask;
	s->usage = get_u64(raw, lay->mem_section.usage);
	s->nid = -1;
	if (lay->section_bit[MS_SECTION_HAS_MEM_MAP] < 0 ||
	    !(s->flag_bits & (1ULL << lay->section_bit[MS_SECTION_HAS_MEM_MAP])))
		return NULL;
	s->memmap = (s->section_mem_map & map_mask) +
		    s->start_pfn * lay->page_struct_size;
	expect = lay->vmemmap_base + s->start_pfn * lay->page_struct_size;
	if (s->memmap != expect)
		return ms_error_new(MS_ERR_FORMAT,
				    "section %" PRIu64 ": memmap decodes to 0x%" PRIx64
				    ", not vmemmap_base + pfn * sizeof(struct page) = 0x%" PRIx64
				    " (layout does not match this kernel)",
				    nr, s->memmap, expect);
	return NULL;
}

static struct ms_error *load_root(struct ms_target *t, struct ms_sparse *sp,
				  uint64_t root_nr, uint64_t root_addr,
				  uint8_t *buf, size_t *cap)
{
	const struct ms_layout *lay = sp->layout;
	uint64_t present = 1ULL << lay->section_bit[MS_SECTION_PRESENT];
	uint64_t per_root = lay->sections_per_root;
	struct ms_error *err;

	err = ms_target_read(t, root_addr, buf, per_root * lay->mem_section.size);
	if (err)
		return ms_error_wrap(err, "reading mem_section root %" PRIu64,
				     root_nr);
	for (uint64_t i = 0; i < per_root; i++) {
		const uint8_t *raw = buf + i * lay->mem_section.size;
		uint64_t nr = root_nr * per_root + i;
		struct ms_section s;

		if (nr >= lay->nr_mem_sections)
			break;
		if (!(get_u64(raw, lay->mem_section.section_mem_map) & present))
			continue;
		err = decode_section(lay, raw, nr,
				     root_addr + i * lay->mem_section.size, &s);
		if (!err)
			err = push_section(sp, cap, &s);
		if (err)
			return err;
	}
	return NULL;
}

struct addr_idx {
	uint64_t addr, idx;
};

static int by_addr(const void *a, const void *b)
{
	const struct addr_idx *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Kernel objects of size bytes at v[i].addr (0: none) must be disjoint:
 * each root is its own page of mem_sections (sparse_index_alloc()), each
 * section its own mem_section_usage. Two alike pointers would count the
 * same memory twice (all roots aliased to one: millions of "present"
 * sections). On overlap, *a and *b get the indices of the two.
 */
static bool disjoint(struct addr_idx *v, size_t n, uint64_t size,
		     uint64_t *a, uint64_t *b)
{
	qsort(v, n, sizeof(*v), by_addr);
	for (size_t i = 0; i + 1 < n; i++) {
		if (v[i + 1].addr - v[i].addr >= size)
			continue;
		*a = v[i].idx;
		*b = v[i + 1].idx;
		return false;
	}
	return true;
}

static struct ms_error *check_roots(const struct ms_layout *lay,
				    const uint64_t *roots)
{
	uint64_t size = lay->sections_per_root * lay->mem_section.size, a, b;
	struct addr_idx *v;
	struct ms_error *err = NULL;
	size_t n = 0, used = 0;

	/* a few roots are used of 131072 (5-level): allocate for those */
	for (uint64_t r = 0; r < lay->nr_section_roots; r++)
		used += !!roots[r];
	v = malloc((used + 1) * sizeof(*v));
	if (!v)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (uint64_t r = 0; r < lay->nr_section_roots && !err; r++) {
		uint64_t end;

		if (!roots[r])
			continue;
		if (__builtin_add_overflow(roots[r], size, &end))
			err = ms_error_new(MS_ERR_FORMAT,
					   "mem_section root %" PRIu64 " at 0x%" PRIx64 " wraps the address space",
					   r, roots[r]);
		v[n++] = (struct addr_idx){ roots[r], r };
	}
	if (!err && !disjoint(v, n, size, &a, &b))
		err = ms_error_new(MS_ERR_FORMAT,
				   "mem_section roots %" PRIu64 " and %" PRIu64 " overlap (0x%" PRIx64 " and 0x%" PRIx64 ")",
				   a, b, roots[a], roots[b]);
	free(v);
	return err;
}

/*
 * max_pfn (when the kernel's is known) bounds the boot sections: they come
 * from memblock, which holds the e820 RAM that max_pfn ends. A table
 * claiming more early sections is not this kernel's, or forged. Device
 * and hot-added sections may lie above it (7.3 keeps max_pfn at the end
 * of boot RAM with a devdax namespace above: the lab's pages boot).
 */
static struct ms_error *check_count(const struct ms_sparse *sp)
{
	const struct ms_layout *lay = sp->layout;
	uint64_t pps = 1ULL << (lay->section_size_bits - lay->page_shift);
	uint64_t most = lay->max_pfn / pps + !!(lay->max_pfn % pps), early = 0;

	for (size_t i = 0; i < sp->nr_sections; i++)
		early += ms_section_has(sp, &sp->sections[i], MS_SECTION_EARLY);
	if (!lay->max_pfn || early <= most)
		return NULL;
	return ms_error_new(MS_ERR_FORMAT,
			    "%" PRIu64 " boot (early) sections, but max_pfn %#" PRIx64 " allows at most %" PRIu64,
			    early, lay->max_pfn, most);
}

static struct ms_error *load_sections(struct ms_target *t, struct ms_sparse *sp)
{
	const struct ms_layout *lay = sp->layout;
	uint64_t roots_addr = lay->mem_section_roots, *roots = NULL;
	struct ms_error *err;
	uint8_t *buf = NULL;
	size_t cap = 0;

	if (!roots_addr)
		return ms_error_new(MS_ERR_FORMAT, "mem_section is NULL");
	roots = malloc(lay->nr_section_roots * sizeof(*roots));
	buf = malloc(lay->sections_per_root * lay->mem_section.size);
	if (!roots || !buf) {
		err = ms_error_new(MS_ERR_NOMEM, "out of memory");
		goto out;
	}
	err = ms_target_read(t, roots_addr, roots,
			     lay->nr_section_roots * sizeof(*roots));
	if (err) {
		err = ms_error_wrap(err, "reading the mem_section roots");
		goto out;
	}
	err = check_roots(lay, roots);
	for (uint64_t r = 0; r < lay->nr_section_roots && !err; r++)
		if (roots[r])
			err = load_root(t, sp, r, roots[r], buf, &cap);
	if (!err)
		err = check_count(sp);
out:
	free(roots);
	free(buf);
	return err;
}

static void set_subsections(const struct ms_layout *lay, struct ms_section *s,
			    const uint8_t *usage)
{
	unsigned int words = lay->mem_section_usage.subsection_map_longs;

	s->active = 0;
	for (unsigned int w = 0; w < words; w++) {
		s->subsection_map[w] = get_u64(usage,
			lay->mem_section_usage.subsection_map + w * 8);
		s->active += __builtin_popcountll(s->subsection_map[w]);
	}
}

/* Reads the usage structs of sections [first, last] with one pread. */
static struct ms_error *read_usage_run(struct ms_target *t,
				       struct ms_sparse *sp, size_t first,
				       size_t last)
{
	const struct ms_layout *lay = sp->layout;
	uint64_t base = sp->sections[first].usage, end = base;
	struct ms_error *err;
	uint8_t *buf;

	/* ascending within a run (load_usage), so base is the lowest */
	for (size_t i = first; i <= last; i++) {
		uint64_t e;

		if (__builtin_add_overflow(sp->sections[i].usage,
					   lay->mem_section_usage.size, &e))
			return ms_error_new(MS_ERR_FORMAT,
					    "section %" PRIu64 ": mem_section.usage 0x%" PRIx64 " wraps the address space",
					    sp->sections[i].nr, sp->sections[i].usage);
		if (e > end)
			end = e;
	}
	buf = malloc(end - base);
	if (!buf)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	err = ms_target_read(t, base, buf, end - base);
	if (err) {
		free(buf);
		return ms_error_wrap(err, "reading mem_section_usage of section %" PRIu64,
				     sp->sections[first].nr);
	}
	for (size_t i = first; i <= last; i++)
		set_subsections(lay, &sp->sections[i],
				buf + (sp->sections[i].usage - base));
	free(buf);
	return NULL;
}

/*
 * Boot sections' usage structs sit in one array per node, in section order,
 * so runs of ascending, nearby addresses cover most of them.
 */
static struct ms_error *check_usage(const struct ms_sparse *sp)
{
	uint64_t usize = sp->layout->mem_section_usage.size, a, b;
	struct addr_idx *v = malloc((sp->nr_sections + 1) * sizeof(*v));
	struct ms_error *err = NULL;
	size_t n = 0;

	if (!v)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < sp->nr_sections; i++)
		if (sp->sections[i].usage)
			v[n++] = (struct addr_idx){ sp->sections[i].usage, i };
	if (!disjoint(v, n, usize, &a, &b))
		err = ms_error_new(MS_ERR_FORMAT,
				   "sections %" PRIu64 " and %" PRIu64 " share mem_section_usage at 0x%" PRIx64,
				   sp->sections[a].nr, sp->sections[b].nr,
				   sp->sections[b].usage);
	free(v);
	return err;
}

static struct ms_error *load_usage(struct ms_target *t, struct ms_sparse *sp)
{
	uint64_t usize = sp->layout->mem_section_usage.size;
	struct ms_error *cerr = check_usage(sp);
	size_t i = 0;

	if (cerr)
		return cerr;

	while (i < sp->nr_sections) {
		size_t j = i;
		struct ms_error *err;

		if (!sp->sections[i].usage) {
			i++;
			continue;
		}
		while (j + 1 < sp->nr_sections && sp->sections[j + 1].usage &&
		       sp->sections[j + 1].usage > sp->sections[j].usage &&
		       sp->sections[j + 1].usage - sp->sections[j].usage <=
			       usize + USAGE_COALESCE_GAP)
			j++;
		err = read_usage_run(t, sp, i, j);
		if (err)
			return err;
		i = j + 1;
	}
	return NULL;
}

static struct ms_error *check_layout(const struct ms_layout *lay)
{
	if (lay->section_bit[MS_SECTION_PRESENT] < 0)
		return ms_error_new(MS_ERR_MISSING,
				    "kernel type information lacks SECTION_MARKED_PRESENT_BIT");
	if (lay->mem_section_usage.subsection_map_longs > MS_MAX_SUBSECTION_WORDS)
		return ms_error_new(MS_ERR_FORMAT,
				    "%u sub-section words per section; memscope handles %d",
				    lay->mem_section_usage.subsection_map_longs,
				    MS_MAX_SUBSECTION_WORDS);
	if (!lay->mem_section.size || !lay->sections_per_root)
		return ms_error_new(MS_ERR_FORMAT, "sizeof(struct mem_section) is 0");
	return NULL;
}

struct ms_error *ms_sparse_load(struct ms_target *t, const struct ms_kinfo *ki,
				struct ms_sparse **out)
{
	struct ms_sparse *sp;
	struct ms_error *err;

	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	sp->layout = ms_kinfo_layout(ki);
	sp->zone_device_idx = sp->layout->zone_device;
	err = check_layout(sp->layout);
	if (!err)
		err = load_sections(t, sp);
	if (!err)
		err = load_usage(t, sp);
	if (!err)
		err = ms_sparse_load_nodes(t, sp);
	if (err) {
		ms_sparse_free(sp);
		return err;
	}
	ms_sparse_assign_zones(sp);
	*out = sp;
	return NULL;
}

void ms_sparse_free(struct ms_sparse *sp)
{
	if (!sp)
		return;
	free(sp->sections);
	free(sp->nodes);
	free(sp->zones);
	free(sp);
}

bool ms_section_has(const struct ms_sparse *sp, const struct ms_section *s,
		    enum ms_section_bit bit)
{
	int b = sp->layout->section_bit[bit];

	return b >= 0 && (s->flag_bits & (1ULL << b));
}

bool ms_section_is_device(const struct ms_sparse *sp, const struct ms_section *s)
{
	if (ms_section_has(sp, s, MS_SECTION_ZONE_DEVICE))
		return true;
	/*
	 * Online memory is RAM: online_mem_sections() runs from online_pages()
	 * only, never for memremap_pages(); a dax range onlined through kmem
	 * stays inside ZONE_DEVICE's span (issue 11).
	 */
	if (ms_section_has(sp, s, MS_SECTION_ONLINE))
		return false;
	return (sp->zone_device_idx >= 0 &&
		(s->zone_mask & (1U << sp->zone_device_idx)));
}

bool ms_section_subsection_active(const struct ms_section *s, unsigned int i)
{
	if (i >= 64 * MS_MAX_SUBSECTION_WORDS)
		return false;
	return s->subsection_map[i / 64] & (1ULL << (i % 64));
}

const struct ms_section *ms_sparse_find(const struct ms_sparse *sp,
					uint64_t pfn)
{
	size_t lo = 0, hi = sp->nr_sections;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ms_section *s = &sp->sections[mid];

		if (pfn < s->start_pfn)
			hi = mid;
		else if (pfn >= s->start_pfn + s->nr_pages)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}
