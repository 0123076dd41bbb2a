/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The byte stream a snapshot is written to: plain, xz (liblzma's
 * multi-threaded encoder) or zstd (libzstd, with worker threads), chosen
 * by the name's suffix; into a private temporary file in the same
 * directory, renamed over the name only when everything was written.
 */
#ifndef MEMSCOPE_TARGET_SNAPSHOT_OUT_H
#define MEMSCOPE_TARGET_SNAPSHOT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/error.h"

struct snap_out;

/* replace: an existing path may be replaced (else it is an error). */
struct ms_error *snap_out_open(const char *path, bool replace,
			       struct snap_out **out);
struct ms_error *snap_out_write(struct snap_out *o, const void *p, size_t len);
/* Finishes (err NULL) or abandons (err set) the file; frees o. */
struct ms_error *snap_out_close(struct snap_out *o, struct ms_error *err,
				uint64_t *size);

#endif
