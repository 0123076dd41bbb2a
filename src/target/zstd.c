// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zstd-compressed cores (snapshots written to FILE.zst): decompressed once
 * into a memfd that the target reads instead, as xz.c does for xz.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

bool target_is_zstd(const unsigned char *magic, size_t len)
{
	return len >= sizeof(zstd_magic) && !memcmp(magic, zstd_magic, sizeof(zstd_magic));
}

static struct ms_error *unpack(struct ms_target *t, ZSTD_DCtx *z, int out)
{
	static uint8_t in[1 << 16], buf[1 << 16];
	struct target_bound b = { .need = sizeof(Elf64_Ehdr) };
	struct ms_error *err = NULL;
	size_t left = 1;
	off_t pos = 0;

	for (;;) {
		ssize_t n = pread(t->fd, in, sizeof(in), pos);
		ZSTD_inBuffer ib = { in, n > 0 ? (size_t)n : 0, 0 };

		if (n < 0)
			return ms_error_errno(errno, "reading %s", t->path);
		if (!n)
			break;
		pos += n;
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { buf, sizeof(buf), 0 };

			left = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(left))
				return ms_error_new(MS_ERR_FORMAT, "%s: corrupt zstd stream (%s)",
						    t->path, ZSTD_getErrorName(left));
			err = target_write_all(out, buf, ob.pos);
			b.written += ob.pos;
			/* the same bounds as xz: no bomb, no trailing data */
			if (!err)
				err = target_check_bound(t, out, &b);
			if (err)
				return err;
		}
	}
	/* a frame not finished when the file ends: cut short */
	if (left)
		return ms_error_new(MS_ERR_FORMAT, "%s: truncated zstd stream", t->path);
	return NULL;
}

struct ms_error *target_zstd_unpack(struct ms_target *t)
{
	ZSTD_DCtx *z = ZSTD_createDCtx();
	struct ms_error *err;
	int fd;

	if (!z)
		return ms_error_new(MS_ERR_NOMEM, "out of memory decompressing %s", t->path);
	fd = memfd_create("memscope-core", MFD_CLOEXEC);
	if (fd < 0) {
		ZSTD_freeDCtx(z);
		return ms_error_errno(errno, "decompressing %s", t->path);
	}
	err = unpack(t, z, fd);
	ZSTD_freeDCtx(z);
	return target_use_decompressed(t, fd, err);
}
