/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A text buffer the views render into: a grid of glyphs, each a character
 * with a colour role and attributes. Views never call curses; the screen
 * layer (screen.c) draws a canvas, and only the glyphs that changed.
 */
#ifndef MEMSCOPE_VIEWS_CANVAS_H
#define MEMSCOPE_VIEWS_CANVAS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Colours are named by role; screen.c maps a role to a colour pair. */
enum ms_role {
	MS_ROLE_TEXT,
	MS_ROLE_DIM,
	MS_ROLE_TITLE,
	MS_ROLE_STATUS,
	MS_ROLE_ERROR,
	MS_ROLE_TAB,
	MS_ROLE_ABSENT,
	MS_ROLE_EARLY,
	MS_ROLE_HOTADDED,
	MS_ROLE_ONLINE,
	MS_ROLE_OFFLINE,
	MS_ROLE_DEVICE,
	MS_ROLE_OVERLAY,
	MS_ROLE_NR,
};

#define MS_ATTR_CURSOR	0x1	/* reverse video */
#define MS_ATTR_CHANGED	0x2	/* changed since the last refresh: bold */
#define MS_ATTR_FILL	0x4	/* the role's colour as background */

/*
 * Glyphs 1..8 are the lower one-eighth to full blocks (U+2581..U+2588),
 * drawn only where the screen says it can (ms_canvas.blocks): a UTF-8
 * locale with colours. Everything else is ASCII.
 */
#define MS_GLYPH_EIGHTHS(n)	((char)(n))
#define MS_GLYPH_IS_EIGHTHS(ch)	((ch) >= 1 && (ch) <= 8)

struct ms_glyph {
	char ch;		/* ASCII, or MS_GLYPH_EIGHTHS(1..8) */
	uint8_t role;
	uint8_t attr;
};

struct ms_canvas {
	int w, h;
	struct ms_glyph *g;
	bool blocks;		/* the screen draws MS_GLYPH_EIGHTHS */
};

/* 0 on success, -1 when out of memory; the canvas starts blank. */
int ms_canvas_init(struct ms_canvas *c, int w, int h);
void ms_canvas_free(struct ms_canvas *c);
void ms_canvas_clear(struct ms_canvas *c);
/* Out-of-range positions are ignored, so views need not clip. */
void ms_canvas_put(struct ms_canvas *c, int x, int y, char ch, int role,
		   int attr);
void ms_canvas_attr(struct ms_canvas *c, int x, int y, int attr);
/* Writes text at (x, y), clipped to the row; returns the next x. */
int ms_canvas_text(struct ms_canvas *c, int x, int y, int role, int attr,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int ms_canvas_vtext(struct ms_canvas *c, int x, int y, int role, int attr,
		    const char *fmt, va_list ap);
/* Row y as plain text (trailing blanks kept), block glyphs in UTF-8,
 * NUL-terminated; for tests. */
void ms_canvas_row(const struct ms_canvas *c, int y, char *buf, size_t len);
const struct ms_glyph *ms_canvas_at(const struct ms_canvas *c, int x, int y);

#endif
