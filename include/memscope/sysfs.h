/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs: the live system's memory blocks (/sys/devices/system/memory) and
 * /proc/iomem, read through fs.h: live, under --sysroot (tests replay
 * captured trees) or from a snapshot's tree.
 */
#ifndef MEMSCOPE_SYSFS_H
#define MEMSCOPE_SYSFS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "fs.h"

struct ms_block {
	uint64_t nr;			/* memoryN */
	uint64_t start;			/* physical */
	uint64_t size;
	char state[24];			/* online, offline, going-offline */
	char zones[64];			/* valid_zones, as lsmem shows it */
	int nid;			/* -1 if no node link */
	bool removable;
	bool has_removable;
	int memmap_on_memory;		/* -1 unknown, 0 no, 1 yes */
};

struct ms_blocks {
	uint64_t block_size;
	struct ms_block *blocks;	/* ascending */
	size_t nr;
};

struct ms_error *ms_blocks_load(const struct ms_fs *fs, struct ms_blocks **out);
void ms_blocks_free(struct ms_blocks *b);
const struct ms_block *ms_blocks_find(const struct ms_blocks *b, uint64_t paddr);

struct ms_iomem_range {
	uint64_t start, end;		/* inclusive, as /proc/iomem prints them */
	int depth;			/* nesting level, 0 at top */
	char name[64];
};

struct ms_iomem {
	struct ms_iomem_range *ranges;
	size_t nr;
};

struct ms_error *ms_iomem_load(const struct ms_fs *fs, struct ms_iomem **out);
void ms_iomem_free(struct ms_iomem *io);
/* Who owns [start, end]: the deepest overlapping range named after an
 * owner (System RAM, Persistent Memory, namespaceX.Y, daxX.Y, ...). */
const char *ms_iomem_owner(const struct ms_iomem *io, uint64_t start,
			   uint64_t end);

#endif
