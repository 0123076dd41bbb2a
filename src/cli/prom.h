/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Prometheus text exposition format (0.0.4), written so that it is
 * also valid OpenMetrics 1.0: a family is its HELP and TYPE lines and its
 * samples, together; label values and help text escaped; the document
 * ends in "# EOF" (a comment to the Prometheus parser). Samples of one
 * label set add up, so a family is built by counting into it.
 */
#ifndef MEMSCOPE_CLI_PROM_H
#define MEMSCOPE_CLI_PROM_H

#include <stddef.h>
#include <stdio.h>

struct ms_prom_series;

struct ms_prom_family {
	const char *name;		/* memscope_..._bytes */
	const char *help;
	struct ms_prom_series *s;	/* in the order first added */
	size_t n, cap;
	int failed;			/* out of memory: the family is dropped */
};

/*
 * Adds v to the series of the label pairs (name, value, ..., NULL); a
 * family without labels passes NULL alone.
 */
void ms_prom_add(struct ms_prom_family *f, double v, ...)
	__attribute__((sentinel));
/* Writes the family as a gauge (nothing when it has no series). */
void ms_prom_write(FILE *out, const struct ms_prom_family *f);
void ms_prom_free(struct ms_prom_family *f);
/* "a\"b" -> a\\\"b: backslash, double quote and newline escaped. */
void ms_prom_escape(const char *in, char *out, size_t len);

#endif
