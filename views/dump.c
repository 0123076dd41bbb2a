// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope tui --dump VIEW: the views rendered into a canvas and written
 * as text, without a terminal, so tests compare what the TUI shows with
 * what the CLI prints (the lab's TUI-vs-CLI check, issue 12). The Section
 * and vmemmap views are rendered once for every present section, the
 * others once. Same data layer, same views, same frame as on screen.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tui_int.h"

/* Wide enough that no line of a view is clipped. */
#define DUMP_W 240
#define DUMP_H 40

static int view_by_name(const char *name)
{
	for (int v = 0; v < MS_VIEW_NR; v++)
		if (v != MS_VIEW_HELP && v != MS_VIEW_PAGES &&
		    !strcasecmp(ms_tui_view(v)->name, name))
			return v;
	return -1;
}

static void frame(struct ms_tui *t, struct ms_canvas *c, FILE *out)
{
	char row[DUMP_W + 1];

	ms_tui_collect(t);
	ms_tui_render(t, c);
	for (int y = 0; y < c->h; y++) {
		size_t n;

		ms_canvas_row(c, y, row, sizeof(row));
		n = strlen(row);
		while (n && row[n - 1] == ' ')
			row[--n] = '\0';
		fprintf(out, "%s\n", row);
	}
}

struct ms_error *ms_tui_dump(const struct ms_tui_opts *opts,
			     struct ms_sparse *sp, const char *view, FILE *out)
{
	int id = view_by_name(view);
	struct ms_canvas c = { 0 };
	struct ms_error *err;
	struct ms_tui t;

	if (id < 0) {
		ms_sparse_free(sp);
		return ms_error_new(MS_ERR_USAGE, "no view %s to dump (map, section, devices, deferred, vmemmap)",
				    view);
	}
	ms_tui_init(&t, opts);
	t.w = DUMP_W;
	t.h = DUMP_H;
	t.view = (enum ms_view_id)id;
	/* what the view's key asks for (keys.c) */
	t.data.want_pgmaps = id == MS_VIEW_DEVICES;
	t.data.want_deferred = id == MS_VIEW_DEFERRED;
	err = ms_tui_data_reload(&t.data, opts, sp);
	if (!err && ms_canvas_init(&c, DUMP_W, DUMP_H))
		err = ms_error_new(MS_ERR_NOMEM, "a %dx%d canvas", DUMP_W, DUMP_H);
	if (err) {
		ms_tui_fini(&t);
		return err;
	}
	t.refreshes = 1;
	if (id == MS_VIEW_SECTION || id == MS_VIEW_VMEMMAP) {
		for (size_t i = 0; i < t.data.sp->nr_sections; i++) {
			t.cursor = t.data.sp->sections[i].nr;
			t.sub = 0;
			t.list_top = 0;
			fprintf(out, "== section %" PRIu64 "\n", t.cursor);
			frame(&t, &c, out);
		}
	} else {
		frame(&t, &c, out);
	}
	/* a failure the status bar would show fails the dump */
	if (t.msg_error)
		err = ms_error_new(MS_ERR_FORMAT, "%s", t.msg);
	ms_canvas_free(&c);
	ms_tui_fini(&t);
	return err;
}
