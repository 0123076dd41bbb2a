// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mangen SRCDIR OUTDIR: the manual pages, from the tables that drive
 * --help (commands, options, columns), so the two cannot drift.
 * memscope.8 is SRCDIR/memscope.8.in with @COMMANDS@ and @OPTIONS@
 * filled in; memscope-COMMAND.8 is made whole from the tables, with the
 * prose of SRCDIR/memscope-COMMAND.8.in (optional): its lines before the
 * first .SH extend DESCRIPTION, its sections follow COLUMNS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

#define MAN_DATE "2026-12-01"

/*
 * Text for roff: backslashes and hyphens escaped, lines broken at a space
 * past 56 columns (mandoc -Tlint wants input lines under 80 bytes).
 */
static void roff(FILE *out, const char *s)
{
	int col = 0;

	for (; *s; s++, col++) {
		if (*s == ' ' && col > 56) {
			fputc('\n', out);
			col = -1;
		} else if (*s == '\\') {
			fputs("\\e", out);
		} else if (*s == '-') {
			fputs("\\-", out);
		} else {
			fputc(*s, out);
		}
	}
}

static void upper(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s == '-' ? '_' : *s, out);
}

static void gopt_item(FILE *out, const struct ms_command *cmd,
		      const struct ms_gopt *o)
{
	char help[96];

	fputs(".TP\n", out);
	if (o->val < 256)
		fprintf(out, "\\fB\\-%c\\fR, ", o->val);
	fputs("\\fB\\-\\-", out);
	roff(out, o->name);
	fputs("\\fR", out);
	if (o->arg) {
		fputs(" \\fI", out);
		roff(out, o->arg);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff(out, ms_gopt_help(cmd, o, help, sizeof(help)));
	fputs(".\n", out);
}

static void cmdopt_item(FILE *out, const struct ms_cmdopt *o)
{
	fputs(".TP\n\\fB\\-\\-", out);
	roff(out, o->name);
	fputs("\\fR", out);
	if (o->has_arg) {
		fputs(" \\fI", out);
		upper(out, o->name);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff(out, o->help);
	fputs(".\n", out);
}

static void options(FILE *out, const struct ms_command *cmd)
{
	for (const struct ms_cmdopt *o = cmd ? ms_command_opts(cmd) : NULL;
	     o && o->name; o++)
		if (o->help)
			cmdopt_item(out, o);
	for (const struct ms_gopt *o = ms_gopts; o->name; o++)
		if (ms_gopt_takes(cmd, o))
			gopt_item(out, cmd, o);
}

static void commands(FILE *out)
{
	for (const struct ms_command *c = ms_commands; c->name; c++) {
		fputs(".TP\n.B ", out);
		roff(out, c->name);
		if (*c->args) {
			fputs(" \\fI", out);
			roff(out, c->args);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		roff(out, c->help);
		fprintf(out, "%s;\nsee\n.BR memscope\\-%s (8).\n",
			c->changes_system ? "\n(changes the system)" : "", c->name);
	}
}

static void columns(FILE *out, const struct ms_command *cmd)
{
	fputs(".SH COLUMNS\n"
	      "Columns marked default are shown without\n.BR \\-o ;\n"
	      ".B \\-o +\\fINAME\\fR\nadds to them.\n"
	      "With\n.BR \\-J ,\n"
	      "a column is a JSON member of the type given, named in lower case.\n", out);
	for (size_t i = 0; i < *cmd->nr_columns; i++) {
		const struct ms_coldesc *d = &cmd->columns[i];

		fputs(".TP\n.B ", out);
		roff(out, d->name);
		fprintf(out, "\n(%s%s)\n", ms_coltype_name(d->type),
			d->is_default ? ", default" : "");
		roff(out, d->help);
		fputs(".\n", out);
	}
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "mangen: %s: %s\n", path, strerror(errno));
	return f;
}

/* The prose of a page: NULL when there is none. */
static char *read_prose(const char *src, const char *name)
{
	char path[4096], *buf = NULL;
	size_t len = 0;
	FILE *f, *mem;
	int ch;

	snprintf(path, sizeof(path), "%s/%s.8.in", src, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	mem = open_memstream(&buf, &len);
	while (mem && (ch = fgetc(f)) != EOF)
		fputc(ch, mem);
	fclose(f);
	if (mem)
		fclose(mem);
	return buf;
}

static void synopsis(FILE *out, const struct ms_command *cmd)
{
	fputs(".SH SYNOPSIS\n.B memscope\n.RI [ options ]\n.B ", out);
	roff(out, cmd->name);
	fputc('\n', out);
	if (*cmd->args) {
		fputs(".I ", out);
		roff(out, cmd->args);
		fputc('\n', out);
	}
}

static int command_page(const char *src, const char *dir,
			const struct ms_command *cmd)
{
	char name[64], *prose, *tail, *also;
	FILE *out;

	snprintf(name, sizeof(name), "memscope-%s", cmd->name);
	prose = read_prose(src, name);
	strcat(name, ".8");
	out = open_out(dir, name);
	if (!out) {
		free(prose);
		return 1;
	}
	fputs(".TH MEMSCOPE\\-", out);
	upper(out, cmd->name);
	fprintf(out, " 8 %s \"memscope %s\" \"System Administration\"\n"
		".SH NAME\nmemscope\\-%s \\-\n", MAN_DATE, MS_VERSION, cmd->name);
	roff(out, cmd->help);
	fputc('\n', out);
	synopsis(out, cmd);
	fprintf(out, ".SH DESCRIPTION\n%c", cmd->help[0] >= 'a' && cmd->help[0] <= 'z' ?
		cmd->help[0] - 'a' + 'A' : cmd->help[0]);
	roff(out, cmd->help + 1);
	fputs(".\n", out);
	if (cmd->changes_system)
		fputs(".PP\nIt changes the system: it runs on the live system only, as root,\n"
		      "and is refused under\n.BR \\-\\-readonly ,\n.BR \\-\\-demo ,\n"
		      ".B \\-c\nand\n.B \\-\\-sysroot\n"
		      "with one line on standard error and exit status 1.\n", out);
	tail = prose ? strstr(prose, ".SH") : NULL;
	if (prose)
		fprintf(out, "%.*s", (int)(tail ? tail - prose : (long)strlen(prose)), prose);
	fputs(".SH OPTIONS\n"
	      "The command refuses any other option with a usage error (exit status 2).\n", out);
	options(out, cmd);
	if (cmd->columns)
		columns(out, cmd);
	/* the prose's own SEE ALSO goes last, after memscope(8) */
	also = tail ? strstr(tail, ".SH SEE ALSO\n") : NULL;
	if (tail)
		fprintf(out, "%.*s", (int)(also ? also - tail : (long)strlen(tail)), tail);
	fputs(".SH EXIT STATUS\n0 success, 1 failure, 2 usage error, 64 partial success.\n"
	      ".SH SEE ALSO\n", out);
	fprintf(out, ".BR memscope (8)%s\n", also ? "," : "");
	if (also)
		fputs(also + strlen(".SH SEE ALSO\n"), out);
	free(prose);
	return fclose(out) ? 1 : 0;
}

static int main_page(const char *src, const char *dir)
{
	char *prose = read_prose(src, "memscope"), *p, *nl;
	FILE *out;

	if (!prose) {
		fprintf(stderr, "mangen: no %s/memscope.8.in\n", src);
		return 1;
	}
	out = open_out(dir, "memscope.8");
	if (!out) {
		free(prose);
		return 1;
	}
	for (p = prose; *p; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (!strncmp(p, "@COMMANDS@\n", 11))
			commands(out);
		else if (!strncmp(p, "@OPTIONS@\n", 10))
			options(out, NULL);
		else if (!strncmp(p, "@TH@\n", 5))
			fprintf(out, ".TH MEMSCOPE 8 %s \"memscope %s\" \"System Administration\"\n",
				MAN_DATE, MS_VERSION);
		else
			fwrite(p, 1, (size_t)(nl - p), out);
	}
	free(prose);
	return fclose(out) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fputs("usage: mangen SRCDIR OUTDIR\n", stderr);
		return 2;
	}
	ret = main_page(argv[1], argv[2]);
	for (const struct ms_command *c = ms_commands; c->name; c++)
		ret |= command_page(argv[1], argv[2], c);
	return ret;
}
