/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * section_class: what a memory section is, as the map shows it (early boot,
 * hot-added, online, offline, ZONE_DEVICE, absent), with its name, map
 * letter, colour and a label for exports. One scheme for the TUI, the SVG
 * map and the metrics, so they cannot disagree.
 */
#ifndef MEMSCOPE_SECTION_CLASS_H
#define MEMSCOPE_SECTION_CLASS_H

#include "sparse.h"

/* The order is the legend's. */
enum ms_section_class {
	MS_CLASS_EARLY,		/* online, SECTION_IS_EARLY: boot memory */
	MS_CLASS_HOTADDED,	/* online, not early: added after boot */
	MS_CLASS_KMEM,		/* online device memory given to the kernel
				 * as System RAM (dax kmem) */
	MS_CLASS_ONLINE,	/* online, kernel without an early bit */
	MS_CLASS_OFFLINE,	/* present, not online */
	MS_CLASS_DEVICE,	/* ZONE_DEVICE */
	MS_CLASS_ABSENT,	/* no present section */
	MS_CLASS_NR,
};

/* The eight basic terminal colours, numbered as ANSI and curses number them. */
enum ms_colour {
	MS_COLOUR_DEFAULT = -1,
	MS_COLOUR_BLACK, MS_COLOUR_RED, MS_COLOUR_GREEN, MS_COLOUR_YELLOW,
	MS_COLOUR_BLUE, MS_COLOUR_MAGENTA, MS_COLOUR_CYAN, MS_COLOUR_WHITE,
};

struct ms_section_class_info {
	const char *name;	/* "early boot": legends */
	const char *label;	/* "early": metrics and JSON, [a-z_] only */
	char letter;		/* 'E': the map, readable in monochrome */
	enum ms_colour colour;
	uint32_t rgb;		/* the colour as 0xRRGGBB, for pictures */
};

/* The decision is facts.h's ms_section_class(), with blocks and iomem. */
const struct ms_section_class_info *ms_section_class_info(enum ms_section_class c);

#endif
