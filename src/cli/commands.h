/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands and their column tables. */
#ifndef MEMSCOPE_CLI_COMMANDS_H
#define MEMSCOPE_CLI_COMMANDS_H

#include "cli.h"
#include "columns.h"

int ms_cmd_sections(struct ms_cli *c, int argc, char **argv);
int ms_cmd_subsections(struct ms_cli *c, int argc, char **argv);
int ms_cmd_blocks(struct ms_cli *c, int argc, char **argv);
int ms_cmd_summary(struct ms_cli *c, int argc, char **argv);
int ms_cmd_tui(struct ms_cli *c, int argc, char **argv);
int ms_cmd_vmemmap(struct ms_cli *c, int argc, char **argv);
int ms_cmd_devices(struct ms_cli *c, int argc, char **argv);
int ms_cmd_pages(struct ms_cli *c, int argc, char **argv);
int ms_cmd_compound(struct ms_cli *c, int argc, char **argv);
int ms_cmd_check(struct ms_cli *c, int argc, char **argv);
int ms_cmd_deferred(struct ms_cli *c, int argc, char **argv);
int ms_cmd_capture(struct ms_cli *c, int argc, char **argv);

struct ms_deferred;
/* The deferred model with the kernel log's timing; capture loads it too. */
struct ms_error *ms_cli_deferred_load(struct ms_cli *c, struct ms_deferred **out);

extern const struct ms_coldesc ms_sections_columns[];
extern const size_t ms_sections_nr_columns;
extern const struct ms_coldesc ms_subsections_columns[];
extern const size_t ms_subsections_nr_columns;
extern const struct ms_coldesc ms_blocks_columns[];
extern const size_t ms_blocks_nr_columns;
extern const struct ms_coldesc ms_vmemmap_columns[];
extern const size_t ms_vmemmap_nr_columns;
extern const struct ms_coldesc ms_devices_columns[];
extern const size_t ms_devices_nr_columns;
extern const struct ms_coldesc ms_pages_columns[];
extern const size_t ms_pages_nr_columns;
extern const struct ms_coldesc ms_compound_columns[];
extern const size_t ms_compound_nr_columns;
extern const struct ms_coldesc ms_check_columns[];
extern const size_t ms_check_nr_columns;
extern const struct ms_coldesc ms_deferred_columns[];
extern const size_t ms_deferred_nr_columns;

/* Beyond one machine (issue 15): metrics, the SVG map, diff. */
int ms_cmd_metrics(struct ms_cli *c, int argc, char **argv);
extern const struct ms_cmdopt ms_metrics_opts[];
int ms_cmd_map(struct ms_cli *c, int argc, char **argv);
extern const struct ms_cmdopt ms_map_opts[];
int ms_cmd_diff(struct ms_cli *c, int argc, char **argv);
extern const struct ms_coldesc ms_diff_columns[];
extern const size_t ms_diff_nr_columns;

/* Acting on memory (issue 4): act.h has their helpers. */
int ms_cmd_blockers(struct ms_cli *c, int argc, char **argv);
int ms_cmd_online(struct ms_cli *c, int argc, char **argv);
int ms_cmd_offline(struct ms_cli *c, int argc, char **argv);
int ms_cmd_hotplug(struct ms_cli *c, int argc, char **argv);
int ms_cmd_unplug(struct ms_cli *c, int argc, char **argv);
int ms_cmd_pin(struct ms_cli *c, int argc, char **argv);
extern const struct ms_coldesc ms_blockers_columns[], ms_act_columns[],
	ms_pin_columns[];
extern const size_t ms_blockers_nr_columns, ms_act_nr_columns,
	ms_pin_nr_columns;

/* The acting commands' own options (act_opts.c). */
extern const struct ms_cmdopt ms_hotplug_opts[], ms_unplug_opts[],
	ms_online_opts[], ms_offline_opts[], ms_pin_opts[];
/* tui's: --dump VIEW (cmd_tui.c) */
enum { TUI_OPT_DUMP };
extern const struct ms_cmdopt ms_tui_cmd_opts[];
/* capture's: --force (cmd_capture.c) */
enum { CAPTURE_OPT_FORCE };
extern const struct ms_cmdopt ms_capture_opts[];

#endif
