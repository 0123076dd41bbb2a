// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --help, in util-linux's order: the synopsis, one line of description,
 * the options the command takes, its columns with their JSON types, and
 * where the manual is. --list-columns and -o help list columns as a table
 * (so -J works there too).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

const char *ms_coltype_name(enum ms_coltype type)
{
	switch (type) {
	case MS_COL_NUMBER:
	case MS_COL_SIZE:	/* bytes in JSON, whatever -b says */
	case MS_COL_PFN:
		return "number";
	case MS_COL_BOOLEAN:
		return "boolean";
	default:
		return "string";
	}
}

static void columns_usage(FILE *out, const struct ms_command *cmd)
{
	fputs("\nAvailable output columns (* = default):\n", out);
	for (size_t i = 0; i < *cmd->nr_columns; i++) {
		const struct ms_coldesc *d = &cmd->columns[i];

		fprintf(out, " %c %-17s %-8s %s\n", d->is_default ? '*' : ' ',
			d->name, ms_coltype_name(d->type), d->help);
	}
}

static void commands_usage(FILE *out)
{
	fputs("\nCommands:\n", out);
	for (const struct ms_command *cmd = ms_commands; cmd->name; cmd++)
		fprintf(out, " %-12s %-24s %s%s\n", cmd->name, cmd->args,
			cmd->help, cmd->changes_system ? " [changes the system]" : "");
}

void ms_cli_usage(FILE *out, const struct ms_command *cmd)
{
	if (!cmd) {
		fputs("Usage:\n memscope [options] [COMMAND [ARGS]]\n\n"
		      "See the Linux memory map: sections, sub-sections, memory blocks\n"
		      "and struct pages, read from /proc/kcore (root) or a dump.\n", out);
		commands_usage(out);
		ms_options_usage(out, NULL);
		fputs("\nSee memscope(8); 'memscope COMMAND --help' for a command's options and columns.\n",
		      out);
		return;
	}
	fprintf(out, "Usage:\n memscope [options] %s%s%s\n\n", cmd->name,
		*cmd->args ? " " : "", cmd->args);
	/* the help line, as a sentence */
	fprintf(out, "%c%s.%s\n", cmd->help[0] >= 'a' && cmd->help[0] <= 'z' ?
		cmd->help[0] - 'a' + 'A' : cmd->help[0], cmd->help + 1,
		cmd->changes_system ? " Changes the system." : "");
	ms_options_usage(out, cmd);
	if (cmd->columns)
		columns_usage(out, cmd);
	fprintf(out, "\nSee memscope-%s(8).\n", cmd->name);
}

enum { LC_COMMAND, LC_NAME, LC_TYPE, LC_DEFAULT, LC_DESCRIPTION };

static const struct ms_coldesc list_columns[] = {
	[LC_COMMAND] = { "COMMAND", 0, false, true, MS_COL_STRING, "the command" },
	[LC_NAME] = { "NAME", 0, false, true, MS_COL_STRING, "the column's name (-o NAME)" },
	[LC_TYPE] = { "TYPE", 0, false, true, MS_COL_STRING, "its JSON type" },
	[LC_DEFAULT] = { "DEFAULT", 0, false, true, MS_COL_BOOLEAN, "shown without -o" },
	[LC_DESCRIPTION] = { "DESCRIPTION", 0, false, true, MS_COL_STRING, "what it shows" },
};

struct lc_row {
	const struct ms_command *cmd;
	const struct ms_coldesc *col;
};

static void lc_cell(const struct ms_cli *c, int id, const void *row,
		    char *buf, size_t len)
{
	const struct lc_row *r = row;

	switch (id) {
	case LC_COMMAND:
		snprintf(buf, len, "%s", r->cmd->name);
		break;
	case LC_NAME:
		snprintf(buf, len, "%s", r->col->name);
		break;
	case LC_TYPE:
		snprintf(buf, len, "%s", ms_coltype_name(r->col->type));
		break;
	case LC_DEFAULT:
		snprintf(buf, len, "%s", r->col->is_default ?
			 (c->json ? "true" : "yes") : (c->json ? "false" : "no"));
		break;
	default:
		snprintf(buf, len, "%s", r->col->help);
	}
}

int ms_cli_list_columns(const struct ms_cli *c, const struct ms_command *cmd)
{
	struct ms_cli lc = *c;
	struct ms_table *t;

	/* "-o help" asked for this list: it selects none of its columns */
	if (!c->list_columns)
		lc.columns = NULL;
	t = ms_table_new(&lc, "columns", list_columns,
			 sizeof(list_columns) / sizeof(*list_columns), lc_cell);
	if (!t)
		return MS_EXIT_USAGE;
	for (const struct ms_command *k = ms_commands; k->name; k++) {
		if ((cmd && k != cmd) || !k->columns)
			continue;
		for (size_t i = 0; i < *k->nr_columns; i++)
			ms_table_add_row(t, &(struct lc_row){ k, &k->columns[i] });
	}
	return ms_table_print(t);
}
