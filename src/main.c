// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope — see the Linux memory map. main() only parses the options
 * (src/cli/options.c has their table) and dispatches to a command
 * (src/cli/commands.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/columns.h"
#include "memscope/privilege.h"
#include "memscope/timings.h"

#define MAX_GOPTS 32

/* -d SECONDS and --refreshes N (-n is --noheadings) for the TUI. */
static int parse_tui_option(struct ms_cli *c, int ch, const char *arg)
{
	char *end;

	if (ch == 'd') {
		c->delay = strtod(arg, &end);
		if (*end || end == arg || !(c->delay >= 0.1 && c->delay <= 3600)) {
			ms_cli_usage_error("-d wants seconds between 0.1 and 3600, not '%s'", arg);
			return -1;
		}
		return 0;
	}
	c->refreshes = strtol(arg, &end, 10);
	if (*end || end == arg || c->refreshes < 1) {
		ms_cli_usage_error("--refreshes wants a positive count, not '%s'", arg);
		return -1;
	}
	return 0;
}

/* getopt's tables from ms_gopts and the command's own options. */
static size_t make_tables(const struct ms_command *cmd, struct option *lo,
			  char *so)
{
	const struct ms_cmdopt *opts = cmd ? ms_command_opts(cmd) : NULL;
	size_t n = 0;

	*so++ = cmd ? ':' : '+';	/* before a command: stop at its name */
	*so++ = ':';			/* ':' back for a missing argument */
	for (size_t i = 0; opts && opts[i].name && i < MS_MAX_CMDOPTS; i++)
		if (opts[i].help)	/* no help: the command refuses it */
			lo[n++] = (struct option){ opts[i].name,
				opts[i].has_arg ? required_argument : no_argument,
				NULL, MS_OPT_CMD + (int)i };
	for (const struct ms_gopt *o = ms_gopts; o->name; o++) {
		lo[n++] = (struct option){ o->name,
			o->arg ? required_argument : no_argument, NULL, o->val };
		if (o->val < 256) {
			*so++ = (char)o->val;
			if (o->arg)
				*so++ = ':';
		}
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	*so = '\0';
	return n;
}

/* getopt's complaint, with memscope's prefix (opterr is 0). */
static int bad_option(const struct ms_command *cmd, int ch, char **argv)
{
	const char *arg = argv[optind - 1];

	if (ch == ':')
		return ms_cli_usage_error("option '%s' requires an argument",
					  optopt && optopt < 256 ?
					  (char[]){ '-', (char)optopt, 0 } : arg);
	if (optopt)
		return ms_cli_usage_error("invalid option -- '%c'", optopt);
	for (const struct ms_cmdopt *o = cmd ? ms_command_opts(cmd) : NULL;
	     o && o->name; o++)
		if (!o->help && !strncmp(arg, "--", 2) &&
		    !strcmp(arg + 2, o->name))
			return ms_cli_usage_error("%s does not take %s", cmd->name, arg);
	return ms_cli_usage_error("unrecognized option '%s'", arg);
}

static int global_option(struct ms_cli *c, int ch, bool *help)
{
	switch (ch) {
	case 'c': c->core_path = optarg; break;
	case 'k': c->vmlinux_path = optarg; break;
	case MS_OPT_BTF: c->btf_path = optarg; break;
	case MS_OPT_SYSROOT: c->sysroot = optarg; break;
	case 'o': c->columns = optarg; break;
	case MS_OPT_OUTPUT_ALL: c->output_all = true; break;
	case MS_OPT_LIST_COLUMNS: c->list_columns = true; break;
	case 'J': c->json = true; break;
	case 'P': c->pairs = true; break;
	case 'r': c->raw = true; break;
	case 'n': c->noheadings = true; break;
	case 'b': c->bytes = true; break;
	case 'q': c->quiet = true; break;
	case MS_OPT_READONLY: c->readonly = true; break;
	case MS_OPT_DEMO: c->demo = true; break;
	case MS_OPT_VMCOREINFO: c->vmcoreinfo_path = optarg; break;
	case 'V':
		printf("memscope %s\n", MS_VERSION);
		exit(MS_EXIT_OK);
	case 'h': *help = true; break;
	case 'd':
	case MS_OPT_REFRESHES:
		return parse_tui_option(c, ch, optarg);
	}
	return 0;
}

/*
 * Options: once before the command name and once over the command's own
 * arguments, with that command's options, so "memscope sections -J" keeps
 * working and "memscope online 3 --zone movable" reaches the command's
 * option only. seen[] collects the global options given, for
 * check_options() to refuse those the command does not take.
 */
static int parse_options(struct ms_cli *c, int argc, char **argv,
			 const struct ms_command *cmd, bool *help,
			 const struct ms_gopt **seen)
{
	struct option longopts[MS_MAX_CMDOPTS + MAX_GOPTS + 1];
	char shortopts[2 * MAX_GOPTS + 3];
	int ch;

	make_tables(cmd, longopts, shortopts);
	opterr = 0;
	optind = 0;	/* glibc: start afresh on this argv */
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch >= MS_OPT_CMD) {
			c->opt[ch - MS_OPT_CMD] = optarg ? optarg : "";
			continue;
		}
		if (ch == '?' || ch == ':') {
			bad_option(cmd, ch, argv);
			return -1;
		}
		for (const struct ms_gopt *o = ms_gopts; o->name; o++)
			if (o->val == ch)
				seen[o - ms_gopts] = o;
		if (global_option(c, ch, help))
			return -1;
	}
	return 0;
}

/* The command refuses the global options it does not take. */
static int check_options(const struct ms_cli *c, const struct ms_command *cmd,
			 const struct ms_gopt **seen)
{
	for (size_t i = 0; i < MAX_GOPTS; i++)
		if (seen[i] && !ms_gopt_takes(cmd, seen[i]))
			return ms_cli_usage_error("%s does not take --%s",
						  cmd->name, seen[i]->name);
	if (c->json + c->pairs + c->raw > 1)
		return ms_cli_usage_error("-J, -P and -r are mutually exclusive");
	return 0;
}

int main(int argc, char **argv)
{
	struct ms_cli cli = { 0 };
	const struct ms_gopt *seen[MAX_GOPTS] = { 0 };
	const struct ms_command *cmd;
	const char *name = "summary";
	static char *default_argv[] = { "summary", NULL };
	bool help = false, named;
	int ret;

	ms_timings_mark("start");
	if (parse_options(&cli, argc, argv, NULL, &help, seen))
		return MS_EXIT_USAGE;
	named = optind < argc;
	if (named) {
		name = argv[optind];
		argc -= optind;
		argv += optind;
	} else {
		argc = 1;
		argv = default_argv;
		/* on a terminal the map; in a pipe or a file the report */
		if (isatty(STDOUT_FILENO))
			name = "tui";
	}
	cmd = ms_command_find(name);
	if (cmd && named)
		ms_cli_usage_command(cmd->name);
	if (cmd && parse_options(&cli, argc, argv, cmd, &help, seen))
		return MS_EXIT_USAGE;
	if (cmd) {
		/* the command sees its name, then its operands in order */
		argv[optind - 1] = (char *)name;
		argc -= optind - 1;
		argv += optind - 1;
	}
	if (help) {
		/* COMMAND --help -J: the JSON Schema of COMMAND -J's output */
		if (cli.json && named && cmd && cmd->columns)
			ms_columns_schema(stdout, cmd->name, cmd->columns,
					  *cmd->nr_columns);
		else
			ms_cli_usage(stdout, named ? cmd : NULL);
		return MS_EXIT_OK;
	}
	if (cli.list_columns)
		return ms_cli_list_columns(&cli, named ? cmd : NULL);
	if (!cmd)
		return ms_cli_usage_error("unknown command '%s'", name);
	if (check_options(&cli, cmd, seen))
		return MS_EXIT_USAGE;
	if (cli.columns && !strcmp(cli.columns, "help"))
		return ms_cli_list_columns(&cli, cmd);
	/* the acting commands refuse the rest after checking their operands */
	if (cmd->changes_system && (cli.readonly || cli.demo) &&
	    ms_cli_refuse_action(&cli, cmd->name))
		return MS_EXIT_FAILURE;
	if (cli.demo && ms_cli_demo(&cli))
		return MS_EXIT_FAILURE;
	cli.privs = ms_cli_privs(cmd->name, cli.readonly);
	ret = cmd->run(&cli, argc, argv);
	ms_timings_mark("(rest of the command)");
	ms_cli_release(&cli);
	ms_priv_debug_report();
	if (fflush(stdout) || ferror(stdout)) {
		fputs("memscope: write error on standard output\n", stderr);
		return MS_EXIT_FAILURE;
	}
	return ret;
}
