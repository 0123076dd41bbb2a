// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File access (include/memscope/fs.h) on the live system and below a
 * --sysroot directory. A sysroot comes from someone else: every path is
 * resolved below it without following any symlink (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS since 5.6, else one openat with
 * O_NOFOLLOW per component), opened with O_NONBLOCK (a FIFO must not hang
 * us), and only regular files are read. The in-memory tree is fs_tree.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_internal.h"

/* Tests set it to exercise the walk that kernels before 5.6 get. */
bool ms_fs_force_walk;

static struct ms_fs live_fs = { .type = FS_LIVE };

const struct ms_fs *ms_fs_live(void)
{
	return &live_fs;
}

/*
 * Live files whose contents depend on the privileges of whoever opened
 * them, not of whoever reads: opened once while memscope still has its
 * capabilities (ms_fs_live_preopen), then read again from the start.
 */
static struct {
	const char *path;
	int fd;
} preopened[] = {
	/* addresses need CAP_SYSLOG of the opener (kallsyms_show_value, 5.10+) */
	{ "/proc/kallsyms", -1 },
	/* addresses need CAP_SYS_ADMIN of the opener (kernel/resource.c r_show) */
	{ "/proc/iomem", -1 },
	/* dmesg_restrict: CAP_SYSLOG at open (check_syslog_permissions) */
	{ "/dev/kmsg", -1 },
};
#define NR_PREOPENED (sizeof(preopened) / sizeof(*preopened))

void ms_fs_live_preopen(void)
{
	for (size_t i = 0; i < NR_PREOPENED; i++)
		if (preopened[i].fd < 0)
			preopened[i].fd = open(preopened[i].path,
					       O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

int ms_fs_live_open(const char *path, int flags)
{
	int fd;

	for (size_t i = 0; i < NR_PREOPENED; i++) {
		if (preopened[i].fd < 0 || strcmp(path, preopened[i].path))
			continue;
		fd = fcntl(preopened[i].fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (lseek(fd, 0, SEEK_SET) < 0) {
			close(fd);
			return -errno;
		}
		return fd;
	}
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static bool is_live_root(const char *root)
{
	return !root || !*root || !strcmp(root, "/");
}

struct ms_error *ms_fs_open_dir(const char *root, struct ms_fs **out)
{
	struct ms_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	fs->type = is_live_root(root) ? FS_LIVE : FS_DIR;
	if (fs->type == FS_DIR) {
		fs->label = strdup(root);
		if (!fs->label) {
			free(fs);
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		}
	}
	*out = fs;
	return NULL;
}

void ms_fs_free(struct ms_fs *fs)
{
	if (!fs || fs == &live_fs)
		return;
	ms_fs_tree_free(fs);
	free(fs->label);
	free(fs);
}

bool ms_fs_is_live(const struct ms_fs *fs)
{
	return fs->type == FS_LIVE;
}

void ms_fs_name(const struct ms_fs *fs, const char *path, char *buf,
		size_t len)
{
	if (fs->type == FS_LIVE)
		snprintf(buf, len, "%s", path);
	else if (fs->type == FS_DIR)
		snprintf(buf, len, "%s%s", fs->label, path);
	else
		snprintf(buf, len, "%s:%s", fs->label, path);
}

/* One component at a time, none of them a symlink, none "..". */
static int walk_open(int root, const char *rel, int flags)
{
	char comp[256];
	int dir = root, fd;

	for (;;) {
		size_t n = strcspn(rel, "/");
		bool last = !rel[n];

		if (!n || n >= sizeof(comp)) {
			fd = -EINVAL;
			break;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		if (!strcmp(comp, "..")) {
			fd = -EXDEV;
			break;
		}
		fd = openat(dir, comp, (last ? flags : O_RDONLY | O_DIRECTORY) |
			    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		if (dir != root)
			close(dir);
		if (fd < 0 || last)
			return fd;
		dir = fd;
		rel += n + 1;
	}
	if (dir != root)
		close(dir);
	return fd;
}

/* Opens rel below the directory root; an fd or -errno. */
static int open_beneath(int root, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned int)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (!ms_fs_force_walk) {
		fd = syscall(SYS_openat2, root, rel, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		/* ENOSYS before 5.6; EPERM or E2BIG from seccomp filters */
		if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
			return -errno;
	}
	if (strcmp(rel, "."))
		return walk_open(root, rel, flags);
	fd = openat(root, ".", flags | O_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

/*
 * Opens path (absolute, taken below the root); an fd or -errno. A symlink
 * anywhere on the way is -ELOOP, a way out of the root -EXDEV. The root
 * itself is opened each time, as the user named it: a sysroot that moves
 * away is gone (the TUI says so on its next refresh).
 */
static int fs_open(const struct ms_fs *fs, const char *path, int flags)
{
	const char *rel = path;
	int root, fd;

	if (fs->type == FS_LIVE)
		return ms_fs_live_open(path, flags);
	root = open(fs->label, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	while (*rel == '/')
		rel++;
	fd = open_beneath(root, *rel ? rel : ".", flags);
	close(root);
	return fd;
}

/* A regular file, opened without blocking; an fd or -errno. */
static int open_regular(const struct ms_fs *fs, const char *path)
{
	struct stat st;
	int fd = fs_open(fs, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	return fd;
}

/* Reads up to want bytes, fewer only at the end; the count or -errno. */
static ssize_t read_upto(int fd, char *buf, size_t want)
{
	size_t n = 0;

	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

int ms_fs_read_fd(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;

	/* one byte past max tells a file of exactly max from a larger one */
	for (;;) {
		char *p = realloc(buf, cap);
		ssize_t r;

		if (!p) {
			free(buf);
			return -ENOMEM;
		}
		buf = p;
		r = read_upto(fd, buf + n, cap - 1 - n);
		if (r < 0) {
			free(buf);
			return (int)r;
		}
		n += (size_t)r;
		if (n > max) {
			free(buf);
			return -EFBIG;
		}
		if (n < cap - 1)
			break;
		cap *= 2;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int ms_fs_read(const struct ms_fs *fs, const char *path, size_t max,
	       char **data, size_t *len)
{
	int fd, ret;

	if (fs->type == FS_TREE)
		return ms_fs_tree_read(fs, path, max, data, len);
	fd = open_regular(fs, path);
	if (fd < 0)
		return fd;
	ret = ms_fs_read_fd(fd, max, data, len);
	close(fd);
	return ret;
}

/*
 * Calls fn for each line of buf[0, n): whole lines only, unless eof (a
 * last line without its newline). buf has a byte past n for its NUL.
 */
static int each_line(char *buf, size_t n, bool eof,
		     int (*fn)(void *arg, char *line), void *arg, size_t *used)
{
	char *p = buf, *end = buf + n;
	int ret = 0;

	while (!ret && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl && !eof)
			break;
		if (!nl)
			nl = end;
		*nl = '\0';
		ret = fn(arg, p);
		p = nl + 1;
	}
	*used = p > end ? n : (size_t)(p - buf);
	return ret;
}

#define LINE_CHUNK (64u << 10)

int ms_fs_read_lines(const struct ms_fs *fs, const char *path, size_t max,
		     int (*fn)(void *arg, char *line), void *arg)
{
	size_t have = 0, total = 0, used;
	char *buf;
	int fd, ret;

	if (fs->type == FS_TREE) {
		/* the snapshot's copy: already in memory, and small */
		ret = ms_fs_tree_read(fs, path, max, &buf, &have);
		if (ret)
			return ret;
		ret = each_line(buf, have, true, fn, arg, &used);
		free(buf);
		return ret;
	}
	fd = open_regular(fs, path);
	if (fd < 0)
		return fd;
	buf = malloc(LINE_CHUNK + 1);
	ret = buf ? 0 : -ENOMEM;
	while (!ret) {
		ssize_t r = read_upto(fd, buf + have, LINE_CHUNK - have);
		bool eof;

		if (r < 0) {
			ret = (int)r;
			break;
		}
		eof = (size_t)r < LINE_CHUNK - have;
		total += (size_t)r;
		if (total > max) {
			ret = -EFBIG;
			break;
		}
		have += (size_t)r;
		ret = each_line(buf, have, eof, fn, arg, &used);
		if (ret || eof)
			break;
		if (!used) {		/* one line fills the buffer */
			ret = -EOVERFLOW;
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	close(fd);
	return ret;
}

int ms_fs_open_file(const char *path)
{
	return open_regular(&live_fs, path);
}

int ms_fs_read_text(const struct ms_fs *fs, const char *path, char *buf,
		    size_t len)
{
	size_t n = 0;
	int fd;

	if (fs->type == FS_TREE) {
		char *data;
		size_t dlen;
		int ret = ms_fs_tree_read(fs, path, (size_t)-1, &data, &dlen);

		if (ret)
			return ret;
		n = dlen < len - 1 ? dlen : len - 1;
		memcpy(buf, data, n);
		free(data);
	} else {
		ssize_t r;

		fd = open_regular(fs, path);
		if (fd < 0)
			return fd;
		r = read_upto(fd, buf, len - 1);
		close(fd);
		if (r < 0)
			return (int)r;
		n = (size_t)r;
	}
	buf[n] = '\0';
	/* sysfs values end in a newline; callers want the bare value */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int ms_fs_readlink(const struct ms_fs *fs, const char *path, char *buf,
		   size_t len)
{
	const char *slash = strrchr(path, '/');
	char parent[4096];
	ssize_t n;
	int dir;

	if (fs->type == FS_TREE)
		return ms_fs_tree_readlink(fs, path, buf, len);
	if (!slash || (size_t)(slash - path) >= sizeof(parent))
		return -EINVAL;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	dir = fs_open(fs, parent[0] ? parent : "/", O_PATH | O_DIRECTORY);
	if (dir < 0)
		return dir;
	n = readlinkat(dir, slash + 1, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(dir);
		return (int)n;
	}
	close(dir);
	buf[n] = '\0';
	return 0;
}

static enum ms_fs_kind dirent_kind(DIR *d, const struct dirent *de)
{
	struct stat st;
	unsigned char t = de->d_type;

	if (t == DT_UNKNOWN && !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
		t = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR :
		    S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
	return t == DT_REG ? MS_FS_FILE : t == DT_DIR ? MS_FS_DIR :
	       t == DT_LNK ? MS_FS_LINK : MS_FS_OTHER;
}

int ms_fs_list(const struct ms_fs *fs, const char *dir,
	       int (*fn)(void *arg, const char *name, enum ms_fs_kind kind),
	       void *arg)
{
	struct dirent *de;
	int fd, ret = 0;
	DIR *d;

	if (fs->type == FS_TREE)
		return ms_fs_tree_list(fs, dir, fn, arg);
	fd = fs_open(fs, dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = fn(arg, de->d_name, dirent_kind(d, de));
	}
	closedir(d);
	return ret;
}
