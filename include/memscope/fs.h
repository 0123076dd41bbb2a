/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files of the system memscope looks at (/proc/kallsyms, /proc/iomem,
 * /sys/kernel/btf/vmlinux, the memory block and dax device trees, the
 * kernel log), from one of three places:
 *   - the live system (plain paths; the kernel's own trees),
 *   - a directory someone else made (--sysroot DIR): nothing is followed
 *     out of it (no symlink at all is followed), only regular files are
 *     read, and opening never blocks,
 *   - a snapshot's in-memory tree (path -> contents), filled by the
 *     snapshot reader: nothing is ever written to the file system.
 * Paths are absolute ("/proc/iomem"), taken below the root of the tree.
 */
#ifndef MEMSCOPE_FS_H
#define MEMSCOPE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct ms_fs;

enum ms_fs_kind { MS_FS_FILE, MS_FS_LINK, MS_FS_DIR, MS_FS_OTHER };

/* The live system; a static object, never freed. */
const struct ms_fs *ms_fs_live(void);
/*
 * root as a sysroot: NULL or "/" is the live system. The root is opened
 * on each access: a missing one is no error here, every read fails.
 */
struct ms_error *ms_fs_open_dir(const char *root, struct ms_fs **out);
/* An empty in-memory tree; label names it in messages ("snap.xz"). */
struct ms_fs *ms_fs_tree_new(const char *label);
/*
 * Adds an entry to a tree: path relative to its root, no leading '/', no
 * "." or ".." or empty component. A link's data is its target, kept only
 * to be captured again: links are listed, never followed. The contents are
 * copied. MS_ERR_FORMAT for a bad path or a path given twice.
 */
struct ms_error *ms_fs_tree_add(struct ms_fs *fs, const char *path,
				enum ms_fs_kind kind, const void *data,
				size_t len);
/*
 * Ends the adding: an entry below a file or a link is MS_ERR_FORMAT (the
 * trick that once made a snapshot write through its own symlink).
 */
struct ms_error *ms_fs_tree_seal(struct ms_fs *fs);
void ms_fs_free(struct ms_fs *fs);

bool ms_fs_is_live(const struct ms_fs *fs);
/* How messages name path: "ROOT/proc/iomem", "snap.xz:/proc/iomem". */
void ms_fs_name(const struct ms_fs *fs, const char *path, char *buf,
		size_t len);

/*
 * Reads a whole regular file into *data (NUL-terminated, *len without the
 * NUL; free() it). 0 or -errno: -ENOENT missing, -EFBIG larger than max,
 * -EINVAL not a regular file, -ELOOP a link in a tree or sysroot.
 */
int ms_fs_read(const struct ms_fs *fs, const char *path, size_t max,
	       char **data, size_t *len);
/*
 * Reads a regular file a line at a time (64 KiB at a time from a file):
 * fn gets each line without its newline, NUL-terminated and writable until
 * it returns; a non-zero return stops the reading and is returned (so the
 * rest of a long file is never read). 0 or -errno as ms_fs_read(), and
 * -EOVERFLOW for a line of 64 KiB or more.
 */
int ms_fs_read_lines(const struct ms_fs *fs, const char *path, size_t max,
		     int (*fn)(void *arg, char *line), void *arg);
/* A small text file, trailing newline and spaces stripped; 0 or -errno. */
int ms_fs_read_text(const struct ms_fs *fs, const char *path, char *buf,
		    size_t len);
/* A link's target, NUL-terminated; 0 or -errno (-EINVAL: not a link). */
int ms_fs_readlink(const struct ms_fs *fs, const char *path, char *buf,
		   size_t len);
/*
 * Calls fn for each entry of directory dir ("." and ".." left out), in no
 * particular order, until fn returns non-zero (which is returned). 0, or
 * -errno when dir cannot be listed.
 */
int ms_fs_list(const struct ms_fs *fs, const char *dir,
	       int (*fn)(void *arg, const char *name, enum ms_fs_kind kind),
	       void *arg);

/*
 * A file the user named (-c, --btf, -k, --vmcoreinfo): opened read-only
 * without blocking and refused (-EINVAL) unless it is a regular file, so
 * that a FIFO or a device cannot hang or surprise us. An fd or -errno.
 */
int ms_fs_open_file(const char *path);
/*
 * /proc/kallsyms, /proc/iomem and /dev/kmsg show what their opener may
 * see: opened here while memscope still has its capabilities, they are
 * read again from the start by every later open of the live system.
 */
void ms_fs_live_preopen(void);
/* A live file (a pre-opened one rewound); an fd or -errno. */
int ms_fs_live_open(const char *path, int flags);
/* Reads fd to its end, as ms_fs_read(). */
int ms_fs_read_fd(int fd, size_t max, char **data, size_t *len);

#endif
