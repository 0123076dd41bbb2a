/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TUI's state, shared by the views, the key table and the event loop.
 * Everything here is pure: no curses (that is screen.c), so unit tests
 * drive keys and render views into a canvas.
 */
#ifndef MEMSCOPE_VIEWS_TUI_INT_H
#define MEMSCOPE_VIEWS_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/deferred.h"
#include "memscope/facts.h"
#include "memscope/page.h"
#include "memscope/pgmap.h"
#include "memscope/section_class.h"
#include "memscope/section_marks.h"
#include "memscope/sparse.h"
#include "memscope/sysfs.h"
#include "memscope/tui.h"
#include "memscope/vmemmap.h"
#include "canvas.h"

/* What a map cell shows: the section's class (section_class.h). */
enum ms_cell_state {
	MS_CELL_EARLY = MS_CLASS_EARLY,
	MS_CELL_HOTADDED = MS_CLASS_HOTADDED,
	MS_CELL_KMEM = MS_CLASS_KMEM,
	MS_CELL_ONLINE = MS_CLASS_ONLINE,
	MS_CELL_OFFLINE = MS_CLASS_OFFLINE,
	MS_CELL_DEVICE = MS_CLASS_DEVICE,
	MS_CELL_ABSENT = MS_CLASS_ABSENT,
	MS_CELL_NR = MS_CLASS_NR,
};

struct ms_cell {
	uint8_t state;		/* enum ms_cell_state */
	uint8_t changed;	/* differs from the previous refresh */
	uint16_t active;	/* active sub-sections */
	int32_t idx;		/* index in sp->sections, -1 when absent */
};

/* What the views show: reloaded on every refresh. */
struct ms_tui_data {
	struct ms_sparse *sp;
	struct ms_blocks *blocks;	/* NULL without sysfs */
	struct ms_iomem *iomem;		/* NULL without sysfs */
	/* each present section's class, block, node and owner, decided as
	 * the CLI decides them (facts.h); a cell's state is its class */
	struct ms_facts facts;
	/* loaded only while an overlay needs them (want_vmemmap) */
	bool want_vmemmap;
	bool want_pgmaps;		/* the Devices view is shown */
	bool want_deferred;		/* the Deferred view is shown */
	struct ms_deferred *deferred;
	char deferred_msg[160];		/* why there is no deferred model */
	char pgmap_msg[160];		/* why there are no pgmaps, or "" */
	char iomem_msg[160];		/* why there is no /proc/iomem, or "" */
	struct ms_pgmaps *pgmaps;
	struct ms_vmemmap *vm;
	/* compound and pin overlays: per section, bit (1 << enum
	 * ms_compound_kind) for the heads found and MS_MARK_PIN, for the
	 * sections on screen at the last refresh only (views/scan.c) */
	bool want_pages;
	uint8_t *marks;
	uint64_t nr_marks;
	struct ms_cell *cells;		/* by section number, 0..nr_cells-1 */
	uint64_t nr_cells;
	unsigned int per_section;	/* sub-sections per section */
	unsigned int counts[MS_CELL_NR];
	unsigned int nr_partial;	/* present with some sub-sections inactive */
	unsigned int nr_changed;
};

enum ms_view_id {
	MS_VIEW_MAP, MS_VIEW_SECTION, MS_VIEW_DEVICES, MS_VIEW_DEFERRED,
	MS_VIEW_HELP,
	MS_VIEW_PAGES,		/* after help: opened by '5' or by zooming in */
	MS_VIEW_VMEMMAP,	/* '6' */
	MS_VIEW_NR,
};

/* the Map: nodes, one cell per section, fitted to the window (map_fit.h) */
enum ms_zoom { MS_ZOOM_NODE, MS_ZOOM_SECTION, MS_ZOOM_FIT };

/* Keys, independent of curses (screen.c translates). */
enum {
	MS_KEY_UP = 0x100, MS_KEY_DOWN, MS_KEY_LEFT, MS_KEY_RIGHT,
	MS_KEY_PGUP, MS_KEY_PGDN, MS_KEY_HOME, MS_KEY_END,
	MS_KEY_ENTER, MS_KEY_ESC, MS_KEY_BACKSPACE, MS_KEY_TAB,
	MS_KEY_F1, MS_KEY_RESIZE, MS_KEY_MOUSE, MS_KEY_TIMEOUT,
};

/* Home and End: a move of this many rows means the first or the last. */
#define MS_MOVE_FAR 1000000

/* What an action asks the loop to do; a bit set. */
enum ms_redraw {
	MS_REDRAW_NONE = 0,
	MS_REDRAW_STATUS = 1,
	MS_REDRAW_VIEW = 2,
	MS_REDRAW_RELOAD = 4,
	MS_REDRAW_QUIT = 8,
	MS_REDRAW_ACT = 16,	/* run the confirmed action (actions.c) */
};

#define MS_TUI_MSG 160

/* The frames behind a section's memmap, for the Section view (collect.c). */
struct ms_tui_memmap {
	bool valid;		/* collected for nr at refresh */
	bool active;		/* it has an active sub-section to translate */
	uint64_t nr;
	unsigned long refresh;
	struct ms_pt_xlate first, last;	/* its first and last struct page */
	char err[MS_TUI_MSG];	/* why not, or "" */
};

/* One leaf of the page tables over a section's memmap (collect.c). */
struct ms_tui_leaf {
	uint64_t vaddr, frame, size;
	bool writable;
	uint32_t shares;	/* leaves of the range mapping its frame */
};

/* The vmemmap view's data: the section walked, at which refresh. */
struct ms_tui_vmemmap {
	bool valid;		/* collected for nr at refresh */
	bool present;		/* the section is present, its layout known */
	uint64_t nr;
	unsigned long refresh;
	uint64_t start, end;	/* vmemmap range of the section */
	struct ms_tui_leaf *leaves;
	size_t n;
	size_t shared;		/* leaves on frames mapped more than once */
	uint64_t holes;		/* bytes of the range not mapped */
};

/* The Pages view's rows: the struct pages on screen (collect.c). */
struct ms_tui_pagerows {
	bool valid;		/* collected for top, n at refresh */
	uint64_t top;		/* first pfn */
	int n;
	unsigned long refresh;
	struct ms_page *p;	/* n entries */
	bool *ok;		/* p[i] decoded */
	char err[MS_TUI_MSG];	/* why the read stopped, or "" */
};

struct ms_tui {
	const struct ms_tui_opts *opts;
	struct ms_tui_data data;
	enum ms_view_id view, back;	/* back: where help returns to */
	enum ms_zoom zoom;
	uint64_t cursor;		/* section number under the cursor */
	unsigned int sub;		/* sub-section under the cursor */
	size_t node;			/* node under the cursor (node zoom) */
	int top;			/* first map row shown */
	int list_top;			/* first row of list views */
	double delay;
	bool paused;
	unsigned long refreshes;	/* refreshes done */
	unsigned int overlays;		/* bit i: ms_overlays[i] shown */
	char msg[MS_TUI_MSG];		/* status-bar message, "" for none */
	bool msg_error;
	bool prompting;			/* reading a '/' jump target */
	char input[48];
	int mouse_x, mouse_y;		/* last click, for MS_KEY_MOUSE */
	/* the pages view: cursor pfn, first pfn shown, the page layout
	 * resolved once on first use (pl_state 1), or why not (-1) */
	uint64_t pfn, pfn_top;
	/* an action waiting for its y (actions.c) */
	bool confirming;
	char act_verb[16], act_target[64];
	struct ms_page_layout pl;
	int pl_state;
	struct ms_tui_vmemmap vmv;	/* the vmemmap view's (ms_tui_collect) */
	struct ms_tui_memmap memmap;	/* the Section view's (ms_tui_collect) */
	struct ms_tui_pagerows pages;	/* the Pages view's (ms_tui_collect) */
	const struct ms_keybind *keys;	/* ms_keys, for the help view */
	size_t nr_keys;
	int w, h;			/* screen size */
};

/* data.c */
struct ms_error *ms_tui_data_reload(struct ms_tui_data *d,
				    const struct ms_tui_opts *o,
				    struct ms_sparse *sp);
void ms_tui_data_free(struct ms_tui_data *d);
void ms_tui_data_drop(struct ms_tui_data *d);
const struct ms_section *ms_tui_section(const struct ms_tui_data *d,
					uint64_t nr);
/* The facts of section nr, NULL when it is absent. */
const struct ms_section_facts *ms_tui_facts(const struct ms_tui_data *d,
					    uint64_t nr);
extern const int ms_cell_roles[MS_CELL_NR];

/* grid.c: sections laid out in rows of a power of two */
struct ms_grid {
	int x, y;		/* top-left of the first cell row */
	int label_w;		/* address label before each row */
	int cell_w;		/* columns per cell */
	int per_row;
	int rows;		/* rows in all */
	int visible;		/* rows that fit */
	uint64_t count;		/* cells */
};

void ms_grid_layout(struct ms_grid *g, uint64_t count, int x, int y, int w,
		    int h, int label_w, int cell_w);
/* Row and column of cell i. */
void ms_grid_pos(const struct ms_grid *g, uint64_t i, int *row, int *col);
/* The cell at screen (sx, sy) with the map scrolled to top; -1 if none. */
int64_t ms_grid_hit(const struct ms_grid *g, int top, int sx, int sy);
/* The top row that keeps row visible. */
int ms_grid_scroll(const struct ms_grid *g, int top, int row);
/* Draws one cell of a section: partly populated cells are half filled. */
void ms_grid_cell(struct ms_canvas *c, int x, int y, int cell_w, int state,
		  unsigned int active, unsigned int per_section, int attr);
/* The same with sub-section activity per column (block elements). */
void ms_grid_cell_parts(struct ms_canvas *c, int x, int y, int cell_w,
			int state, const uint64_t *active, uint64_t per_part,
			int attr);

/* overlay.c: plug-ins that colour map cells */
struct ms_overlay {
	const char *name;
	int key;
	const char *help;
	/* Role and letter for section nr, or -1 to leave the cell alone. */
	int (*cell)(const struct ms_tui_data *d, uint64_t nr, char *letter);
	bool needs_vmemmap;	/* the vmemmap model is loaded while shown */
	bool needs_pages;	/* the sections on screen are scanned */
};
/* scan.c: marks for the sections on the map's screen; NULL or why not */
struct ms_error *ms_tui_scan(struct ms_tui *t);
extern const struct ms_overlay ms_overlays[];
extern const size_t ms_nr_overlays;

/* views: each renders its body into rows [y, y+h) of the canvas */
struct ms_view {
	const char *name;
	void (*render)(struct ms_tui *t, struct ms_canvas *c, int y, int h);
	/* The status line: what is under the cursor. */
	void (*status)(struct ms_tui *t, char *buf, size_t len);
	/* Cursor moves and zoom; return an enum ms_redraw set. */
	int (*move)(struct ms_tui *t, int dx, int dy);
	int (*zoom)(struct ms_tui *t, int dir);
	int (*click)(struct ms_tui *t, int x, int y);
};
extern const struct ms_view ms_view_map, ms_view_section, ms_view_devices,
	ms_view_deferred, ms_view_help, ms_view_pages, ms_view_vmemmap;
/* view_pages.c: opens the pages view with the cursor on pfn */
int ms_pages_open(struct ms_tui *t, uint64_t pfn);
/* The page layout, resolved once; false (and a message) when it cannot be. */
bool ms_tui_page_layout(struct ms_tui *t);
/* The Pages view's window for a body of h rows: scrolls pfn_top to keep
 * the cursor pfn shown, returns the number of rows (0: none). */
int ms_tui_pages_window(struct ms_tui *t, int h);
/* view_table.c: the view of an id */
const struct ms_view *ms_tui_view(enum ms_view_id id);

/* map grid geometry for the current screen (view_map.c) */
void ms_map_grid(const struct ms_tui *t, struct ms_grid *g);
/* The map's first grid row (below the title, legend and scale line). */
int ms_map_body_y(const struct ms_tui *t);
/* The sections on the map's screen, [*lo, *hi). */
void ms_map_screen(const struct ms_tui *t, uint64_t *lo, uint64_t *hi);
/* "section 35  0x118000000-0x11fffffff  pfn 0x118000  ..." (view_section.c) */
void ms_map_status(const struct ms_tui *t, uint64_t nr, char *buf, size_t len);

/* keys.c: the key table */
struct ms_keybind {
	int key;
	const char *label;	/* as the help shows it */
	const char *help;
	int (*action)(struct ms_tui *t, int key);
};
extern const struct ms_keybind ms_keys[];
extern const size_t ms_nr_keys;
/* Runs the action bound to key (or feeds the '/' prompt). */
int ms_tui_key(struct ms_tui *t, int key);
/* Parses a '/' target: 0xADDR, pfn N, section N, block N; 0 on success. */
int ms_tui_jump(struct ms_tui *t, const char *what);

/* message.c: the status bar's message, below the views (calls nothing) */
void ms_tui_message(struct ms_tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* actions.c: H/U hotplug/unplug the cursor's dax device, o/O online or
 * offline its block; asks first, refused under --readonly */
int ms_tui_act_ask(struct ms_tui *t, int key);
int ms_tui_act_answer(struct ms_tui *t, int key);

/* collect.c: what the shown view needs beyond the model, collected
 * between frames; the views only render */
void ms_tui_collect(struct ms_tui *t);
void ms_tui_vmemmap_free(struct ms_tui_vmemmap *v);
void ms_tui_pagerows_free(struct ms_tui_pagerows *r);

/* tui.c: the frame around the views */
void ms_tui_render(struct ms_tui *t, struct ms_canvas *c);
void ms_tui_init(struct ms_tui *t, const struct ms_tui_opts *o);
void ms_tui_fini(struct ms_tui *t);
int ms_tui_refresh(struct ms_tui *t);

#endif
