// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope summary: a short report of every layer — the kernel and its
 * type source, paging, the sparse model, memory blocks, nodes and zones.
 * -J gives the same facts as one JSON object.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "section_fmt.h"

/* Flags as the kernel set them; classes as facts.h decides (and the TUI). */
struct section_counts {
	size_t present, memmap, online, early, tainted, preinit;
	struct ms_section_census census;
};

static void count_sections(struct ms_cli *c, const struct ms_facts *f,
			   struct section_counts *n)
{
	const struct ms_sparse *sp = c->sparse;

	memset(n, 0, sizeof(*n));
	n->census = f->census;
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];

		n->present++;
		n->memmap += ms_section_has(sp, s, MS_SECTION_HAS_MEM_MAP);
		n->online += ms_section_has(sp, s, MS_SECTION_ONLINE);
		n->early += ms_section_has(sp, s, MS_SECTION_EARLY);
		n->tainted += ms_section_has(sp, s, MS_SECTION_ZONE_DEVICE);
		n->preinit += ms_section_has(sp, s, MS_SECTION_VMEMMAP_PREINIT);
	}
}

struct block_counts {
	size_t total, online, offline;
	uint64_t online_bytes, offline_bytes;
};

static void count_blocks(const struct ms_blocks *bl, struct block_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; bl && i < bl->nr; i++) {
		bool online = !strcmp(bl->blocks[i].state, "online");

		n->total++;
		n->online += online;
		n->offline += !online;
		if (online)
			n->online_bytes += bl->blocks[i].size;
		else
			n->offline_bytes += bl->blocks[i].size;
	}
}

static void summary_text(struct ms_cli *c, const struct ms_facts *f)
{
	const struct ms_blocks *bl = f->blocks;
	const struct ms_sparse *sp = c->sparse;
	const struct ms_layout *lay = sp->layout;
	struct section_counts sc;
	struct block_counts bc;
	char a[32], b[32];

	count_sections(c, f, &sc);
	count_blocks(bl, &bc);
	printf("kernel:        %s (types: %s)\n", lay->release,
	       ms_kinfo_type_source(c->kinfo));
	printf("source:        %s\n", ms_target_path(c->target));
	printf("paging:        %d-level, KASLR offset 0x%" PRIx64 "\n",
	       lay->pgtable_levels, lay->kaslr_offset);
	printf("direct map:    0x%" PRIx64 "   vmemmap: 0x%" PRIx64 "\n",
	       lay->page_offset_base, lay->vmemmap_base);
	ms_cli_size(c, 1ULL << lay->section_size_bits, a, sizeof(a));
	ms_cli_size(c, 1ULL << lay->subsection_shift, b, sizeof(b));
	printf("sparse model:  section %s, sub-section %s (%u per section), struct page %" PRIu64 " bytes, %" PRIu64 " sections max\n",
	       a, b, lay->subsections_per_section, lay->page_struct_size,
	       lay->nr_mem_sections);
	printf("sections:      %zu present: %zu boot RAM, %zu hot-added RAM, %zu kmem RAM, %zu offline RAM, %zu device memory\n",
	       sc.present, sc.census.by_class[MS_CLASS_EARLY] +
	       sc.census.by_class[MS_CLASS_ONLINE],
	       sc.census.by_class[MS_CLASS_HOTADDED],
	       sc.census.by_class[MS_CLASS_KMEM],
	       sc.census.by_class[MS_CLASS_OFFLINE],
	       sc.census.by_class[MS_CLASS_DEVICE]);
	printf("section flags: %zu memmap, %zu online, %zu early, %zu zone_device",
	       sc.memmap, sc.online, sc.early, sc.tainted);
	if (lay->section_bit[MS_SECTION_VMEMMAP_PREINIT] >= 0)
		printf(", %zu vmemmap_preinit", sc.preinit);
	printf("\nsub-sections:  %" PRIu64 " of %" PRIu64 " active\n",
	       sc.census.active, sc.census.subsections);
	if (bl) {
		ms_cli_size(c, bl->block_size, a, sizeof(a));
		printf("blocks:        %zu of %s: %zu online, %zu offline\n",
		       bc.total, a, bc.online, bc.offline);
		ms_cli_size(c, bc.online_bytes, a, sizeof(a));
		ms_cli_size(c, bc.offline_bytes, b, sizeof(b));
		printf("memory:        %s online, %s offline\n", a, b);
	}
	for (size_t i = 0; i < sp->nr_nodes; i++) {
		const struct ms_node *n = &sp->nodes[i];

		printf("node %d:        pfn 0x%" PRIx64 "-0x%" PRIx64 ", %" PRIu64 " pages present, zones",
		       n->nid, n->start_pfn, n->start_pfn + n->spanned,
		       n->present);
		for (size_t z = 0; z < sp->nr_zones; z++)
			if (sp->zones[z].nid == n->nid)
				printf(" %s", sp->zones[z].name);
		putchar('\n');
	}
}

static void summary_json(struct ms_cli *c, const struct ms_facts *f)
{
	const struct ms_blocks *bl = f->blocks;
	const struct ms_sparse *sp = c->sparse;
	const struct ms_layout *lay = sp->layout;
	struct section_counts sc;
	struct block_counts bc;

	count_sections(c, f, &sc);
	count_blocks(bl, &bc);
	printf("{\n   \"schema\": %d,\n", MS_JSON_SCHEMA);
	printf("   \"release\": \"%s\",\n   \"types\": \"%s\",\n",
	       lay->release, ms_kinfo_type_source(c->kinfo));
	printf("   \"paging_levels\": %d,\n   \"kaslr_offset\": \"0x%" PRIx64 "\",\n",
	       lay->pgtable_levels, lay->kaslr_offset);
	printf("   \"page_offset_base\": \"0x%" PRIx64 "\",\n   \"vmemmap_base\": \"0x%" PRIx64 "\",\n",
	       lay->page_offset_base, lay->vmemmap_base);
	printf("   \"section_bytes\": %" PRIu64 ",\n   \"subsection_bytes\": %" PRIu64 ",\n",
	       (uint64_t)1 << lay->section_size_bits,
	       (uint64_t)1 << lay->subsection_shift);
	printf("   \"struct_page_bytes\": %" PRIu64 ",\n   \"nr_mem_sections\": %" PRIu64 ",\n",
	       lay->page_struct_size, lay->nr_mem_sections);
	printf("   \"sections\": {\"present\": %zu, \"boot\": %zu, \"hotplugged\": %zu, \"kmem\": %zu, \"offline\": %zu, \"device\": %zu, \"active_subsections\": %" PRIu64 ", \"subsections\": %" PRIu64 ",\n",
	       sc.present, sc.census.by_class[MS_CLASS_EARLY] +
	       sc.census.by_class[MS_CLASS_ONLINE],
	       sc.census.by_class[MS_CLASS_HOTADDED],
	       sc.census.by_class[MS_CLASS_KMEM],
	       sc.census.by_class[MS_CLASS_OFFLINE],
	       sc.census.by_class[MS_CLASS_DEVICE], sc.census.active,
	       sc.census.subsections);
	printf("      \"flags\": {\"present\": %zu, \"memmap\": %zu, \"online\": %zu, \"early\": %zu, \"zone_device\": %zu, \"vmemmap_preinit\": %zu}},\n",
	       sc.present, sc.memmap, sc.online, sc.early, sc.tainted,
	       sc.preinit);
	if (bl)
		printf("   \"blocks\": {\"block_size\": %" PRIu64 ", \"total\": %zu, \"online\": %zu, \"offline\": %zu, \"online_bytes\": %" PRIu64 ", \"offline_bytes\": %" PRIu64 "},\n",
		       bl->block_size, bc.total, bc.online, bc.offline,
		       bc.online_bytes, bc.offline_bytes);
	printf("   \"nodes\": [");
	for (size_t i = 0; i < sp->nr_nodes; i++) {
		const struct ms_node *n = &sp->nodes[i];

		printf("%s\n      {\"node\": %d, \"start_pfn\": %" PRIu64 ", \"spanned\": %" PRIu64 ", \"present\": %" PRIu64 ", \"zones\": [",
		       i ? "," : "", n->nid, n->start_pfn, n->spanned, n->present);
		for (size_t z = 0, k = 0; z < sp->nr_zones; z++)
			if (sp->zones[z].nid == n->nid)
				printf("%s\"%s\"", k++ ? ", " : "", sp->zones[z].name);
		printf("]}");
	}
	printf("\n   ]\n}\n");
}

int ms_cmd_summary(struct ms_cli *c, int argc, char **argv)
{
	struct ms_facts facts;
	struct ms_error *err;

	if (argc > 1)
		return ms_cli_usage_error("summary takes no arguments");
	/* no iomem: the flags and spans decide */
	err = ms_cli_facts_any_iomem(c, &facts);
	if (err)
		return ms_cli_fail(err);
	if (c->json)
		summary_json(c, &facts);
	else
		summary_text(c, &facts);
	ms_facts_release(&facts);
	return MS_EXIT_OK;
}
