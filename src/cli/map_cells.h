/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The section map as cells, for the SVG map: one cell per section number
 * up to the last present one, or, on big machines, per power-of-two group
 * of sections so that there are at most MS_MAP_MAX_CELLS (16 TiB of 128M
 * sections is 131072 sections: 2048 cells of 64). Classes and overlay
 * facts come from the model-level functions the TUI uses.
 */
#ifndef MEMSCOPE_CLI_MAP_CELLS_H
#define MEMSCOPE_CLI_MAP_CELLS_H

#include "cli.h"
#include "memscope/section_class.h"

#define MS_MAP_MAX_CELLS 2048
#define MS_MAP_MAX_DEVICES 64

enum ms_map_overlay {
	MS_MAP_OV_VMEMMAP = 1,		/* '+': struct pages on shared frames */
	MS_MAP_OV_COMPOUND = 2,		/* U V T S C: compound kinds */
	MS_MAP_OV_DEFERRED = 4,		/* '~': awaiting deferred init */
	MS_MAP_OV_PINS = 8,		/* '*': a pinned large folio */
};

struct ms_map_cell {
	enum ms_section_class cls;	/* the most common present class */
	uint32_t present;		/* present sections in the cell */
	uint64_t active, subsections;	/* sub-sections, over present ones */
	uint64_t subsection_map[MS_MAX_SUBSECTION_WORDS]; /* single-section cells */
	int64_t block;			/* memory block of the first section, -1 */
	bool shared, deferred;		/* overlays */
	uint8_t marks;			/* section_marks.h, OR of the cell */
};

struct ms_map_device {
	char name[64];
	uint64_t first, last;		/* cells it touches */
};

struct ms_map {
	struct ms_map_cell *cells;
	uint64_t nr_cells;
	uint64_t nr_sections;		/* section numbers mapped: 0 to the last present */
	unsigned int group;		/* sections per cell, a power of two */
	unsigned int per_section;	/* sub-sections per section */
	uint64_t section_bytes;
	uint64_t counts[MS_CLASS_NR];	/* sections per class (absent: numbers) */
	struct ms_map_device devices[MS_MAP_MAX_DEVICES];
	size_t nr_devices;
	unsigned int overlays;		/* enum ms_map_overlay, those collected */
};

/* "vmemmap,compound" -> bits; -1 (reported) on an unknown name. */
int ms_map_overlays_parse(const char *list, unsigned int *out);
struct ms_error *ms_map_build(struct ms_cli *c, unsigned int overlays,
			      struct ms_map *out);
/* The cells alone, from the facts of the sections (facts.h). */
struct ms_error *ms_map_cells(const struct ms_facts *f, struct ms_map *m);
void ms_map_free(struct ms_map *m);
/* The map as one SVG document (cmd_map_svg.c). */
void ms_map_svg_write(FILE *out, const struct ms_map *m, const char *release,
		      const char *source);

#endif
