// SPDX-License-Identifier: GPL-2.0-or-later
/* Help: every key, from the key table, and the map's legend. */
#include <stdio.h>

#include "tui_int.h"

static void help_render(struct ms_tui *t, struct ms_canvas *c, int y, int h)
{
	int end = y + h;

	ms_canvas_text(c, 0, y++, MS_ROLE_TITLE, 0, "memscope help: keys (any key returns)");
	/* the key table as ms_tui_init() gave it (keys.c) */
	for (size_t i = 0; i < t->nr_keys && y < end; i++) {
		if (!t->keys[i].label)
			continue;
		ms_canvas_text(c, 2, y, MS_ROLE_TITLE, 0, "%s", t->keys[i].label);
		ms_canvas_text(c, 20, y++, MS_ROLE_TEXT, 0, "%s", t->keys[i].help);
	}
	y++;
	ms_canvas_text(c, 0, y++, MS_ROLE_TITLE, 0, "map cells (one per section)");
	for (int s = 0; s < MS_CELL_NR && y < end; s++) {
		ms_grid_cell(c, 2, y, 2, s, 1, 1, 0);
		ms_canvas_text(c, 6, y++, MS_ROLE_TEXT, 0, "%s", ms_section_class_info(s)->name);
	}
	if (y < end) {
		ms_grid_cell(c, 2, y, 2, MS_CELL_EARLY, 1, 2, 0);
		ms_canvas_text(c, 6, y++, MS_ROLE_TEXT, 0,
			       "partly populated (lower case, half filled)");
	}
	if (y < end)
		ms_canvas_text(c, 0, y, MS_ROLE_TEXT, 0,
			       "bold: changed since the last refresh; --refreshes N quits after N refreshes");
}

static void help_status(struct ms_tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "help");
}

static int help_move(struct ms_tui *t, int dx, int dy)
{
	return MS_REDRAW_NONE;
}

const struct ms_view ms_view_help = {
	.name = "Help",
	.render = help_render,
	.status = help_status,
	.move = help_move,
};
