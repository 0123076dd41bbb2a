/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the vmemmap and devices commands: the vmemmap model and names. */
#ifndef MEMSCOPE_CLI_VMEMMAP_FMT_H
#define MEMSCOPE_CLI_VMEMMAP_FMT_H

#include "cli.h"
#include "memscope/pgmap.h"
#include "memscope/vmemmap.h"

struct ms_vmemmap_model {
	struct ms_pgmaps *pgmaps;
	struct ms_vmemmap *vm;		/* NULL when only pgmaps were asked for */
	const struct ms_iomem *iomem;	/* names; NULL for a core without sysroot */
};

/* Loads the kernel, the pgmaps and (with_vmemmap) the vmemmap model. */
struct ms_error *ms_vmemmap_model_load(struct ms_cli *c, bool with_vmemmap,
				       struct ms_vmemmap_model *m);
void ms_vmemmap_model_release(struct ms_vmemmap_model *m);

/* Names of pgmaps and vmemmap owners: facts.h (the TUI's too). */
/* Bytes in the pgmap's ranges. */
uint64_t ms_vmemmap_pgmap_size(const struct ms_pgmap *g);
/* devdax for a generic pgmap with a dax device (dax is its name or ""). */
const char *ms_vmemmap_pgmap_type(const struct ms_pgmap *g, const char *dax);
/* Where the page tables put its struct pages: ram, device or mixed; NULL
 * when none are mapped (n may be NULL). */
const char *ms_vmemmap_pgmap_memmap(const struct ms_vmemmap_count *n);
/* Sizes as 4K, 2M, 1G (exact powers only), else bytes. */
void ms_size_format(uint64_t bytes, char *buf, size_t len);

#endif
