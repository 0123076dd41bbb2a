// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A snapshot's files (BTF, the kallsyms lines used, /proc/iomem, the memory
 * block tree, kernel log lines) are unpacked once into a private directory
 * under $TMPDIR, which serves as the sysroot for kinfo and sysfs: every
 * reader works on a snapshot exactly as on the live system. The directory
 * is removed when memscope exits.
 */
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include "cli.h"
#include "memscope/snapshot.h"

struct ms_error *ms_cli_snapshot_unpack(struct ms_cli *c)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	struct ms_error *err;

	if (!ms_snapshot_is(c->target))
		return NULL;
	snprintf(dir, sizeof(dir), "%s/memscope-snapshot.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return ms_error_errno(errno, "creating a directory for the snapshot's files in %s",
				      tmp && *tmp ? tmp : "/tmp");
	c->snapshot_root = strdup(dir);
	if (!c->snapshot_root) {
		rmdir(dir);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	err = ms_snapshot_unpack(c->target, dir);
	if (err)
		return err;
	/* --sysroot still wins, for tests that replay another tree. */
	if (!c->sysroot)
		c->sysroot = c->snapshot_root;
	return NULL;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	remove(path);
	return 0;
}

void ms_cli_snapshot_release(struct ms_cli *c)
{
	if (!c->snapshot_root)
		return;
	nftw(c->snapshot_root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (c->sysroot == c->snapshot_root)
		c->sysroot = NULL;
	free(c->snapshot_root);
	c->snapshot_root = NULL;
}
