// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a synthetic machine of TIB TiB for bench/bigmachine.sh (a
 * benchmark, not a test):
 *   bigmachine DIR TIB
 * DIR gets core, btf and root/ as tests/cli/fxgen writes them, for a 6.12
 * kernel with TIB * 8192 sections of boot RAM (the last 64 of them
 * hot-added: 32 offline, 32 online movable with memmap_on_memory), a
 * HugeTLB pool of 2 MiB pages with HVO in 8 sections, and 8 GiB of
 * device-dax (2 MiB compound pages) above a gap. The struct pages are
 * mostly zero, with a few THPs in every 16th section; the core holds
 * them as vmemmap segments (as /proc/kcore does) written sparse, so a
 * 16 TiB machine (256 GiB of struct pages) takes some hundreds of MiB.
 * The sysfs tree has 2 GiB memory blocks, as x86_64 uses from 64 GiB.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tests/unit/fx.h"
#include "memscope/kinfo.h"
#include "memscope/page.h"

#define F(bit) (1U << MS_SECTION_##bit)
#define BOOT (F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE) | F(EARLY))
#define PPS FX_PAGES_PER_SECTION
#define HOT 64			/* hot-added sections at the top of RAM */
#define DEV 64			/* device sections */
#define HVO_SECTIONS 8
#define SECTIONS_PER_BLOCK 16	/* 2 GiB blocks */
#define THP_EVERY 16		/* a section of every THP_EVERY holds THPs */
#define THPS 4			/* ... this many */

struct machine {
	uint64_t nr_ram;	/* sections of RAM, hot-added included */
	uint64_t dev_first;	/* first device section */
	uint64_t hvo_first;
	struct ms_page_layout pl;
	int zone_device, zone_normal, zone_movable;
};

/* The struct pages of section nr into buf (2 MiB); false: all zero. */
static bool fill_section(struct machine *m, uint64_t nr, uint8_t *buf)
{
	struct fx_devdax dd = { .order = 9, .covered = true };
	const struct ms_page_layout *pl = &m->pl;
	uint64_t pfn = nr * PPS;
	bool hvo = nr >= m->hvo_first && nr < m->hvo_first + HVO_SECTIONS;

	/* most sections: zero struct pages, a hole, not 2 MiB of memset */
	if (nr < m->dev_first && !hvo &&
	    (nr % THP_EVERY != 5 || nr >= m->nr_ram - HOT))
		return false;
	memset(buf, 0, PPS * pl->size);
	if (nr >= m->dev_first) {
		fx_memmap_devdax(&dd, pl, m->zone_device, pfn, PPS, buf);
		return true;
	}
	if (hvo) {
		/* every 2 MiB page a HugeTLB folio; HVO shows each one's
		 * tails 64.. as copies of its first vmemmap page */
		fx_memmap_devdax(&dd, pl, m->zone_normal, pfn, PPS, buf);
		for (uint64_t h = 0; h < PPS; h += 512) {
			uint8_t *head = buf + h * pl->size;

			if (pl->type_encoding == MS_PGTY_TOP_BYTE &&
			    pl->type_value[MS_PGTY_HUGETLB] >= 0) {
				uint32_t t = (uint32_t)pl->type_value[MS_PGTY_HUGETLB] << 24;

				memcpy(head + pl->page_type, &t, 4);
			}
			for (uint64_t v = 4096; v < 512 * pl->size; v += 4096)
				memcpy(head + v, head, 4096);
		}
		return true;
	}
	for (int i = 0; i < THPS; i++) {
		uint64_t off = ((nr * 7 + (uint64_t)i * 13) % 64) * 512;
		uint8_t *p1 = buf + (off + 1) * pl->size;
		uint64_t f1;

		fx_memmap_devdax(&dd, pl, m->zone_normal, pfn + off, 512,
				 buf + off * pl->size);
		if (pl->pg[MS_PG_LARGE_RMAPPABLE] >= 0) {
			memcpy(&f1, p1 + pl->flags, 8);
			f1 |= 1ULL << pl->pg[MS_PG_LARGE_RMAPPABLE];
			memcpy(p1 + pl->flags, &f1, 8);
		}
	}
	return true;
}

struct seg {
	struct machine *m;
	uint64_t first;		/* section */
};

static bool fill(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	struct seg *s = arg;

	if (len != PPS * s->m->pl.size) {
		fprintf(stderr, "bigmachine: chunk of %zu bytes\n", len);
		exit(1);
	}
	return fill_section(s->m, s->first + off / len, buf);
}

static struct seg segs[2];

static void add_vmemmap(void *arg, struct fx_core *c, const struct fx_kernel *k)
{
	struct machine *m = arg;
	uint64_t bytes = PPS * m->pl.size;

	segs[0] = (struct seg){ m, 0 };
	segs[1] = (struct seg){ m, m->dev_first };
	fx_core_add_lazy_segment(c, k->vmemmap_base, UINT64_MAX,
				 m->nr_ram * bytes, bytes, fill, &segs[0]);
	fx_core_add_lazy_segment(c, k->vmemmap_base + m->dev_first * bytes,
				 UINT64_MAX, DEV * bytes, bytes, fill, &segs[1]);
}

/* 2 GiB memory blocks over RAM, and /proc/iomem's three ranges. */
static int write_sysfs(const struct machine *m, const struct fx_kernel *k)
{
	char root[600], dir[700], sub[720], val[128];
	int ret;

	snprintf(root, sizeof(root), "%s/sys/devices/system/memory", k->sysroot);
	ret = fx_write_file(root, "block_size_bytes", "80000000\n");
	for (uint64_t b = 0; !ret && b < m->nr_ram / SECTIONS_PER_BLOCK; b++) {
		uint64_t s = b * SECTIONS_PER_BLOCK;
		bool hot = s >= m->nr_ram - HOT, online = !hot || s >= m->nr_ram - HOT / 2;

		snprintf(dir, sizeof(dir), "%s/memory%" PRIu64, root, b);
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		snprintf(sub, sizeof(sub), "%s/node0", dir);
		if (mkdir(sub, 0755) && errno != EEXIST)
			return -errno;
		snprintf(val, sizeof(val), "%" PRIx64 "\n", b);
		ret = fx_write_file(dir, "phys_index", val);
		if (!ret)
			ret = fx_write_file(dir, "state", online ? "online\n" : "offline\n");
		if (!ret)
			ret = fx_write_file(dir, "valid_zones", !hot ? (s < 32 ? "none\n" : "Normal\n") :
				  online ? "Movable\n" : "Normal Movable\n");
		if (!ret)
			ret = fx_write_file(dir, "removable", "1\n");
	}
	snprintf(val, sizeof(val),
		 "00001000-%08" PRIx64 " : System RAM\n%08" PRIx64 "-%08" PRIx64 " : Persistent Memory\n",
		 (m->nr_ram << 27) - 1, m->dev_first << 27, ((m->dev_first + DEV) << 27) - 1);
	snprintf(dir, sizeof(dir), "%s/proc", k->sysroot);
	return ret ? ret : fx_write_file(dir, "iomem", val);
}

int main(int argc, char **argv)
{
	struct machine m = { .zone_normal = 2, .zone_movable = 3 };
	struct fx_kernel_opts o = { .variant = FX_KERNEL_6_12, .levels = 4 };
	struct fx_section *secs;
	struct fx_zone zones[5];
	struct fx_kernel k;
	uint64_t tib, n = 0, ram_pfns;
	int ret;

	if (argc != 3 || !(tib = strtoull(argv[2], NULL, 0)) || tib > 32) {
		fprintf(stderr, "usage: bigmachine DIR TIB (1..32)\n");
		return 2;
	}
	m.nr_ram = tib * 8192;
	m.dev_first = m.nr_ram + DEV;
	m.hvo_first = m.nr_ram / 2;
	secs = calloc(m.nr_ram + DEV, sizeof(*secs));
	if (!secs)
		return 1;
	for (uint64_t i = 0; i < m.nr_ram; i++) {
		bool hot = i >= m.nr_ram - HOT, on = !hot || i >= m.nr_ram - HOT / 2;

		secs[n++] = (struct fx_section){
			i, hot ? F(PRESENT) | F(HAS_MEM_MAP) | (on ? F(ONLINE) : 0) : BOOT,
			~0ULL, hot, NULL, NULL, hot && on };
	}
	for (uint64_t i = 0; i < DEV; i++)
		secs[n++] = (struct fx_section){
			m.dev_first + i, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE),
			~0ULL, true, NULL, NULL, false };
	ram_pfns = (m.nr_ram - HOT) * PPS;
	zones[0] = (struct fx_zone){ "DMA", 1, 4095, 3998 };
	zones[1] = (struct fx_zone){ "DMA32", 4096, (1ULL << 20) - 4096, (1ULL << 20) - 5000 };
	zones[2] = (struct fx_zone){ "Normal", 1ULL << 20, ram_pfns - (1ULL << 20),
				     ram_pfns - (1ULL << 20) };
	zones[3] = (struct fx_zone){ "Movable", (m.nr_ram - HOT / 2) * PPS,
				     HOT / 2 * PPS, HOT / 2 * PPS };
	zones[4] = (struct fx_zone){ "Device", m.dev_first * PPS, DEV * PPS, 0 };
	o.sections = secs;
	o.nr_sections = n;
	o.zones = zones;
	o.nr_zones = 5;
	o.max_pfn = m.nr_ram * PPS;
	o.hvo_start = m.hvo_first;
	o.hvo_end = m.hvo_first + HVO_SECTIONS;
	/* first without struct pages, to learn their layout from the BTF */
	ret = fx_kernel_build_in(&o, argv[1], &k);
	if (!ret)
		ret = fx_kernel_page_layout(&k, &m.pl, &m.zone_device);
	if (!ret) {
		o.core_hook = add_vmemmap;
		o.core_arg = &m;
		ret = fx_kernel_build_in(&o, argv[1], &k);
	}
	if (!ret)
		ret = write_sysfs(&m, &k);
	free(secs);
	if (ret) {
		fprintf(stderr, "bigmachine: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
