// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope tui: the interactive map (views/). The kernel is opened here,
 * so a bad core or missing privilege is one line on stderr before the
 * terminal is taken over.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "memscope/tui.h"

const struct ms_cmdopt ms_tui_cmd_opts[] = {
	[TUI_OPT_DUMP] = { "dump", true, "write the view DUMP (map, section, devices, deferred, vmemmap) as text on stdout, no terminal; section and vmemmap once per present section (tests)" },
	{ NULL, false, NULL },
};

/*
 * An action confirmed in the TUI: the CLI command itself, with its checks
 * (--readonly, privilege, busy devices, auto_online_blocks) and its
 * before/after report on the terminal.
 */
static int tui_act(void *ctx, const char *verb, const char *target)
{
	static const struct {
		const char *verb;
		int (*fn)(struct ms_cli *c, int argc, char **argv);
	} acts[] = {
		{ "hotplug", ms_cmd_hotplug }, { "unplug", ms_cmd_unplug },
		{ "online", ms_cmd_online }, { "offline", ms_cmd_offline },
	};
	char v[16], t[64];
	char *argv[] = { v, t, NULL };

	snprintf(v, sizeof(v), "%s", verb);
	snprintf(t, sizeof(t), "%s", target);
	for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++)
		if (!strcmp(acts[i].verb, verb))
			return acts[i].fn(ctx, 2, argv);
	return MS_EXIT_FAILURE;
}

int ms_cmd_tui(struct ms_cli *c, int argc, char **argv)
{
	struct ms_tui_opts o = {
		/* a core file describes another machine: its sysfs is not ours */
		.core = c->core_path && strcmp(c->core_path, "/proc/kcore"),
		.readonly = c->readonly,
		.demo = c->demo,
		.delay = c->delay,
		.refreshes = c->refreshes,
	};
	const char *dump = c->opt[TUI_OPT_DUMP];
	struct ms_error *err;
	struct ms_sparse *sp;

	if (argc > 1)
		return ms_cli_usage_error("tui takes no arguments");
	err = ms_cli_kernel(c);
	/* a core file describes another machine: its sysfs is not ours */
	if (!err)
		err = ms_cli_fs(c, &o.fs);
	if (err)
		return ms_cli_fail(err);
	o.target = c->target;
	o.kinfo = c->kinfo;
	/* a core file describes another machine: nothing to act on; a dump
	 * only renders */
	if (!dump && (!c->core_path || !strcmp(c->core_path, "/proc/kcore"))) {
		o.act = tui_act;
		o.act_ctx = c;
	}
	/* the TUI owns the model from here: it reloads it on every refresh */
	sp = c->sparse;
	c->sparse = NULL;
	if (dump) {
		err = ms_tui_dump(&o, sp, dump, stdout);
		if (err && err->code == MS_ERR_USAGE) {
			ms_cli_usage_error("%s", err->msg);
			ms_error_free(err);
			return MS_EXIT_USAGE;
		}
	} else {
		err = ms_tui_run(&o, sp);
	}
	return err ? ms_cli_fail(err) : MS_EXIT_OK;
}
