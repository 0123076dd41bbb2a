// SPDX-License-Identifier: GPL-2.0-or-later
/* The text buffer views render into (see canvas.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"

int ms_canvas_init(struct ms_canvas *c, int w, int h)
{
	c->w = w > 0 ? w : 1;
	c->h = h > 0 ? h : 1;
	c->blocks = false;
	c->g = calloc((size_t)c->w * c->h, sizeof(*c->g));
	if (!c->g)
		return -1;
	ms_canvas_clear(c);
	return 0;
}

void ms_canvas_free(struct ms_canvas *c)
{
	free(c->g);
	c->g = NULL;
	c->w = c->h = 0;
}

void ms_canvas_clear(struct ms_canvas *c)
{
	for (int i = 0; i < c->w * c->h; i++)
		c->g[i] = (struct ms_glyph){ ' ', MS_ROLE_TEXT, 0 };
}

void ms_canvas_put(struct ms_canvas *c, int x, int y, char ch, int role,
		   int attr)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	c->g[y * c->w + x] = (struct ms_glyph){ ch, (uint8_t)role, (uint8_t)attr };
}

void ms_canvas_attr(struct ms_canvas *c, int x, int y, int attr)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	c->g[y * c->w + x].attr |= (uint8_t)attr;
}

int ms_canvas_vtext(struct ms_canvas *c, int x, int y, int role, int attr,
		    const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return x;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	for (int i = 0; i < n; i++) {
		char ch = buf[i];

		/* control and non-ASCII bytes would move the cursor */
		ms_canvas_put(c, x + i, y, ch >= 32 && ch < 127 ? ch : '?',
			      role, attr);
	}
	return x + n;
}

int ms_canvas_text(struct ms_canvas *c, int x, int y, int role, int attr,
		   const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ms_canvas_vtext(c, x, y, role, attr, fmt, ap);
	va_end(ap);
	return r;
}

void ms_canvas_row(const struct ms_canvas *c, int y, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	for (int x = 0; y >= 0 && y < c->h && x < c->w && n + 1 < len; x++) {
		char ch = c->g[y * c->w + x].ch;

		if (!MS_GLYPH_IS_EIGHTHS(ch)) {
			buf[n++] = ch;
			continue;
		}
		if (n + 4 > len)
			break;
		/* U+2580 + n in UTF-8 */
		buf[n++] = (char)0xe2;
		buf[n++] = (char)0x96;
		buf[n++] = (char)(0x80 + ch);
	}
	buf[n] = '\0';
}

const struct ms_glyph *ms_canvas_at(const struct ms_canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->g[y * c->w + x];
}
