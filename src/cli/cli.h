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
#include "memscope/fs.h"
#include "memscope/kinfo.h"
#include "memscope/sparse.h"
#include "memscope/sysfs.h"
#include "memscope/target.h"

#define MS_JSON_SCHEMA 1

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

/* A command's own option (--zone movable): its value lands in c->opt[i]. */
struct ms_cmdopt {
	const char *name;
	bool has_arg;
	const char *help;
};

struct ms_command {
	const char *name;
	int (*run)(struct ms_cli *c, int argc, char **argv);
	bool changes_system;
	const char *args;
	const char *help;
	const struct ms_coldesc *columns;	/* NULL: not a table */
	const size_t *nr_columns;
};

const struct ms_command *ms_command_find(const char *name);
void ms_commands_usage(FILE *out);
void ms_command_columns_help(FILE *out, const struct ms_command *cmd);
/* The command's own options (NULL-terminated), or NULL when it has none. */
const struct ms_cmdopt *ms_command_opts(const struct ms_command *cmd);

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

/* Human size ("128M", "1.5G") or bytes with -b. */
void ms_cli_size(const struct ms_cli *c, uint64_t bytes, char *buf, size_t len);

#endif
