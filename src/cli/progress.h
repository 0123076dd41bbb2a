/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress of long work on stderr: "memscope: pages  45% 1.2G/2.7G 210M/s
 * ETA 7s", redrawn at most ten times a second and erased at the end. Only
 * when stderr is a terminal, and never with -J, -P, -r or --quiet; a NULL
 * progress (off) is accepted everywhere.
 */
#ifndef MEMSCOPE_CLI_PROGRESS_H
#define MEMSCOPE_CLI_PROGRESS_H

#include <stdint.h>

#include "cli.h"

struct ms_progress;

/*
 * total work in units; unit_bytes is the bytes of one unit (4096 for
 * pages) or 0 when the units are not bytes (unit names them: "sections").
 */
struct ms_progress *ms_progress_start(const struct ms_cli *c, const char *what,
				      uint64_t total, uint64_t unit_bytes,
				      const char *unit);
void ms_progress_set(struct ms_progress *p, uint64_t done);
/* Erases the line and frees p. */
void ms_progress_end(struct ms_progress *p);

#endif
