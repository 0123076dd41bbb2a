// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a snapshot's notes (include/memscope/snapshot.h): the format
 * version, and the stored files, written back below a private directory
 * that the kinfo and sysfs readers then use as their sysroot. Paths are
 * checked: a note cannot write outside that directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/snapshot.h"

struct ms_error *ms_snapshot_files_add(struct ms_snapshot_files *fs,
				       const char *path,
				       enum ms_snapshot_kind kind,
				       const void *data, size_t len)
{
	struct ms_snapshot_file *f;

	if (fs->nr == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		void *p = realloc(fs->f, cap * sizeof(*fs->f));

		if (!p)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		fs->f = p;
		fs->cap = cap;
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

/* Relative, no "..", no empty components: it stays below the directory. */
static bool path_is_safe(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') || (n == 2 && !strncmp(c, "..", 2)))
			return false;
		c += n;
		if (*c == '/')
			c++;
	}
	return true;
}

static int mkdirs(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			*s = '/';
			return -errno;
		}
		*s = '/';
	}
	return 0;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		data += n;
		len -= (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

static struct ms_error *unpack_file(const struct ms_target *t, const char *dir,
				    const uint8_t *d, size_t len)
{
	char path[4352], target[4096];
	const char *rel;
	uint32_t kind;
	size_t plen;
	int ret;

	if (len < sizeof(kind) + 1)
		return ms_error_new(MS_ERR_FORMAT, "%s: a file note is too short", ms_target_path(t));
	memcpy(&kind, d, sizeof(kind));
	rel = (const char *)d + sizeof(kind);
	plen = strnlen(rel, len - sizeof(kind));
	if (plen == len - sizeof(kind) || plen >= 4096 || !path_is_safe(rel) ||
	    kind > MS_SNAPSHOT_DIR)
		return ms_error_new(MS_ERR_FORMAT, "%s: a file note has a bad path or kind",
				    ms_target_path(t));
	d += sizeof(kind) + plen + 1;
	len -= sizeof(kind) + plen + 1;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ret = mkdirs(path);
	if (!ret && kind == MS_SNAPSHOT_DIR) {
		ret = mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
	} else if (!ret && kind == MS_SNAPSHOT_SYMLINK) {
		if (len >= sizeof(target))
			return ms_error_new(MS_ERR_FORMAT, "%s: symlink %s is too long",
					    ms_target_path(t), rel);
		memcpy(target, d, len);
		target[len] = '\0';
		ret = symlink(target, path) ? -errno : 0;
	} else if (!ret) {
		ret = write_file(path, d, len);
	}
	if (ret)
		return ms_error_errno(-ret, "unpacking %s from %s", rel, ms_target_path(t));
	return NULL;
}

struct ms_error *ms_snapshot_unpack(const struct ms_target *t, const char *dir)
{
	const uint32_t *ver;
	size_t len, i;

	ver = ms_target_note(t, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_VERSION, &len);
	if (!ver || len != sizeof(*ver))
		return ms_error_new(MS_ERR_FORMAT, "%s: bad memscope snapshot version note",
				    ms_target_path(t));
	if (*ver != MS_SNAPSHOT_VERSION)
		return ms_error_new(MS_ERR_FORMAT, "%s is a memscope snapshot of format %u; this memscope reads format %u%s",
				    ms_target_path(t), *ver, MS_SNAPSHOT_VERSION,
				    *ver > MS_SNAPSHOT_VERSION ? " (upgrade memscope)" : "");
	for (i = 0; i < ms_target_nr_notes(t); i++) {
		const char *name;
		uint32_t type;
		const void *d = ms_target_note_at(t, i, &name, &type, &len);
		struct ms_error *err;

		if (strcmp(name, MS_SNAPSHOT_NOTE) || type != MS_SNAPSHOT_NT_FILE)
			continue;
		err = unpack_file(t, dir, d, len);
		if (err)
			return err;
	}
	return NULL;
}
