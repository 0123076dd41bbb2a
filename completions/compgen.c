// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compgen bash|zsh TEMPLATE: the shell completion, the TEMPLATE's logic
 * with the tables that drive --help written where it says @TABLES@: the
 * commands, each command's options, its columns (for -o) and the kind of
 * operand it takes (blocks, dax devices, files), so a command, option or
 * column added to the tables completes without editing the scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

/* What the operands of a command are, from its synopsis in the table. */
static const char *operand_kind(const struct ms_command *cmd)
{
	if (strstr(cmd->args, "BLOCK"))
		return "block";
	if (strstr(cmd->args, "DAXDEV"))
		return "dax";
	if (strstr(cmd->args, "FILE") || strstr(cmd->args, "TARGET"))
		return "file";
	return "none";
}

/* What an option's argument is: files, a directory, columns or other. */
static const char *arg_kind(const char *arg, const char *name)
{
	if (!strcmp(name, "output"))
		return "column";
	if (!strcmp(name, "zone"))
		return "zone";
	if (!strcmp(arg, "DIR"))
		return "dir";
	if (!strcmp(arg, "FILE") || !strcmp(arg, "CORE"))
		return "file";
	return "other";
}

static void shell_word(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* "-c --core" (a long form always, the short one when there is one) */
static void gopt_names(FILE *out, const struct ms_gopt *o, const char *sep)
{
	if (o->val < 256)
		fprintf(out, "-%c%s", o->val, sep);
	fprintf(out, "--%s", o->name);
}

/* Tables as shell functions: the same for bash and zsh. */
static void tables(FILE *out)
{
	fputs("_memscope_commands=(", out);
	for (const struct ms_command *c = ms_commands; c->name; c++)
		fprintf(out, " %s", c->name);
	fputs(" )\n\n# the options COMMAND takes (no COMMAND: those before it)\n"
	      "_memscope_options() {\n\tcase $1 in\n", out);
	for (const struct ms_command *c = ms_commands; c->name; c++) {
		fprintf(out, "\t%s) echo", c->name);
		for (const struct ms_cmdopt *o = ms_command_opts(c); o && o->name; o++)
			if (o->help)
				fprintf(out, " --%s", o->name);
		for (const struct ms_gopt *o = ms_gopts; o->name; o++)
			if (ms_gopt_takes(c, o)) {
				fputc(' ', out);
				gopt_names(out, o, " ");
			}
		fputs(" ;;\n", out);
	}
	fputs("\t*) echo", out);
	for (const struct ms_gopt *o = ms_gopts; o->name; o++) {
		fputc(' ', out);
		gopt_names(out, o, " ");
	}
	fputs(" ;;\n\tesac\n}\n\n# the kind of argument an option takes, \"\" for none\n"
	      "_memscope_optarg() {\n\tcase $1 in\n", out);
	for (const struct ms_gopt *o = ms_gopts; o->name; o++)
		if (o->arg) {
			fputc('\t', out);
			gopt_names(out, o, "|");
			fprintf(out, ") echo %s ;;\n", arg_kind(o->arg, o->name));
		}
	/* a command's own options, by name (the same name, the same kind) */
	for (const struct ms_command *c = ms_commands; c->name; c++)
		for (const struct ms_cmdopt *o = ms_command_opts(c); o && o->name; o++)
			if (o->help && o->has_arg)
				fprintf(out, "\t--%s) echo %s ;;\n", o->name,
					arg_kind("", o->name));
	fputs("\tesac\n}\n\n_memscope_columns() {\n\tcase $1 in\n", out);
	for (const struct ms_command *c = ms_commands; c->name; c++) {
		if (!c->columns)
			continue;
		fprintf(out, "\t%s) echo", c->name);
		for (size_t i = 0; i < *c->nr_columns; i++)
			fprintf(out, " %s", c->columns[i].name);
		fputs(" ;;\n", out);
	}
	fputs("\tesac\n}\n\n# what COMMAND's operands are: block, dax, file or none\n"
	      "_memscope_operand() {\n\tcase $1 in\n", out);
	for (const struct ms_command *c = ms_commands; c->name; c++)
		fprintf(out, "\t%s) echo %s ;;\n", c->name, operand_kind(c));
	fputs("\tesac\n}\n", out);
}

/* zsh's descriptions: "name:help" for _describe */
static void zsh_tables(FILE *out)
{
	fputs("_memscope_described=(\n", out);
	for (const struct ms_command *c = ms_commands; c->name; c++) {
		char buf[512];

		snprintf(buf, sizeof(buf), "%s:%s", c->name, c->help);
		fputc('\t', out);
		shell_word(out, buf);
		fputc('\n', out);
	}
	fputs(")\n", out);
}

int main(int argc, char **argv)
{
	char line[4096];
	FILE *in;

	if (argc != 3 || (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh"))) {
		fputs("usage: compgen bash|zsh TEMPLATE\n", stderr);
		return 2;
	}
	in = fopen(argv[2], "r");
	if (!in) {
		perror(argv[2]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		if (strcmp(line, "@TABLES@\n")) {
			fputs(line, stdout);
			continue;
		}
		tables(stdout);
		if (!strcmp(argv[1], "zsh"))
			zsh_tables(stdout);
	}
	fclose(in);
	return fflush(stdout) ? 1 : 0;
}
