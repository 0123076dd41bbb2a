// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An in-memory tree of files (include/memscope/fs.h): what a snapshot
 * carries of its system's /proc and /sys. Entries are kept sorted in an
 * order where '/' comes before every other byte, so that everything below
 * a directory is one run of entries and each child's subtree a run within
 * it: a lookup is a binary search, a listing one pass over the run.
 * Nothing is resolved on disk; links are names with a target, never
 * followed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_internal.h"
#include "memscope/array.h"

/* Paths longer than this are not sysfs paths: refused. */
#define MAX_TREE_PATH 1024

struct ms_fs *ms_fs_tree_new(const char *label)
{
	struct ms_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->type = FS_TREE;
	fs->label = strdup(label ? label : "snapshot");
	if (!fs->label) {
		free(fs);
		return NULL;
	}
	return fs;
}

void ms_fs_tree_free(struct ms_fs *fs)
{
	for (size_t i = 0; i < fs->nr; i++) {
		free(fs->e[i].path);
		free(fs->e[i].data);
	}
	free(fs->e);
	fs->e = NULL;
	fs->nr = fs->cap = 0;
}

static int byte_rank(unsigned char c)
{
	return c == '/' ? 1 : c;	/* control bytes are refused in paths */
}

/* strcmp, with '/' before every other byte. */
static int path_cmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return byte_rank((unsigned char)*a) - byte_rank((unsigned char)*b);
}

static int entry_cmp(const void *x, const void *y)
{
	return path_cmp(((const struct fs_entry *)x)->path,
			((const struct fs_entry *)y)->path);
}

/* Relative, printable, no "", "." or ".." component, not too long. */
static bool path_ok(const char *p)
{
	const char *c = p;

	if (!*p || strlen(p) > MAX_TREE_PATH)
		return false;
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') || (n == 2 && !strncmp(c, "..", 2)))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;	/* a trailing '/' is an empty component */
	}
	return true;
}

struct ms_error *ms_fs_tree_add(struct ms_fs *fs, const char *path,
				enum ms_fs_kind kind, const void *data,
				size_t len)
{
	struct fs_entry *e;

	if (fs->type != FS_TREE || fs->sealed)
		return ms_error_new(MS_ERR_USAGE, "adding to a sealed tree");
	if (!path_ok(path) || (kind != MS_FS_FILE && kind != MS_FS_LINK &&
			       kind != MS_FS_DIR))
		return ms_error_new(MS_ERR_FORMAT, "%s: a file has a bad path or kind",
				    fs->label);
	if (fs->nr == fs->cap) {
		void *p = ms_array_grow(fs->e, &fs->cap, sizeof(*fs->e), 64);

		if (!p)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		fs->e = p;
	}
	e = &fs->e[fs->nr];
	e->path = strdup(path);
	e->data = malloc(len + 1);
	if (!e->path || !e->data) {
		free(e->path);
		free(e->data);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	if (len)
		memcpy(e->data, data, len);
	e->data[len] = '\0';
	e->len = len;
	e->kind = kind;
	fs->nr++;
	return NULL;
}

/* The entry at exactly path (relative), or NULL. */
static const struct fs_entry *lookup(const struct ms_fs *fs, const char *path)
{
	struct fs_entry key = { .path = (char *)path };

	return bsearch(&key, fs->e, fs->nr, sizeof(*fs->e), entry_cmp);
}

struct ms_error *ms_fs_tree_seal(struct ms_fs *fs)
{
	char prefix[MAX_TREE_PATH + 1];

	qsort(fs->e, fs->nr, sizeof(*fs->e), entry_cmp);
	fs->sealed = true;
	for (size_t i = 0; i < fs->nr; i++) {
		const char *p = fs->e[i].path;

		if (i && !strcmp(p, fs->e[i - 1].path))
			return ms_error_new(MS_ERR_FORMAT, "%s: the file %s is given twice",
					    fs->label, p);
		for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			const struct fs_entry *up;

			memcpy(prefix, p, (size_t)(s - p));
			prefix[s - p] = '\0';
			up = lookup(fs, prefix);
			if (up && up->kind != MS_FS_DIR)
				return ms_error_new(MS_ERR_FORMAT,
						    "%s: the file %s lies below %s, which is %s",
						    fs->label, p, prefix,
						    up->kind == MS_FS_LINK ? "a symlink" :
						    "not a directory");
		}
	}
	return NULL;
}

/* The relative form of an absolute path ("/proc/iomem" -> "proc/iomem"). */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

int ms_fs_tree_read(const struct ms_fs *fs, const char *path, size_t max,
		    char **data, size_t *len)
{
	const struct fs_entry *e = lookup(fs, relative(path));

	if (!e)
		return -ENOENT;
	if (e->kind == MS_FS_DIR)
		return -EISDIR;
	if (e->kind == MS_FS_LINK)
		return -ELOOP;
	if (e->len > max)
		return -EFBIG;
	*data = malloc(e->len + 1);
	if (!*data)
		return -ENOMEM;
	memcpy(*data, e->data, e->len + 1);
	*len = e->len;
	return 0;
}

int ms_fs_tree_readlink(const struct ms_fs *fs, const char *path, char *buf,
			size_t len)
{
	const struct fs_entry *e = lookup(fs, relative(path));

	if (!e)
		return -ENOENT;
	if (e->kind != MS_FS_LINK)
		return -EINVAL;
	if (e->len >= len)
		return -ENAMETOOLONG;
	memcpy(buf, e->data, e->len + 1);
	return 0;
}

/* The first entry not before key (binary search). */
static size_t lower_bound(const struct ms_fs *fs, const char *key)
{
	size_t lo = 0, hi = fs->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (path_cmp(fs->e[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ms_fs_tree_list(const struct ms_fs *fs, const char *dir,
		    int (*fn)(void *arg, const char *name, enum ms_fs_kind kind),
		    void *arg)
{
	char prefix[MAX_TREE_PATH + 2], name[MAX_TREE_PATH + 1];
	const char *rel = relative(dir);
	const struct fs_entry *self;
	size_t plen, i;
	bool any = false;
	int ret = 0;

	if (strlen(rel) > MAX_TREE_PATH)
		return -ENAMETOOLONG;
	self = *rel ? lookup(fs, rel) : NULL;
	if (self && self->kind != MS_FS_DIR)
		return -ENOTDIR;
	snprintf(prefix, sizeof(prefix), "%s%s", rel, *rel ? "/" : "");
	plen = strlen(prefix);
	name[0] = '\0';
	for (i = lower_bound(fs, prefix); !ret && i < fs->nr; i++) {
		const struct fs_entry *e = &fs->e[i];
		const char *child = e->path + plen;
		size_t n;

		if (strncmp(e->path, prefix, plen))
			break;
		any = true;
		n = strcspn(child, "/");
		if (!n || (!strncmp(child, name, n) && !name[n]))
			continue;	/* the same child's subtree */
		memcpy(name, child, n);
		name[n] = '\0';
		/* an entry for the child itself sorts first in its run */
		ret = fn(arg, name, child[n] ? MS_FS_DIR : e->kind);
	}
	if (!any && !self && *rel)
		return -ENOENT;
	return ret;
}
