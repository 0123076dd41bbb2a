// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a synthetic kernel (core, BTF, sysroot) for the CLI golden tests:
 *   fxgen DIR 6.1|6.12|7.3 4|5 [corrupt]
 * The machine is fx_machine.c's, the one test_sparse checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/fx.h"
#include "memscope/kinfo.h"

int main(int argc, char **argv)
{
	struct fx_kernel_opts o = {
		.sections = fx_machine_sections,
		.nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
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
