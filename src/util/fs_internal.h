/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file-access object shared by fs.c (live, sysroot) and fs_tree.c. */
#ifndef MEMSCOPE_FS_INTERNAL_H
#define MEMSCOPE_FS_INTERNAL_H

#include "memscope/fs.h"

struct fs_entry {
	char *path;		/* relative, checked (ms_fs_tree_add) */
	enum ms_fs_kind kind;
	char *data;		/* a file's contents, a link's target */
	size_t len;
};

struct ms_fs {
	enum { FS_LIVE, FS_DIR, FS_TREE } type;
	char *label;		/* the sysroot, or the snapshot's name */
	struct fs_entry *e;	/* FS_TREE: sorted once sealed */
	size_t nr, cap;
	bool sealed;
};

int ms_fs_tree_read(const struct ms_fs *fs, const char *path, size_t max,
		    char **data, size_t *len);
int ms_fs_tree_readlink(const struct ms_fs *fs, const char *path, char *buf,
			size_t len);
int ms_fs_tree_list(const struct ms_fs *fs, const char *dir,
		    int (*fn)(void *arg, const char *name, enum ms_fs_kind kind),
		    void *arg);
void ms_fs_tree_free(struct ms_fs *fs);

#endif
