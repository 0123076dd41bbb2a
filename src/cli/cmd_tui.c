// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope tui: the interactive map (views/). The kernel is opened here,
 * so a bad core or missing privilege is one line on stderr before the
 * terminal is taken over.
 */
#include <string.h>

#include "commands.h"
#include "memscope/tui.h"

int ms_cmd_tui(struct ms_cli *c, int argc, char **argv)
{
	struct ms_tui_opts o = {
		.sysroot = c->sysroot,
		/* a core file describes another machine: its sysfs is not ours */
		.has_sysfs = !c->core_path || !strcmp(c->core_path, "/proc/kcore") ||
			     c->sysroot,
		.readonly = c->readonly,
		.delay = c->delay,
		.refreshes = c->refreshes,
	};
	struct ms_error *err;
	struct ms_sparse *sp;

	if (argc > 1)
		return ms_cli_usage_error("tui takes no arguments");
	err = ms_cli_kernel(c);
	if (err)
		return ms_cli_fail(err);
	o.target = c->target;
	o.kinfo = c->kinfo;
	/* the TUI owns the model from here: it reloads it on every refresh */
	sp = c->sparse;
	c->sparse = NULL;
	err = ms_tui_run(&o, sp);
	return err ? ms_cli_fail(err) : MS_EXIT_OK;
}
