/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal: the one module that touches ncursesw. It draws canvases
 * (only the glyphs that differ from the last one drawn), maps colour roles
 * to colours or, under NO_COLOR or without colour support, to monochrome
 * attributes, and turns keys, mouse clicks and resizes into MS_KEY_* codes.
 */
#ifndef MEMSCOPE_VIEWS_SCREEN_H
#define MEMSCOPE_VIEWS_SCREEN_H

#include "memscope/error.h"
#include "canvas.h"

struct ms_screen;

struct ms_error *ms_screen_open(struct ms_screen **out);
/* A terminal that cannot move the cursor (TERM=dumb); *w, *h its size. */
bool ms_screen_dumb(int *w, int *h);
void ms_screen_close(struct ms_screen *s);
void ms_screen_size(const struct ms_screen *s, int *w, int *h);
/* Whether canvases may hold MS_GLYPH_EIGHTHS (canvas.h). */
bool ms_screen_blocks(const struct ms_screen *s);
void ms_screen_draw(struct ms_screen *s, const struct ms_canvas *c);
/* Leaves curses for a command writing to the terminal, and comes back
 * (the next draw repaints everything). */
void ms_screen_suspend(struct ms_screen *s);
void ms_screen_resume(struct ms_screen *s);
/*
 * Waits up to timeout_ms (-1: forever) for input; returns a key (ASCII or
 * MS_KEY_*), MS_KEY_TIMEOUT, or MS_KEY_MOUSE with the click in *x, *y.
 */
int ms_screen_key(struct ms_screen *s, int timeout_ms, int *x, int *y);

#endif
