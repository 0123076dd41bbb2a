// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xz-compressed cores: a snapshot shipped compressed (the demo snapshot,
 * snapshots written to FILE.xz) is decompressed once into a memfd, and the
 * target reads that. Decompression is streamed; memory use is the file.
 * The first bytes out must be an ELF header, and the file may not inflate
 * past the end its headers declare: a 150 KB bomb of zeros stops after the
 * first 64 KB instead of filling memory with a gigabyte.
 */
#define _GNU_SOURCE
#include <elf.h>
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

struct ms_error *target_write_all(int fd, const uint8_t *p, size_t len)
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

/*
 * What the decompressed ELF may be: its headers say where it ends (the
 * furthest of the program header table, the section header table and
 * every segment's offset + filesz). Known once the program headers are
 * out; until then the bound is where they end.
 */
static struct ms_error *too_much(const struct ms_target *t, const char *why)
{
	return ms_error_new(MS_ERR_FORMAT, "%s: the compressed stream %s", t->path, why);
}

static bool max_end(uint64_t *end, uint64_t off, uint64_t size)
{
	uint64_t e;

	if (__builtin_add_overflow(off, size, &e))
		return false;
	if (e > *end)
		*end = e;
	return true;
}

/* Reads the headers back from the memfd once enough is out. */
static struct ms_error *check_headers(const struct ms_target *t, int fd,
				      struct target_bound *b)
{
	static const unsigned char elf64le[6] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB };
	Elf64_Ehdr eh;
	uint64_t nr, end = sizeof(eh);

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		return ms_error_errno(errno, "reading the decompressed %s", t->path);
	if (memcmp(eh.e_ident, elf64le, sizeof(elf64le)))
		return too_much(t, "does not hold a 64-bit ELF core (checked before inflating the rest)");
	nr = eh.e_phnum;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    (eh.e_shnum && eh.e_shentsize != sizeof(Elf64_Shdr)) ||
	    !max_end(&end, eh.e_phoff, nr * sizeof(Elf64_Phdr)) ||
	    !max_end(&end, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
		return too_much(t, "holds an ELF core with impossible header tables");
	if (eh.e_phnum == PN_XNUM) {
		Elf64_Shdr sh0;

		/* the count is in section 0 (ELF gABI, for > 65534 headers) */
		if (b->written < eh.e_shoff + sizeof(sh0)) {
			b->need = eh.e_shoff + sizeof(sh0);
			return NULL;
		}
		if (pread(fd, &sh0, sizeof(sh0), (off_t)eh.e_shoff) != (ssize_t)sizeof(sh0))
			return ms_error_errno(errno, "reading the decompressed %s", t->path);
		nr = sh0.sh_info;
		if (!max_end(&end, eh.e_phoff, nr * sizeof(Elf64_Phdr)))
			return too_much(t, "holds an ELF core with impossible header tables");
	}
	if (b->written < eh.e_phoff + nr * sizeof(Elf64_Phdr)) {
		b->need = eh.e_phoff + nr * sizeof(Elf64_Phdr);
		return NULL;
	}
	for (uint64_t i = 0; i < nr; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return ms_error_errno(errno, "reading the decompressed %s", t->path);
		if (!max_end(&end, ph.p_offset, ph.p_filesz))
			return too_much(t, "holds an ELF core with an impossible segment");
	}
	b->end = end;
	return NULL;
}

/* After each write: the magic first, then the declared end, then the cap. */
struct ms_error *target_check_bound(const struct ms_target *t, int fd,
				    struct target_bound *b)
{
	struct ms_error *err;

	if (!b->end && b->written >= b->need) {
		err = check_headers(t, fd, b);
		if (err)
			return err;
	}
	if (b->end && b->written > b->end)
		return too_much(t, "inflates past the end its ELF headers declare (trailing data, or a bomb)");
	return NULL;
}

static struct ms_error *unpack(struct ms_target *t, int out)
{
	static uint8_t in[1 << 16], buf[1 << 16];
	lzma_stream s = LZMA_STREAM_INIT;
	struct target_bound b = { .need = sizeof(Elf64_Ehdr) };
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
			err = target_write_all(out, buf, sizeof(buf) - s.avail_out);
			b.written += sizeof(buf) - s.avail_out;
			if (!err)
				err = target_check_bound(t, out, &b);
			s.next_out = buf;
			s.avail_out = sizeof(buf);
		}
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK && !err)
			err = xz_error(t, ret);
	}
	/* anything after the stream is not part of the core */
	if (!err && (s.avail_in || pread(t->fd, in, 1, pos) > 0))
		err = ms_error_new(MS_ERR_FORMAT, "%s: trailing data after the xz stream", t->path);
	if (!err && !b.end)
		err = too_much(t, "ends inside the ELF headers");
	lzma_end(&s);
	return err;
}

struct ms_error *target_xz_unpack(struct ms_target *t)
{
	int fd = memfd_create("memscope-core", MFD_CLOEXEC);

	if (fd < 0)
		return ms_error_errno(errno, "decompressing %s", t->path);
	return target_use_decompressed(t, fd, unpack(t, fd));
}

struct ms_error *target_use_decompressed(struct ms_target *t, int fd,
					 struct ms_error *err)
{
	if (err) {
		close(fd);
		return err;
	}
	close(t->fd);
	t->fd = fd;
	t->decompressed = true;
	return NULL;
}
