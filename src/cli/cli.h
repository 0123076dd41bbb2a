/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line layer: options, the lazily loaded model, column tables
 * and the commands. It sees the model (include/memscope) and libsmartcols,
 * never libelf, libbpf or libdw.
 */
#ifndef MEMSCOPE_CLI_H
#define MEMSCOPE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memscope/error.h"
#include "memscope/facts.h"
#include "memscope/fs.h"
#include "memscope/kinfo.h"
#include "memscope/sparse.h"
#include "memscope/sysfs.h"
#include "memscope/target.h"

#define MS_JSON_SCHEMA 1
#define MS_VERSION "0.1"

enum {
	MS_EXIT_OK = 0,
	MS_EXIT_FAILURE = 1,
	MS_EXIT_USAGE = 2,
	MS_EXIT_PARTIAL = 64,
};

#define MS_MAX_CMDOPTS 8

struct ms_cli {
	/* options */
	const char *core_path;		/* -c FILE; NULL: live /proc/kcore */
	const char *vmlinux_path;	/* -k FILE */
	const char *btf_path;		/* --btf FILE */
	const char *sysroot;		/* --sysroot DIR */
	const char *columns;		/* -o COLS */
	bool output_all, json, pairs, raw, noheadings, bytes, readonly;
	bool quiet;			/* -q: no progress on the terminal */
	bool list_columns;		/* --list-columns */
	double delay;			/* -d SECONDS (tui), 0: default */
	long refreshes;			/* --refreshes N (tui), 0: never quit */

	/* the model, loaded on first use */
	struct ms_target *target;
	struct ms_kinfo *kinfo;
	struct ms_sparse *sparse;
	struct ms_blocks *blocks;
	struct ms_iomem *iomem;
	bool blocks_tried, iomem_tried;
	/* the command's own options (struct ms_command.opts), by index:
	 * NULL not given, "" a flag given, else the argument */
	const char *opt[MS_MAX_CMDOPTS];
	const char *vmcoreinfo_path;	/* --vmcoreinfo CORE: its VMCOREINFO */
	struct ms_fs *fs;		/* the system's files (ms_cli_fs) */
	unsigned int privs;		/* MS_PRIV_* the command keeps (live) */
	bool demo;			/* --demo: the shipped snapshot */
};

/*
 * A command's own option (--zone movable): its value lands in c->opt[i].
 * An entry without help holds an index the command does not use: it is
 * neither accepted nor listed.
 */
struct ms_cmdopt {
	const char *name;
	bool has_arg;
	const char *help;	/* its argument is named as the option, upper case */
};

/* Groups of global options: which commands take which (options.c). */
enum {
	MS_OPTG_ANY = 1 << 0,		/* input, --readonly, -h, -V */
	MS_OPTG_TABLE = 1 << 1,		/* -o, --output-all, -J, -P, -r, -n, -b */
	MS_OPTG_JSON = 1 << 2,		/* -J alone */
	MS_OPTG_BYTES = 1 << 3,		/* -b alone */
	MS_OPTG_TUI = 1 << 4,		/* -d, --refreshes */
	MS_OPTG_PROGRESS = 1 << 5,	/* -q: commands that show progress */
};

/* The values of the global options that have no short letter. */
enum { MS_OPT_SYSROOT = 256, MS_OPT_BTF, MS_OPT_OUTPUT_ALL, MS_OPT_READONLY,
       MS_OPT_REFRESHES, MS_OPT_DEMO, MS_OPT_VMCOREINFO, MS_OPT_LIST_COLUMNS,
       MS_OPT_CMD = 1024 };

struct ms_gopt {
	int val;		/* the short option letter, or MS_OPT_* */
	const char *name;
	const char *arg;	/* the argument's name; NULL: takes none */
	unsigned int groups;	/* MS_OPTG_*: the commands that take it */
	const char *help;
};

/* NULL name ends it. */
extern const struct ms_gopt ms_gopts[];
struct ms_command;
/* The option's help for cmd (NULL: memscope's): an acting command says it
 * refuses the options that read other than the live system. */
const char *ms_gopt_help(const struct ms_command *cmd, const struct ms_gopt *o,
			 char *buf, size_t len);

struct ms_command {
	const char *name;
	int (*run)(struct ms_cli *c, int argc, char **argv);
	bool changes_system;
	const char *args;
	const char *help;
	const struct ms_coldesc *columns;	/* NULL: not a table */
	const size_t *nr_columns;
};

/* Every command in the table order; NULL name ends it. */
extern const struct ms_command ms_commands[];

const struct ms_command *ms_command_find(const char *name);
/* The command's own options (NULL-terminated), or NULL when it has none. */
const struct ms_cmdopt *ms_command_opts(const struct ms_command *cmd);
/*
 * MS_OPTG_* the command takes (NULL: before a command, all of them); a
 * command commands.c does not list takes the table's options when it has
 * columns.
 */
unsigned int ms_command_optgroups(const struct ms_command *cmd);
bool ms_gopt_takes(const struct ms_command *cmd, const struct ms_gopt *o);
/* "     --zone ZONE" into buf */
int ms_cmdopt_format(const struct ms_cmdopt *o, char *buf, size_t len);
/* " -c, --core FILE" into buf */
int ms_gopt_format(const struct ms_gopt *o, char *buf, size_t len);
/* The options cmd takes (NULL: the global ones), util-linux style. */
void ms_options_usage(FILE *out, const struct ms_command *cmd);
/* The usage text: of memscope (cmd NULL) or of one command. */
void ms_cli_usage(FILE *out, const struct ms_command *cmd);
/* --list-columns and -o help: cmd's columns, or every command's. */
int ms_cli_list_columns(const struct ms_cli *c, const struct ms_command *cmd);
/*
 * An acting command (name) on anything but the live system (-c, --sysroot,
 * --demo) or under --readonly: the one refusal line, MS_EXIT_FAILURE; 0
 * when it may run.
 */
int ms_cli_refuse_action(const struct ms_cli *c, const char *name);

/* Loads target, kinfo and the sparse model; NULL on success. */
struct ms_error *ms_cli_kernel(struct ms_cli *c);
/*
 * The system's files: --sysroot DIR, else the live system's, else a
 * snapshot's in-memory tree; a core file alone has none (NULL, no error).
 */
struct ms_error *ms_cli_fs(struct ms_cli *c, const struct ms_fs **out);
/*
 * Memory blocks and /proc/iomem come from those files; for a core file
 * whose files lack them (or that has none), from kernel memory
 * (ksysfs.h). Tried once; an error says why there are none.
 */
struct ms_error *ms_cli_blocks(struct ms_cli *c, const struct ms_blocks **out);
struct ms_error *ms_cli_iomem(struct ms_cli *c, const struct ms_iomem **out);
void ms_cli_release(struct ms_cli *c);
/*
 * The kernel, its blocks and iomem, and the facts of every section built
 * from them into *out (ms_facts_release() it); an error loading blocks or
 * iomem fails (a command that does without iomem asks for it first).
 */
struct ms_error *ms_cli_facts(struct ms_cli *c, struct ms_facts *out);
/* The same where iomem only names: without it the flags and spans decide. */
struct ms_error *ms_cli_facts_any_iomem(struct ms_cli *c, struct ms_facts *out);
/*
 * Opens the target (live or -c FILE) without the model; a memscope snapshot
 * has its files read into an in-memory tree, the system's files unless
 * --sysroot was given.
 */
struct ms_error *ms_cli_target(struct ms_cli *c);
/*
 * --demo: -c the snapshot shipped with memscope (share/memscope), read-only,
 * with a banner on stderr; non-zero (already reported) when it is missing.
 */
int ms_cli_demo(struct ms_cli *c);

/*
 * The capabilities (MS_PRIV_* of privilege.h) command keeps on the live
 * system once /proc/kcore is open; a core file keeps none.
 */
unsigned int ms_cli_privs(const char *command, bool readonly);

/* One line on stderr ("memscope: ..."); returns MS_EXIT_FAILURE. */
int ms_cli_fail(struct ms_error *err);
int ms_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage errors from here on are the named command's (NULL: memscope's). */
void ms_cli_usage_command(const char *name);

/* Human size ("128M", "1.5G") or bytes with -b. */
void ms_cli_size(const struct ms_cli *c, uint64_t bytes, char *buf, size_t len);

#endif
