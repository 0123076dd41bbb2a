// SPDX-License-Identifier: GPL-2.0-or-later
/* The terminal through ncursesw (see screen.h). */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>

#include "screen.h"
#include "tui_int.h"

struct ms_screen {
	bool color;
	bool utf8;			/* the locale's codeset is UTF-8 */
	int w, h;
	struct ms_canvas front;		/* what the terminal shows */
};

struct role_style {
	short fg;
	attr_t attr;			/* with colours */
	attr_t mono;			/* without */
};

static const struct role_style styles[MS_ROLE_NR] = {
	[MS_ROLE_TEXT] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_DIM] = { -1, A_DIM, A_DIM },
	[MS_ROLE_TITLE] = { COLOR_CYAN, A_BOLD, A_BOLD },
	[MS_ROLE_STATUS] = { COLOR_CYAN, A_REVERSE, A_REVERSE },
	[MS_ROLE_ERROR] = { COLOR_RED, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD },
	[MS_ROLE_TAB] = { COLOR_WHITE, A_REVERSE, A_REVERSE },
	/* the section classes' roles take their colour from section_class.c */
	[MS_ROLE_ABSENT] = { -1, A_DIM, A_DIM },
	[MS_ROLE_EARLY] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_HOTADDED] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_ONLINE] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_OFFLINE] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_DEVICE] = { -1, A_NORMAL, A_NORMAL },
	[MS_ROLE_OVERLAY] = { COLOR_RED, A_NORMAL, A_NORMAL },
};

/* A class role's colour is the class's (its numbers are curses's). */
static short role_fg(int role)
{
	for (int c = 0; c < MS_CELL_NR; c++)
		if (ms_cell_roles[c] == role && c != MS_CELL_ABSENT)
			return (short)ms_section_class_info(c)->colour;
	return styles[role].fg;
}

/* Pair r+1: the role's colour on the default background; r+1+NR: filled. */
static void init_colors(struct ms_screen *s)
{
	const char *no = getenv("NO_COLOR");

	s->color = has_colors() && !(no && *no) && start_color() == OK;
	if (!s->color)
		return;
	use_default_colors();
	for (int r = 0; r < MS_ROLE_NR; r++) {
		short fg = role_fg(r);

		init_pair((short)(r + 1), fg, -1);
		init_pair((short)(r + 1 + MS_ROLE_NR), COLOR_BLACK,
			  fg < 0 ? COLOR_WHITE : fg);
	}
}

bool ms_screen_dumb(int *w, int *h)
{
	struct winsize ws;
	char *cup;
	int err;

	*w = 80;
	*h = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;	/* ms_screen_open says why */
	cup = tigetstr("cup");
	del_curterm(cur_term);
	return !cup || cup == (char *)-1;
}

struct ms_error *ms_screen_open(struct ms_screen **out)
{
	struct ms_screen *s;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return ms_error_new(MS_ERR_USAGE, "tui needs a terminal");
	s = calloc(1, sizeof(*s));
	if (!s)
		return ms_error_new(MS_ERR_NOMEM, "screen");
	/* a locale installed in part (LC_CTYPE alone) still gives UTF-8 */
	if (!setlocale(LC_ALL, ""))
		setlocale(LC_CTYPE, "");
	s->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!newterm(NULL, stdout, stdin)) {
		free(s);
		return ms_error_new(MS_ERR_OTHER, "cannot use terminal '%s'",
				    getenv("TERM") ? getenv("TERM") : "");
	}
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
		  BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	init_colors(s);
	*out = s;
	return NULL;
}

void ms_screen_close(struct ms_screen *s)
{
	if (!s)
		return;
	endwin();
	ms_canvas_free(&s->front);
	free(s);
}

void ms_screen_suspend(struct ms_screen *s)
{
	endwin();
	ms_canvas_free(&s->front);
}

void ms_screen_resume(struct ms_screen *s)
{
	refresh();
}

/*
 * Block elements need a UTF-8 locale; and they tell a class only by its
 * colour, so without colours (NO_COLOR, TERM=dumb) the letters stay.
 */
bool ms_screen_blocks(const struct ms_screen *s)
{
	return s->utf8 && s->color;
}

/* A block glyph as a wide character; '#' should one reach a terminal
 * that cannot show it. */
static void put_eighths(const struct ms_screen *s, int y, int x, char ch,
			attr_t a)
{
	wchar_t wc[2] = { (wchar_t)(0x2580 + ch), 0 };
	cchar_t cc;

	if (!s->utf8 || setcchar(&cc, wc, a, PAIR_NUMBER(a), NULL) != OK) {
		mvaddch(y, x, '#' | a);
		return;
	}
	mvadd_wch(y, x, &cc);
}

void ms_screen_size(const struct ms_screen *s, int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

static attr_t glyph_attr(const struct ms_screen *s, const struct ms_glyph *g)
{
	const struct role_style *st = &styles[g->role < MS_ROLE_NR ? g->role : 0];
	attr_t a = s->color ? st->attr : st->mono;

	if (g->attr & MS_ATTR_FILL)
		a = s->color ? COLOR_PAIR(g->role + 1 + MS_ROLE_NR) : a | A_REVERSE;
	else if (s->color)
		a |= COLOR_PAIR(g->role + 1);
	if (g->attr & MS_ATTR_CURSOR)
		a = (a & ~A_REVERSE) | (g->attr & MS_ATTR_FILL && !s->color ? 0 : A_REVERSE) |
		    A_BOLD | A_UNDERLINE;
	if (g->attr & MS_ATTR_CHANGED)
		a |= A_BOLD | A_UNDERLINE;
	return a;
}

/* Only the glyphs that differ from the last frame reach the terminal. */
void ms_screen_draw(struct ms_screen *s, const struct ms_canvas *c)
{
	bool all = s->front.w != c->w || s->front.h != c->h;

	if (all) {
		ms_canvas_free(&s->front);
		if (ms_canvas_init(&s->front, c->w, c->h))
			return;
		clearok(stdscr, TRUE);
	}
	for (int y = 0; y < c->h; y++) {
		for (int x = 0; x < c->w; x++) {
			const struct ms_glyph *g = &c->g[y * c->w + x];
			struct ms_glyph *f = &s->front.g[y * c->w + x];

			if (!all && !memcmp(g, f, sizeof(*g)))
				continue;
			*f = *g;
			/* the bottom-right cell would scroll the screen */
			if (y == c->h - 1 && x == c->w - 1)
				continue;
			if (MS_GLYPH_IS_EIGHTHS(g->ch))
				put_eighths(s, y, x, g->ch, glyph_attr(s, g));
			else
				mvaddch(y, x, (chtype)(unsigned char)g->ch | glyph_attr(s, g));
		}
	}
	refresh();
}

static int mouse_key(int *x, int *y)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return 0;
	if (ev.bstate & BUTTON4_PRESSED)
		return MS_KEY_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return MS_KEY_DOWN;
	*x = ev.x;
	*y = ev.y;
	return MS_KEY_MOUSE;
}

int ms_screen_key(struct ms_screen *s, int timeout_ms, int *x, int *y)
{
	static const struct { int curses, key; } map[] = {
		{ KEY_UP, MS_KEY_UP }, { KEY_DOWN, MS_KEY_DOWN },
		{ KEY_LEFT, MS_KEY_LEFT }, { KEY_RIGHT, MS_KEY_RIGHT },
		{ KEY_PPAGE, MS_KEY_PGUP }, { KEY_NPAGE, MS_KEY_PGDN },
		{ KEY_HOME, MS_KEY_HOME }, { KEY_END, MS_KEY_END },
		{ KEY_ENTER, MS_KEY_ENTER }, { '\r', MS_KEY_ENTER },
		{ '\n', MS_KEY_ENTER }, { 27, MS_KEY_ESC },
		{ KEY_BACKSPACE, MS_KEY_BACKSPACE }, { 127, MS_KEY_BACKSPACE },
		{ 8, MS_KEY_BACKSPACE }, { '\t', MS_KEY_TAB },
		{ KEY_F(1), MS_KEY_F1 }, { KEY_RESIZE, MS_KEY_RESIZE },
	};
	int ch;

	timeout(timeout_ms);
	ch = getch();
	if (ch == ERR)
		return MS_KEY_TIMEOUT;
	if (ch == KEY_MOUSE)
		return mouse_key(x, y);
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (map[i].curses == ch)
			return map[i].key;
	return ch < 0x100 ? ch : 0;	/* 0: no binding */
}
