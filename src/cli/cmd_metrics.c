// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope metrics [--textfile DIR]: what memscope knows, as Prometheus
 * gauges (text exposition format, also valid OpenMetrics), on stdout or
 * written atomically as DIR/memscope.prom for node_exporter's textfile
 * collector. Every figure comes from the collectors the table commands use
 * (sections, blocks, vmemmap, devices, compound, deferred), so a metric
 * equals the CLI's -J of the same source. A collector that fails leaves
 * its families out (a census with invalid heads keeps what it counted, as
 * `compound` prints it), says why on stderr, sets
 * memscope_collector_success{collector} to 0 and makes the exit 64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "census.h"
#include "commands.h"
#include "memscope/deferred.h"
#include "memscope/section_class.h"
#include "page_fmt.h"
#include "page_range.h"
#include "prom.h"
#include "section_fmt.h"
#include "textfile.h"
#include "vmemmap_fmt.h"

#define TEXTFILE_NAME "memscope.prom"

enum { OPT_TEXTFILE };

const struct ms_cmdopt ms_metrics_opts[] = {
	[OPT_TEXTFILE] = { "textfile", true, "write DIR/memscope.prom atomically (node_exporter textfile collector)" },
	{ NULL, false, NULL },
};

enum {
	F_SECTIONS, F_SUBSECTIONS, F_BLOCKS, F_MEMMAP, F_SAVED, F_COMPOUND,
	F_PGMAP, F_DEFERRED, F_PINNED, F_INFO, F_SUCCESS, F_DURATION, F_NR,
};

struct metrics {
	struct ms_prom_family f[F_NR];	/* written in this order */
};

#define FAMILY(n, h) { .name = "memscope_" n, .help = h }

static const struct ms_prom_family families[F_NR] = {
	[F_SECTIONS] = FAMILY("sections", "Present memory sections by node, zones spanned (joined by /) and class (early, hotadded, kmem, online, offline, device: the sections command's CLASS)."),
	[F_SUBSECTIONS] = FAMILY("subsections_active", "Active (populated) sub-sections of the present sections, by node."),
	[F_BLOCKS] = FAMILY("memory_blocks", "Memory blocks (/sys/devices/system/memory) by node, valid zones and state."),
	[F_MEMMAP] = FAMILY("memmap_bytes", "Bytes of distinct frames backing struct pages, by vmemmap owner and where they lie (ram, or self: inside the memory described)."),
	[F_SAVED] = FAMILY("vmemmap_saved_bytes", "vmemmap bytes saved by frame sharing: HugeTLB vmemmap optimisation per hstate (hugetlb:SIZE), compound devmaps per device (device:NAME); sharing no one owner accounts for under its kind (boot, hotplug, hugetlb, device)."),
	[F_COMPOUND] = FAMILY("compound_pages", "Compound pages (folios of order > 0) by kind, order and zone."),
	[F_PGMAP] = FAMILY("pgmap_bytes", "Bytes of ZONE_DEVICE pgmaps by device, type and where their struct pages lie (ram, device, mixed)."),
	[F_DEFERRED] = FAMILY("deferred_pending_pages", "Struct pages of the node's deferrable zone not initialised yet (deferred struct page init)."),
	[F_PINNED] = FAMILY("pinned_pages", "Base pages of large folios with a positive _pincount (FOLL_PIN); small pages keep pins in _refcount, not counted."),
	[F_INFO] = FAMILY("info", "The kernel memscope read and where its types came from (btf, dwarf)."),
	[F_SUCCESS] = FAMILY("collector_success", "1 when the collector produced its families, 0 when it failed (memscope says why on stderr)."),
	[F_DURATION] = FAMILY("scrape_duration_seconds", "Seconds memscope took to collect these metrics."),
};

static void node_label(int nid, char *buf, size_t len)
{
	if (nid >= 0)
		snprintf(buf, len, "%d", nid);
	else
		buf[0] = '\0';
}

/* Node and class as the sections command prints them (facts.h). */
static struct ms_error *collect_sections(struct ms_cli *c, struct metrics *m)
{
	const struct ms_sparse *sp = c->sparse;
	struct ms_facts facts;
	struct ms_error *err = ms_cli_facts_any_iomem(c, &facts);

	if (err)
		return err;
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		const struct ms_section_facts *f = &facts.sections[i];
		char node[16], zone[64];

		node_label(f->nid, node, sizeof(node));
		ms_section_zone_names(sp, s, zone, sizeof(zone));
		ms_prom_add(&m->f[F_SECTIONS], 1, "node", node, "zone", zone, "class",
			    ms_section_class_name(f->cls), NULL);
		ms_prom_add(&m->f[F_SUBSECTIONS], s->active, "node", node, NULL);
	}
	ms_facts_release(&facts);
	return NULL;
}

/* Without sysfs (a core file without --sysroot) there are no blocks. */
static struct ms_error *collect_blocks(struct ms_cli *c, struct metrics *m)
{
	const struct ms_blocks *bl;
	struct ms_error *err = ms_cli_blocks(c, &bl);

	for (size_t i = 0; !err && bl && i < bl->nr; i++) {
		const struct ms_block *b = &bl->blocks[i];
		char node[16];

		node_label(b->nid, node, sizeof(node));
		ms_prom_add(&m->f[F_BLOCKS], 1, "node", node, "zone", b->zones,
			    "state", ms_block_state_format(b), NULL);
	}
	return err;
}

static void collect_pgmaps(const struct ms_vmemmap_model *vm, struct metrics *m)
{
	for (size_t i = 0; i < vm->pgmaps->nr; i++) {
		const struct ms_pgmap *g = &vm->pgmaps->v[i];
		const struct ms_vmemmap_count *n = i < vm->vm->nr_pgmaps ?
					      &vm->vm->by_pgmap[i] : NULL;
		const char *where = ms_vmemmap_pgmap_memmap(n);
		char dev[64], ns[64], dax[64], owner[80];

		ms_pgmap_device_name(vm->iomem, g, dev, sizeof(dev));
		ms_pgmap_names(vm->iomem, g, ns, sizeof(ns), dax, sizeof(dax));
		ms_prom_add(&m->f[F_PGMAP], (double)ms_vmemmap_pgmap_size(g), "device", dev,
			    "type", ms_vmemmap_pgmap_type(g, dax), "memmap",
			    where ? where : "", NULL);
		if (!n)
			continue;
		ms_vmemmap_owner_name(vm->vm, vm->pgmaps, vm->iomem,
				      MS_VMEMMAP_DEVICE, (int)i, owner, sizeof(owner));
		ms_prom_add(&m->f[F_SAVED], (double)(ms_vmemmap_saved(n) * 4096), "owner",
			    owner, NULL);
	}
}

/*
 * Sharing no single hstate or pgmap accounts for (frames shared across
 * owners, HugeTLB folios or devices the model could not name) goes under
 * the kind: each kind's saving is at least the sum of its owners', since
 * a frame two owners share counts once in the kind. So the series add up
 * to the CLI's per-kind totals and never overlap.
 */
static void saved_unattributed(const struct ms_vmemmap_model *vm, struct metrics *m)
{
	uint64_t owned[MS_VMEMMAP_NR_KINDS] = { 0 };

	for (size_t i = 0; i < vm->vm->nr_hstates; i++)
		owned[MS_VMEMMAP_HUGETLB] += ms_vmemmap_saved(&vm->vm->by_hstate[i]);
	for (size_t i = 0; i < vm->vm->nr_pgmaps; i++)
		owned[MS_VMEMMAP_DEVICE] += ms_vmemmap_saved(&vm->vm->by_pgmap[i]);
	for (int k = 0; k < MS_VMEMMAP_NR_KINDS; k++) {
		uint64_t saved = ms_vmemmap_saved(&vm->vm->kind[k]);

		if (saved > owned[k])
			ms_prom_add(&m->f[F_SAVED], (double)((saved - owned[k]) * 4096),
				    "owner", ms_vmemmap_kind_name(k), NULL);
	}
}

static struct ms_error *collect_vmemmap(struct ms_cli *c, struct metrics *m)
{
	struct ms_vmemmap_model vm;
	struct ms_error *err = ms_vmemmap_model_load(c, true, &vm);

	if (err) {
		ms_vmemmap_model_release(&vm);
		return err;
	}
	for (size_t i = 0; i < vm.vm->nr_rows; i++) {
		const struct ms_vmemmap_row *r = &vm.vm->rows[i];
		char owner[80];

		ms_vmemmap_owner_name(vm.vm, vm.pgmaps, vm.iomem,
				      r->kind, r->owner, owner, sizeof(owner));
		ms_prom_add(&m->f[F_MEMMAP], (double)(r->c.frames * 4096), "owner",
			    owner, "memmap", r->self ? "self" : "ram", NULL);
	}
	for (size_t i = 0; i < vm.vm->nr_hstates; i++) {
		char owner[80];

		ms_vmemmap_owner_name(vm.vm, vm.pgmaps, vm.iomem,
				      MS_VMEMMAP_HUGETLB, (int)i, owner, sizeof(owner));
		ms_prom_add(&m->f[F_SAVED], (double)(ms_vmemmap_saved(&vm.vm->by_hstate[i]) * 4096),
			    "owner", owner, NULL);
	}
	collect_pgmaps(&vm, m);
	saved_unattributed(&vm, m);
	ms_vmemmap_model_release(&vm);
	return NULL;
}

static struct ms_error *collect_compound(struct ms_cli *c, struct metrics *m)
{
	struct ms_page_layout pl;
	struct ms_pfn_range r;
	struct ms_census x;
	struct ms_error *err = ms_cli_page_layout(c, &pl);

	if (err)
		return err;
	ms_cli_pfn_all(c, &r);
	err = ms_cli_census(c, &pl, r.start, r.nr, &x);
	if (err)
		return err;
	for (size_t i = 0; i < x.n; i++) {
		const struct ms_census_bucket *b = &x.b[i];
		char order[16], zone[32];

		snprintf(order, sizeof(order), "%u", b->order);
		ms_zone_format(c->sparse, b->node, b->zone, zone, sizeof(zone));
		ms_prom_add(&m->f[F_COMPOUND], (double)b->count, "kind",
			    ms_compound_kind_name(b->kind), "order", order,
			    "zone", zone, NULL);
	}
	ms_prom_add(&m->f[F_PINNED], (double)x.pinned_pages, NULL);
	if (x.invalid)
		err = ms_error_new(MS_ERR_FORMAT, "%llu compound heads invalid (see memscope check): not counted",
				   (unsigned long long)x.invalid);
	else if (x.overflow)
		err = ms_error_new(MS_ERR_FORMAT, "more than %d kinds of compound page; the census is partial",
				   MS_CENSUS_MAX_BUCKETS);
	ms_census_free(&x);
	return err;
}

static struct ms_error *collect_deferred(struct ms_cli *c, struct metrics *m)
{
	struct ms_deferred *d;
	struct ms_error *err = ms_cli_deferred_load(c, &d);

	if (err)
		return err;
	for (size_t i = 0; i < d->nr; i++) {
		const struct ms_deferred_node *n = &d->nodes[i];
		char node[16];

		if (n->state == MS_DEFERRED_NOT_CONFIGURED)
			continue;
		node_label(n->nid, node, sizeof(node));
		ms_prom_add(&m->f[F_DEFERRED], (double)n->pending, "node", node, NULL);
	}
	ms_deferred_free(d);
	return NULL;
}

static const struct {
	const char *name;
	struct ms_error *(*collect)(struct ms_cli *c, struct metrics *m);
} collectors[] = {
	{ "sections", collect_sections },
	{ "blocks", collect_blocks },
	{ "vmemmap", collect_vmemmap },
	{ "compound", collect_compound },
	{ "deferred", collect_deferred },
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs every collector; returns how many failed. */
static int collect(struct ms_cli *c, struct metrics *m)
{
	int failed = 0;

	ms_prom_add(&m->f[F_INFO], 1, "kernel", c->sparse->layout->release, "types",
		    ms_kinfo_type_source(c->kinfo), NULL);
	for (size_t i = 0; i < sizeof(collectors) / sizeof(*collectors); i++) {
		struct ms_error *err = collectors[i].collect(c, m);

		if (err) {
			fprintf(stderr, "memscope: metrics: %s: %s\n",
				collectors[i].name, err->msg);
			ms_error_free(err);
			failed++;
		}
		ms_prom_add(&m->f[F_SUCCESS], err ? 0 : 1, "collector",
			    collectors[i].name, NULL);
	}
	return failed;
}

static struct ms_error *render(struct metrics *m, char **doc, size_t *len)
{
	FILE *out = open_memstream(doc, len);

	if (!out)
		return ms_error_new(MS_ERR_NOMEM, "metrics");
	for (int i = 0; i < F_NR; i++) {
		if (m->f[i].failed)
			fprintf(stderr, "memscope: metrics: %s: out of memory, left out\n",
				m->f[i].name);
		ms_prom_write(out, &m->f[i]);
	}
	fputs("# EOF\n", out);
	return fclose(out) ? ms_error_new(MS_ERR_NOMEM, "metrics") : NULL;
}

static void metrics_free(struct metrics *m)
{
	for (int i = 0; i < F_NR; i++)
		ms_prom_free(&m->f[i]);
}

int ms_cmd_metrics(struct ms_cli *c, int argc, char **argv)
{
	const char *dir = c->opt[OPT_TEXTFILE];
	struct ms_error *err;
	struct timespec t0;
	struct metrics m;
	char *doc = NULL;
	size_t len = 0;
	int failed, dfd = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc > 1)
		return ms_cli_usage_error("metrics takes no arguments");
	if (dir && !*dir)
		return ms_cli_usage_error("--textfile wants a directory");
	err = dir ? ms_textfile_open_dir(dir, &dfd) : NULL;
	if (!err)
		err = ms_cli_kernel(c);
	if (err) {
		if (dfd >= 0)
			close(dfd);
		return ms_cli_fail(err);
	}
	memcpy(m.f, families, sizeof(m.f));
	failed = collect(c, &m);
	ms_prom_add(&m.f[F_DURATION], seconds_since(&t0), NULL);
	err = render(&m, &doc, &len);
	metrics_free(&m);
	if (dir && !err)
		err = ms_textfile_write(dfd, dir, TEXTFILE_NAME, doc, len);
	else if (dir)
		close(dfd);
	else if (!err)
		fwrite(doc, 1, len, stdout);
	free(doc);
	if (err)
		return ms_cli_fail(err);
	return failed ? MS_EXIT_PARTIAL : MS_EXIT_OK;
}
