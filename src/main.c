// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope — see the Linux memory map. main() only parses the global
 * options and dispatches to a command (src/cli/commands.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "memscope/privilege.h"
#include "memscope/timings.h"

#define MEMSCOPE_VERSION "0.1"

enum { OPT_SYSROOT = 256, OPT_BTF, OPT_OUTPUT_ALL, OPT_READONLY,
       OPT_CMD = 1024 };
enum { OPT_REFRESHES = 512 };	/* tui */
enum { OPT_DEMO = 600, OPT_VMCOREINFO };	/* issue 6: snapshots and dumps */

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

static void usage(FILE *out, const struct ms_command *cmd)
{
	fputs("Usage:\n memscope [options] [command [args]]\n\n"
	      "See the Linux memory map: sections, sub-sections, memory blocks\n"
	      "and struct pages, read from /proc/kcore (root) or a dump.\n", out);
	ms_commands_usage(out);
	fputs("\nOptions:\n"
	      " -c, --core FILE      read a kcore-like ELF core instead of /proc/kcore\n"
	      " -k, --vmlinux FILE   kernel types from this vmlinux's DWARF\n"
	      "     --btf FILE       kernel types from this BTF blob\n"
	      "     --sysroot DIR    read /proc and /sys below DIR\n"
	      " -o, --output COLS    columns to show (+COLS appends to the defaults)\n"
	      "     --output-all     every column\n"
	      " -J, --json           JSON output\n"
	      " -P, --pairs          KEY=\"value\" output\n"
	      " -r, --raw            raw output\n"
	      " -n, --noheadings     no header line\n"
	      " -b, --bytes          sizes in bytes\n"
	      "     --readonly       refuse every command that changes the system\n"
	      "     --demo           read the snapshot that ships with memscope\n"
	      "     --vmcoreinfo CORE  VMCOREINFO from another core of the same boot\n"
	      " -d, --delay SECONDS  tui: seconds between refreshes (default 2)\n"
	      "     --refreshes N    tui: quit after N refreshes (for tests)\n"
	      " -V, --version        print the version\n"
	      " -h, --help           this text (after a command: its columns)\n", out);
	if (cmd)
		ms_command_columns_help(out, cmd);
}

/*
 * Global options: once before the command name (a leading '+' stops there)
 * and once over the command's own arguments, with that command's options
 * (ms_command_opts) appended, so "memscope sections -J" keeps working and
 * "memscope online 3 --zone movable" reaches the command's option only.
 */
static int parse_options(struct ms_cli *c, int argc, char **argv,
			 const struct ms_command *cmd, bool *help)
{
	static const struct option globalopts[] = {
		{ "core", required_argument, NULL, 'c' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "json", no_argument, NULL, 'J' },
		{ "pairs", no_argument, NULL, 'P' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "readonly", no_argument, NULL, OPT_READONLY },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "delay", required_argument, NULL, 'd' },
		{ "refreshes", required_argument, NULL, OPT_REFRESHES },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "vmcoreinfo", required_argument, NULL, OPT_VMCOREINFO },
		{ NULL, 0, NULL, 0 },
	};
	struct option longopts[MS_MAX_CMDOPTS + sizeof(globalopts) / sizeof(*globalopts)];
	const struct ms_cmdopt *opts = cmd ? ms_command_opts(cmd) : NULL;
	size_t n = 0;
	int ch;

	for (; opts && opts[n].name && n < MS_MAX_CMDOPTS; n++)
		longopts[n] = (struct option){ opts[n].name,
			opts[n].has_arg ? required_argument : no_argument,
			NULL, OPT_CMD + (int)n };
	memcpy(longopts + n, globalopts, sizeof(globalopts));
	optind = 0;	/* glibc: start afresh on this argv */
	while ((ch = getopt_long(argc, argv, cmd ? "c:k:o:d:JPrnbVh" :
				 "+c:k:o:d:JPrnbVh", longopts, NULL)) != -1) {
		if (ch >= OPT_CMD && ch < OPT_CMD + (int)n) {
			c->opt[ch - OPT_CMD] = optarg ? optarg : "";
			continue;
		}
		switch (ch) {
		case 'c': c->core_path = optarg; break;
		case 'k': c->vmlinux_path = optarg; break;
		case OPT_BTF: c->btf_path = optarg; break;
		case OPT_SYSROOT: c->sysroot = optarg; break;
		case 'o': c->columns = optarg; break;
		case OPT_OUTPUT_ALL: c->output_all = true; break;
		case 'J': c->json = true; break;
		case 'P': c->pairs = true; break;
		case 'r': c->raw = true; break;
		case 'n': c->noheadings = true; break;
		case 'b': c->bytes = true; break;
		case OPT_READONLY: c->readonly = true; break;
		case OPT_DEMO: c->demo = true; break;
		case OPT_VMCOREINFO: c->vmcoreinfo_path = optarg; break;
		case 'V':
			printf("memscope %s\n", MEMSCOPE_VERSION);
			exit(MS_EXIT_OK);
		case 'h': *help = true; break;
		case 'd':
		case OPT_REFRESHES:
			if (parse_tui_option(c, ch, optarg))
				return -1;
			break;
		default:
			fputs("Try 'memscope --help' for more information.\n",
			      stderr);
			return -1;
		}
	}
	if (c->json + c->pairs + c->raw > 1) {
		ms_cli_usage_error("-J, -P and -r are mutually exclusive");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ms_cli cli = { 0 };
	const struct ms_command *cmd;
	const char *name = "summary";
	static char *default_argv[] = { "summary", NULL };
	bool help = false, named;
	int ret;

	ms_timing("start");
	if (parse_options(&cli, argc, argv, NULL, &help))
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
	if (cmd && parse_options(&cli, argc, argv, cmd, &help))
		return MS_EXIT_USAGE;
	if (cmd) {
		/* the command sees its name, then its operands in order */
		argv[optind - 1] = (char *)name;
		argc -= optind - 1;
		argv += optind - 1;
	}
	if (help) {
		usage(stdout, named ? cmd : NULL);
		return MS_EXIT_OK;
	}
	if (!cmd)
		return ms_cli_usage_error("unknown command '%s'", name);
	if (cli.demo && ms_cli_demo(&cli))
		return MS_EXIT_FAILURE;
	if (cmd->changes_system && cli.readonly) {
		fprintf(stderr, "memscope: %s changes the system; refused under --readonly\n",
			cmd->name);
		return MS_EXIT_FAILURE;
	}
	cli.privs = ms_cli_privs(cmd->name, cli.readonly);
	ret = cmd->run(&cli, argc, argv);
	ms_timing("(rest of the command)");
	ms_cli_release(&cli);
	ms_priv_debug_report();
	if (fflush(stdout) || ferror(stdout)) {
		fputs("memscope: write error on standard output\n", stderr);
		return MS_EXIT_FAILURE;
	}
	return ret;
}
