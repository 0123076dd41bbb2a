// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope — see the Linux memory map. main() only parses the global
 * options and dispatches to a command (src/cli/commands.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MEMSCOPE_VERSION "0.1"

enum { OPT_SYSROOT = 256, OPT_BTF, OPT_OUTPUT_ALL, OPT_READONLY };

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
	      " -V, --version        print the version\n"
	      " -h, --help           this text (after a command: its columns)\n", out);
	if (cmd)
		ms_command_columns_help(out, cmd);
}

static int parse_options(struct ms_cli *c, int argc, char **argv, bool *help)
{
	static const struct option longopts[] = {
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
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:k:o:JPrnbVh", longopts,
				 NULL)) != -1) {
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
		case 'V':
			printf("memscope %s\n", MEMSCOPE_VERSION);
			exit(MS_EXIT_OK);
		case 'h': *help = true; break;
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
	bool help = false;
	int ret;

	if (parse_options(&cli, argc, argv, &help))
		return MS_EXIT_USAGE;
	if (optind < argc)
		name = argv[optind];
	cmd = ms_command_find(name);
	if (help) {
		usage(stdout, optind < argc ? cmd : NULL);
		return MS_EXIT_OK;
	}
	if (!cmd)
		return ms_cli_usage_error("unknown command '%s'", name);
	if (cmd->changes_system && cli.readonly) {
		fprintf(stderr, "memscope: %s changes the system; refused under --readonly\n",
			cmd->name);
		return MS_EXIT_FAILURE;
	}
	ret = cmd->run(&cli, optind < argc ? argc - optind : 1,
		       optind < argc ? argv + optind : (char *[]){ "summary", NULL });
	ms_cli_release(&cli);
	if (fflush(stdout) || ferror(stdout)) {
		fputs("memscope: write error on standard output\n", stderr);
		return MS_EXIT_FAILURE;
	}
	return ret;
}
