// SPDX-License-Identifier: GPL-2.0-or-later
/* The section classes of the map (see section_class.h). */
#include "memscope/section_class.h"

/*
 * rgb: the xterm palette's rendering of each basic colour, so a picture
 * looks like the terminal; absent is a light grey (the terminal's dim).
 */
static const struct ms_section_class_info classes[MS_CLASS_NR] = {
	[MS_CLASS_EARLY] = { "early boot", "early", 'E', MS_COLOUR_GREEN, 0x00cd00 },
	[MS_CLASS_HOTADDED] = { "hot-added", "hotadded", 'H', MS_COLOUR_BLUE, 0x3b78ff },
	[MS_CLASS_KMEM] = { "kmem", "kmem", 'K', MS_COLOUR_BLUE, 0x3b78ff },
	[MS_CLASS_ONLINE] = { "online", "online", 'O', MS_COLOUR_CYAN, 0x00cdcd },
	[MS_CLASS_OFFLINE] = { "offline", "offline", 'X', MS_COLOUR_YELLOW, 0xcdcd00 },
	[MS_CLASS_DEVICE] = { "ZONE_DEVICE", "device", 'D', MS_COLOUR_MAGENTA, 0xcd00cd },
	[MS_CLASS_ABSENT] = { "absent", "absent", '.', MS_COLOUR_DEFAULT, 0xe5e5e5 },
};

const struct ms_section_class_info *ms_section_class_info(enum ms_section_class c)
{
	return &classes[c < MS_CLASS_NR ? c : MS_CLASS_ABSENT];
}
