/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target: where kernel bytes come from. A target is a set of address-ordered
 * segments from an ELF core (live /proc/kcore, or a kcore-like core file):
 * each PT_LOAD has a kernel virtual address and, for direct-map RAM and
 * kernel text, a physical address (p_paddr; -1 when none). Reads are whole
 * ranges with pread. Virtual addresses that no segment covers (ZONE_DEVICE
 * memmaps, for example) are translated through the kernel's own page tables
 * once ms_target_set_paging() has been called, and read physically.
 */
#ifndef MEMSCOPE_TARGET_H
#define MEMSCOPE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct ms_target;

#define MS_NO_PADDR UINT64_MAX
/*
 * A physical-only segment (QEMU dump-guest-memory without paging, memscope
 * snapshot ranges read only physically): p_vaddr 0 in the file, which is no
 * kernel address, so the segment serves physical reads only.
 */
#define MS_NO_VADDR UINT64_MAX

struct ms_segment {
	uint64_t vaddr;
	uint64_t paddr;		/* MS_NO_PADDR when the segment has none */
	uint64_t size;		/* bytes backed by the file (p_filesz) */
	uint64_t offset;	/* file offset */
};

/*
 * Opens an ELF core (ET_CORE, x86_64). For the live /proc/kcore an open
 * failure with EPERM is reported as lockdown or missing CAP_SYS_RAWIO
 * (MS_ERR_PERM); a file that is not an x86_64 ELF core, or whose headers or
 * segments run past the end of the file, is MS_ERR_FORMAT.
 */
struct ms_error *ms_target_open(const char *path, struct ms_target **out);
/*
 * The same in two steps, so that privileges can go in between: opening
 * (a regular file only, without blocking; an fd, or -1 with *err set),
 * then reading the headers of fd, which the target then owns.
 */
int ms_target_open_file(const char *path, struct ms_error **err);
struct ms_error *ms_target_open_fd(int fd, const char *path,
				   struct ms_target **out);
void ms_target_close(struct ms_target *t);

const char *ms_target_path(const struct ms_target *t);
/* The VMCOREINFO note's text, NUL-terminated, or NULL if the core has none. */
const char *ms_target_vmcoreinfo(const struct ms_target *t);
/*
 * Replaces the VMCOREINFO text: for a dump taken before the kernel
 * published it (QEMU dump-guest-memory during boot, before the
 * qemu_fw_cfg driver ran), from another core of the same boot.
 */
struct ms_error *ms_target_set_vmcoreinfo(struct ms_target *t, const char *text);
/* Any other note by ELF note name and type, or NULL; *len gets its size. */
const void *ms_target_note(const struct ms_target *t, const char *name,
			   uint32_t type, size_t *len);

/* Every note in file order: index i < ms_target_nr_notes(), for snapshots. */
size_t ms_target_nr_notes(const struct ms_target *t);
const void *ms_target_note_at(const struct ms_target *t, size_t i,
			      const char **name, uint32_t *type, size_t *len);

size_t ms_target_nr_segments(const struct ms_target *t);
const struct ms_segment *ms_target_segment(const struct ms_target *t, size_t i);

/*
 * Page tables: pgd_vaddr is the kernel virtual address of the top-level
 * table (init_top_pgt), readable through a segment; levels is 4 or 5.
 */
struct ms_error *ms_target_set_paging(struct ms_target *t, uint64_t pgd_vaddr,
				      int levels);
/*
 * The same from the table's physical address, for dumps whose segments
 * carry physical addresses only (QEMU dump-guest-memory, snapshots): the
 * caller computes it from VMCOREINFO.
 */
struct ms_error *ms_target_set_paging_phys(struct ms_target *t,
					   uint64_t pgd_paddr, int levels);
/* Whether page tables are set, and their physical top (for snapshots). */
bool ms_target_paging(const struct ms_target *t, uint64_t *pgd_paddr,
		      int *levels);

/* Reads kernel virtual memory: segments first, then the page tables. */
struct ms_error *ms_target_read(struct ms_target *t, uint64_t vaddr, void *buf,
				size_t len);
/* Reads physical memory through the segments that carry a p_paddr. */
struct ms_error *ms_target_read_phys(struct ms_target *t, uint64_t paddr,
				     void *buf, size_t len);

static inline struct ms_error *ms_target_read_u64(struct ms_target *t,
						  uint64_t vaddr, uint64_t *v)
{
	return ms_target_read(t, vaddr, v, sizeof(*v));
}

/* One step of a page-table walk, for the vmemmap model and for tests. */
enum ms_pt_level { MS_PT_PTE = 1, MS_PT_PMD, MS_PT_PUD, MS_PT_P4D, MS_PT_PGD };

struct ms_pt_xlate {
	uint64_t paddr;		/* physical address of vaddr */
	uint64_t leaf_size;	/* 4K, 2M or 1G */
	enum ms_pt_level level;	/* level of the leaf entry */
	bool writable;
};

/*
 * Walks the page tables for one address (a range of one, through the
 * target's per-level table cache); MS_ERR_FAULT names the missing level.
 */
struct ms_error *ms_target_translate(struct ms_target *t, uint64_t vaddr,
				     struct ms_pt_xlate *out);

/*
 * Bulk walk of a virtual range [start, end): every table page under the
 * range is read once, whole, and fn is called per leaf mapping (vaddr of
 * the leaf, its frame, size 4K/2M/1G, level, writable through every level),
 * per hole (entry not present at level; size = bytes of the range it
 * covers) and per unreadable table (paddr = the table, level = its level,
 * size = bytes of the range under it), in address order. A non-NULL error
 * from fn stops the walk and is returned.
 */
enum ms_pt_kind { MS_PT_MAPPED, MS_PT_HOLE, MS_PT_UNREADABLE };

struct ms_pt_map {
	enum ms_pt_kind kind;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t size;
	enum ms_pt_level level;
	bool writable;
};

typedef struct ms_error *(*ms_pt_range_fn)(void *arg, const struct ms_pt_map *m);

struct ms_error *ms_target_walk_range(struct ms_target *t, uint64_t start,
				      uint64_t end, ms_pt_range_fn fn,
				      void *arg);

/*
 * How many pread() calls the target has made (data and page tables): lets
 * tests hold the reader to one pread per contiguous run.
 */
size_t ms_target_nr_reads(const struct ms_target *t);

/*
 * Recording (record.c), for snapshots: while on, every range read through
 * ms_target_read, ms_target_read_phys and the page-table walker is kept,
 * with its physical address when the target knows it. A virtual read that
 * went through the page tables is kept as (vaddr, paddr) runs and its
 * table pages as physical ranges. Ranges are merged when written.
 */
struct ms_error *ms_target_record(struct ms_target *t, bool on);
bool ms_target_recording(const struct ms_target *t);

struct ms_range {
	uint64_t vaddr;		/* MS_NO_VADDR: a physical range */
	uint64_t paddr;		/* MS_NO_PADDR: a virtual-only range */
	uint64_t len;
};

/* The recorded ranges, sorted and merged; *out is the caller's to free. */
struct ms_error *ms_target_recorded(struct ms_target *t, struct ms_range **out,
				    size_t *nr);

#endif
