// SPDX-License-Identifier: GPL-2.0-or-later
/* The command table: name, handler, whether it changes the system, help. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct ms_command commands[] = {
	{ "sections", ms_cmd_sections, false, "",
	  "present memory sections, their flags and sub-section activity",
	  ms_sections_columns, &ms_sections_nr_columns },
	{ "subsections", ms_cmd_subsections, false, "[SECTION[-SECTION]...]",
	  "each section's sub-section bitmap",
	  ms_subsections_columns, &ms_subsections_nr_columns },
	{ "blocks", ms_cmd_blocks, false, "",
	  "memory blocks (lsmem columns) with their sections",
	  ms_blocks_columns, &ms_blocks_nr_columns },
	{ "summary", ms_cmd_summary, false, "",
	  "a short report of every layer (the default)", NULL, NULL },
	{ "tui", ms_cmd_tui, false, "",
	  "the interactive map (the default on a terminal; -d SECONDS, --refreshes N)",
	  NULL, NULL },
	{ "vmemmap", ms_cmd_vmemmap, false, "",
	  "frames behind the struct pages: owners, sharing, what dedup saves",
	  ms_vmemmap_columns, &ms_vmemmap_nr_columns },
	{ "devices", ms_cmd_devices, false, "",
	  "ZONE_DEVICE pgmaps with their namespace/dax device and vmemmap",
	  ms_devices_columns, &ms_devices_nr_columns },
	{ "pages", ms_cmd_pages, false, "RANGE...",
	  "one row per struct page: flags, counts, type, compound",
	  ms_pages_columns, &ms_pages_nr_columns },
	{ "compound", ms_cmd_compound, false, "[RANGE]",
	  "census of compound pages by kind, order and zone or device",
	  ms_compound_columns, &ms_compound_nr_columns },
	{ "check", ms_cmd_check, false, "[RANGE]",
	  "memmap consistency: one row per problem, exit 1 if any",
	  ms_check_columns, &ms_check_nr_columns },
	{ "deferred", ms_cmd_deferred, false, "",
	  "deferred struct-page init per node: initialised, pending, state",
	  ms_deferred_columns, &ms_deferred_nr_columns },
	{ "capture", ms_cmd_capture, false, "FILE",
	  "write a snapshot of everything memscope reads (FILE.xz: compressed)",
	  NULL, NULL },
	{ "metrics", ms_cmd_metrics, false, "[--textfile DIR]",
	  "Prometheus/OpenMetrics gauges (node_exporter textfile collector)",
	  NULL, NULL },
	{ "map", ms_cmd_map, false, "[--svg FILE] [--overlay]",
	  "the section map as one SVG: classes, sub-sections, blocks, devices",
	  NULL, NULL },
	{ "diff", ms_cmd_diff, false, "A B",
	  "what changed between two snapshots (- : this system); exit 1 if anything",
	  ms_diff_columns, &ms_diff_nr_columns },
	{ "blockers", ms_cmd_blockers, false, "BLOCK|RANGE...",
	  "pages that keep memory blocks from going offline",
	  ms_blockers_columns, &ms_blockers_nr_columns },
	{ "online", ms_cmd_online, true, "BLOCK|RANGE...",
	  "online memory blocks (--zone movable|normal, --dry-run)",
	  ms_act_columns, &ms_act_nr_columns },
	{ "offline", ms_cmd_offline, true, "BLOCK|RANGE...",
	  "offline memory blocks (--timeout S, --dry-run); blockers on failure",
	  ms_act_columns, &ms_act_nr_columns },
	{ "hotplug", ms_cmd_hotplug, true, "DAXDEV",
	  "device-dax to System RAM (--zone movable|normal, --no-online)",
	  ms_act_columns, &ms_act_nr_columns },
	{ "unplug", ms_cmd_unplug, true, "DAXDEV",
	  "System RAM back to device-dax (--force, --timeout S)",
	  ms_act_columns, &ms_act_nr_columns },
	{ "pin", ms_cmd_pin, true, "TARGET",
	  "long-term pin anon:SIZE, a hugetlbfs file or /dev/daxX.Y",
	  ms_pin_columns, &ms_pin_nr_columns },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(*commands))

const struct ms_command *ms_command_find(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void ms_commands_usage(FILE *out)
{
	fputs("\nCommands:\n", out);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, " %-12s %-24s %s%s\n", commands[i].name,
			commands[i].args, commands[i].help,
			commands[i].changes_system ? " [changes the system]" : "");
}

void ms_command_columns_help(FILE *out, const struct ms_command *cmd)
{
	const struct ms_cmdopt *o = ms_command_opts(cmd);

	if (o)
		fprintf(out, "\n%s options:\n", cmd->name);
	for (; o && o->name; o++)
		fprintf(out, "     --%-15s %s\n", o->name,
			o->help);
	if (cmd->columns)
		ms_columns_help(out, cmd->columns, *cmd->nr_columns);
}

/* Commands with options of their own (the acting commands, issue 4). */
static const struct {
	const char *name;
	const struct ms_cmdopt *opts;
} command_opts[] = {
	{ "hotplug", ms_hotplug_opts },
	{ "unplug", ms_unplug_opts },
	{ "online", ms_online_opts },
	{ "offline", ms_offline_opts },
	{ "pin", ms_pin_opts },
	{ "metrics", ms_metrics_opts },
	{ "map", ms_map_opts },
};

const struct ms_cmdopt *ms_command_opts(const struct ms_command *cmd)
{
	for (size_t i = 0; i < sizeof(command_opts) / sizeof(*command_opts); i++)
		if (!strcmp(command_opts[i].name, cmd->name))
			return command_opts[i].opts;
	return NULL;
}
