// SPDX-License-Identifier: GPL-2.0-or-later
/* The progress line of long work (see progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define REDRAW_NS 100000000ULL	/* ten times a second */
/* below this, work ends before the line would be read: never drawn */
#define FIRST_DRAW_NS 250000000ULL

struct ms_progress {
	const char *what, *unit;
	uint64_t total, unit_bytes, done;
	uint64_t t0, last;		/* ns */
	bool drawn;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct ms_progress *ms_progress_start(const struct ms_cli *c, const char *what,
				      uint64_t total, uint64_t unit_bytes,
				      const char *unit)
{
	struct ms_progress *p;

	if (c->quiet || c->json || c->pairs || c->raw || !total ||
	    !isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;	/* no progress is no failure */
	*p = (struct ms_progress){ .what = what, .unit = unit, .total = total,
				   .unit_bytes = unit_bytes, .t0 = now_ns() };
	return p;
}

/* "1.5G", "210M": progress is for a glance, not for bytes */
static void human(uint64_t v, char *buf, size_t len)
{
	static const char suffix[] = "BKMGTPE";
	double d = (double)v;
	int i = 0;

	while (d >= 1024 && i < 6) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f%c" : "%.0f%c", d, suffix[i]);
}

static void amount(const struct ms_progress *p, uint64_t v, char *buf, size_t len)
{
	if (p->unit_bytes)
		human(v * p->unit_bytes, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void draw(struct ms_progress *p, uint64_t t)
{
	double secs = (double)(t - p->t0) / 1e9;
	double rate = secs > 0 ? (double)p->done / secs : 0;
	char done[32], total[32], r[32];
	long eta = rate > 0 ? (long)((double)(p->total - p->done) / rate + 0.5) : -1;

	amount(p, p->done, done, sizeof(done));
	amount(p, p->total, total, sizeof(total));
	amount(p, (uint64_t)rate, r, sizeof(r));
	fprintf(stderr, "\r\033[Kmemscope: %s %3d%% %s/%s%s%s, %s%s%s/s", p->what,
		(int)(p->done * 100 / p->total), done, total,
		p->unit_bytes ? "" : " ", p->unit_bytes ? "" : p->unit, r,
		p->unit_bytes ? "" : " ", p->unit_bytes ? "" : p->unit);
	if (eta >= 0)
		fprintf(stderr, ", ETA %ld:%02ld", eta / 60, eta % 60);
	fflush(stderr);
	p->drawn = true;
	p->last = t;
}

void ms_progress_set(struct ms_progress *p, uint64_t done)
{
	uint64_t t;

	if (!p)
		return;
	p->done = done > p->total ? p->total : done;
	t = now_ns();
	if (t - p->t0 < FIRST_DRAW_NS || t - p->last < REDRAW_NS)
		return;
	draw(p, t);
}

void ms_progress_end(struct ms_progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		fputs("\r\033[K", stderr);
	free(p);
}
