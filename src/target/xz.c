// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xz-compressed cores: a snapshot shipped compressed (the demo snapshot,
 * snapshots written to FILE.xz) is decompressed once into a memfd, and the
 * target reads that. Decompression is streamed; memory use is the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <lzma.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

bool target_is_xz(const unsigned char *magic, size_t len)
{
	return len >= sizeof(xz_magic) && !memcmp(magic, xz_magic, sizeof(xz_magic));
}

static struct ms_error *write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ms_error_errno(errno, "writing the decompressed core");
		p += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct ms_error *xz_error(const struct ms_target *t, lzma_ret ret)
{
	if (ret == LZMA_MEM_ERROR)
		return ms_error_new(MS_ERR_NOMEM, "out of memory decompressing %s", t->path);
	if (ret == LZMA_BUF_ERROR)
		return ms_error_new(MS_ERR_FORMAT, "%s: truncated xz stream", t->path);
	return ms_error_new(MS_ERR_FORMAT, "%s: corrupt xz stream (liblzma error %d)",
			    t->path, (int)ret);
}

static struct ms_error *unpack(struct ms_target *t, int out)
{
	static uint8_t in[1 << 16], buf[1 << 16];
	lzma_stream s = LZMA_STREAM_INIT;
	struct ms_error *err = NULL;
	lzma_action action = LZMA_RUN;
	lzma_ret ret;
	off_t pos = 0;

	ret = lzma_stream_decoder(&s, UINT64_MAX, 0);
	if (ret != LZMA_OK)
		return xz_error(t, ret);
	s.next_out = buf;
	s.avail_out = sizeof(buf);
	while (!err) {
		if (!s.avail_in && action == LZMA_RUN) {
			ssize_t n = pread(t->fd, in, sizeof(in), pos);

			if (n < 0) {
				err = ms_error_errno(errno, "reading %s", t->path);
				break;
			}
			pos += n;
			s.next_in = in;
			s.avail_in = (size_t)n;
			if (!n)
				action = LZMA_FINISH;
		}
		ret = lzma_code(&s, action);
		if (!s.avail_out || ret == LZMA_STREAM_END) {
			err = write_all(out, buf, sizeof(buf) - s.avail_out);
			s.next_out = buf;
			s.avail_out = sizeof(buf);
		}
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK && !err)
			err = xz_error(t, ret);
	}
	lzma_end(&s);
	return err;
}

struct ms_error *target_xz_unpack(struct ms_target *t)
{
	struct ms_error *err;
	int fd = memfd_create("memscope-core", MFD_CLOEXEC);

	if (fd < 0)
		return ms_error_errno(errno, "decompressing %s", t->path);
	err = unpack(t, fd);
	if (err) {
		close(fd);
		return err;
	}
	close(t->fd);
	t->fd = fd;
	t->decompressed = true;
	return NULL;
}
