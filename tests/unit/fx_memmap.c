// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Synthetic kernels whose device sections have a readable memmap, written
 * with the page layout memscope itself resolves from the fixture's BTF and
 * VMCOREINFO (so the bytes follow each variant's struct page): issue 10's
 * device-dax compound pages that do not cover their tails, which made
 * `check` re-read a head per tail and print a row per pfn.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"
#include "memscope/page.h"

static void put(uint8_t *p, uint64_t off, uint64_t v, size_t n)
{
	memcpy(p + off, &v, n);
}

static void set_order(const struct ms_page_layout *pl, uint8_t *p1,
		      unsigned int order)
{
	/* 6.1 page[1].compound_order, or 6.6+ folio._flags_1 & 0xff: the
	 * byte at pl->order either way (x86_64 is little-endian) */
	p1[pl->order] = (uint8_t)order;
	if (pl->nr_pages != MS_ABSENT)
		put(p1, pl->nr_pages, 1ULL << (order < 32 ? order : 0), 4);
}

void fx_memmap_devdax(void *arg, const struct ms_page_layout *pl,
		      int zone_device, uint64_t start, uint64_t nr,
		      uint8_t *buf)
{
	const struct fx_devdax *d = arg;
	uint64_t n = 1ULL << d->order;

	for (uint64_t i = 0; i < nr; i++) {
		uint8_t *p = buf + i * pl->size;
		uint64_t pfn = start + i, head = pfn & ~(n - 1);
		uint64_t info = ms_page_vaddr(pl, head) + 1;

		put(p, pl->flags, (uint64_t)zone_device << pl->zone_shift, 8);
		put(p, pl->mapcount, UINT32_MAX, 4);	/* _mapcount -1 */
		put(p, pl->refcount, pfn == head, 4);
		if (pfn == head) {
			put(p, pl->flags, (uint64_t)zone_device << pl->zone_shift |
			    1ULL << pl->pg[MS_PG_HEAD], 8);
			continue;
		}
		/* 7.1+: a mask when struct page is a power of 2 */
		if (pl->compound_info && pl->size_shift)
			info = (~0ULL << (d->order + pl->size_shift)) | 1;
		put(p, pl->compound_head, info, 8);
	}
	for (uint64_t i = 0; i + 1 < nr; i += n)
		set_order(pl, buf + (i + 1) * pl->size, d->covered ? d->order : 0);
	if (d->bad_head_order && nr > 3 && n > 3) {
		/* pfn start + 2: a head inside the first compound page */
		uint8_t *p = buf + 2 * pl->size;

		put(p, pl->compound_head, 0, 8);
		put(p, pl->flags, (uint64_t)zone_device << pl->zone_shift |
		    1ULL << pl->pg[MS_PG_HEAD], 8);
		set_order(pl, p + pl->size, d->bad_head_order);
	}
}

int fx_kernel_page_layout(const struct fx_kernel *k, struct ms_page_layout *pl,
			  int *zone_device)
{
	struct ms_kinfo_opts ko = { .sysroot = k->sysroot, .btf_path = k->btf };
	struct ms_target *t = NULL;
	struct ms_kinfo *ki = NULL;
	struct ms_error *err;

	err = ms_target_open(k->core, &t);
	if (!err)
		err = ms_kinfo_open(t, &ko, &ki);
	if (!err)
		err = fx_page_layout_copy(ki, pl);
	if (!err)
		*zone_device = ms_kinfo_layout(ki)->zone_device;
	ms_kinfo_close(ki);
	ms_target_close(t);
	if (err) {
		ms_error_free(err);
		return -EINVAL;
	}
	return 0;
}

int fx_kernel_build_memmap(const struct fx_kernel_opts *o, const char *dir,
			   fx_memmap_fn fill, void *arg, struct fx_kernel *k)
{
	struct fx_kernel_opts o2 = *o;
	struct ms_page_layout pl;
	uint64_t first = UINT64_MAX, end = 0;
	uint8_t *buf;
	int zdev, ret;

	ret = fx_kernel_build_in(o, dir, k);
	if (!ret)
		ret = fx_kernel_page_layout(k, &pl, &zdev);
	if (ret)
		return ret;
	for (size_t i = 0; i < o->nr_sections; i++) {
		const struct fx_section *s = &o->sections[i];

		if (!(s->flags & (1U << MS_SECTION_ZONE_DEVICE)))
			continue;
		if (first == UINT64_MAX)
			first = s->nr * FX_PAGES_PER_SECTION;
		else if (s->nr * FX_PAGES_PER_SECTION != end)
			return -EINVAL;	/* contiguous only */
		end = (s->nr + 1) * FX_PAGES_PER_SECTION;
	}
	if (first == UINT64_MAX)
		return -EINVAL;
	buf = calloc(end - first, pl.size);
	if (!buf)
		return -ENOMEM;
	fill(arg, &pl, zdev, first, end - first, buf);
	o2.device_memmap = buf;
	ret = fx_kernel_build_in(&o2, dir, k);
	free(buf);
	return ret;
}
