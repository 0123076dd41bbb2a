// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading /dev/kmsg without blocking: each read() returns one record, and
 * EAGAIN ends the log (kernel/printk/printk.c devkmsg_read, 3.5+). A file
 * under --sysroot or a snapshot's directory returns the same records as
 * lines, several per read, so reads are split at newlines either way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/kmsg.h"
#include "memscope/syspath.h"

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = 2 * b->cap + n + 256;
		char *p = realloc(b->p, cap);

		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* Keeps the whole lines of chunk that contain needle; returns bytes used. */
static size_t scan(struct buf *out, const char *chunk, size_t len,
		   const char *needle, int *oom)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(chunk + pos, '\n', len - pos);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (chunk + pos)) + 1;
		if (memmem(chunk + pos, n, needle, strlen(needle)) &&
		    buf_add(out, chunk + pos, n))
			*oom = 1;
		pos += n;
	}
	return pos;
}

struct ms_error *ms_kmsg_grep(const char *sysroot, const char *needle,
			      char **out, size_t *len)
{
	struct buf res = { 0 };
	char path[PATH_MAX], chunk[16384];
	size_t have = 0;
	int fd, oom = 0;

	ms_syspath(path, sizeof(path), sysroot, "/dev/kmsg");
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (!buf_add(&res, "", 0) && fd >= 0) {
		for (;;) {
			ssize_t n = read(fd, chunk + have, sizeof(chunk) - 1 - have);
			size_t used;

			if (n < 0 && errno == EINTR)
				continue;
			/* EPIPE: records overwritten while reading; go on. */
			if (n < 0 && errno == EPIPE)
				continue;
			if (n <= 0)
				break;
			have += (size_t)n;
			used = scan(&res, chunk, have, needle, &oom);
			memmove(chunk, chunk + used, have - used);
			have -= used;
			if (have == sizeof(chunk) - 1)
				have = 0;	/* a line longer than the buffer */
		}
	}
	if (fd >= 0)
		close(fd);
	if (oom || !res.p) {
		free(res.p);
		return ms_error_new(MS_ERR_NOMEM, "out of memory reading the kernel log");
	}
	*out = res.p;
	*len = res.len;
	return NULL;
}
