// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope online BLOCK|RANGE... [--zone movable|normal] and
 * memscope offline BLOCK|RANGE... [--timeout S]: memory block state through
 * sysfs, as chmem does it. Every operand and zone is checked before the
 * first write; then each block is changed, the model is read again and the
 * sections of the blocks are shown before and after. Exit 0 when every
 * block changed, 64 when some did (as chmem), 1 when none did. When an
 * offline fails, the kernel's error is followed by the blockers report.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "act.h"
#include "memscope/memctl.h"

struct plan {
	struct ms_blockset set;
	bool *skip;			/* already in the asked state */
	size_t todo;
};

static int check_options(struct ms_cli *c, bool online, enum ms_zone_req *z)
{
	if (ms_zone_req_parse(c->opt[ACT_OPT_ZONE], z))
		return ms_cli_usage_error("--zone takes movable or normal, not '%s'",
					  c->opt[ACT_OPT_ZONE]);
	if (!online && c->opt[ACT_OPT_ZONE])
		return ms_cli_usage_error("offline takes no --zone");
	if (!ms_act_timeout(c))
		return ms_cli_usage_error("--timeout takes 1 to 3600 seconds");
	if (ms_cli_refuse_action(c, online ? "online" : "offline"))
		return MS_EXIT_FAILURE;
	return 0;
}

static bool is_online(const char *state)
{
	return !strcmp(state, "online");
}

/* Which blocks need the change; a zone the kernel lists as invalid stops all. */
static struct ms_error *make_plan(struct ms_cli *c, bool online,
				  enum ms_zone_req z, struct plan *p)
{
	char state[32], zones[128];
	struct ms_error *err;
	bool valid;

	for (size_t i = 0; i < p->set.nr; i++) {
		uint64_t nr = p->set.nrs[i];

		err = ms_block_state_read(c->sysroot, nr, state, sizeof(state));
		if (err)
			return err;
		p->skip[i] = is_online(state) == online;
		if (p->skip[i])
			continue;
		p->todo++;
		if (!online)
			continue;
		err = ms_block_zone_valid(c->sysroot, nr, z, &valid, zones, sizeof(zones));
		if (err)
			return err;
		if (!valid)
			return ms_error_new(MS_ERR_USAGE,
				"memory%" PRIu64 " cannot go to zone %s (valid_zones: %s); nothing changed",
				nr, ms_zone_req_name(z), zones);
	}
	if (!p->todo && p->set.nr == 1)
		return ms_error_new(MS_ERR_USAGE, "memory%" PRIu64 " is already %s; nothing changed",
				    p->set.nrs[0], online ? "online" : "offline");
	if (!p->todo)
		return ms_error_new(MS_ERR_USAGE, "every block is already %s; nothing changed",
				    online ? "online" : "offline");
	/* the others are changed; these count as failures (exit 64, as chmem) */
	for (size_t i = 0; i < p->set.nr; i++)
		if (p->skip[i])
			fprintf(stderr, "memscope: memory%" PRIu64 " is already %s\n",
				p->set.nrs[i], online ? "online" : "offline");
	return NULL;
}

/* Acts on each block; returns how many changed; *failed lists the rest. */
static size_t act(struct ms_cli *c, bool online, enum ms_zone_req z,
		  struct plan *p, bool *failed)
{
	unsigned int timeout = ms_act_timeout(c);
	bool interrupted = false;
	size_t done = 0;

	for (size_t i = 0; i < p->set.nr && !interrupted; i++) {
		uint64_t nr = p->set.nrs[i];
		struct ms_error *err;

		if (p->skip[i])
			continue;
		err = online ? ms_block_online(c->sysroot, nr, z) :
			       ms_block_offline(c->sysroot, nr, timeout, &interrupted);
		if (err) {
			failed[i] = true;
			ms_cli_fail(err);
			continue;
		}
		done++;
		ms_act_say(c, "memory%" PRIu64 ": %s%s%s", nr,
			   online ? "onlined" : "offlined",
			   z != MS_ZONE_ANY ? " to zone " : "", ms_zone_req_name(z));
	}
	return done;
}

static int exit_code(size_t done, size_t asked)
{
	return done == asked ? MS_EXIT_OK : done ? MS_EXIT_PARTIAL : MS_EXIT_FAILURE;
}

/* The blockers report of each block that refused to go offline. */
static void report_blockers(struct ms_cli *c, struct plan *p, const bool *failed)
{
	uint64_t nrs[4096];
	size_t n = 0;

	for (size_t i = 0; i < p->set.nr; i++)
		if (failed[i])
			nrs[n++] = p->set.nrs[i];
	ms_blockers_print(c, nrs, n);
}

static int run(struct ms_cli *c, int argc, char **argv, bool online)
{
	struct ms_act_snap *snap = NULL;
	const struct ms_blocks *bl;
	struct plan p = { 0 };
	bool failed[4096] = { 0 }, skip[4096] = { 0 };
	struct ms_error *err;
	enum ms_zone_req z;
	size_t done;
	int ret;

	ret = check_options(c, online, &z);
	if (ret)
		return ret;
	/* sysfs first: bad operands fail before the kernel is read */
	err = ms_act_privilege();
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (!err && !bl)
		err = ms_error_new(MS_ERR_USAGE, "no memory blocks in sysfs");
	if (err)
		return ms_cli_fail(err);
	err = ms_blockset_parse(bl, argc - 1, argv + 1, &p.set);
	if (err) {
		ms_cli_usage_error("%s", err->msg);
		ms_error_free(err);
		return MS_EXIT_USAGE;
	}
	ms_blockset_say_skipped(&p.set, online ? "online" : "offline");
	if (p.set.nr > sizeof(failed) / sizeof(*failed)) {
		ms_blockset_free(&p.set);
		return ms_cli_usage_error("at most 4096 blocks at a time");
	}
	p.skip = skip;
	err = make_plan(c, online, z, &p);
	if (!err)
		err = ms_act_capture(c, p.set.start, p.set.end, &snap, false);
	if (err) {
		ms_blockset_free(&p.set);
		ms_act_snap_free(snap);
		return ms_cli_fail(err);
	}
	if (c->opt[ACT_OPT_DRY_RUN]) {
		for (size_t i = 0; i < p.set.nr; i++)
			if (!p.skip[i])
				ms_act_say(c, "would %s memory%" PRIu64 "%s%s",
					   online ? "online" : "offline", p.set.nrs[i],
					   z != MS_ZONE_ANY ? " to zone " : "",
					   ms_zone_req_name(z));
		ret = ms_act_print(c, snap, true);
		goto out;
	}
	done = act(c, online, z, &p, failed);
	err = ms_act_reload(c);
	if (!err)
		err = ms_act_capture(c, p.set.start, p.set.end, &snap, true);
	if (err) {
		ret = ms_cli_fail(err);
		goto out;
	}
	ret = ms_act_print(c, snap, false);
	if (!online && done < p.todo)
		report_blockers(c, &p, failed);
	if (!ret)
		ret = exit_code(done, p.set.nr);
out:
	ms_blockset_free(&p.set);
	ms_act_snap_free(snap);
	return ret;
}

int ms_cmd_online(struct ms_cli *c, int argc, char **argv)
{
	return run(c, argc, argv, true);
}

int ms_cmd_offline(struct ms_cli *c, int argc, char **argv)
{
	return run(c, argc, argv, false);
}
