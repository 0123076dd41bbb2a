// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The status bar's message: what the views, the keys, the actions and the
 * data layer say to the user ("refresh failed: ...", "overlay: ...").
 * Below every view: it writes the message and calls nothing back, so no
 * file of views/ depends on another in a circle through it (issue 12,
 * tests/check-circles).
 */
#include <stdarg.h>
#include <stdio.h>

#include "tui_int.h"

void ms_tui_message(struct ms_tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_error = error;
}
