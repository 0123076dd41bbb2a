// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Section facts shared by every face (see facts.h).
 *
 * The class follows the kernel's own decisions:
 * - SECTION_IS_ONLINE is set by online_mem_sections(), called from
 *   online_pages() only; memremap_pages() never onlines, so an online
 *   section is RAM, whatever ZONE_DEVICE's span says (a dax range handed
 *   to kmem and onlined Movable stays inside it, 6.1 through 7.3).
 * - A memory block exists for memory added as RAM (add_memory_resource()
 *   creates it, online or not); ZONE_DEVICE memory has none. So with sysfs,
 *   an offline section with a block is offline RAM, one without is device
 *   memory. Without sysfs the section flags and zone spans decide.
 * - dax kmem adds its range as "System RAM (kmem)" under the dax device in
 *   /proc/iomem (add_memory_driver_managed(), 5.8+); without iomem, online
 *   hot-added RAM inside ZONE_DEVICE's span is taken for kmem, the only
 *   way RAM gets there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/facts.h"
#include "memscope/section_class.h"

static const struct {
	enum ms_section_bit bit;
	const char *name;
	char letter;
} section_flags[] = {
	{ MS_SECTION_PRESENT, "present", 'P' },
	{ MS_SECTION_HAS_MEM_MAP, "memmap", 'M' },
	{ MS_SECTION_ONLINE, "online", 'O' },
	{ MS_SECTION_EARLY, "early", 'E' },
	{ MS_SECTION_ZONE_DEVICE, "zone_device", 'D' },
	{ MS_SECTION_VMEMMAP_PREINIT, "vmemmap_preinit", 'V' },
};

#define NR_FLAGS (sizeof(section_flags) / sizeof(*section_flags))

static void append(char *buf, size_t len, size_t *used, const char *sep,
		   const char *word)
{
	*used += snprintf(buf + *used, *used < len ? len - *used : 0, "%s%s",
			  *used ? sep : "", word);
}

void ms_section_flags_format(const struct ms_sparse *sp,
			     const struct ms_section *s, char *buf, size_t len)
{
	uint64_t known = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_FLAGS; i++) {
		int b = sp->layout->section_bit[section_flags[i].bit];

		if (b < 0)
			continue;
		known |= 1ULL << b;
		if (s->flag_bits & (1ULL << b))
			append(buf, len, &used, ",", section_flags[i].name);
	}
	for (int b = 0; b < 64; b++) {
		char word[8];

		if (!(s->flag_bits & ~known & (1ULL << b)))
			continue;
		snprintf(word, sizeof(word), "bit%d", b);
		append(buf, len, &used, ",", word);
	}
}

void ms_section_state_format(const struct ms_sparse *sp,
			     const struct ms_section *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_FLAGS && used + 1 < len; i++)
		if (ms_section_has(sp, s, section_flags[i].bit))
			buf[used++] = section_flags[i].letter;
	buf[used] = '\0';
}

const char *ms_section_class_name(enum ms_section_class c)
{
	/* the metrics' and diff's label too: one name per class */
	return ms_section_class_info(c)->label;
}

static const struct ms_block *block_at(const struct ms_sparse *sp,
				       const struct ms_section *s,
				       const struct ms_blocks *blocks)
{
	if (!blocks)
		return NULL;
	return ms_blocks_find(blocks, s->start_pfn << sp->layout->page_shift);
}

static bool is_kmem(const struct ms_sparse *sp, const struct ms_section *s,
		    const struct ms_iomem *iomem)
{
	uint64_t start = s->start_pfn << sp->layout->page_shift;
	uint64_t end = start + (s->nr_pages << sp->layout->page_shift) - 1;
	const char *owner;

	if (!iomem)
		return sp->zone_device_idx >= 0 &&
		       (s->zone_mask & (1U << sp->zone_device_idx));
	owner = ms_iomem_owner(iomem, start, end);
	return owner && !strcmp(owner, "System RAM (kmem)");
}

enum ms_section_class ms_section_class(const struct ms_sparse *sp,
				       const struct ms_section *s,
				       const struct ms_blocks *blocks,
				       const struct ms_iomem *iomem)
{
	if (!ms_section_has(sp, s, MS_SECTION_ONLINE)) {
		if (blocks)
			return block_at(sp, s, blocks) ? MS_CLASS_OFFLINE :
							 MS_CLASS_DEVICE;
		return ms_section_is_device(sp, s) ? MS_CLASS_DEVICE :
						     MS_CLASS_OFFLINE;
	}
	/* SECTION_IS_EARLY exists since 5.3 (326e1b8f83a4) */
	if (sp->layout->section_bit[MS_SECTION_EARLY] < 0)
		return MS_CLASS_ONLINE;
	if (ms_section_has(sp, s, MS_SECTION_EARLY))
		return MS_CLASS_EARLY;
	return is_kmem(sp, s, iomem) ? MS_CLASS_KMEM : MS_CLASS_HOTADDED;
}

const struct ms_block *ms_section_block(const struct ms_sparse *sp,
					const struct ms_section *s,
					const struct ms_blocks *blocks)
{
	return block_at(sp, s, blocks);
}

int ms_section_node(const struct ms_sparse *sp, const struct ms_section *s,
		    const struct ms_blocks *blocks)
{
	const struct ms_block *b;

	if (s->nid >= 0)
		return s->nid;
	b = block_at(sp, s, blocks);
	return b && b->nid >= 0 ? b->nid : -1;
}

void ms_section_subsection_map(const struct ms_sparse *sp,
			       const struct ms_section *s, char *buf,
			       size_t len)
{
	unsigned int n = sp->layout->subsections_per_section, i;

	if (!len)
		return;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = ms_section_subsection_active(s, i) ? '#' : '.';
	buf[i] = '\0';
}

const char *ms_section_owner(const struct ms_sparse *sp,
			     const struct ms_section *s,
			     const struct ms_iomem *iomem)
{
	uint64_t start = s->start_pfn << sp->layout->page_shift;

	if (!iomem)
		return NULL;
	return ms_iomem_owner(iomem, start,
			      start + (s->nr_pages << sp->layout->page_shift) - 1);
}

struct ms_error *ms_facts_build(const struct ms_sparse *sp,
				const struct ms_blocks *blocks,
				const struct ms_iomem *iomem,
				struct ms_facts *out)
{
	memset(out, 0, sizeof(*out));
	out->sections = calloc(sp->nr_sections ? sp->nr_sections : 1,
			       sizeof(*out->sections));
	if (!out->sections)
		return ms_error_new(MS_ERR_NOMEM, "facts of %zu sections",
				    sp->nr_sections);
	out->sp = sp;
	out->blocks = blocks;
	out->iomem = iomem;
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		struct ms_section_facts *f = &out->sections[i];

		f->cls = ms_section_class(sp, s, blocks, iomem);
		f->block = block_at(sp, s, blocks);
		f->nid = ms_section_node(sp, s, blocks);
		f->owner = ms_section_owner(sp, s, iomem);
		out->census.present++;
		out->census.by_class[f->cls]++;
		out->census.active += s->active;
		out->census.subsections += sp->layout->subsections_per_section;
	}
	return NULL;
}

void ms_facts_release(struct ms_facts *f)
{
	free(f->sections);
	memset(f, 0, sizeof(*f));
}

static bool overlaps(const struct ms_iomem_range *r, const struct ms_pgmap *g)
{
	for (unsigned int i = 0; i < g->nr_range; i++)
		if (r->start <= g->ranges[i].end && r->end >= g->ranges[i].start)
			return true;
	return false;
}

void ms_pgmap_names(const struct ms_iomem *io, const struct ms_pgmap *g,
		    char *ns, size_t nslen, char *dax, size_t daxlen)
{
	ns[0] = dax[0] = '\0';
	for (size_t i = 0; io && i < io->nr; i++) {
		const struct ms_iomem_range *r = &io->ranges[i];

		if (!overlaps(r, g))
			continue;
		if (!ns[0] && !strncmp(r->name, "namespace", 9))
			snprintf(ns, nslen, "%s", r->name);
		if (!dax[0] && !strncmp(r->name, "dax", 3))
			snprintf(dax, daxlen, "%s", r->name);
	}
}

void ms_pgmap_device_name(const struct ms_iomem *io, const struct ms_pgmap *g,
			  char *buf, size_t len)
{
	char ns[64], dax[64];

	ms_pgmap_names(io, g, ns, sizeof(ns), dax, sizeof(dax));
	if (dax[0])
		snprintf(buf, len, "%s", dax);
	else if (ns[0])
		snprintf(buf, len, "%s", ns);
	else
		snprintf(buf, len, "pgmap@0x%" PRIx64, g->addr);
}

void ms_vmemmap_owner_name(const struct ms_vmemmap *vm,
			   const struct ms_pgmaps *pm,
			   const struct ms_iomem *io, enum ms_vmemmap_kind kind,
			   int owner, char *buf, size_t len)
{
	const char *n;
	char dev[64];

	if (kind == MS_VMEMMAP_HUGETLB && owner >= 0 && vm &&
	    (size_t)owner < vm->nr_hstates) {
		n = vm->hstates[owner].name;
		if (!strncmp(n, "hugepages-", 10))
			n += 10;
		snprintf(buf, len, "hugetlb:%s", n);
	} else if (kind == MS_VMEMMAP_DEVICE && owner >= 0 && pm &&
		   (size_t)owner < pm->nr) {
		ms_pgmap_device_name(io, &pm->v[owner], dev, sizeof(dev));
		snprintf(buf, len, "device:%s", dev);
	} else {
		snprintf(buf, len, "%s", ms_vmemmap_kind_name(kind));
	}
}

size_t ms_pgmaps_missing(const struct ms_sparse *sp,
			 const struct ms_blocks *blocks,
			 const struct ms_pgmaps *pm)
{
	size_t n = 0;

	if (pm && pm->nr)
		return 0;
	for (size_t i = 0; i < sp->nr_sections; i++)
		n += ms_section_class(sp, &sp->sections[i], blocks, NULL) ==
		     MS_CLASS_DEVICE;
	return n;
}
