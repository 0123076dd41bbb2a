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
	if (cmd->columns)
		ms_columns_help(out, cmd->columns, *cmd->nr_columns);
}
