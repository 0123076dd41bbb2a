/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walking a kernel xarray (include/linux/xarray.h) read from the target:
 * pgmap_array (pgmap.c) and memory_blocks (kblocks.c). Every node pointer
 * is untrusted: depth, node count and revisits are bounded.
 */
#ifndef MEMSCOPE_MM_XARRAY_H
#define MEMSCOPE_MM_XARRAY_H

#include <stdint.h>

#include "memscope/error.h"
#include "memscope/kinfo.h"
#include "memscope/target.h"

/* struct ms_xa_layout: klayout.h (kinfo resolves it). */

/* Called once per stored pointer (not for value, sibling or retry entries);
 * an error stops the walk and is returned. */
typedef struct ms_error *(*ms_xa_fn)(void *ctx, uint64_t entry);

/* Walks the xarray at address xa; at most max_nodes nodes are read, each
 * once (a node reached twice is an error). */
struct ms_error *ms_xa_for_each(struct ms_target *t,
				const struct ms_xa_layout *l, uint64_t xa,
				const char *what, uint64_t max_nodes,
				ms_xa_fn fn, void *ctx);

#endif
