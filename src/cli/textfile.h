/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a file atomically into a directory (node_exporter's textfile dir). */
#ifndef MEMSCOPE_CLI_TEXTFILE_H
#define MEMSCOPE_CLI_TEXTFILE_H

#include <stddef.h>

#include "memscope/error.h"

/* Opens DIR (before the work, so that a wrong DIR fails at once). */
struct ms_error *ms_textfile_open_dir(const char *dir, int *dfd);
/*
 * Writes data as name in the directory dfd, mode 0644: a temporary file
 * there (a name the textfile collector ignores: it reads only *.prom),
 * fsync, rename over name. A reader sees the old file or the new one,
 * never a part. name must be a plain file name; nothing is written
 * outside the directory. dir names it in errors. Closes dfd.
 */
struct ms_error *ms_textfile_write(int dfd, const char *dir, const char *name,
				   const char *data, size_t len);

#endif
