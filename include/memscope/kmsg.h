/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log through /dev/kmsg (or a sysroot's or snapshot's /dev/kmsg,
 * a plain file of the same records: "prio,seq,usec,flags;text"), for the few lines memscope
 * reads, such as "node 0 deferred pages initialised in 36ms".
 */
#ifndef MEMSCOPE_KMSG_H
#define MEMSCOPE_KMSG_H

#include <stddef.h>

#include "error.h"
#include "fs.h"

/*
 * The records whose text contains needle, newline-terminated, malloc'd in
 * *out (possibly empty). A missing or unreadable log gives an empty result:
 * the timing is an extra, never a reason to fail.
 */
struct ms_error *ms_kmsg_grep(const struct ms_fs *fs, const char *needle,
			      char **out, size_t *len);

#endif
