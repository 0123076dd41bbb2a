/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths of the live system under --sysroot, and small-file reads. */
#ifndef MEMSCOPE_SYSPATH_H
#define MEMSCOPE_SYSPATH_H

#include <stddef.h>

/* buf = sysroot + path (path starts with '/'); sysroot NULL or "/" = live. */
void ms_syspath(char *buf, size_t len, const char *sysroot, const char *path);
/* Reads a small text file, trailing newline stripped; 0 or -errno. */
int ms_read_text(const char *path, char *buf, size_t len);

#endif
