/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksysfs: what sysfs and /proc would have said, read from kernel memory,
 * as crash and drgn do: for a dump (a crashed machine's vmcore, a QEMU
 * dump-guest-memory) or a snapshot without those files. The results are
 * the sysfs readers' own structs (sysfs.h), so every command and view
 * shows them the same way. Every pointer, count and range read is
 * untrusted: walks are bounded, revisits and overlaps are errors.
 */
#ifndef MEMSCOPE_KSYSFS_H
#define MEMSCOPE_KSYSFS_H

#include <stdbool.h>

#include "error.h"
#include "fs.h"
#include "kinfo.h"
#include "sparse.h"
#include "sysfs.h"
#include "target.h"

/*
 * /sys/devices/system/memory from the memory_blocks xarray (5.8+) of
 * struct memory_block; block size from sections_per_block. A block's
 * valid_zones is known only while it is online (its zone); offline blocks
 * get "" (the kernel computes their choices at read time).
 */
struct ms_error *ms_kblocks_load(struct ms_target *t, const struct ms_kinfo *ki,
				 const struct ms_sparse *sp,
				 struct ms_blocks **out);

/* /proc/iomem from the iomem_resource tree of struct resource. */
struct ms_error *ms_kiomem_load(struct ms_target *t, const struct ms_kinfo *ki,
				struct ms_iomem **out);

/*
 * The choice (src/sys/sysfs_source.c): the live system reads its sysfs;
 * a core file reads its files where they have them (--sysroot, a
 * snapshot's tree), else kernel memory. No files and no core: none (NULL,
 * no error).
 */
struct ms_sysfs_source {
	const struct ms_fs *fs;		/* the system's files; NULL: none */
	bool core;			/* the kernel is a core file */
	struct ms_target *t;		/* for kernel memory: the core, */
	const struct ms_kinfo *ki;	/* its types and symbols */
	const struct ms_sparse *sp;	/* and its sections and zones */
};

struct ms_error *ms_blocks_open(const struct ms_sysfs_source *src,
				struct ms_blocks **out);
struct ms_error *ms_iomem_open(const struct ms_sysfs_source *src,
			       struct ms_iomem **out);

#endif
