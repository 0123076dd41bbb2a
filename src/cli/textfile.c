// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic writes into a directory (see textfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* O_EXCL|O_NOFOLLOW: never through a link someone left in DIR. */
static int open_temp(int dfd, char *tmp, size_t len)
{
	for (int i = 0; i < 100; i++) {
		int fd;

		snprintf(tmp, len, ".memscope.prom.%ld.%d", (long)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

struct ms_error *ms_textfile_open_dir(const char *dir, int *dfd)
{
	*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *dfd < 0 ? ms_error_errno(errno, "%s", dir) : NULL;
}

struct ms_error *ms_textfile_write(int dfd, const char *dir, const char *name,
				   const char *data, size_t len)
{
	char tmp[64];
	int fd, e;

	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		close(dfd);
		return ms_error_new(MS_ERR_USAGE, "%s: not a file name", name);
	}
	fd = open_temp(dfd, tmp, sizeof(tmp));
	if (fd < 0) {
		e = errno;
		close(dfd);
		return ms_error_errno(e, "%s: temporary file", dir);
	}
	/* 0644 whatever the umask: node_exporter runs as another user */
	if (fchmod(fd, 0644) || write_all(fd, data, len) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, name))
		goto fail;
	close(dfd);
	return NULL;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return ms_error_errno(e, "%s/%s", dir, name);
}
