// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a snapshot's notes (include/memscope/snapshot.h): the format
 * version, and the stored files, which become an in-memory tree (fs.h)
 * that the kinfo and sysfs readers read instead of the live system.
 * Nothing is written to the file system: a note's path cannot reach it.
 */
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/snapshot.h"

struct ms_error *ms_snapshot_files_add(struct ms_snapshot_files *fs,
				       const char *path,
				       enum ms_snapshot_kind kind,
				       const void *data, size_t len)
{
	struct ms_snapshot_file *f;

	if (fs->nr == fs->cap) {
		void *p = ms_array_grow(fs->f, &fs->cap, sizeof(*fs->f), 64);

		if (!p)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		fs->f = p;
	}
	f = &fs->f[fs->nr];
	while (*path == '/')
		path++;
	f->path = strdup(path);
	f->data = malloc(len ? len : 1);
	if (!f->path || !f->data) {
		free(f->path);
		free(f->data);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	memcpy(f->data, data, len);
	f->len = len;
	f->kind = kind;
	fs->nr++;
	return NULL;
}

void ms_snapshot_files_free(struct ms_snapshot_files *fs)
{
	for (size_t i = 0; i < fs->nr; i++) {
		free(fs->f[i].path);
		free(fs->f[i].data);
	}
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

bool ms_snapshot_is(const struct ms_target *t)
{
	return ms_target_note(t, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_VERSION, NULL) != NULL;
}

static struct ms_error *add_file(const struct ms_target *t, struct ms_fs *fs,
				 const uint8_t *d, size_t len)
{
	static const enum ms_fs_kind kinds[] = {
		[MS_SNAPSHOT_REGULAR] = MS_FS_FILE,
		[MS_SNAPSHOT_SYMLINK] = MS_FS_LINK,
		[MS_SNAPSHOT_DIR] = MS_FS_DIR,
	};
	const char *rel;
	uint32_t kind;
	size_t plen;

	if (len < sizeof(kind) + 1)
		return ms_error_new(MS_ERR_FORMAT, "%s: a file note is too short", ms_target_path(t));
	memcpy(&kind, d, sizeof(kind));
	rel = (const char *)d + sizeof(kind);
	plen = strnlen(rel, len - sizeof(kind));
	/* the path must end inside the note; the rest of it is the contents */
	if (plen == len - sizeof(kind) || kind > MS_SNAPSHOT_DIR)
		return ms_error_new(MS_ERR_FORMAT, "%s: a file note has a bad path or kind",
				    ms_target_path(t));
	d += sizeof(kind) + plen + 1;
	len -= sizeof(kind) + plen + 1;
	return ms_fs_tree_add(fs, rel, kinds[kind], d, len);
}

struct ms_error *ms_snapshot_fs(const struct ms_target *t, struct ms_fs **out)
{
	struct ms_error *err = NULL;
	const uint32_t *ver;
	struct ms_fs *fs;
	size_t len, i;

	ver = ms_target_note(t, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_VERSION, &len);
	if (!ver || len != sizeof(*ver))
		return ms_error_new(MS_ERR_FORMAT, "%s: bad memscope snapshot version note",
				    ms_target_path(t));
	if (*ver != MS_SNAPSHOT_VERSION)
		return ms_error_new(MS_ERR_FORMAT, "%s is a memscope snapshot of format %u; this memscope reads format %u%s",
				    ms_target_path(t), *ver, MS_SNAPSHOT_VERSION,
				    *ver > MS_SNAPSHOT_VERSION ? " (upgrade memscope)" : "");
	fs = ms_fs_tree_new(ms_target_path(t));
	if (!fs)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (i = 0; !err && i < ms_target_nr_notes(t); i++) {
		const char *name;
		uint32_t type;
		const void *d = ms_target_note_at(t, i, &name, &type, &len);

		if (strcmp(name, MS_SNAPSHOT_NOTE) || type != MS_SNAPSHOT_NT_FILE)
			continue;
		err = add_file(t, fs, d, len);
	}
	if (!err)
		err = ms_fs_tree_seal(fs);
	if (err) {
		ms_fs_free(fs);
		return err;
	}
	*out = fs;
	return NULL;
}
