/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interactive map (views/). The CLI opens the kernel, then hands the
 * target and kinfo to the TUI, which reloads the sparse model, memory
 * blocks and /proc/iomem on every refresh.
 */
#ifndef MEMSCOPE_TUI_H
#define MEMSCOPE_TUI_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "fs.h"
#include "kinfo.h"
#include "sparse.h"
#include "target.h"

struct ms_tui_opts {
	struct ms_target *target;
	const struct ms_kinfo *kinfo;
	/* memory blocks and /proc/iomem; NULL for a core without --sysroot:
	 * then, and where it lacks them, from kernel memory (core) */
	const struct ms_fs *fs;
	bool core;			/* a core file: what fs lacks comes
					 * from kernel memory (ksysfs.h) */
	bool readonly;
	bool demo;			/* --demo: a shipped snapshot, not live */
	double delay;			/* seconds between refreshes */
	long refreshes;			/* quit after this many, 0: never */
	/*
	 * Runs a confirmed action ("hotplug", "dax0.0") as the CLI command
	 * does, writing its report to the terminal; its exit status. NULL:
	 * no actions (a core file).
	 */
	int (*act)(void *ctx, const char *verb, const char *target);
	void *act_ctx;
};

/*
 * Runs the TUI until the user quits (or after opts->refreshes refreshes).
 * Takes ownership of sp, the model already loaded (may be NULL). Returns
 * an error only when the terminal cannot be used; a failed refresh is
 * shown in the status bar instead.
 */
struct ms_error *ms_tui_run(const struct ms_tui_opts *opts,
			    struct ms_sparse *sp);

/*
 * Renders one view as text on out, without a terminal (tests): the Section
 * and vmemmap views once per present section, the others once. Takes
 * ownership of sp. MS_ERR_USAGE for a view it does not know; an error the
 * status bar shows fails it, after the text.
 */
struct ms_error *ms_tui_dump(const struct ms_tui_opts *opts,
			     struct ms_sparse *sp, const char *view, FILE *out);

#endif
