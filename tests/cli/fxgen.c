// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a synthetic kernel (core, BTF, sysroot) for the CLI golden tests:
 *   fxgen DIR 6.1|6.12|7.3 4|5 [corrupt]
 * The machine is the one of tests/unit/test_sparse.c: boot RAM, hot-added
 * blocks (one offline, one with memmap_on_memory) and a 208 MiB device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fx.h"
#include "memscope/kinfo.h"

#define F(bit) (1U << MS_SECTION_##bit)
#define BOOT (F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE) | F(EARLY))
#define PPS 32768ULL

static const struct fx_section sections[] = {
	{ 0, BOOT, ~0ULL, false, "online", "none", false },
	{ 1, BOOT | F(VMEMMAP_PREINIT), ~0ULL, false, "online", "DMA32", false },
	{ 2, BOOT, ~0ULL, false, "online", "DMA32", false },
	{ 3, BOOT, 0xffffffffULL, false, "online", "DMA32", false },
	{ 16, F(PRESENT) | F(HAS_MEM_MAP), ~0ULL, true, "offline", "Normal Movable", false },
	{ 17, F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE), ~0ULL, true, "online", "Movable", true },
	{ 40, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE), ~0ULL, true, NULL, NULL, false },
	{ 41, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE), (1ULL << 40) - 1, true, NULL, NULL, false },
};

static const struct fx_zone zones[] = {
	{ "DMA", 1, 4095, 3998 },
	{ "DMA32", 4096, 4 * PPS - 4096 - PPS / 2, 4 * PPS - 5000 - PPS / 2 },
	{ "Normal", 0, 0, 0 },
	{ "Movable", 17 * PPS, PPS, PPS },
	{ "Device", 40 * PPS, 104 * 512, 0 },
};

int main(int argc, char **argv)
{
	struct fx_kernel_opts o = {
		.sections = sections,
		.nr_sections = sizeof(sections) / sizeof(*sections),
		.zones = zones, .nr_zones = sizeof(zones) / sizeof(*zones),
	};
	struct fx_kernel k;
	int ret;

	if (argc < 4) {
		fprintf(stderr, "usage: fxgen DIR 6.1|6.12|7.3 4|5 [corrupt]\n");
		return 2;
	}
	o.variant = !strcmp(argv[2], "6.1") ? FX_KERNEL_6_1 :
		    !strcmp(argv[2], "6.12") ? FX_KERNEL_6_12 : FX_KERNEL_7_3;
	o.levels = atoi(argv[3]);
	o.corrupt_memmap = argc > 4 && !strcmp(argv[4], "corrupt");
	ret = fx_kernel_build_in(&o, argv[1], &k);
	if (ret) {
		fprintf(stderr, "fxgen: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
