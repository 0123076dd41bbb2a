/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RANGE arguments of pages, compound and check:
 *   N, A-B            pfns (decimal or 0x hex), B inclusive
 *   pfn:N, pfn:A-B    the same, explicitly
 *   phys:A, phys:A-B  physical addresses, B inclusive: the pages they touch
 *   section:N         a memory section
 *   block:N           a memory block (sysfs memoryN)
 *   NAME              a /proc/iomem range by name: dax0.0, namespace0.0, ...
 */
#ifndef MEMSCOPE_CLI_PAGE_RANGE_H
#define MEMSCOPE_CLI_PAGE_RANGE_H

#include <stdint.h>

#include "cli.h"

struct ms_pfn_range {
	uint64_t start, nr;
	char name[64];		/* the device name for NAME, else "" */
};

/* Needs the kernel loaded; usage problems are MS_ERR_USAGE. */
struct ms_error *ms_cli_pfn_range(struct ms_cli *c, const char *arg,
				  struct ms_pfn_range *out);
/*
 * Fails a command: a malformed RANGE is a usage error (exit 2, "Try
 * --help"); anything else, a range naming nothing, is exit 1.
 */
#define MS_BAD_RANGE "bad range"
int ms_cli_range_fail(struct ms_error *err);

/* Every pfn that has a present section. */
void ms_cli_pfn_all(const struct ms_cli *c, struct ms_pfn_range *out);

#endif
