/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands that change the system: hotplug, unplug, online, offline,
 * pin; and blockers, which says why an offline fails. Shared helpers: the
 * before/after report of blocks and sections (act_report.c) and the
 * BLOCK|RANGE operand parser (act_blocks.c).
 */
#ifndef MEMSCOPE_CLI_ACT_H
#define MEMSCOPE_CLI_ACT_H

#include <stdbool.h>
#include <stdint.h>

#include "commands.h"

/* Option indexes into c->opt[] (the tables in act_opts.c). */
enum { ACT_OPT_ZONE, ACT_OPT_DRY_RUN, ACT_OPT_TIMEOUT, ACT_OPT_NO_ONLINE,
       ACT_OPT_FORCE = ACT_OPT_NO_ONLINE };
enum { PIN_OPT_OFFSET, PIN_OPT_LENGTH, PIN_OPT_HOLD, PIN_OPT_UNTIL_SIGNAL,
       PIN_OPT_DRY_RUN };

/* act_report.c */
struct ms_act_snap;
extern const struct ms_coldesc ms_act_columns[];
extern const size_t ms_act_nr_columns;
/* MS_ERR_PERM unless the effective set holds CAP_SYS_ADMIN. */
struct ms_error *ms_act_privilege(void);
/* Drops and loads the whole model again (after the system changed). */
struct ms_error *ms_act_reload(struct ms_cli *c);
struct ms_error *ms_act_capture(struct ms_cli *c, uint64_t start, uint64_t end,
				struct ms_act_snap **snap, bool after);
int ms_act_print(struct ms_cli *c, struct ms_act_snap *snap, bool dry_run);
void ms_act_snap_free(struct ms_act_snap *snap);
void ms_act_say(const struct ms_cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* act_blocks.c: BLOCK|RANGE operands */
struct ms_blockset {
	uint64_t *nrs;			/* ascending, unique */
	size_t nr;
	uint64_t start, end;		/* physical span [start, end) */
	uint64_t *holes;		/* [first, last] pairs of skipped blocks */
	size_t nr_holes;		/* entries in holes (twice the pairs) */
};
/*
 * "34", "memory34", "34-36" (blocks) or "0x140000000-0x17fffffff" (a
 * physical range, inclusive, block aligned, as chmem takes it); unknown
 * blocks are MS_ERR_USAGE.
 */
struct ms_error *ms_blockset_parse(const struct ms_blocks *bl, int argc,
				   char **argv, struct ms_blockset *out);
void ms_blockset_free(struct ms_blockset *s);
/* "memscope: CMD: skipped 4-15, 18: no such blocks" when a range had holes */
void ms_blockset_say_skipped(const struct ms_blockset *s, const char *cmd);
unsigned int ms_act_timeout(const struct ms_cli *c);

/* cmd_blockers.c: prints the blockers of the blocks nrs[n]; an exit code. */
int ms_blockers_print(struct ms_cli *c, const uint64_t *nrs, size_t n);

#endif
