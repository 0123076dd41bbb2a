// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Devices view: runs of ZONE_DEVICE sections from the sparse model, each
 * with its owner in /proc/iomem, then the device ranges /proc/iomem
 * names (persistent memory, namespaces, dax devices, kmem). The pgmaps
 * themselves come with the pgmap model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

static bool device_name(const char *name)
{
	static const char *const words[] = {
		"Persistent Memory", "namespace", "dax", "pmem", "kmem",
		"Soft Reserved", "CXL",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strstr(name, words[i]))
			return true;
	return false;
}

static int render_runs(struct ms_tui *t, struct ms_canvas *c, int y, int end)
{
	const struct ms_tui_data *d = &t->data;
	const struct ms_layout *l = d->sp->layout;
	int row = 0;

	ms_canvas_text(c, 0, y++, MS_ROLE_TITLE, 0,
		       "ZONE_DEVICE sections          SECTIONS  SUB-SECTIONS  OWNER");
	for (uint64_t nr = 0; nr < d->nr_cells; nr++) {
		uint64_t first = nr, active = 0;
		const char *owner;

		if (d->cells[nr].state != MS_CELL_DEVICE)
			continue;
		for (; nr < d->nr_cells && d->cells[nr].state == MS_CELL_DEVICE; nr++)
			active += d->cells[nr].active;
		owner = d->iomem ? ms_iomem_owner(d->iomem, first << l->section_size_bits,
						  (nr << l->section_size_bits) - 1) : NULL;
		if (row++ >= t->list_top && y < end)
			ms_canvas_text(c, 0, y++, MS_ROLE_DEVICE, 0,
				       "0x%011" PRIx64 "-0x%011" PRIx64 " %4" PRIu64
				       "  %6" PRIu64 "/%-6" PRIu64 " %s",
				       first << l->section_size_bits,
				       (nr << l->section_size_bits) - 1, nr - first, active,
				       (nr - first) * d->per_section, owner ? owner : "-");
	}
	if (!row)
		ms_canvas_text(c, 0, y++, MS_ROLE_DIM, 0, "none");
	return y;
}

static int render_pgmaps(struct ms_tui *t, struct ms_canvas *c, int y, int end)
{
	const struct ms_tui_data *d = &t->data;
	char dev[64];

	ms_canvas_text(c, 0, y++, MS_ROLE_TITLE, 0,
		       "pgmaps (struct dev_pagemap)  TYPE     ORDER  RANGE                         DEVICE");
	if (!d->pgmaps) {
		ms_canvas_text(c, 0, y++, MS_ROLE_DIM, 0, "%s",
			       d->pgmap_msg[0] ? d->pgmap_msg : "not loaded yet");
		return y;
	}
	for (size_t i = 0; i < d->pgmaps->nr && y < end; i++) {
		const struct ms_pgmap *g = &d->pgmaps->v[i];

		/* named as the devices and vmemmap commands name it */
		ms_pgmap_device_name(d->iomem, g, dev, sizeof(dev));
		ms_canvas_text(c, 0, y++, MS_ROLE_DEVICE, 0,
			       "0x%016" PRIx64 "           %-8s %5u  0x%011" PRIx64 "-0x%011" PRIx64
			       " %s%s", g->addr, ms_pgmap_type_name(g->type), g->vmemmap_shift,
			       g->nr_range ? g->ranges[0].start : 0,
			       g->nr_range ? g->ranges[0].end : 0, dev,
			       g->altmap_reserve || g->altmap_free ? "  altmap (memmap on device)" : "");
	}
	if (!d->pgmaps->nr)
		ms_canvas_text(c, 0, y++, MS_ROLE_DIM, 0, "none");
	return y;
}

static void devices_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	const struct ms_iomem *io = t->data.iomem;
	int end = y + h;

	if (!t->data.sp)
		return;
	y = render_runs(t, c, y, end) + 1;
	y = render_pgmaps(t, c, y, end) + 1;
	ms_canvas_text(c, 0, y++, MS_ROLE_TITLE, 0, "/proc/iomem device ranges");
	if (!io) {
		/* the message may hold a '%' from the input: never a format */
		ms_canvas_text(c, 0, y, MS_ROLE_DIM, 0, "%s", t->data.iomem_msg[0] ?
			       t->data.iomem_msg : "no /proc/iomem");
		return;
	}
	for (size_t i = 0; i < io->nr && y < end; i++) {
		const struct ms_iomem_range *r = &io->ranges[i];

		if (device_name(r->name))
			ms_canvas_text(c, 2 * r->depth, y++, MS_ROLE_TEXT, 0,
				       "0x%011" PRIx64 "-0x%011" PRIx64 " %s",
				       r->start, r->end, r->name);
	}
}

static void devices_status(struct ms_tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%u ZONE_DEVICE sections", t->data.counts[MS_CELL_DEVICE]);
}

static int devices_move(struct ms_tui *t, int dx, int dy)
{
	if (t->list_top + dy >= 0)
		t->list_top += dy;
	return MS_REDRAW_VIEW;
}

static int devices_zoom(struct ms_tui *t, int dir)
{
	return MS_REDRAW_NONE;
}

const struct ms_view ms_view_devices = {
	.name = "Devices",
	.render = devices_render,
	.status = devices_status,
	.move = devices_move,
	.zoom = devices_zoom,
};
