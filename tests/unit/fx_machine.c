// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standard synthetic machine of the unit and CLI tests: 512 MiB of boot
 * RAM (its last section half populated), a hot-added offline block, a
 * hot-added online block with memmap_on_memory, and a 208 MiB device whose
 * second section is only partly populated.
 */
#include "fx.h"
#include "memscope/kinfo.h"

#define F(bit) (1U << MS_SECTION_##bit)
#define BOOT (F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE) | F(EARLY))
#define PPS FX_PAGES_PER_SECTION

const struct fx_section fx_machine_sections[] = {
	{ 0, BOOT, ~0ULL, false, "online", "none", false },
	{ 1, BOOT | F(VMEMMAP_PREINIT), ~0ULL, false, "online", "DMA32", false },
	{ 2, BOOT, ~0ULL, false, "online", "DMA32", false },
	{ 3, BOOT, 0xffffffffULL, false, "online", "DMA32", false },
	{ 16, F(PRESENT) | F(HAS_MEM_MAP), ~0ULL, true, "offline", "Normal Movable", false },
	{ 17, F(PRESENT) | F(HAS_MEM_MAP) | F(ONLINE), ~0ULL, true, "online", "Movable", true },
	{ 40, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE), ~0ULL, true, NULL, NULL, false },
	{ 41, F(PRESENT) | F(HAS_MEM_MAP) | F(ZONE_DEVICE), (1ULL << 40) - 1, true, NULL, NULL, false },
};
const size_t fx_machine_nr_sections =
	sizeof(fx_machine_sections) / sizeof(*fx_machine_sections);

const struct fx_zone fx_machine_zones[] = {
	{ "DMA", 1, 4095, 3998 },
	{ "DMA32", 4096, 4 * PPS - 4096 - PPS / 2, 4 * PPS - 5000 - PPS / 2 },
	{ "Normal", 0, 0, 0 },
	{ "Movable", 17 * PPS, PPS, PPS },
	{ "Device", 40 * PPS, 104 * 512, 0 },
};
const size_t fx_machine_nr_zones =
	sizeof(fx_machine_zones) / sizeof(*fx_machine_zones);
