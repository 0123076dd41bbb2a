/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/target/: the target object shared by kcore.c (ELF open,
 * segments, notes), read.c (segment reads) and pagewalk.c (page tables).
 */
#ifndef MEMSCOPE_TARGET_INTERNAL_H
#define MEMSCOPE_TARGET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "memscope/target.h"

/*
 * An address-ordered, non-overlapping lookup table of file-backed ranges:
 * one for virtual addresses, one for physical. last is inclusive so a range
 * may end at 2^64 - 1 without overflow.
 */
struct target_range {
	uint64_t start;
	uint64_t last;
	uint64_t offset;
	uint64_t paddr;		/* of start, for virtual ranges; MS_NO_PADDR */
};

struct target_index {
	struct target_range *r;
	size_t nr;
};

struct target_note {
	const char *name;	/* points into target->note_buf, NUL-terminated */
	uint32_t type;
	const void *desc;
	size_t len;
};

/* One cached page-table page per level, for translations and mapped reads. */
struct pt_cache {
	uint64_t paddr;
	bool valid;
	uint64_t ent[512];
};

struct ms_target {
	char *path;
	int fd;
	struct ms_segment *segs;	/* every PT_LOAD, sorted by vaddr */
	size_t nr_segs;
	struct target_index vidx;
	struct target_index pidx;

	uint8_t *note_buf;		/* the PT_NOTE contents, back to back */
	struct target_note *notes;
	size_t nr_notes;
	char *vmcoreinfo;

	bool paging;
	int levels;
	uint64_t pgd_paddr;
	struct pt_cache cache[MS_PT_PGD + 1];	/* indexed by enum ms_pt_level */

	size_t nr_reads;

	/* record.c: ranges read while recording */
	bool recording;
	int rec_depth;			/* >0: inside a read already recorded */
	struct ms_range *rec;
	size_t nr_rec, cap_rec;
	/* xz.c: the decompressed file of an .xz core */
	bool decompressed;
};

/* read.c */
struct ms_error *target_index_build(struct target_index *ix,
				    const struct ms_segment *segs, size_t nr,
				    bool phys);
const struct target_range *target_index_find(const struct target_index *ix,
					     uint64_t addr, uint64_t *next);
struct ms_error *target_pread(struct ms_target *t, void *buf, size_t len,
			      uint64_t offset, uint64_t addr, const char *what);

/* record.c */
void target_record(struct ms_target *t, uint64_t vaddr, uint64_t paddr,
		   uint64_t len);
void target_record_free(struct ms_target *t);

/* xz.c: an xz-compressed core is decompressed into a memfd, fd replaced */
bool target_is_xz(const unsigned char *magic, size_t len);
struct ms_error *target_xz_unpack(struct ms_target *t);
/*
 * xz.c: how far a compressed core may inflate: the ELF magic first, then
 * the end its headers declare (the largest of the header tables and every
 * segment's offset + filesz), checked after each write to the memfd.
 */
struct target_bound {
	uint64_t written;	/* bytes decompressed so far */
	uint64_t need;		/* bytes needed before the next check */
	uint64_t end;		/* the declared end; 0 while unknown */
};
struct ms_error *target_check_bound(const struct ms_target *t, int fd,
				    struct target_bound *b);
/* zstd.c: the same for a zstd-compressed core (FILE.zst) */
bool target_is_zstd(const unsigned char *magic, size_t len);
struct ms_error *target_zstd_unpack(struct ms_target *t);
/* fd (a memfd) becomes the target's file unless err, then it is closed */
struct ms_error *target_use_decompressed(struct ms_target *t, int fd,
					 struct ms_error *err);
/* all of p to fd (the decompressed core), EINTR retried */
struct ms_error *target_write_all(int fd, const uint8_t *p, size_t len);

/* pagewalk.c */
struct ms_error *target_read_mapped(struct ms_target *t, uint64_t vaddr,
				    void *buf, size_t len);

#endif
