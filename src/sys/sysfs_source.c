// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where memory blocks and /proc/iomem come from. The live system has its
 * sysfs. A core file describes another machine: its files (--sysroot, or a
 * snapshot's tree) serve where they have the file, and kernel memory where
 * they do not (a crashed machine's vmcore comes with no sysfs at all).
 */
#include <errno.h>

#include "memscope/ksysfs.h"

static bool no_such_file(const struct ms_error *err)
{
	return err->code == MS_ERR_OS && err->errnum == ENOENT;
}

struct ms_error *ms_blocks_open(const struct ms_sysfs_source *src,
				struct ms_blocks **out)
{
	struct ms_error *err;

	*out = NULL;
	if (src->fs) {
		err = ms_blocks_load(src->fs, out);
		if (!err || !src->core || !no_such_file(err))
			return err;
		ms_error_free(err);
	}
	if (!src->core)
		return NULL;	/* no files and not a core: none */
	return ms_kblocks_load(src->t, src->ki, src->sp, out);
}

struct ms_error *ms_iomem_open(const struct ms_sysfs_source *src,
			       struct ms_iomem **out)
{
	struct ms_error *err;

	*out = NULL;
	if (src->fs) {
		err = ms_iomem_load(src->fs, out);
		if (!err || !src->core || !no_such_file(err))
			return err;
		ms_error_free(err);
	}
	if (!src->core)
		return NULL;	/* no files and not a core: none */
	return ms_kiomem_load(src->t, src->ki, out);
}
