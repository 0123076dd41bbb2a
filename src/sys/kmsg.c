// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading /dev/kmsg without blocking: each read() returns one record, and
 * EAGAIN ends the log (kernel/printk/printk.c devkmsg_read, 3.5+). A file
 * under --sysroot or in a snapshot's tree holds the same records as lines,
 * read at once; both are split at newlines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/kmsg.h"

/* A log file of more than this is not a kernel's (the ring is 128 KB-32 MB). */
#define MAX_KMSG_FILE (64u << 20)

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

/* The records of a file (a sysroot's, a snapshot's): one read. */
static int grep_file(const struct ms_fs *fs, struct buf *res,
		     const char *needle, int *oom)
{
	char *text;
	size_t len;
	int ret = ms_fs_read(fs, "/dev/kmsg", MAX_KMSG_FILE, &text, &len);

	if (ret)
		return ret;
	scan(res, text, len, needle, oom);
	free(text);
	return 0;
}

/* The live log: one record per read(), until EAGAIN. */
static void grep_live(struct buf *res, const char *needle, int *oom)
{
	char chunk[16384];
	size_t have = 0;
	int fd = ms_fs_live_open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return;
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
		used = scan(res, chunk, have, needle, oom);
		memmove(chunk, chunk + used, have - used);
		have -= used;
		if (have == sizeof(chunk) - 1)
			have = 0;	/* a line longer than the buffer */
	}
	close(fd);
}

struct ms_error *ms_kmsg_grep(const struct ms_fs *fs, const char *needle,
			      char **out, size_t *len)
{
	struct buf res = { 0 };
	int oom = 0;

	if (!buf_add(&res, "", 0)) {
		if (ms_fs_is_live(fs))
			grep_live(&res, needle, &oom);
		else
			grep_file(fs, &res, needle, &oom);	/* none: empty */
	}
	if (oom || !res.p) {
		free(res.p);
		return ms_error_new(MS_ERR_NOMEM, "out of memory reading the kernel log");
	}
	*out = res.p;
	*len = res.len;
	return NULL;
}
