// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The key table: every key, its help line and its action. An action
 * changes the TUI's state and returns what to redraw (enum ms_redraw);
 * the help view is drawn from this same table.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define DELAY_MIN 0.1
#define DELAY_MAX 3600.0

static int act_quit(struct ms_tui *t, int key)
{
	return MS_REDRAW_QUIT;
}

static int act_help(struct ms_tui *t, int key)
{
	if (t->view == MS_VIEW_HELP) {
		t->view = t->back;
	} else {
		t->back = t->view;
		t->view = MS_VIEW_HELP;
	}
	return MS_REDRAW_VIEW;
}

static int act_view(struct ms_tui *t, int key)
{
	if (key == MS_KEY_TAB)
		t->view = (t->view + 1) % MS_VIEW_HELP;
	else
		t->view = (enum ms_view_id)(key - '1');
	t->list_top = 0;
	/* collect only what a visible view needs: pgmaps for Devices, the
	 * deferrable zones' struct pages for Deferred */
	if ((t->view == MS_VIEW_DEVICES) != t->data.want_pgmaps) {
		t->data.want_pgmaps = t->view == MS_VIEW_DEVICES;
		if (t->data.want_pgmaps)
			return MS_REDRAW_VIEW | MS_REDRAW_RELOAD;
	}
	if ((t->view == MS_VIEW_DEFERRED) != t->data.want_deferred) {
		t->data.want_deferred = t->view == MS_VIEW_DEFERRED;
		if (t->data.want_deferred)
			return MS_REDRAW_VIEW | MS_REDRAW_RELOAD;
	}
	return MS_REDRAW_VIEW;
}

static int act_pages(struct ms_tui *t, int key)
{
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);

	if (t->view == MS_VIEW_PAGES)
		return MS_REDRAW_NONE;
	return ms_pages_open(t, s ? s->start_pfn : t->pfn);
}

static int act_vmemmap(struct ms_tui *t, int key)
{
	t->view = MS_VIEW_VMEMMAP;
	t->list_top = 0;
	return MS_REDRAW_VIEW;
}

static int act_move(struct ms_tui *t, int key)
{
	const struct ms_view *v = ms_tui_view(t->view);
	int page = t->h > 6 ? t->h - 6 : 1;

	switch (key) {
	case MS_KEY_LEFT: case 'h': return v->move(t, -1, 0);
	case MS_KEY_RIGHT: case 'l': return v->move(t, 1, 0);
	case MS_KEY_UP: case 'k': return v->move(t, 0, -1);
	case MS_KEY_DOWN: case 'j': return v->move(t, 0, 1);
	case MS_KEY_PGUP: return v->move(t, 0, -page);
	case MS_KEY_PGDN: return v->move(t, 0, page);
	case MS_KEY_HOME: return v->move(t, 0, -MS_MOVE_FAR);
	case MS_KEY_END: return v->move(t, 0, MS_MOVE_FAR);
	}
	return MS_REDRAW_NONE;
}

static int act_zoom(struct ms_tui *t, int key)
{
	const struct ms_view *v = ms_tui_view(t->view);
	int dir = key == MS_KEY_ENTER ? 1 : -1;

	if (t->view == MS_VIEW_HELP)
		return act_help(t, key);
	return v->zoom ? v->zoom(t, dir) : MS_REDRAW_NONE;
}

/* z: the map fitted to the window, or one cell per section */
static int act_fit(struct ms_tui *t, int key)
{
	t->zoom = t->view == MS_VIEW_MAP && t->zoom == MS_ZOOM_FIT ?
		  MS_ZOOM_SECTION : MS_ZOOM_FIT;
	t->view = MS_VIEW_MAP;
	return MS_REDRAW_VIEW;
}

static int act_pause(struct ms_tui *t, int key)
{
	t->paused = !t->paused;
	ms_tui_message(t, false, t->paused ? "paused" : "refreshing every %gs",
		       t->delay);
	return MS_REDRAW_STATUS;
}

static int act_delay(struct ms_tui *t, int key)
{
	t->delay = key == '+' ? t->delay * 2 : t->delay / 2;
	if (t->delay < DELAY_MIN)
		t->delay = DELAY_MIN;
	if (t->delay > DELAY_MAX)
		t->delay = DELAY_MAX;
	ms_tui_message(t, false, "refresh every %gs", t->delay);
	return MS_REDRAW_STATUS;
}

static int act_refresh(struct ms_tui *t, int key)
{
	return MS_REDRAW_RELOAD;
}

static int act_prompt(struct ms_tui *t, int key)
{
	t->prompting = true;
	t->input[0] = '\0';
	return MS_REDRAW_STATUS;
}

static int act_overlay(struct ms_tui *t, int key)
{
	bool want = false, pages = false;
	int redraw = MS_REDRAW_NONE;

	for (size_t i = 0; i < ms_nr_overlays; i++) {
		if (ms_overlays[i].key == key) {
			t->overlays ^= 1U << i;
			ms_tui_message(t, false, "overlay %s %s", ms_overlays[i].name,
				       t->overlays & (1U << i) ? "on" : "off");
			redraw = MS_REDRAW_VIEW;
		}
		if (t->overlays & (1U << i) && ms_overlays[i].needs_vmemmap)
			want = true;
		if (t->overlays & (1U << i) && ms_overlays[i].needs_pages)
			pages = true;
	}
	if (pages && !t->data.want_pages)
		redraw |= MS_REDRAW_RELOAD;
	t->data.want_pages = pages;
	/* a model an overlay needs is loaded by the refresh it asks for */
	if (want && !t->data.want_vmemmap)
		redraw |= MS_REDRAW_RELOAD;
	t->data.want_vmemmap = want;
	return redraw;
}

static int act_action(struct ms_tui *t, int key)
{
	return ms_tui_act_ask(t, key);
}

static int act_mouse(struct ms_tui *t, int key)
{
	const struct ms_view *v = ms_tui_view(t->view);

	return v->click ? v->click(t, t->mouse_x, t->mouse_y) : MS_REDRAW_NONE;
}

const struct ms_keybind ms_keys[] = {
	{ 'q', "q", "quit", act_quit },
	{ '?', "?, F1", "this help (any key returns)", act_help },
	{ MS_KEY_F1, NULL, NULL, act_help },
	{ '1', "1", "Map: sections by state; Enter zooms in", act_view },
	{ '2', "2", "Section: the cursor's section, sub-sections, memmap", act_view },
	{ '3', "3", "Devices: ZONE_DEVICE sections and /proc/iomem devices", act_view },
	{ '4', "4", "Deferred: per-node struct page init progress", act_view },
	{ '5', "5", "Pages: struct pages from the cursor, one pfn a row", act_pages },
	{ '6', "6", "vmemmap: the section's memmap pages -> frames, shared ones", act_vmemmap },
	{ MS_KEY_TAB, "Tab", "next view", act_view },
	{ MS_KEY_LEFT, "arrows, hjkl", "move the cursor", act_move },
	{ MS_KEY_RIGHT, NULL, NULL, act_move },
	{ MS_KEY_UP, NULL, NULL, act_move },
	{ MS_KEY_DOWN, NULL, NULL, act_move },
	{ 'h', NULL, NULL, act_move },
	{ 'j', NULL, NULL, act_move },
	{ 'k', NULL, NULL, act_move },
	{ 'l', NULL, NULL, act_move },
	{ MS_KEY_PGUP, "PgUp, PgDn", "a screen up or down", act_move },
	{ MS_KEY_PGDN, NULL, NULL, act_move },
	{ MS_KEY_HOME, "Home, End", "first or last", act_move },
	{ MS_KEY_END, NULL, NULL, act_move },
	{ MS_KEY_ENTER, "Enter, click", "zoom in: node -> sections -> sub-sections -> pages", act_zoom },
	{ MS_KEY_ESC, "Esc, Backspace", "zoom out", act_zoom },
	{ MS_KEY_BACKSPACE, NULL, NULL, act_zoom },
	{ '/', "/", "jump to 0xADDR, pfn N, section N or block N", act_prompt },
	{ 'z', "z", "map: fitted to the window, or one cell per section", act_fit },
	{ 'p', "p", "pause or resume the refresh", act_pause },
	{ '+', "+, -", "refresh slower or faster", act_delay },
	{ '-', NULL, NULL, act_delay },
	{ 'r', "r", "refresh now", act_refresh },
	{ 'f', "f", "overlay: deferred struct page init (~)", act_overlay },
	{ 'v', "v", "overlay: struct pages on shared vmemmap frames (+)", act_overlay },
	{ 'c', "c", "overlay: compound kinds (U hugetlb V devdax T thp S slab C)", act_overlay },
	{ 'P', "P", "overlay: large folios with pins (*)", act_overlay },
	{ 'H', "H, U", "hotplug/unplug the cursor's dax device (asks first)", act_action },
	{ 'U', NULL, NULL, act_action },
	{ 'o', "o, O", "online/offline the cursor's memory block (asks first)", act_action },
	{ 'O', NULL, NULL, act_action },
	{ MS_KEY_MOUSE, NULL, NULL, act_mouse },
};
const size_t ms_nr_keys = sizeof(ms_keys) / sizeof(*ms_keys);

static uint64_t section_of_pfn(const struct ms_tui *t, uint64_t pfn)
{
	const struct ms_layout *l = t->data.sp->layout;

	return pfn >> (l->section_size_bits - l->page_shift);
}

static int jump_block(struct ms_tui *t, uint64_t nr)
{
	const struct ms_blocks *b = t->data.blocks;

	for (size_t i = 0; b && i < b->nr; i++) {
		if (b->blocks[i].nr == nr) {
			t->cursor = b->blocks[i].start >> t->data.sp->layout->section_size_bits;
			t->pfn = b->blocks[i].start >> t->data.sp->layout->page_shift;
			t->sub = 0;
			return 0;
		}
	}
	ms_tui_message(t, true, "no memory block %" PRIu64, nr);
	return -1;
}

/* "0x1180000", "pfn 0x118000", "section 35", "block 35" (or p/s/b N). */
int ms_tui_jump(struct ms_tui *t, const char *what)
{
	const struct ms_layout *l;
	char word[16] = "", *end;
	const char *num = what;
	uint64_t v, nr, pfn;

	if (!t->data.sp)
		return -1;
	l = t->data.sp->layout;
	if (isalpha((unsigned char)*what) && !(what[0] == '0' && what[1] == 'x')) {
		if (sscanf(what, "%15[a-z] ", word) != 1)
			goto bad;
		num = what + strlen(word);
	}
	while (*num == ' ')
		num++;
	if (!*num)
		goto bad;
	v = strtoull(num, &end, 0);
	if (*end)
		goto bad;
	if (!word[0])
		pfn = v >> l->page_shift;
	else if (!strncmp("pfn", word, strlen(word)))
		pfn = v;
	else if (!strncmp("section", word, strlen(word)))
		pfn = v << (l->section_size_bits - l->page_shift);
	else if (!strncmp("block", word, strlen(word)))
		return jump_block(t, v);
	else
		goto bad;
	nr = section_of_pfn(t, pfn);
	if (nr >= t->data.nr_cells || (word[0] == 's' && v >= t->data.nr_cells)) {
		ms_tui_message(t, true, "%s is beyond the last present section", what);
		return -1;
	}
	t->cursor = nr;
	t->pfn = pfn;	/* the pages view lands on the very pfn */
	/* and the fitted map on its sub-section */
	t->sub = (unsigned int)(((pfn << l->page_shift) >> l->subsection_shift) &
				(t->data.per_section ? t->data.per_section - 1 : 0));
	return 0;
bad:
	ms_tui_message(t, true, "cannot jump to '%s': want 0xADDR, pfn N, section N or block N",
		       what);
	return -1;
}

static int prompt_key(struct ms_tui *t, int key)
{
	size_t n = strlen(t->input);

	if (key == MS_KEY_ENTER) {
		t->prompting = false;
		if (!ms_tui_jump(t, t->input)) {
			t->msg[0] = '\0';
			if (t->view == MS_VIEW_PAGES)
				return ms_pages_open(t, t->pfn);
			if (t->view != MS_VIEW_SECTION)
				t->view = MS_VIEW_MAP;
			if (t->zoom == MS_ZOOM_NODE)
				t->zoom = MS_ZOOM_FIT;
		}
		return MS_REDRAW_VIEW;
	}
	if (key == MS_KEY_ESC) {
		t->prompting = false;
	} else if (key == MS_KEY_BACKSPACE) {
		if (n)
			t->input[n - 1] = '\0';
	} else if (key >= 32 && key < 127 && n + 1 < sizeof(t->input)) {
		t->input[n] = (char)key;
		t->input[n + 1] = '\0';
	}
	return MS_REDRAW_STATUS;
}

int ms_tui_key(struct ms_tui *t, int key)
{
	if (t->prompting)
		return prompt_key(t, key);
	if (t->confirming)
		return ms_tui_act_answer(t, key);
	if (key == MS_KEY_RESIZE)
		return MS_REDRAW_VIEW;
	/* help is a page: any key but its own returns */
	if (t->view == MS_VIEW_HELP && key != 'q' && key != MS_KEY_MOUSE)
		return act_help(t, key);
	for (size_t i = 0; i < ms_nr_keys; i++)
		if (ms_keys[i].key == key)
			return ms_keys[i].action(t, key);
	return MS_REDRAW_NONE;
}
