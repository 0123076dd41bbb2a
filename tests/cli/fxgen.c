// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a synthetic kernel (core, BTF, sysroot) for the CLI golden tests:
 *   fxgen DIR 6.1|6.12|7.3 4|5 [corrupt|devdax-uncovered|devdax-big|changed]
 * The machine is fx_machine.c's, the one test_sparse checks. devdax-*
 * give the device sections a readable memmap of 2 MiB device-dax compound
 * pages that do not cover their tails (issue 10), plus one garbage head
 * of order 200; devdax-big has 16 device sections (524288 pfns).
 * "changed" is that machine a while later, for `memscope diff`
 * (tests/fleet/diff.sh): block 16 onlined to Movable, section 3 fully
 * populated, block 18 hot-added and onlined to Movable.
 * DIR/dumproot holds only proc/kallsyms: the sysroot a crashed machine's
 * vmcore comes with (issue 11), so memory blocks and iomem come from
 * kernel memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/fx.h"
#include "memscope/kinfo.h"

#define F(bit) (1U << MS_SECTION_##bit)
#define BIG 16

static struct fx_section changed_sections[16];
static struct fx_zone changed_zones[8];

static void changed(struct fx_kernel_opts *o)
{
	size_t n = fx_machine_nr_sections;

	memcpy(changed_sections, fx_machine_sections, n * sizeof(*changed_sections));
	memcpy(changed_zones, fx_machine_zones, fx_machine_nr_zones * sizeof(*changed_zones));
	for (size_t i = 0; i < n; i++) {
		struct fx_section *s = &changed_sections[i];

		if (s->nr == 3)
			s->subsection_map = ~0ULL;
		if (s->nr == 16) {
			s->flags |= F(ONLINE);
			s->state = "online";
			s->zones = "Movable";
		}
	}
	/* section 18 after 17, before the device */
	memmove(&changed_sections[7], &changed_sections[6], 2 * sizeof(*changed_sections));
	changed_sections[6] = (struct fx_section){ 18, F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE),
						   ~0ULL, true, "online", "Movable", false };
	for (size_t i = 0; i < fx_machine_nr_zones; i++) {
		if (!strcmp(changed_zones[i].name, "Movable")) {
			changed_zones[i].start_pfn = 16 * FX_PAGES_PER_SECTION;
			changed_zones[i].spanned = 3 * FX_PAGES_PER_SECTION;
			changed_zones[i].present = 3 * FX_PAGES_PER_SECTION;
		}
	}
	o->sections = changed_sections;
	o->nr_sections = n + 1;
	o->zones = changed_zones;
}

static int dumproot(const char *dir)
{
	char src[4200], dst[4200], buf[4096];
	FILE *in, *out;
	size_t n;
	int ret = 0;

	snprintf(dst, sizeof(dst), "%s/dumproot", dir);
	if (mkdir(dst, 0755) && errno != EEXIST)
		return -errno;
	snprintf(dst, sizeof(dst), "%s/dumproot/proc", dir);
	if (mkdir(dst, 0755) && errno != EEXIST)
		return -errno;
	snprintf(src, sizeof(src), "%s/root/proc/kallsyms", dir);
	snprintf(dst, sizeof(dst), "%s/dumproot/proc/kallsyms", dir);
	in = fopen(src, "r");
	out = fopen(dst, "w");
	if (!in || !out)
		ret = -errno;
	while (!ret && (n = fread(buf, 1, sizeof(buf), in)))
		if (fwrite(buf, 1, n, out) != n)
			ret = -EIO;
	if (in)
		fclose(in);
	if (out && fclose(out) && !ret)
		ret = -errno;
	return ret;
}

int main(int argc, char **argv)
{
	struct fx_kernel_opts o = {
		.sections = fx_machine_sections,
		.nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};
	struct fx_devdax dd = { .order = 9, .bad_head_order = 200 };
	struct fx_section big[16 + BIG];
	struct fx_zone zones[8];
	const char *mode = argc > 4 ? argv[4] : "";
	struct fx_kernel k;
	size_t n = 0;
	int ret;

	if (argc < 4) {
		fprintf(stderr, "usage: fxgen DIR 6.1|6.12|7.3 4|5 [corrupt|devdax-uncovered|devdax-big|changed]\n");
		return 2;
	}
	o.variant = !strcmp(argv[2], "6.1") ? FX_KERNEL_6_1 :
		    !strcmp(argv[2], "6.12") ? FX_KERNEL_6_12 : FX_KERNEL_7_3;
	o.levels = atoi(argv[3]);
	o.corrupt_memmap = !strcmp(mode, "corrupt");
	if (!strcmp(mode, "changed"))
		changed(&o);
	if (!strcmp(mode, "devdax-big")) {
		for (size_t i = 0; i < fx_machine_nr_sections; i++)
			if (!(fx_machine_sections[i].flags & F(ZONE_DEVICE)))
				big[n++] = fx_machine_sections[i];
		for (int i = 0; i < BIG; i++)
			big[n++] = (struct fx_section){
				40 + i, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE),
				~0ULL, true, NULL, NULL, false };
		o.sections = big;
		o.nr_sections = n;
		memcpy(zones, fx_machine_zones, fx_machine_nr_zones * sizeof(*zones));
		zones[4].spanned = BIG * FX_PAGES_PER_SECTION;
		o.zones = zones;
	}
	if (!strncmp(mode, "devdax-", 7))
		ret = fx_kernel_build_memmap(&o, argv[1], fx_memmap_devdax, &dd, &k);
	else
		ret = fx_kernel_build_in(&o, argv[1], &k);
	if (!ret)
		ret = dumproot(argv[1]);
	if (ret) {
		fprintf(stderr, "fxgen: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
