// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Phase timings for MEMSCOPE_TIMINGS=1 (issue 14): a diagnostic for the
 * person measuring start-up, printed to stderr so that stdout stays
 * byte-identical with and without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/timings.h"

static int state = -1;		/* -1 unknown, 0 off, 1 on */
static double start, last;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool ms_timings_on(void)
{
	if (state < 0) {
		const char *v = getenv("MEMSCOPE_TIMINGS");

		state = v && *v && strcmp(v, "0");
		if (state)
			start = last = now_ms();
	}
	return state;
}

void ms_timings_mark(const char *name)
{
	double t;

	if (!ms_timings_on())
		return;
	t = now_ms();
	fprintf(stderr, "memscope: timing: %-20s %10.3f ms (total %10.3f ms)\n",
		name, t - last, t - start);
	last = t;
}
