// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TUI's frame and event loop: a title row with the views, the view's
 * body, a status bar; one loop that waits for a key or the next refresh.
 * A refresh reloads the model and blocks; when it fails, the error shows
 * in the status bar and the previous data stays on screen.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "memscope/timings.h"
#include "screen.h"
#include "tui_int.h"

void ms_tui_init(struct ms_tui *t, const struct ms_tui_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->opts = o;
	t->view = MS_VIEW_MAP;
	t->zoom = MS_ZOOM_FIT;
	t->delay = o->delay > 0 ? o->delay : 2.0;
	/* the help view lists them: given, so that it needs not keys.c */
	t->keys = ms_keys;
	t->nr_keys = ms_nr_keys;
	t->w = 80;
	t->h = 24;
}

void ms_tui_fini(struct ms_tui *t)
{
	ms_tui_data_free(&t->data);
	ms_tui_vmemmap_free(&t->vmv);
	ms_tui_pagerows_free(&t->pages);
}

static void render_title(struct ms_tui *t, struct ms_canvas *c)
{
	int x = ms_canvas_text(c, 0, 0, MS_ROLE_TITLE, 0, "memscope ");

	for (int v = 0; v < MS_VIEW_HELP; v++)
		x = ms_canvas_text(c, x + 1, 0, (int)t->view == v ? MS_ROLE_TAB : MS_ROLE_TEXT,
				   0, "%d %s", v + 1, ms_tui_view(v)->name);
	x = ms_canvas_text(c, x + 2, 0, MS_ROLE_DIM, 0, "%s  ",
			   t->data.sp ? t->data.sp->layout->release : "");
	if (t->paused)
		ms_canvas_text(c, x, 0, MS_ROLE_TITLE, 0, "paused  F1/? help");
	else
		ms_canvas_text(c, x, 0, MS_ROLE_DIM, 0, "every %gs #%lu  F1/? help",
			       t->delay, t->refreshes);
}

static void render_status(struct ms_tui *t, struct ms_canvas *c)
{
	char text[256];
	int y = c->h - 1, x = 0;

	for (int i = 0; i < c->w; i++)
		ms_canvas_put(c, i, y, ' ', MS_ROLE_STATUS, 0);
	if (t->prompting) {
		ms_canvas_text(c, 0, y, MS_ROLE_STATUS, 0,
			       "jump to (0xADDR, pfn N, section N, block N): %s_", t->input);
		return;
	}
	/* --demo reads a shipped snapshot: never let it pass for this machine */
	if (t->opts->demo)
		x = ms_canvas_text(c, 0, y, MS_ROLE_ERROR, 0,
				   "DEMO SNAPSHOT, not this machine") + 2;
	if (t->msg[0])
		x = ms_canvas_text(c, x, y, t->msg_error ? MS_ROLE_ERROR : MS_ROLE_STATUS,
				   0, "%s", t->msg) + 2;
	ms_tui_view(t->view)->status(t, text, sizeof(text));
	ms_canvas_text(c, x, y, MS_ROLE_STATUS, 0, "%s", text);
}

void ms_tui_render(struct ms_tui *t, struct ms_canvas *c)
{
	ms_canvas_clear(c);
	render_title(t, c);
	ms_tui_view(t->view)->render(t, c, 1, c->h - 2);
	render_status(t, c);
}

int ms_tui_refresh(struct ms_tui *t)
{
	struct ms_error *err = ms_tui_data_reload(&t->data, t->opts, NULL);

	t->refreshes++;
	if (err) {
		ms_tui_message(t, true, "refresh failed: %s", err->msg);
		ms_error_free(err);
		return MS_REDRAW_STATUS;
	}
	if (t->msg_error && !strncmp(t->msg, "refresh failed", 14))
		t->msg[0] = '\0';
	err = ms_tui_scan(t);
	if (err) {
		ms_tui_message(t, true, "overlay: %s", err->msg);
		ms_error_free(err);
	}
	if (t->data.nr_cells && t->cursor >= t->data.nr_cells)
		t->cursor = t->data.nr_cells - 1;
	return MS_REDRAW_VIEW;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The cursor starts on the first present section, not on section 0. */
static void place_cursor(struct ms_tui *t)
{
	if (t->data.sp && t->data.sp->nr_sections)
		t->cursor = t->data.sp->sections[0].nr;
}

static int wait_key(struct ms_tui *t, struct ms_screen *scr, double next)
{
	int ms = -1;

	if (!t->paused) {
		double left = next - now();

		ms = left > 0 ? (int)(left * 1000) + 1 : 0;
	}
	return ms_screen_key(scr, ms, &t->mouse_x, &t->mouse_y);
}

/* The confirmed action, with the screen suspended: its report stays on
 * the terminal until Enter. */
static int run_action(struct ms_tui *t, struct ms_screen *scr)
{
	int rc, ch;

	ms_screen_suspend(scr);
	printf("memscope tui: %s %s\n", t->act_verb, t->act_target);
	fflush(stdout);
	rc = t->opts->act(t->opts->act_ctx, t->act_verb, t->act_target);
	printf("\n[%s %s: exit %d; Enter returns to the map]\n", t->act_verb,
	       t->act_target, rc);
	fflush(stdout);
	do
		ch = getchar();
	while (ch != '\n' && ch != '\r' && ch != EOF);
	ms_screen_resume(scr);
	ms_tui_message(t, rc != 0, "%s %s: exit %d", t->act_verb, t->act_target, rc);
	return MS_REDRAW_VIEW | MS_REDRAW_RELOAD;
}

static void loop(struct ms_tui *t, struct ms_screen *scr)
{
	struct ms_canvas c = { 0 };
	double next = now() + t->delay;
	int redraw = MS_REDRAW_VIEW, key;

	for (;;) {
		int w, h;

		ms_screen_size(scr, &w, &h);
		/* resize is handled here, for every view */
		if (w != c.w || h != c.h) {
			ms_canvas_free(&c);
			if (ms_canvas_init(&c, w, h))
				break;
			c.blocks = ms_screen_blocks(scr);
			t->w = w;
			t->h = h;
			redraw |= MS_REDRAW_VIEW;
		}
		if (redraw) {
			ms_timings_mark("tui: (input)");
			/* between frames: what the view shows beyond the model */
			ms_tui_collect(t);
			ms_tui_render(t, &c);
			ms_screen_draw(scr, &c);
			ms_timings_mark("tui: frame");
		}
		if (redraw & MS_REDRAW_QUIT ||
		    (t->opts->refreshes > 0 && (long)t->refreshes >= t->opts->refreshes))
			break;
		key = wait_key(t, scr, next);
		if (key == MS_KEY_TIMEOUT) {
			redraw = t->paused ? MS_REDRAW_NONE : MS_REDRAW_RELOAD;
		} else {
			redraw = ms_tui_key(t, key);
		}
		if (redraw & MS_REDRAW_ACT)
			redraw |= run_action(t, scr);
		if (redraw & MS_REDRAW_RELOAD) {
			ms_timings_mark("tui: (wait)");
			redraw |= ms_tui_refresh(t);
			ms_timings_mark("tui: refresh");
			next = now() + t->delay;
		}
	}
	ms_canvas_free(&c);
}

/*
 * A terminal that cannot move the cursor (TERM=dumb) would get the frames
 * written one after the other: it gets one frame, as plain lines (ASCII,
 * the letters carrying the state), and the TUI ends.
 */
static void print_frame(struct ms_tui *t, int w, int h)
{
	struct ms_canvas c;
	char row[1024];

	if (ms_canvas_init(&c, w, h))
		return;
	t->w = w;
	t->h = h;
	ms_tui_render(t, &c);
	for (int y = 0; y < c.h; y++) {
		size_t n;

		ms_canvas_row(&c, y, row, sizeof(row));
		n = strlen(row);
		while (n && row[n - 1] == ' ')
			row[--n] = '\0';
		puts(row);
	}
	ms_canvas_free(&c);
}

struct ms_error *ms_tui_run(const struct ms_tui_opts *opts,
			    struct ms_sparse *sp)
{
	struct ms_screen *scr = NULL;
	struct ms_error *err;
	struct ms_tui t;
	int w, h;

	ms_tui_init(&t, opts);
	err = ms_tui_data_reload(&t.data, opts, sp);
	if (!err && ms_screen_dumb(&w, &h)) {
		place_cursor(&t);
		print_frame(&t, w, h);
		ms_tui_fini(&t);
		return NULL;
	}
	if (!err)
		err = ms_screen_open(&scr);
	if (err) {
		ms_tui_fini(&t);
		return err;
	}
	place_cursor(&t);
	loop(&t, scr);
	ms_screen_close(scr);
	ms_tui_fini(&t);
	return NULL;
}
