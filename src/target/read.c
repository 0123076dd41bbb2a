// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a target: the part of a range that one segment covers is one
 * pread; a range that spans segments is split at their edges; virtual
 * addresses no segment covers go through the page tables (pagewalk.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int range_cmp(const void *a, const void *b)
{
	const struct target_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Longest first, so that trimming keeps the bigger range whole. */
	return x->last > y->last ? -1 : x->last < y->last;
}

/*
 * Builds a sorted lookup table from the segments' virtual or physical
 * addresses, trimming overlaps: physically the kernel text segment
 * (KCORE_TEXT) lies inside the direct map's RAM (KCORE_RAM), and both hold
 * the same bytes, so either copy serves.
 */
struct ms_error *target_index_build(struct target_index *ix,
				    const struct ms_segment *segs, size_t nr,
				    bool phys)
{
	size_t i, n = 0;

	ix->r = calloc(nr ? nr : 1, sizeof(*ix->r));
	ix->nr = 0;
	if (!ix->r)
		return ms_error_new(MS_ERR_NOMEM, "out of memory indexing segments");
	for (i = 0; i < nr; i++) {
		uint64_t start = phys ? segs[i].paddr : segs[i].vaddr;

		if (phys && start == MS_NO_PADDR)
			continue;
		if (!phys && start == MS_NO_VADDR)
			continue;
		/* A physical range that would wrap is bogus; leave it out. */
		if (start + (segs[i].size - 1) < start)
			continue;
		ix->r[n++] = (struct target_range){
			.start = start,
			.last = start + (segs[i].size - 1),
			.offset = segs[i].offset,
			.paddr = phys ? MS_NO_PADDR : segs[i].paddr,
		};
	}
	qsort(ix->r, n, sizeof(*ix->r), range_cmp);
	for (i = 0; i < n; i++) {
		struct target_range r = ix->r[i];
		struct target_range *prev = ix->nr ? &ix->r[ix->nr - 1] : NULL;

		if (prev && r.last <= prev->last)
			continue;	/* wholly inside the previous range */
		if (prev && r.start <= prev->last) {
			r.offset += prev->last + 1 - r.start;
			if (r.paddr != MS_NO_PADDR)
				r.paddr += prev->last + 1 - r.start;
			r.start = prev->last + 1;
		}
		ix->r[ix->nr++] = r;
	}
	return NULL;
}

/*
 * The range covering addr, or NULL; *next gets the start of the first range
 * above addr, or 0 when there is none (no range can start above addr at 0).
 */
const struct target_range *target_index_find(const struct target_index *ix,
					     uint64_t addr, uint64_t *next)
{
	size_t lo = 0, hi = ix->nr;

	/* Find the first range whose start is above addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*next = lo < ix->nr ? ix->r[lo].start : 0;
	if (lo && addr <= ix->r[lo - 1].last)
		return &ix->r[lo - 1];
	return NULL;
}

/*
 * One pread for the whole run; it loops only if the kernel returns less
 * than asked, which regular files and /proc/kcore do not do short of EOF.
 */
struct ms_error *target_pread(struct ms_target *t, void *buf, size_t len,
			      uint64_t offset, uint64_t addr, const char *what)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(t->fd, p + done, len - done, (off_t)(offset + done));
		struct ms_error *err;

		t->nr_reads++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EFAULT || errno == EIO))
			return ms_error_fault(addr + done, "reading %s at 0x%" PRIx64 ": %s",
					      what, addr + done, strerror(errno));
		if (n < 0) {
			err = ms_error_errno(errno, "reading %s at 0x%" PRIx64, what, addr + done);
			err->addr = addr + done;
			return err;
		}
		if (n == 0)
			return ms_error_fault(addr + done, "reading %s at 0x%" PRIx64 ": the file ends early (at offset 0x%" PRIx64 ")",
					      what, addr + done, offset + done);
		done += (size_t)n;
	}
	return NULL;
}

/* Bytes from addr to the end of its range, or to next, capped at len. */
static size_t run_length(uint64_t addr, uint64_t end_last, size_t len)
{
	uint64_t avail = end_last - addr;	/* one less than the bytes left */

	return avail >= len - 1 ? len : (size_t)avail + 1;
}

static struct ms_error *check_wrap(uint64_t addr, size_t len, const char *what)
{
	if (len && len - 1 > UINT64_MAX - addr)
		return ms_error_new(MS_ERR_USAGE, "reading %zu bytes of %s at 0x%" PRIx64 " wraps past the end of the address space",
				    len, what, addr);
	return NULL;
}

struct ms_error *ms_target_read(struct ms_target *t, uint64_t vaddr, void *buf,
				size_t len)
{
	uint8_t *p = buf;
	struct ms_error *err = check_wrap(vaddr, len, "kernel memory");

	while (!err && len) {
		const struct target_range *r;
		uint64_t next;
		size_t n;

		r = target_index_find(&t->vidx, vaddr, &next);
		if (r) {
			n = run_length(vaddr, r->last, len);
			err = target_pread(t, p, n, r->offset + (vaddr - r->start),
					   vaddr, "kernel memory");
			if (!err)
				target_record(t, vaddr, r->paddr == MS_NO_PADDR ? MS_NO_PADDR :
					      r->paddr + (vaddr - r->start), n);
		} else {
			n = run_length(vaddr, next ? next - 1 : UINT64_MAX, len);
			err = target_read_mapped(t, vaddr, p, n);
		}
		p += n;
		vaddr += n;
		len -= n;
	}
	return err;
}

struct ms_error *ms_target_read_phys(struct ms_target *t, uint64_t paddr,
				     void *buf, size_t len)
{
	uint8_t *p = buf;
	struct ms_error *err = check_wrap(paddr, len, "physical memory");

	while (!err && len) {
		const struct target_range *r;
		uint64_t next;
		size_t n;

		r = target_index_find(&t->pidx, paddr, &next);
		if (!r)
			return ms_error_fault(paddr, "no segment covers physical address 0x%" PRIx64, paddr);
		n = run_length(paddr, r->last, len);
		err = target_pread(t, p, n, r->offset + (paddr - r->start),
				   paddr, "physical memory");
		if (!err)
			target_record(t, MS_NO_VADDR, paddr, n);
		p += n;
		paddr += n;
		len -= n;
	}
	return err;
}
