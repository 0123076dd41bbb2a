// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The global options, once: getopt's tables, the usage text, the man
 * pages and the shell completions are all made from this table, and each
 * option's groups say which commands take it (struct ms_command.optgroups).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The groups every command takes: where to read from, and help. */
#define ANY MS_OPTG_ANY
#define TABLE (MS_OPTG_TABLE)

const struct ms_gopt ms_gopts[] = {
	{ 'c', "core", "FILE", ANY, "read a kcore-like ELF core or a snapshot instead of /proc/kcore" },
	{ 'k', "vmlinux", "FILE", ANY, "kernel types from this vmlinux's DWARF" },
	{ MS_OPT_BTF, "btf", "FILE", ANY, "kernel types from this BTF blob" },
	{ MS_OPT_SYSROOT, "sysroot", "DIR", ANY, "read /proc and /sys below DIR" },
	{ MS_OPT_VMCOREINFO, "vmcoreinfo", "CORE", ANY, "VMCOREINFO from another core of the same boot" },
	{ MS_OPT_DEMO, "demo", NULL, ANY, "read the snapshot that ships with memscope" },
	{ MS_OPT_READONLY, "readonly", NULL, ANY, "refuse every command that changes the system" },
	{ 'o', "output", "COLS", TABLE, "columns to show (+COLS appends to the defaults, help lists them)" },
	{ MS_OPT_OUTPUT_ALL, "output-all", NULL, TABLE, "every column" },
	{ MS_OPT_LIST_COLUMNS, "list-columns", NULL, ANY, "list the columns (with -J as JSON) and exit" },
	{ 'J', "json", NULL, TABLE | MS_OPTG_JSON, "JSON output" },
	{ 'P', "pairs", NULL, TABLE, "KEY=\"value\" output" },
	{ 'r', "raw", NULL, TABLE, "raw output" },
	{ 'n', "noheadings", NULL, TABLE, "no header line" },
	{ 'b', "bytes", NULL, TABLE | MS_OPTG_BYTES, "sizes in bytes" },
	{ 'd', "delay", "SECONDS", MS_OPTG_TUI, "seconds between refreshes (default 2)" },
	{ MS_OPT_REFRESHES, "refreshes", "N", MS_OPTG_TUI, "quit after N refreshes (for tests)" },
	{ 'q', "quiet", NULL, MS_OPTG_PROGRESS, "no progress on the terminal" },
	{ 'V', "version", NULL, ANY, "print the version and exit" },
	{ 'h', "help", NULL, ANY, "print this help and exit" },
	{ 0, NULL, NULL, 0, NULL },
};

const char *ms_gopt_help(const struct ms_command *cmd, const struct ms_gopt *o,
			 char *buf, size_t len)
{
	/* what ms_cli_refuse_action() refuses: not the live system */
	bool not_live = o->val == 'c' || o->val == MS_OPT_SYSROOT ||
			o->val == MS_OPT_DEMO;

	if (!cmd || !cmd->changes_system || !not_live)
		return o->help;
	snprintf(buf, len, "refused: %s acts on the live system only", cmd->name);
	return buf;
}

bool ms_gopt_takes(const struct ms_command *cmd, const struct ms_gopt *o)
{
	return (ms_command_optgroups(cmd) & o->groups) != 0;
}

/* " -c, --core FILE" or "     --btf FILE", as util-linux prints them */
int ms_gopt_format(const struct ms_gopt *o, char *buf, size_t len)
{
	char sh[8] = "    ";

	if (o->val < 256)
		snprintf(sh, sizeof(sh), "-%c, ", o->val);
	return snprintf(buf, len, " %s--%s%s%s", sh, o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
}

/* "     --zone ZONE": the argument named as the option */
int ms_cmdopt_format(const struct ms_cmdopt *o, char *buf, size_t len)
{
	int n = snprintf(buf, len, "     --%s%s", o->name, o->has_arg ? " " : "");

	for (const char *p = o->name; o->has_arg && *p && n + 1 < (int)len; p++)
		buf[n++] = *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' :
			   *p == '-' ? '_' : *p;
	if (n < (int)len)
		buf[n] = '\0';
	return n;
}

static void print_opt(FILE *out, const char *left, const char *help)
{
	if (strlen(left) > 24)
		fprintf(out, "%s\n%25s %s\n", left, "", help);
	else
		fprintf(out, "%-25s %s\n", left, help);
}

void ms_options_usage(FILE *out, const struct ms_command *cmd)
{
	const struct ms_cmdopt *co = cmd ? ms_command_opts(cmd) : NULL;
	char left[64];

	fputs("\nOptions:\n", out);
	for (; co && co->name; co++) {
		if (!co->help)
			continue;
		ms_cmdopt_format(co, left, sizeof(left));
		print_opt(out, left, co->help);
	}
	for (const struct ms_gopt *o = ms_gopts; o->name; o++) {
		char help[96];

		if (!ms_gopt_takes(cmd, o))
			continue;
		ms_gopt_format(o, left, sizeof(left));
		print_opt(out, left, ms_gopt_help(cmd, o, help, sizeof(help)));
	}
}
