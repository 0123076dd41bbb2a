// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TUI's pure parts on the standard synthetic machine: cell states and
 * their counts, the grid layout, the map and section view rendered into a
 * canvas (exact rows), the key table, '/' jumps, changed cells, a failed
 * refresh; and the section-level redraw of a 1 TiB machine (8192
 * sections), which must stay well under 100 ms.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "fx.h"
#include "memscope/sparse.h"
#include "../../views/map_fit.h"

struct loaded {
	struct fx_kernel k;
	struct ms_target *t;
	struct ms_kinfo *ki;
	struct ms_fs *fs;
	struct ms_tui_opts o;
	struct ms_tui tui;
};

static int setup(void **state)
{
	struct fx_kernel_opts fo = fx_machine_opts(FX_KERNEL_6_12, 4);
	struct loaded *l = calloc(1, sizeof(*l));
	struct ms_error *err;

	if (!l || fx_kernel_build(&fo, &l->k))
		return -1;
	err = fx_kernel_open(&l->k, &l->t, &l->ki);
	if (err) {
		fprintf(stderr, "setup: %s\n", err->msg);
		return -1;
	}
	err = ms_fs_open_dir(l->k.sysroot, &l->fs);
	if (err) {
		fprintf(stderr, "setup: %s\n", err->msg);
		return -1;
	}
	l->o = (struct ms_tui_opts){ .target = l->t, .kinfo = l->ki, .fs = l->fs,
				     .core = true };
	ms_tui_init(&l->tui, &l->o);
	err = ms_tui_data_reload(&l->tui.data, &l->o, NULL);
	if (err) {
		fprintf(stderr, "setup: %s\n", err->msg);
		return -1;
	}
	l->tui.cursor = 0;
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct loaded *l = *state;

	ms_tui_fini(&l->tui);
	ms_kinfo_close(l->ki);
	ms_fs_free(l->fs);
	ms_target_close(l->t);
	fx_kernel_remove(&l->k);
	free(l);
	return 0;
}

static void test_cell_states(void **state)
{
	struct loaded *l = *state;
	const struct ms_tui_data *d = &l->tui.data;

	assert_int_equal(d->nr_cells, 42);
	assert_int_equal(d->counts[MS_CELL_EARLY], 4);
	assert_int_equal(d->counts[MS_CELL_OFFLINE], 1);
	assert_int_equal(d->counts[MS_CELL_HOTADDED], 1);
	assert_int_equal(d->counts[MS_CELL_DEVICE], 2);
	assert_int_equal(d->counts[MS_CELL_ONLINE], 0);
	assert_int_equal(d->counts[MS_CELL_ABSENT], 34);
	assert_int_equal(d->nr_partial, 2);	/* sections 3 and 41 */
	assert_int_equal(d->cells[16].state, MS_CELL_OFFLINE);
	assert_int_equal(d->cells[17].state, MS_CELL_HOTADDED);
	assert_int_equal(d->cells[41].state, MS_CELL_DEVICE);
	assert_int_equal(d->cells[41].active, 40);
	assert_int_equal(d->cells[3].active, 32);
	assert_null(ms_tui_section(d, 4));
	assert_int_equal(ms_tui_section(d, 17)->nr, 17);
	assert_int_equal(d->nr_changed, 0);
}

static void render(struct loaded *l, int w, int h, struct ms_canvas *c)
{
	l->tui.w = w;
	l->tui.h = h;
	assert_int_equal(ms_canvas_init(c, w, h), 0);
	ms_tui_collect(&l->tui);
	ms_tui_render(&l->tui, c);
}

/*
 * Draws the frame again with the target taken away: a view that reads the
 * kernel while rendering faults here (collection is collect.c's, between
 * frames). row gets the "memmap" row, when there is one.
 */
static void no_target_frame(struct loaded *l, struct ms_canvas *c, char *row,
			    size_t len)
{
	struct ms_target *t = l->o.target;

	l->o.target = NULL;
	ms_tui_render(&l->tui, c);
	l->o.target = t;
	row[0] = '\0';
	for (int y = 0; y < c->h; y++) {
		ms_canvas_row(c, y, row, len);
		if (!strncmp(row, "memmap", 6))
			return;
	}
	row[0] = '\0';
}

static int find_row(const struct ms_canvas *c, const char *needle, char *row,
		    size_t len)
{
	if (getenv("MS_TEST_DUMP"))
		for (int y = 0; y < c->h; y++) {
			ms_canvas_row(c, y, row, len);
			fprintf(stderr, "|%s|\n", row);
		}
	for (int y = 0; y < c->h; y++) {
		ms_canvas_row(c, y, row, len);
		if (strstr(row, needle))
			return y;
	}
	return -1;
}

static void test_map_render(void **state)
{
	struct loaded *l = *state;
	struct ms_canvas c;
	struct ms_grid g;
	char row[256];
	int y;

	l->tui.zoom = MS_ZOOM_SECTION;	/* one cell per section ('z') */
	render(l, 80, 24, &c);
	ms_map_grid(&l->tui, &g);
	assert_int_equal(g.label_w, 12);	/* "0x148000000" and a blank */
	assert_int_equal(g.per_row, 32);
	assert_true(find_row(&c, "[EE] early boot: 4", row, sizeof(row)) >= 0);
	assert_true(find_row(&c, "[XX] offline: 1", row, sizeof(row)) >= 0);
	assert_true(find_row(&c, "[DD] ZONE_DEVICE: 2", row, sizeof(row)) >= 0);
	assert_true(find_row(&c, "[e ] partly populated: 2", row, sizeof(row)) >= 0);
	y = find_row(&c, "0x000000000 ", row, sizeof(row));
	assert_int_equal(y, g.y);
	assert_string_equal(row,
		"0x000000000 EEEEEEe . . . . . . . . . . . . XXHH. . . . . . . . . . . . . .     ");
	ms_canvas_row(&c, y + 1, row, sizeof(row));
	assert_string_equal(row,
		"0x100000000 . . . . . . . . DDd                                                 ");
	/* the cursor sits on section 0, filled */
	assert_true(ms_canvas_at(&c, 12, y)->attr & MS_ATTR_CURSOR);
	assert_true(ms_canvas_at(&c, 12, y)->attr & MS_ATTR_FILL);
	/* the partly populated cell is filled on its first column only */
	assert_true(ms_canvas_at(&c, 12 + 41 % 32 * 2, y + 1)->attr & MS_ATTR_FILL);
	assert_false(ms_canvas_at(&c, 13 + 41 % 32 * 2, y + 1)->attr & MS_ATTR_FILL);
	/* status bar: what is under the cursor */
	ms_canvas_row(&c, 23, row, sizeof(row));
	assert_non_null(strstr(row, "section 0  0x0-0x7ffffff  pfn 0x0  early boot 64/64  block 0 online"));
	ms_canvas_free(&c);
	/* narrow: the legend wraps onto a third row, the grid moves down */
	render(l, 60, 24, &c);
	assert_int_equal(find_row(&c, "[e ] partly populated: 2", row, sizeof(row)), 3);
	assert_int_equal(find_row(&c, "0x000000000 EEEEEEe . ", row, sizeof(row)), 5);
	ms_map_grid(&l->tui, &g);
	assert_int_equal(g.y, 5);
	assert_int_equal(g.per_row, 16);
	ms_canvas_free(&c);
}

static void test_section_view(void **state)
{
	struct loaded *l = *state;
	struct ms_canvas c;
	char row[256], want[80];

	l->tui.zoom = MS_ZOOM_SECTION;
	l->tui.cursor = 40;
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_RIGHT), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.cursor, 41);
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_ENTER), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.view, MS_VIEW_SECTION);
	render(l, 100, 30, &c);
	assert_true(find_row(&c, "Section 41", row, sizeof(row)) >= 0);
	memset(want, 0, sizeof(want));
	memset(want, '#', 40);
	memset(want + 40, '.', 24);
	assert_true(find_row(&c, "bitmap", row, sizeof(row)) >= 0);
	assert_non_null(strstr(row, want));
	assert_true(find_row(&c, "sub-sections 40 of 64 active, 2048K each", row,
			     sizeof(row)) >= 0);
	/* the third row of cells: sub-sections 32..47, 8 active */
	assert_true(find_row(&c, "0x0014c000000  ", row, sizeof(row)) >= 0);
	assert_non_null(strstr(row, "DD DD DD DD DD DD DD DD .  .  .  .  .  .  .  ."));
	assert_true(find_row(&c, "memmap       0x", row, sizeof(row)) >= 0);
	assert_non_null(strstr(row, "-> frame 0x"));
	/* views only render: the frame came from collect.c; a frame drawn
	 * with no target at all is the same */
	no_target_frame(l, &c, row, sizeof(row));
	assert_non_null(strstr(row, "-> frame 0x"));
	ms_canvas_free(&c);
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_ESC), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.view, MS_VIEW_MAP);
	assert_int_equal(l->tui.zoom, MS_ZOOM_SECTION);
	/* out: one cell per section -> fitted to the window -> nodes */
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_ESC), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.zoom, MS_ZOOM_FIT);
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_ESC), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.zoom, MS_ZOOM_NODE);
	render(l, 100, 30, &c);
	assert_true(find_row(&c, "node 0  pfn 0x1-0x", row, sizeof(row)) >= 0);
	ms_canvas_free(&c);
	assert_int_equal(ms_tui_key(&l->tui, MS_KEY_ENTER), MS_REDRAW_VIEW);
	assert_int_equal(l->tui.zoom, MS_ZOOM_FIT);
	assert_int_equal(l->tui.cursor, 0);
}

static void test_keys(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;
	struct ms_canvas c;
	char row[256], want[80];
	double d = t->delay;

	assert_int_equal(ms_tui_key(t, '+'), MS_REDRAW_STATUS);
	assert_true(t->delay == 2 * d);
	ms_tui_key(t, '-');
	ms_tui_key(t, '-');
	assert_true(t->delay == d / 2);
	assert_int_equal(ms_tui_key(t, 'p'), MS_REDRAW_STATUS);
	assert_true(t->paused);
	ms_tui_key(t, 'p');
	assert_false(t->paused);
	assert_int_equal(ms_tui_key(t, 'q'), MS_REDRAW_QUIT);
	assert_int_equal(ms_tui_key(t, 'r'), MS_REDRAW_RELOAD);
	assert_int_equal(ms_tui_key(t, 'Z'), MS_REDRAW_NONE);
	/* down moves one row of the grid */
	t->zoom = MS_ZOOM_SECTION;
	render(l, 80, 24, &c);
	t->cursor = 3;
	ms_tui_key(t, MS_KEY_DOWN);
	assert_int_equal(t->cursor, 35);
	ms_tui_key(t, MS_KEY_DOWN);
	assert_int_equal(t->cursor, 41);	/* clamped to the last */
	/* help lists every labelled key and returns on any key */
	ms_tui_key(t, '?');
	assert_int_equal(t->view, MS_VIEW_HELP);
	ms_canvas_free(&c);
	render(l, 80, 30, &c);	/* the key list needs 30 rows */
	for (size_t i = 0; i < ms_nr_keys; i++)
		if (ms_keys[i].label)
			assert_true(find_row(&c, ms_keys[i].help, row, sizeof(row)) >= 0);
	ms_tui_key(t, 'x');
	assert_int_equal(t->view, MS_VIEW_MAP);
	ms_tui_key(t, MS_KEY_F1);
	assert_int_equal(t->view, MS_VIEW_HELP);
	ms_tui_key(t, MS_KEY_F1);
	assert_int_equal(t->view, MS_VIEW_MAP);
	/* Devices asks for the pgmaps: the fixture's device-dax one */
	assert_int_equal(ms_tui_key(t, '3'), MS_REDRAW_VIEW | MS_REDRAW_RELOAD);
	assert_int_equal(t->view, MS_VIEW_DEVICES);
	assert_true(t->data.want_pgmaps);
	assert_int_equal(ms_tui_refresh(t), MS_REDRAW_VIEW);
	assert_non_null(t->data.pgmaps);
	assert_int_equal(t->data.pgmaps->nr, 1);
	ms_tui_render(t, &c);
	/* named as the devices command names it (no dax device, no
	 * namespace: pgmap@ADDR, clipped at 80 columns) */
	snprintf(want, sizeof(want), "generic  %5u  0x00140000000-0x0014cffffff pgmap@0",
		 t->data.pgmaps->v[0].vmemmap_shift);
	assert_true(find_row(&c, want, row, sizeof(row)) >= 0);
	assert_true(find_row(&c, "0x00140000000-0x0014fffffff    2     104/128    Persistent Memory", row,
			     sizeof(row)) >= 0);
	ms_tui_key(t, MS_KEY_TAB);
	assert_int_equal(t->view, MS_VIEW_DEFERRED);
	assert_false(t->data.want_pgmaps);
	ms_tui_key(t, '1');
	/* overlays toggle by their keys */
	ms_tui_key(t, 'f');
	assert_int_equal(t->overlays, 1);
	ms_canvas_free(&c);
	render(l, 140, 24, &c);
	assert_true(find_row(&c, "0 changed since the last refresh  overlay: deferred",
			     row, sizeof(row)) >= 0);
	ms_tui_key(t, 'f');
	assert_int_equal(t->overlays, 0);
	/* the dedup overlay asks for the vmemmap model; the fixture shares no
	 * frames, so no cell is marked until a row says it shares some */
	assert_int_equal(ms_tui_key(t, 'v'), MS_REDRAW_VIEW | MS_REDRAW_RELOAD);
	assert_true(t->data.want_vmemmap);
	assert_int_equal(ms_tui_refresh(t), MS_REDRAW_VIEW);
	assert_non_null(t->data.vm);
	ms_canvas_free(&c);
	render(l, 80, 24, &c);
	assert_true(find_row(&c, "0x100000000 . . . . . . . . DDd ", row, sizeof(row)) >= 0);
	for (size_t i = 0; i < t->data.vm->nr_rows; i++)
		if (t->data.vm->rows[i].first_pfn == 40 * FX_PAGES_PER_SECTION)
			t->data.vm->rows[i].c.shared = 1;
	ms_tui_render(t, &c);
	assert_true(find_row(&c, "0x100000000 . . . . . . . . ++++ ", row, sizeof(row)) >= 0);
	assert_int_equal(ms_tui_key(t, 'v'), MS_REDRAW_VIEW);
	assert_false(t->data.want_vmemmap);
	assert_int_equal(ms_tui_refresh(t), MS_REDRAW_VIEW);
	assert_null(t->data.vm);
	ms_canvas_free(&c);
}

static void type(struct ms_tui *t, const char *s)
{
	assert_int_equal(ms_tui_key(t, '/'), MS_REDRAW_STATUS);
	for (; *s; s++)
		ms_tui_key(t, *s);
	ms_tui_key(t, MS_KEY_ENTER);
}

static void test_jump(void **state)
{
	struct ms_tui *t = &((struct loaded *)*state)->tui;

	type(t, "section 17");
	assert_int_equal(t->cursor, 17);
	assert_false(t->prompting);
	type(t, "0x148000000");
	assert_int_equal(t->cursor, 41);
	type(t, "pfn 0x80000");
	assert_int_equal(t->cursor, 16);
	type(t, "block 2");
	assert_int_equal(t->cursor, 2);
	type(t, "s 3");
	assert_int_equal(t->cursor, 3);
	type(t, "frob 3");
	assert_int_equal(t->cursor, 3);
	assert_true(t->msg_error);
	assert_non_null(strstr(t->msg, "cannot jump to 'frob 3'"));
	type(t, "section 99");
	assert_non_null(strstr(t->msg, "beyond the last present section"));
	type(t, "block 40");
	assert_string_equal(t->msg, "no memory block 40");
}

static void test_changed_and_failed_refresh(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;
	struct ms_tui_opts bad;
	struct ms_fs *gone;

	assert_int_equal(ms_tui_refresh(t), MS_REDRAW_VIEW);
	assert_int_equal(t->data.nr_changed, 0);
	/* pretend the previous refresh saw section 16 online and 41 full */
	t->data.cells[16].state = MS_CELL_HOTADDED;
	t->data.cells[41].active = 64;
	ms_tui_refresh(t);
	assert_int_equal(t->data.nr_changed, 2);
	assert_true(t->data.cells[16].changed && t->data.cells[41].changed);
	assert_false(t->data.cells[17].changed);
	assert_int_equal(t->refreshes, 2);
	/* a refresh that fails keeps the data and says why */
	bad = l->o;
	assert_null(ms_fs_open_dir("/nonexistent/memscope", &gone));
	bad.fs = gone;
	bad.core = false;	/* a core would read kernel memory instead */
	t->opts = &bad;
	assert_int_equal(ms_tui_refresh(t), MS_REDRAW_STATUS);
	assert_true(t->msg_error);
	assert_non_null(strstr(t->msg, "refresh failed: "));
	assert_int_equal(t->data.nr_cells, 42);
	t->opts = &l->o;
	ms_fs_free(gone);
	ms_tui_refresh(t);
	assert_string_equal(t->msg, "");
}

static void test_mouse(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;
	struct ms_canvas c;
	struct ms_grid g;

	t->zoom = MS_ZOOM_SECTION;
	render(l, 80, 24, &c);
	ms_map_grid(t, &g);
	/* a click on section 17's cell moves the cursor there */
	t->mouse_x = g.x + g.label_w + 17 * 2 + 1;
	t->mouse_y = g.y;
	assert_int_equal(ms_tui_key(t, MS_KEY_MOUSE), MS_REDRAW_VIEW);
	assert_int_equal(t->cursor, 17);
	/* on the label or below the grid: nothing */
	t->mouse_x = 3;
	assert_int_equal(ms_tui_key(t, MS_KEY_MOUSE), MS_REDRAW_NONE);
	t->mouse_x = g.x + g.label_w;
	t->mouse_y = g.y + 5;
	assert_int_equal(ms_tui_key(t, MS_KEY_MOUSE), MS_REDRAW_NONE);
	assert_int_equal(t->cursor, 17);
	/* a second click on the cursor zooms in */
	t->mouse_x = g.x + g.label_w + 17 * 2;
	t->mouse_y = g.y;
	ms_tui_key(t, MS_KEY_MOUSE);
	assert_int_equal(t->view, MS_VIEW_SECTION);
	ms_canvas_free(&c);
}

/* vmemmap view: the section's memmap pages and their frames, as translated */
static void test_vmemmap_view(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;
	const struct ms_section *s;
	struct ms_pt_xlate x;
	struct ms_canvas c;
	char row[256], want[256];
	uint64_t start;

	t->cursor = 17;
	assert_int_equal(ms_tui_key(t, '6'), MS_REDRAW_VIEW);
	assert_int_equal(t->view, MS_VIEW_VMEMMAP);
	render(l, 120, 24, &c);
	s = ms_tui_section(&t->data, 17);
	start = ms_page_vaddr(&t->pl, s->start_pfn);
	assert_null(ms_target_translate(l->t, start, &x));
	ms_canvas_row(&c, 1, row, sizeof(row));
	snprintf(want, sizeof(want), "vmemmap of section 17  0x%" PRIx64 "-0x%" PRIx64 ": ",
		 start, ms_page_vaddr(&t->pl, s->start_pfn + s->nr_pages) - 1);
	assert_int_equal(strncmp(row, want, strlen(want)), 0);
	assert_non_null(strstr(row, " mappings, 0 on shared frames, 0K unmapped"));
	ms_canvas_row(&c, 2, row, sizeof(row));
	snprintf(want, sizeof(want), "0x%016" PRIx64 "  pfn 0x%09" PRIx64 "-0x%09" PRIx64
		 "  -> frame 0x%011" PRIx64 "  %s %s", start, s->start_pfn,
		 s->start_pfn + x.leaf_size / t->pl.size - 1, x.paddr,
		 x.leaf_size == 4096 ? "4K" : "2M", x.writable ? "rw" : "ro");
	assert_int_equal(strncmp(row, want, strlen(want)), 0);
	/* the walk is the data layer's (collect.c): a frame drawn with no
	 * target at all is the same */
	no_target_frame(l, &c, want, sizeof(want));
	ms_canvas_row(&c, 2, want, sizeof(want));
	assert_string_equal(row, want);
	/* Right: the next section (absent), Esc: the section view */
	ms_tui_key(t, MS_KEY_RIGHT);
	assert_int_equal(t->cursor, 18);
	ms_tui_collect(t);
	ms_tui_render(t, &c);
	assert_true(find_row(&c, "section 18 is not present", row, sizeof(row)) >= 0);
	ms_tui_key(t, MS_KEY_ESC);
	assert_int_equal(t->view, MS_VIEW_SECTION);
	ms_canvas_free(&c);
}

static int fake_act(void *ctx, const char *verb, const char *target)
{
	return 0;
}

/* Actions ask first, are refused read-only, and name their target. */
static void test_actions(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;

	t->cursor = 17;		/* hot-added, memory block 17 */
	assert_int_equal(ms_tui_key(t, 'o'), MS_REDRAW_STATUS);
	assert_string_equal(t->msg, "online: no actions on a core file");
	assert_false(t->confirming);
	l->o.act = fake_act;
	l->o.readonly = true;
	assert_int_equal(ms_tui_key(t, 'O'), MS_REDRAW_STATUS);
	assert_string_equal(t->msg, "offline refused: read-only (--readonly)");
	assert_true(t->msg_error);
	l->o.demo = true;
	ms_tui_key(t, 'H');
	assert_string_equal(t->msg, "hotplug refused: read-only (--demo)");
	l->o.readonly = l->o.demo = false;
	/* any key but y cancels, and is not taken as a command */
	assert_int_equal(ms_tui_key(t, 'O'), MS_REDRAW_STATUS);
	assert_true(t->confirming);
	assert_string_equal(t->msg, "offline block 17? y: yes, any other key: no");
	assert_int_equal(ms_tui_key(t, 'q'), MS_REDRAW_STATUS);
	assert_false(t->confirming);
	assert_string_equal(t->msg, "offline 17 cancelled");
	/* y runs it (the loop calls opts->act with the screen suspended) */
	ms_tui_key(t, 'o');
	assert_int_equal(ms_tui_key(t, 'y'), MS_REDRAW_ACT);
	assert_string_equal(t->act_verb, "online");
	assert_string_equal(t->act_target, "17");
	/* no dax device over a boot section; no block over an absent one */
	t->cursor = 2;
	ms_tui_key(t, 'U');
	assert_string_equal(t->msg, "unplug: no dax device at section 2");
	t->cursor = 20;
	ms_tui_key(t, 'o');
	assert_string_equal(t->msg, "online: no memory block at section 20");
	assert_false(t->confirming);
}

static void test_grid(void **state)
{
	struct ms_grid g;
	int row, col;

	ms_grid_layout(&g, 8192, 0, 4, 80, 19, 14, 2);
	assert_int_equal(g.per_row, 32);
	assert_int_equal(g.rows, 256);
	ms_grid_pos(&g, 100, &row, &col);
	assert_int_equal(row, 3);
	assert_int_equal(col, 4);
	assert_int_equal(ms_grid_hit(&g, 0, 14, 4), 0);
	assert_int_equal(ms_grid_hit(&g, 10, 14 + 9, 5), 11 * 32 + 4);
	assert_int_equal(ms_grid_hit(&g, 0, 13, 4), -1);	/* the label */
	assert_int_equal(ms_grid_hit(&g, 0, 14, 3), -1);	/* above */
	assert_int_equal(ms_grid_scroll(&g, 0, 30), 12);
	assert_int_equal(ms_grid_scroll(&g, 12, 5), 5);
	assert_int_equal(ms_grid_scroll(&g, 0, 255), 256 - 19);
	ms_grid_layout(&g, 8192, 0, 4, 200, 19, 14, 2);
	assert_int_equal(g.per_row, 64);
}

/*
 * n sections of 128M with present runs of run sections every 2 * run
 * (run = n: all present); every 7th offline, the first half early, every
 * 5th with a quarter of its sub-sections active.
 */
static struct ms_sparse *sparse_machine(const struct ms_layout *lay, uint64_t n,
					uint64_t run)
{
	struct ms_sparse *sp = calloc(1, sizeof(*sp));
	size_t k = 0;

	assert_non_null(sp);
	sp->layout = lay;
	sp->sections = calloc(n, sizeof(*sp->sections));
	sp->nodes = calloc(1, sizeof(*sp->nodes));
	sp->nr_nodes = 1;
	sp->zone_device_idx = -1;
	assert_non_null(sp->sections);
	for (uint64_t i = 0; i < n; i++) {
		struct ms_section *s = &sp->sections[k];
		int bits = (1 << lay->section_bit[MS_SECTION_PRESENT]) |
			   (1 << lay->section_bit[MS_SECTION_HAS_MEM_MAP]);

		if (run < n && (i / run) % 2)
			continue;
		if (i % 7)
			bits |= 1 << lay->section_bit[MS_SECTION_ONLINE];
		if (i < n / 2)
			bits |= 1 << lay->section_bit[MS_SECTION_EARLY];
		s->nr = i;
		s->start_pfn = i * FX_PAGES_PER_SECTION;
		s->nr_pages = FX_PAGES_PER_SECTION;
		s->flag_bits = (uint64_t)bits;
		s->subsection_map[0] = i % 5 ? ~0ULL : 0xffffULL;
		s->active = i % 5 ? 64 : 16;
		s->nid = 0;
		k++;
	}
	sp->nr_sections = k;
	sp->nodes[0].spanned = n * FX_PAGES_PER_SECTION;
	sp->nodes[0].present = k * FX_PAGES_PER_SECTION;
	return sp;
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

static void test_redraw_1tib(void **state)
{
	struct loaded *l = *state;
	const struct ms_layout *lay = l->tui.data.sp->layout;
	struct ms_tui_opts o = { .delay = 1 };
	struct ms_tui t;
	struct ms_canvas c;
	struct timespec t0;
	double reload, redraw;
	char row[400];
	int rounds = 20;

	ms_tui_init(&t, &o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(ms_tui_data_reload(&t.data, &o, sparse_machine(lay, 8192, 8192)));
	t.zoom = MS_ZOOM_SECTION;	/* one cell per section */
	reload = ms_since(&t0);
	assert_int_equal(t.data.nr_cells, 8192);
	assert_int_equal(t.data.counts[MS_CELL_OFFLINE], 1171);
	assert_int_equal(t.data.nr_partial, 1639);
	/* a tall screen that shows every one of the 8192 cells */
	t.w = 200;
	t.h = 140;
	assert_int_equal(ms_canvas_init(&c, t.w, t.h), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < rounds; i++) {
		t.cursor = (uint64_t)i * 409;
		ms_tui_render(&t, &c);
	}
	redraw = ms_since(&t0) / rounds;
	assert_int_equal(find_row(&c, "0x0000000000 x EEEEEEEEe EEXXEEEEe EEEEEEXXe ", row,
				  sizeof(row)), 3);	/* the legend fits one row */
	print_message("1 TiB, 8192 sections: reload %.2f ms, redraw %.3f ms per frame\n",
		      reload, redraw);
	assert_true(reload < 100);
	assert_true(redraw < 20);
	ms_canvas_free(&c);
	ms_tui_fini(&t);
}


/*
 * The fitted map on the fixture, against the fixture's own sections
 * (fx_machine_sections: numbers, sub-section bitmaps, blocks): at 140x40
 * a cell is a sub-section two columns wide, 32 a row, so a section takes
 * two rows labelled with their address and the section's block; each
 * absent run is one row.
 */
static void test_fit_subsections(void **state)
{
	struct loaded *l = *state;
	struct ms_tui *t = &l->tui;
	struct ms_canvas c;
	struct ms_fit f;
	char row[512], want[512];
	int y, rows = 0;

	assert_int_equal(t->zoom, MS_ZOOM_FIT);		/* the default */
	render(l, 140, 40, &c);
	y = find_row(&c, "1 cell = 2 MiB (a sub-section), 32/row = 64 MiB, sections 0-41, 0 changed",
		     row, sizeof(row));
	assert_int_equal(y, 3);
	assert_int_equal(ms_fit_layout(t, y + 1, 40 - 1 - (y + 1), &f), 0);
	assert_true(f.sub);
	assert_int_equal(f.cell_w, 2);
	/* two rows per present section, one per absent run (4-15, 18-39) */
	assert_int_equal(f.nr_rows, 2 * (int)fx_machine_nr_sections + 2);
	assert_true(f.nr_rows * 2 > f.visible);
	for (size_t i = 0; i < fx_machine_nr_sections; i++) {
		const struct fx_section *fs = &fx_machine_sections[i];

		if (i && fs->nr != fx_machine_sections[i - 1].nr + 1) {
			uint64_t a = fx_machine_sections[i - 1].nr + 1;

			ms_canvas_row(&c, y + 1 + rows++, row, sizeof(row));
			snprintf(want, sizeof(want), "0x%09" PRIx64 "     . . .  sections %" PRIu64
				 "-%" PRIu64 " absent (%" PRIu64 " MiB)", a << 27, a, fs->nr - 1,
				 (fs->nr - a) * 128);
			assert_int_equal(strncmp(row, want, strlen(want)), 0);
		}
		for (int half = 0; half < 2; half++) {
			int n = snprintf(want, sizeof(want), "0x%09" PRIx64 " ",
					 (fs->nr << 27) + ((uint64_t)half << 26));

			if (fs->state)
				n += snprintf(want + n, sizeof(want) - n, "b%-3" PRIu64, fs->nr);
			else
				n += snprintf(want + n, sizeof(want) - n, "    ");
			for (int k = 32 * half; k < 32 * half + 32; k++) {
				char letter = ms_section_class_info(t->data.cells[fs->nr].state)->letter;
				bool on = fs->subsection_map >> k & 1;

				want[n++] = on ? letter : '.';
				want[n++] = on ? letter : ' ';
			}
			want[n] = '\0';
			ms_canvas_row(&c, y + 1 + rows++, row, sizeof(row));
			assert_int_equal(strncmp(row, want, strlen(want)), 0);
		}
	}
	assert_int_equal(rows, f.nr_rows);
	ms_fit_free(&f);
	/* the cursor: section 0's first sub-section; Right to the next one */
	assert_true(ms_canvas_at(&c, 17, y + 1)->attr & MS_ATTR_CURSOR);
	assert_false(ms_canvas_at(&c, 18, y + 1)->attr & MS_ATTR_CURSOR);
	ms_tui_key(t, MS_KEY_RIGHT);
	assert_int_equal(t->cursor, 0);
	assert_int_equal(t->sub, 1);
	/* from section 3's last sub-section, Right skips the hole to 16 */
	t->cursor = 3;
	t->sub = 63;
	ms_tui_key(t, MS_KEY_RIGHT);
	assert_int_equal(t->cursor, 16);
	assert_int_equal(t->sub, 0);
	ms_tui_key(t, MS_KEY_LEFT);
	assert_int_equal(t->cursor, 3);
	assert_int_equal(t->sub, 63);
	/* Down: the next row of cells, over the hole, same column */
	t->sub = 37;
	ms_tui_key(t, MS_KEY_DOWN);
	assert_int_equal(t->cursor, 16);
	assert_int_equal(t->sub, 5);
	ms_tui_key(t, MS_KEY_END);	/* the last row: section 41's second half */
	assert_int_equal(t->cursor, 41);
	assert_int_equal(t->sub, 37);
	/* a click on section 17's 10th sub-section, a second one zooms in */
	t->mouse_x = 16 + 2 * 10 + 1;
	t->mouse_y = find_row(&c, "0x088000000 b17 ", row, sizeof(row));
	assert_int_equal(ms_tui_key(t, MS_KEY_MOUSE), MS_REDRAW_VIEW);
	assert_int_equal(t->cursor, 17);
	assert_int_equal(t->sub, 10);
	t->mouse_y = find_row(&c, "sections 4-15 absent", row, sizeof(row));
	assert_int_equal(ms_tui_key(t, MS_KEY_MOUSE), MS_REDRAW_NONE);
	t->mouse_y = find_row(&c, "0x088000000 b17 ", row, sizeof(row));
	ms_tui_key(t, MS_KEY_MOUSE);
	assert_int_equal(t->view, MS_VIEW_SECTION);
	assert_int_equal(t->sub, 10);
	ms_tui_key(t, MS_KEY_ESC);
	assert_int_equal(t->view, MS_VIEW_MAP);
	assert_int_equal(t->zoom, MS_ZOOM_FIT);
	/* z: one cell per section, and back */
	ms_tui_key(t, 'z');
	assert_int_equal(t->zoom, MS_ZOOM_SECTION);
	ms_tui_key(t, 'z');
	assert_int_equal(t->zoom, MS_ZOOM_FIT);
	/* a jump lands on the sub-section of the address */
	type(t, "0x8a400000");
	assert_int_equal(t->cursor, 17);
	assert_int_equal(t->sub, 18);
	ms_canvas_free(&c);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * A window too short for a row per section: a cell per section, and with
 * block elements (a UTF-8 colour screen) each half of a partly populated
 * section as high as its share of active sub-sections: section 3 has its
 * first 32 of 64, section 41 its first 40 (32 + 8 of 32: 2/8).
 */
static void test_fit_blocks(void **state)
{
	struct loaded *l = *state;
	struct ms_canvas c;
	char row[512];
	int y;

	render(l, 80, 12, &c);
	y = find_row(&c, "1 cell = 128 MiB (a section), 32/row = 4 GiB, sections 0-41", row,
		     sizeof(row));
	assert_true(y > 0);
	ms_canvas_row(&c, y + 1, row, sizeof(row));
	assert_string_equal(row, "0x000000000 b0  EEEEEEe . . . . . . . . . . . . XXHH. . . . . . . . . . . . . . ");
	ms_canvas_row(&c, y + 2, row, sizeof(row));
	assert_int_equal(strncmp(row, "0x100000000     . . . . . . . . DDd ", 36), 0);
	c.blocks = true;
	ms_tui_render(&l->tui, &c);
	ms_canvas_row(&c, y + 1, row, sizeof(row));
	assert_true(starts(row, "0x000000000 b0  EEEEEE\u2588 . . "));
	ms_canvas_row(&c, y + 2, row, sizeof(row));
	assert_true(starts(row, "0x100000000     . . . . . . . . DD\u2588\u2582 "));
	/* in the class's colour, not filled; the legend's sample likewise */
	assert_int_equal(ms_canvas_at(&c, 16 + 41 % 32 * 2, y + 2)->role, MS_ROLE_DEVICE);
	assert_false(ms_canvas_at(&c, 16 + 41 % 32 * 2, y + 2)->attr & MS_ATTR_FILL);
	assert_true(find_row(&c, "[\u2586\u2582] partly populated: 2", row, sizeof(row)) > 0);
	ms_canvas_free(&c);
}

/* Rows a layout of g sections per cell, per_row cells a row, needs: the
 * test's own count over the runs (each run and each hole between). */
static uint64_t rows_needed(uint64_t n, uint64_t run, uint64_t g, int per_row)
{
	uint64_t span = g * (uint64_t)per_row, rows = 0;

	if (run >= n)
		return (n + span - 1) / span;
	for (uint64_t a = 0; a < n; a += 2 * run)
		rows += (run + span - 1) / span + (a + 2 * run < n);
	return rows;
}

/*
 * 1 TiB and 16 TiB at 140x40 aggregate sections: the finest power of two
 * per cell whose rows fit; the scale line says it; Enter zooms to one
 * cell per section on the aggregate's first present section.
 */
static void test_fit_aggregate(void **state)
{
	struct loaded *l = *state;
	const struct ms_layout *lay = l->tui.data.sp->layout;
	static const struct { uint64_t n, run, group; const char *scale; } m[] = {
		{ 8192, 8192, 8, "1 cell = 1 GiB (8 sections), 32/row = 32 GiB, sections 0-8191" },
		{ 131072, 131072, 128, "1 cell = 16 GiB (128 sections), 32/row = 512 GiB, sections 0-131071" },
		/* 16 TiB of address space, 8 TiB present in four runs */
		{ 131072, 16384, 64, "1 cell = 8 GiB (64 sections), 32/row = 256 GiB, sections 0-114687" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++) {
		struct ms_tui_opts o = { .delay = 1 };
		struct ms_canvas c;
		struct ms_fit f;
		struct ms_tui t;
		struct timespec t0;
		char row[512];
		double ms;
		int y;

		ms_tui_init(&t, &o);
		assert_null(ms_tui_data_reload(&t.data, &o, sparse_machine(lay, m[i].n, m[i].run)));
		t.w = 140;
		t.h = 40;
		assert_int_equal(ms_canvas_init(&c, 140, 40), 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ms_tui_render(&t, &c);
		ms = ms_since(&t0);
		print_message("%" PRIu64 " sections: fitted frame %.2f ms\n", m[i].n, ms);
		assert_true(ms < 100);
		y = find_row(&c, m[i].scale, row, sizeof(row));
		assert_true(y > 0);
		assert_int_equal(ms_fit_layout(&t, y + 1, 40 - 1 - (y + 1), &f), 0);
		assert_false(f.sub);
		assert_int_equal(f.group, m[i].group);
		/* the finest that fits: half as many sections a cell would not */
		assert_true(rows_needed(m[i].n, m[i].run, f.group, f.per_row) == (uint64_t)f.nr_rows);
		assert_true(f.nr_rows <= f.visible);
		assert_true(rows_needed(m[i].n, m[i].run, f.group / 2, f.per_row) > (uint64_t)f.visible);
		/* most rows used */
		assert_true(f.nr_rows * 2 > f.visible);
		ms_canvas_row(&c, y + f.nr_rows, row, sizeof(row));
		assert_int_equal(strncmp(row, "0x", 2), 0);
		ms_canvas_row(&c, y + f.nr_rows + 1, row, sizeof(row));
		if (f.nr_rows < f.visible)
			assert_int_equal(strncmp(row, "  ", 2), 0);
		/* Right, Enter: the second cell's first present section */
		t.cursor = 0;
		ms_tui_key(&t, MS_KEY_RIGHT);
		assert_int_equal(t.cursor, f.group);
		ms_tui_key(&t, MS_KEY_ENTER);
		assert_int_equal(t.zoom, MS_ZOOM_SECTION);
		assert_int_equal(t.view, MS_VIEW_MAP);
		ms_tui_key(&t, MS_KEY_ESC);
		assert_int_equal(t.zoom, MS_ZOOM_FIT);
		ms_fit_free(&f);
		ms_canvas_free(&c);
		ms_tui_fini(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cell_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_render, setup, teardown),
		cmocka_unit_test_setup_teardown(test_section_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_and_failed_refresh, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mouse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmemmap_view, setup, teardown),
		cmocka_unit_test(test_grid),
		cmocka_unit_test_setup_teardown(test_redraw_1tib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_subsections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_aggregate, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
