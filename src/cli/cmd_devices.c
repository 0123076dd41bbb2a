// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope devices: one row per ZONE_DEVICE pgmap, named after the nvdimm
 * namespace and dax device /proc/iomem shows in its range. The range, type,
 * compound geometry (vmemmap_shift) and altmap come from the kernel's
 * struct dev_pagemap; MEMMAP (ram or device) and the vmemmap bytes from the
 * page tables; ALIGN from the dax device in sysfs (what daxctl shows), or
 * for a core without it from the pgmap.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "commands.h"
#include "vmemmap_fmt.h"

enum {
	COL_DEVICE, COL_RANGE, COL_TYPE, COL_ALIGN, COL_GEOMETRY, COL_MEMMAP,
	COL_VMEMMAP_BYTES, COL_SAVED, COL_NAMESPACE, COL_SIZE, COL_ALIGNED,
	COL_PGMAP, COL_ALTMAP, COL_FRAMES, COL_PAGES,
};

const struct ms_coldesc ms_devices_columns[] = {
	[COL_DEVICE] = { "DEVICE", 10, false, true, MS_COL_STRING, "dax device, else namespace, else pgmap address" },
	[COL_RANGE] = { "RANGE", 33, false, true, MS_COL_STRING, "physical range of the pgmap (first range)" },
	[COL_TYPE] = { "TYPE", 7, false, true, MS_COL_STRING, "devdax, fsdax, generic, private, coherent, p2pdma" },
	[COL_ALIGN] = { "ALIGN", 5, true, true, MS_COL_SIZE, "dax device alignment (sysfs)" },
	[COL_GEOMETRY] = { "GEOMETRY", 5, true, true, MS_COL_SIZE, "compound page size: PAGE_SIZE << vmemmap_shift" },
	[COL_MEMMAP] = { "MEMMAP", 6, false, true, MS_COL_STRING, "where the page tables put the struct pages: ram, device or mixed" },
	[COL_VMEMMAP_BYTES] = { "VMEMMAP_BYTES", 6, true, true, MS_COL_SIZE, "frames backing its struct pages, in bytes" },
	[COL_SAVED] = { "SAVED", 6, true, true, MS_COL_SIZE, "vmemmap bytes saved by compound page dedup" },
	[COL_NAMESPACE] = { "NAMESPACE", 12, false, false, MS_COL_STRING, "nvdimm namespace in /proc/iomem" },
	[COL_SIZE] = { "SIZE", 6, true, false, MS_COL_SIZE, "bytes in the pgmap's ranges" },
	[COL_ALIGNED] = { "ALIGNED", 3, false, true, MS_COL_STRING, "yes when the range starts and ends on the geometry" },
	[COL_PGMAP] = { "PGMAP", 18, false, false, MS_COL_HEX, "struct dev_pagemap address" },
	[COL_ALTMAP] = { "ALTMAP", 6, true, false, MS_COL_NUMBER, "pfns the altmap gave to the memmap (altmap.alloc)" },
	[COL_FRAMES] = { "FRAMES", 6, true, false, MS_COL_NUMBER, "distinct frames behind its struct pages" },
	[COL_PAGES] = { "PAGES", 6, true, false, MS_COL_NUMBER, "vmemmap pages mapped for it" },
};
const size_t ms_devices_nr_columns =
	sizeof(ms_devices_columns) / sizeof(*ms_devices_columns);

struct dev_row {
	const struct ms_vmemmap_model *m;
	const struct ms_pgmap *g;
	const struct ms_vmemmap_count *n;
	char ns[64], dax[64];
	uint64_t align;		/* 0: unknown */
};

static void devices_cell(const struct ms_cli *c, int id, const void *row,
			 char *buf, size_t len)
{
	const struct dev_row *d = row;
	const struct ms_pgmap *g = d->g;
	uint64_t geo = 4096ULL << g->vmemmap_shift;

	switch (id) {
	case COL_DEVICE:
		ms_pgmap_device_name(d->m->iomem, g, buf, len);
		break;
	case COL_RANGE:
		snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64, g->ranges[0].start,
			 g->ranges[0].end);
		break;
	case COL_TYPE:
		snprintf(buf, len, "%s", ms_vmemmap_pgmap_type(g, d->dax));
		break;
	case COL_ALIGN:
		if (d->align)
			snprintf(buf, len, "%" PRIu64, d->align);
		break;
	case COL_GEOMETRY:
		snprintf(buf, len, "%" PRIu64, geo);
		break;
	case COL_MEMMAP:
		if (ms_vmemmap_pgmap_memmap(d->n))
			snprintf(buf, len, "%s", ms_vmemmap_pgmap_memmap(d->n));
		break;
	case COL_VMEMMAP_BYTES:
		if (d->n)
			snprintf(buf, len, "%" PRIu64, d->n->frames * 4096);
		break;
	case COL_SAVED:
		if (d->n)
			snprintf(buf, len, "%" PRIu64, ms_vmemmap_saved(d->n) * 4096);
		break;
	case COL_NAMESPACE:
		snprintf(buf, len, "%s", d->ns);
		break;
	case COL_SIZE:
		snprintf(buf, len, "%" PRIu64, ms_vmemmap_pgmap_size(g));
		break;
	case COL_ALIGNED:
		snprintf(buf, len, "%s", g->ranges[0].start % geo ||
			 (g->ranges[0].end + 1) % geo ? "no" : "yes");
		break;
	case COL_PGMAP:
		snprintf(buf, len, "0x%" PRIx64, g->addr);
		break;
	case COL_ALTMAP:
		snprintf(buf, len, "%" PRIu64, g->altmap_alloc);
		break;
	case COL_FRAMES:
		if (d->n)
			snprintf(buf, len, "%" PRIu64, d->n->frames);
		break;
	case COL_PAGES:
		if (d->n)
			snprintf(buf, len, "%" PRIu64, d->n->pages);
		break;
	}
}

/*
 * The dax device's alignment from sysfs; 0 when there is none. A core file
 * whose files lack it has the kernel's own record: dev_dax_probe()
 * (drivers/dax/device.c, 5.17+) sets a devdax pgmap's vmemmap_shift to
 * order_base_2(align >> PAGE_SHIFT) when align > PAGE_SIZE, else leaves 0.
 */
static uint64_t dax_align(struct ms_cli *c, const char *dax,
			  const struct ms_pgmap *g)
{
	bool core = c->core_path && strcmp(c->core_path, "/proc/kcore");
	char rel[128], text[64];
	const struct ms_fs *fs;
	struct ms_error *err;
	int ret = -ENOENT;

	if (!dax[0] || strchr(dax, '/'))
		return 0;
	err = ms_cli_fs(c, &fs);
	if (err) {
		ms_error_free(err);
		return 0;
	}
	snprintf(rel, sizeof(rel), "/sys/bus/dax/devices/%s/align", dax);
	if (fs)
		ret = ms_fs_read_text(fs, rel, text, sizeof(text));
	if (!ret)
		return strtoull(text, NULL, 0);
	if (ret == -ENOENT && core && g->type == MS_PGMAP_GENERIC &&
	    g->has_vmemmap_shift && g->vmemmap_shift < 32)
		return ms_kinfo_layout(c->kinfo)->page_size << g->vmemmap_shift;
	return 0;
}

int ms_cmd_devices(struct ms_cli *c, int argc, char **argv)
{
	struct ms_vmemmap_model m;
	struct ms_error *err;
	struct ms_table *t;
	int rc;

	if (argc > 1)
		return ms_cli_usage_error("devices takes no arguments");
	err = ms_vmemmap_model_load(c, true, &m);
	if (err) {
		ms_vmemmap_model_release(&m);
		return ms_cli_fail(ms_error_wrap(err, "devices"));
	}
	t = ms_table_new(c, "devices", ms_devices_columns,
			 ms_devices_nr_columns, devices_cell);
	if (!t) {
		ms_vmemmap_model_release(&m);
		return MS_EXIT_USAGE;
	}
	for (size_t i = 0; i < m.pgmaps->nr; i++) {
		struct dev_row d = { .m = &m, .g = &m.pgmaps->v[i] };

		if (i < m.vm->nr_pgmaps)
			d.n = &m.vm->by_pgmap[i];
		ms_pgmap_names(m.iomem, d.g, d.ns, sizeof(d.ns), d.dax, sizeof(d.dax));
		d.align = dax_align(c, d.dax, d.g);
		ms_table_add_row(t, &d);
	}
	rc = ms_table_print(t);
	ms_vmemmap_model_release(&m);
	return rc;
}
