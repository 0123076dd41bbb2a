/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pin: long-term pins (FOLL_PIN | FOLL_LONGTERM) from user space, for
 * testing offline and for showing pin counts in struct pages. The mapping
 * is anonymous memory, a hugetlbfs file or a device-dax device; the pin is
 * taken through io_uring fixed buffers (IORING_REGISTER_BUFFERS), and where
 * the kernel's io_uring refuses the mapping (6.1 refuses file-backed
 * memory other than hugetlbfs and shmem: io_pin_pages()), through an AF_XDP
 * UMEM (XDP_UMEM_REG), whose xdp_umem_pin_pages() pins without that check.
 */
#ifndef MEMSCOPE_PIN_H
#define MEMSCOPE_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct ms_pin {
	uint8_t *addr;
	uint64_t len;			/* bytes pinned */
	uint64_t map_len;		/* bytes mapped */
	int fd;				/* the file or device, or -1 */
	int ring_fd, xsk_fd;		/* whichever holds the pin, or -1 */
	char target[256];
	char path[64];			/* "io_uring fixed buffers", ... */
	char refused[512];		/* what refused before path worked, or "" */
};

/*
 * Maps TARGET ("anon:SIZE", a hugetlbfs file, /dev/daxX.Y) from offset
 * off for len bytes (0: to the end) and touches every page. A device-dax
 * mapping must be aligned to the device's align (2 MiB here).
 */
struct ms_error *ms_pin_map(const char *target, uint64_t off, uint64_t len,
			    struct ms_pin *p);
struct ms_error *ms_pin_acquire(struct ms_pin *p);
/* Drops the pin (synchronously for io_uring) and the mapping. */
void ms_pin_release(struct ms_pin *p);
void ms_pin_unmap(struct ms_pin *p);
/* Physical frame of each page of the pinned range (/proc/self/pagemap,
 * needs CAP_SYS_ADMIN for the pfns); 0 for a page not present. */
struct ms_error *ms_pin_pfns(const struct ms_pin *p, uint64_t *pfns,
			     size_t npages);
/* "64M", "2G", "4096" */
int ms_parse_size(const char *s, uint64_t *out);

#endif
