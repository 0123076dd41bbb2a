// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command table: name, handler, whether it changes the system, its
 * operands, help, columns and options. --help, the man pages and the shell
 * completions are made from it (usage.c, man/, completions/).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

const struct ms_command ms_commands[] = {
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
	  "the interactive map (the default on a terminal)",
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
	  "write a snapshot of everything memscope reads (FILE.xz, FILE.zst: compressed)",
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
	  "online memory blocks",
	  ms_act_columns, &ms_act_nr_columns },
	{ "offline", ms_cmd_offline, true, "BLOCK|RANGE...",
	  "offline memory blocks; the blockers when the kernel refuses",
	  ms_act_columns, &ms_act_nr_columns },
	{ "hotplug", ms_cmd_hotplug, true, "DAXDEV",
	  "device-dax memory to System RAM",
	  ms_act_columns, &ms_act_nr_columns },
	{ "unplug", ms_cmd_unplug, true, "DAXDEV",
	  "System RAM back to device-dax",
	  ms_act_columns, &ms_act_nr_columns },
	{ "pin", ms_cmd_pin, true, "TARGET",
	  "long-term pin anon:SIZE, a hugetlbfs file or /dev/daxX.Y",
	  ms_pin_columns, &ms_pin_nr_columns },
	{ NULL, NULL, false, NULL, NULL, NULL, NULL },
};

/*
 * Commands that take options of their own, or global options past the
 * table's (MS_OPTG_*). A command not listed takes the table's options
 * when it has columns, else only the common ones.
 */
static const struct {
	const char *name;
	const struct ms_cmdopt *opts;
	unsigned int optgroups;
} command_opts[] = {
	{ "summary", NULL, MS_OPTG_JSON | MS_OPTG_BYTES },
	{ "tui", ms_tui_cmd_opts, MS_OPTG_TUI },
	{ "pages", NULL, MS_OPTG_TABLE | MS_OPTG_PROGRESS },
	{ "compound", NULL, MS_OPTG_TABLE | MS_OPTG_PROGRESS },
	{ "check", NULL, MS_OPTG_TABLE | MS_OPTG_PROGRESS },
	{ "capture", ms_capture_opts, MS_OPTG_BYTES | MS_OPTG_PROGRESS },
	{ "online", ms_online_opts, MS_OPTG_TABLE },
	{ "offline", ms_offline_opts, MS_OPTG_TABLE },
	{ "hotplug", ms_hotplug_opts, MS_OPTG_TABLE },
	{ "unplug", ms_unplug_opts, MS_OPTG_TABLE },
	{ "pin", ms_pin_opts, MS_OPTG_TABLE },
	{ "metrics", ms_metrics_opts, 0 },
	{ "map", ms_map_opts, 0 },
};

const struct ms_command *ms_command_find(const char *name)
{
	for (const struct ms_command *cmd = ms_commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

#define NR_COMMAND_OPTS (sizeof(command_opts) / sizeof(*command_opts))

const struct ms_cmdopt *ms_command_opts(const struct ms_command *cmd)
{
	for (size_t i = 0; i < NR_COMMAND_OPTS; i++)
		if (!strcmp(command_opts[i].name, cmd->name))
			return command_opts[i].opts;
	return NULL;
}

unsigned int ms_command_optgroups(const struct ms_command *cmd)
{
	if (!cmd)
		return ~0U;
	for (size_t i = 0; i < NR_COMMAND_OPTS; i++)
		if (!strcmp(command_opts[i].name, cmd->name))
			return command_opts[i].optgroups | MS_OPTG_ANY;
	return MS_OPTG_ANY | (cmd->columns ? MS_OPTG_TABLE : 0);
}
