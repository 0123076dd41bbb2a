/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshots: an ELF core like /proc/kcore holding only the ranges memscope
 * read (PT_LOAD, with p_vaddr and p_paddr; p_vaddr 0 for ranges read only
 * physically, such as page-table pages), plus notes:
 *   "VMCOREINFO" type 0   the kernel's VMCOREINFO text
 *   "MEMSCOPE"   type 1   the format version, a u32
 *   "MEMSCOPE"   type 2   one file of the system: u32 kind (0 file,
 *                         1 symlink, 2 directory), the path below / NUL-terminated, then
 *                         the contents (or the link target)
 * The files are what the kinfo and sysfs readers read under a sysroot:
 * sys/kernel/btf/vmlinux, the kallsyms lines the model used, /proc/iomem,
 * the memory block tree, the kernel log lines memscope parses. On open they
 * become an in-memory tree (fs.h) that the readers read instead of the
 * live system; nothing is written to disk, links are never followed.
 */
#ifndef MEMSCOPE_SNAPSHOT_H
#define MEMSCOPE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "fs.h"
#include "target.h"

#define MS_SNAPSHOT_VERSION	1
#define MS_SNAPSHOT_NOTE	"MEMSCOPE"
#define MS_SNAPSHOT_NT_VERSION	1
#define MS_SNAPSHOT_NT_FILE	2

enum ms_snapshot_kind { MS_SNAPSHOT_REGULAR, MS_SNAPSHOT_SYMLINK, MS_SNAPSHOT_DIR };

struct ms_snapshot_file {
	char *path;			/* relative to /, no leading '/' */
	enum ms_snapshot_kind kind;
	uint8_t *data;
	size_t len;
};

/* A growing list of files to store; ms_snapshot_files_free() frees all. */
struct ms_snapshot_files {
	struct ms_snapshot_file *f;
	size_t nr, cap;
};

struct ms_error *ms_snapshot_files_add(struct ms_snapshot_files *fs,
				       const char *path,
				       enum ms_snapshot_kind kind,
				       const void *data, size_t len);
void ms_snapshot_files_free(struct ms_snapshot_files *fs);

/*
 * Writes the ranges t recorded and the files to path (xz-compressed when
 * path ends in ".xz", zstd for ".zst"), through a private temporary file
 * in the same directory renamed over path at the end. *size gets the bytes
 * written. ms_snapshot_write() replaces an existing path.
 */
struct ms_snapshot_wopts {
	bool replace;		/* else an existing path is MS_ERR_USAGE */
	/* bytes of memory ranges written of total, now and then; may be NULL */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};
struct ms_error *ms_snapshot_write_opts(struct ms_target *t, const char *path,
					const struct ms_snapshot_files *fs,
					const struct ms_snapshot_wopts *opts,
					uint64_t *size);
struct ms_error *ms_snapshot_write(struct ms_target *t, const char *path,
				   const struct ms_snapshot_files *fs,
				   uint64_t *size);

/* Whether t is a memscope snapshot (has the version note). */
bool ms_snapshot_is(const struct ms_target *t);
/*
 * Checks the version and reads the files into an in-memory tree (*out,
 * ms_fs_free() it). A newer version, or a malformed file note (a bad or
 * repeated path, a path below a file or a symlink), is MS_ERR_FORMAT.
 */
struct ms_error *ms_snapshot_fs(const struct ms_target *t, struct ms_fs **out);

#endif
