// SPDX-License-Identifier: GPL-2.0-or-later
/* The output stream of a snapshot (see snapshot_out.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "snapshot_out.h"

enum codec { PLAIN, XZ, ZSTD };

struct snap_out {
	int fd;
	const char *path;
	char tmp[PATH_MAX];
	bool replace;
	enum codec codec;
	lzma_stream xz;
	ZSTD_CCtx *zstd;
	uint8_t buf[1 << 16];
};

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static struct ms_error *put(struct snap_out *o, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		ssize_t n = write(o->fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ms_error_errno(errno, "writing %s", o->path);
		b += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct ms_error *xz_code(struct snap_out *o, lzma_action action)
{
	lzma_ret ret;

	do {
		ret = lzma_code(&o->xz, action);
		if (ret != LZMA_OK && ret != LZMA_STREAM_END)
			return ms_error_new(MS_ERR_OTHER, "compressing %s: liblzma error %d",
					    o->path, (int)ret);
		if (!o->xz.avail_out || ret == LZMA_STREAM_END) {
			struct ms_error *err = put(o, o->buf, sizeof(o->buf) - o->xz.avail_out);

			if (err)
				return err;
			o->xz.next_out = o->buf;
			o->xz.avail_out = sizeof(o->buf);
		}
	} while (o->xz.avail_in || (action == LZMA_FINISH && ret != LZMA_STREAM_END));
	return NULL;
}

static struct ms_error *zstd_code(struct snap_out *o, const void *p, size_t len,
				  ZSTD_EndDirective end)
{
	ZSTD_inBuffer in = { p, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { o->buf, sizeof(o->buf), 0 };
		struct ms_error *err;

		left = ZSTD_compressStream2(o->zstd, &out, &in, end);
		if (ZSTD_isError(left))
			return ms_error_new(MS_ERR_OTHER, "compressing %s: %s",
					    o->path, ZSTD_getErrorName(left));
		err = put(o, o->buf, out.pos);
		if (err)
			return err;
	} while (in.pos < in.size || (end == ZSTD_e_end && left));
	return NULL;
}

struct ms_error *snap_out_write(struct snap_out *o, const void *p, size_t len)
{
	switch (o->codec) {
	case XZ:
		o->xz.next_in = p;
		o->xz.avail_in = len;
		return xz_code(o, LZMA_RUN);
	case ZSTD:
		return zstd_code(o, p, len, ZSTD_e_continue);
	default:
		return put(o, p, len);
	}
}

static unsigned int threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned int)n;
}

static struct ms_error *codec_start(struct snap_out *o)
{
	/* Preset 6: struct pages of free memory compress about 20:1. */
	lzma_mt mt = { .threads = threads(), .preset = 6, .check = LZMA_CHECK_CRC64 };
	lzma_stream init = LZMA_STREAM_INIT;

	if (o->codec == XZ) {
		o->xz = init;
		if (lzma_stream_encoder_mt(&o->xz, &mt) != LZMA_OK)
			return ms_error_new(MS_ERR_NOMEM, "cannot start xz compression");
		o->xz.next_out = o->buf;
		o->xz.avail_out = sizeof(o->buf);
	} else if (o->codec == ZSTD) {
		o->zstd = ZSTD_createCCtx();
		if (!o->zstd)
			return ms_error_new(MS_ERR_NOMEM, "cannot start zstd compression");
		/*
		 * Level 3 (zstd's default): a 2 GiB guest's 52 MiB snapshot
		 * (the demo) compresses to 3.0 MB in 0.23 s of CPU, level 9
		 * to 3.1 MB in 0.75 s (issue 14: capture in <= 3 s).
		 */
		ZSTD_CCtx_setParameter(o->zstd, ZSTD_c_compressionLevel, 3);
		/* a libzstd built without threads refuses: then it runs in one */
		ZSTD_CCtx_setParameter(o->zstd, ZSTD_c_nbWorkers, (int)threads());
	}
	return NULL;
}

struct ms_error *snap_out_open(const char *path, bool replace,
			       struct snap_out **out)
{
	struct snap_out *o = calloc(1, sizeof(*o));
	const char *slash = strrchr(path, '/');
	struct ms_error *err;

	if (!o)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	o->path = path;
	o->replace = replace;
	o->codec = ends_with(path, ".xz") ? XZ : ends_with(path, ".zst") ? ZSTD : PLAIN;
	if (!replace && !access(path, F_OK)) {
		free(o);
		return ms_error_new(MS_ERR_USAGE, "%s exists (--force replaces it)", path);
	}
	/* a private name in the same directory, so that rename() is atomic */
	if (snprintf(o->tmp, sizeof(o->tmp), "%.*s.%s.XXXXXX",
		     slash ? (int)(slash - path + 1) : 0, path,
		     slash ? slash + 1 : path) >= (int)sizeof(o->tmp)) {
		free(o);
		return ms_error_new(MS_ERR_USAGE, "%s: name too long", path);
	}
	o->fd = mkostemp(o->tmp, O_CLOEXEC);	/* O_EXCL, mode 0600 */
	if (o->fd < 0) {
		err = ms_error_errno(errno, "creating %s", o->tmp);
		free(o);
		return err;
	}
	err = codec_start(o);
	if (err)
		return snap_out_close(o, err, NULL);
	*out = o;
	return NULL;
}

static struct ms_error *finish(struct snap_out *o, uint64_t *size)
{
	struct ms_error *err = NULL;
	struct stat st;

	if (o->codec == XZ)
		err = xz_code(o, LZMA_FINISH);
	else if (o->codec == ZSTD)
		err = zstd_code(o, NULL, 0, ZSTD_e_end);
	if (!err && fsync(o->fd))
		err = ms_error_errno(errno, "writing %s", o->path);
	if (!err && size && !fstat(o->fd, &st))
		*size = (uint64_t)st.st_size;
	if (err)
		return err;
	/* RENAME_NOREPLACE: a file that appeared meanwhile is kept too */
	if (o->replace ? rename(o->tmp, o->path) :
	    renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_NOREPLACE))
		return errno == EEXIST ?
			ms_error_new(MS_ERR_USAGE, "%s exists (--force replaces it)", o->path) :
			ms_error_errno(errno, "renaming %s to %s", o->tmp, o->path);
	return NULL;
}

struct ms_error *snap_out_close(struct snap_out *o, struct ms_error *err,
				uint64_t *size)
{
	if (!err)
		err = finish(o, size);
	if (o->codec == XZ)
		lzma_end(&o->xz);
	ZSTD_freeCCtx(o->zstd);
	if (close(o->fd) && !err)
		err = ms_error_errno(errno, "writing %s", o->path);
	if (err)
		unlink(o->tmp);
	free(o);
	return err;
}
