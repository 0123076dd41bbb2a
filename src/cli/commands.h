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

extern const struct ms_coldesc ms_sections_columns[];
extern const size_t ms_sections_nr_columns;
extern const struct ms_coldesc ms_subsections_columns[];
extern const size_t ms_subsections_nr_columns;
extern const struct ms_coldesc ms_blocks_columns[];
extern const size_t ms_blocks_nr_columns;

#endif
