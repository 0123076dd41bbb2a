// SPDX-License-Identifier: GPL-2.0-or-later
/* Long-term pins from user space (see pin.h). Raw syscalls, no liburing. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_xdp.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "memscope/pin.h"
#include "memscope/fs.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define IOVEC_MAX (1ULL << 30)	/* io_uring: one fixed buffer is at most 1 GiB */

int ms_parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* A device-dax device's size and align from sysfs (through its dev_t). */
static struct ms_error *dax_geometry(const struct stat *st, uint64_t *size,
				     uint64_t *align)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/size",
		 major(st->st_rdev), minor(st->st_rdev));
	if (ms_fs_read_text(ms_fs_live(), path, buf, sizeof(buf)))
		return ms_error_new(MS_ERR_USAGE, "not a device-dax device (no %s)", path);
	*size = strtoull(buf, NULL, 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/align",
		 major(st->st_rdev), minor(st->st_rdev));
	/* align is there since 5.10; devdax namespaces were 2 MiB before */
	*align = ms_fs_read_text(ms_fs_live(), path, buf, sizeof(buf)) ? 2 << 20 : strtoull(buf, NULL, 0);
	return NULL;
}

static struct ms_error *open_file(const char *target, uint64_t *size,
				  uint64_t *align, struct ms_pin *p)
{
	struct stat st;

	p->fd = open(target, O_RDWR | O_CLOEXEC);
	if (p->fd < 0)
		return ms_error_errno(errno, "opening %s", target);
	if (fstat(p->fd, &st))
		return ms_error_errno(errno, "stat %s", target);
	if (S_ISCHR(st.st_mode))
		return dax_geometry(&st, size, align);
	if (!S_ISREG(st.st_mode))
		return ms_error_new(MS_ERR_USAGE, "%s: not anon:SIZE, a file or a dax device",
				    target);
	*size = st.st_size;
	*align = sysconf(_SC_PAGESIZE);
	return NULL;
}

struct ms_error *ms_pin_map(const char *target, uint64_t off, uint64_t len,
			    struct ms_pin *p)
{
	uint64_t size = 0, align = sysconf(_SC_PAGESIZE), page = align;
	struct ms_error *err = NULL;
	bool anon = !strncmp(target, "anon:", 5);

	memset(p, 0, sizeof(*p));
	p->fd = p->ring_fd = p->xsk_fd = -1;
	snprintf(p->target, sizeof(p->target), "%s", target);
	if (anon && (ms_parse_size(target + 5, &size) || !size))
		return ms_error_new(MS_ERR_USAGE, "'%s': anon:SIZE takes a size (64M)", target);
	if (!anon)
		err = open_file(target, &size, &align, p);
	if (err)
		return err;
	if (!len)
		len = off < size ? size - off : 0;
	if (!len || off + len > size || off % align || len % align)
		return ms_error_new(MS_ERR_USAGE,
			"%s: offset %" PRIu64 " length %" PRIu64 " must lie in its %" PRIu64 " bytes on %" PRIu64 "-byte boundaries",
			target, off, len, size, align);
	p->addr = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED,
		       p->fd, anon ? 0 : (off_t)off);
	if (p->addr == MAP_FAILED) {
		p->addr = NULL;
		return ms_error_errno(errno, "mapping %s", target);
	}
	p->len = p->map_len = len;
	for (uint64_t o = 0; o < len; o += page)
		p->addr[o] = 1;	/* fault every page in (SIGBUS if it cannot be) */
	return NULL;
}

static struct ms_error *pin_io_uring(struct ms_pin *p)
{
	struct io_uring_params params = { 0 };
	size_t n = (p->len + IOVEC_MAX - 1) / IOVEC_MAX;
	struct iovec iov[64];
	int ret, e;

	if (n > 64)
		return ms_error_new(MS_ERR_USAGE, "at most 64 GiB at a time");
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = p->addr + i * IOVEC_MAX;
		iov[i].iov_len = i + 1 < n ? IOVEC_MAX : p->len - i * IOVEC_MAX;
	}
	p->ring_fd = syscall(__NR_io_uring_setup, 1, &params);
	if (p->ring_fd < 0)
		return ms_error_errno(errno, "io_uring_setup");
	ret = syscall(__NR_io_uring_register, p->ring_fd, IORING_REGISTER_BUFFERS,
		      iov, (unsigned int)n);
	if (ret < 0) {
		e = errno;
		close(p->ring_fd);
		p->ring_fd = -1;
		return ms_error_errno(e, "io_uring IORING_REGISTER_BUFFERS");
	}
	return NULL;
}

static struct ms_error *pin_xdp_umem(struct ms_pin *p)
{
	struct xdp_umem_reg reg = {
		.addr = (uintptr_t)p->addr,
		.len = p->len,
		.chunk_size = 4096,	/* aligned chunks: a power of 2, <= PAGE_SIZE */
	};
	int e;

	p->xsk_fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (p->xsk_fd < 0)
		return ms_error_errno(errno, "AF_XDP socket");
	if (setsockopt(p->xsk_fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg))) {
		e = errno;
		close(p->xsk_fd);
		p->xsk_fd = -1;
		return ms_error_errno(e, "AF_XDP XDP_UMEM_REG");
	}
	return NULL;
}

struct ms_error *ms_pin_acquire(struct ms_pin *p)
{
	struct ms_error *err = pin_io_uring(p), *err2;

	if (!err) {
		snprintf(p->path, sizeof(p->path), "io_uring fixed buffers");
		return NULL;
	}
	snprintf(p->refused, sizeof(p->refused), "%s", err->msg);
	err2 = pin_xdp_umem(p);
	if (!err2) {
		ms_error_free(err);
		snprintf(p->path, sizeof(p->path), "AF_XDP UMEM");
		return NULL;
	}
	err2 = ms_error_wrap(err2, "%s; then", err->msg);
	ms_error_free(err);
	return ms_error_wrap(err2, "%s: the kernel refused a long-term pin", p->target);
}

void ms_pin_release(struct ms_pin *p)
{
	if (p->ring_fd >= 0) {
		/* synchronous, unlike the ring's teardown on close */
		syscall(__NR_io_uring_register, p->ring_fd,
			IORING_UNREGISTER_BUFFERS, NULL, 0);
		close(p->ring_fd);
	}
	if (p->xsk_fd >= 0)
		close(p->xsk_fd);	/* the UMEM is unpinned by a work item */
	p->ring_fd = p->xsk_fd = -1;
}

void ms_pin_unmap(struct ms_pin *p)
{
	if (p->addr)
		munmap(p->addr, p->map_len);
	if (p->fd >= 0)
		close(p->fd);
	p->addr = NULL;
	p->fd = -1;
}

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* One pread for the whole range (Documentation/admin-guide/mm/pagemap.rst). */
struct ms_error *ms_pin_pfns(const struct ms_pin *p, uint64_t *pfns,
			     size_t npages)
{
	size_t page = sysconf(_SC_PAGESIZE);
	off_t off = (off_t)((uintptr_t)p->addr / page * 8);
	ssize_t n;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_error_errno(errno, "opening /proc/self/pagemap");
	n = pread(fd, pfns, npages * 8, off);
	close(fd);
	if (n != (ssize_t)(npages * 8))
		return ms_error_errno(n < 0 ? errno : EIO, "reading /proc/self/pagemap");
	for (size_t i = 0; i < npages; i++)
		pfns[i] = pfns[i] & PM_PRESENT ? pfns[i] & PM_PFN_MASK : 0;
	return NULL;
}
