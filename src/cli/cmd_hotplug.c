// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope hotplug DAXDEV [--zone movable|normal] [--no-online] and
 * memscope unplug DAXDEV [--force]: a device-dax device becomes System RAM
 * (kmem) and its blocks go online in the zone asked for; and back. The
 * sections of the device's range are shown before and after: ZONE_DEVICE
 * sections (a -M mem namespace) turn into hot-added RAM sections with
 * blocks, and back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "act.h"
#include "memscope/memctl.h"

struct dax_job {
	struct ms_daxdev dev;
	enum ms_zone_req zone;
	char policy[32];		/* auto_online_blocks */
	struct ms_act_snap *snap;
};

static int common_checks(struct ms_cli *c, int argc, char **argv)
{
	if (argc != 2)
		return ms_cli_usage_error("%s takes one device-dax device (daxX.Y)",
					  argv[0]);
	if (!ms_act_timeout(c))
		return ms_cli_usage_error("--timeout takes 1 to 3600 seconds");
	if (ms_cli_refuse_action(c, argv[0]))
		return MS_EXIT_FAILURE;
	return 0;
}

/* The blocks that lie wholly inside the device (kmem aligns to blocks). */
static size_t dev_blocks(const struct ms_blocks *bl, const struct ms_daxdev *d,
			 uint64_t *nrs, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; bl && i < bl->nr && n < max; i++)
		if (bl->blocks[i].start >= d->start &&
		    bl->blocks[i].start + bl->blocks[i].size <= d->start + d->size)
			nrs[n++] = bl->blocks[i].nr;
	return n;
}

static struct ms_error *start_job(struct ms_cli *c, const char *name,
				  struct dax_job *j)
{
	struct ms_error *err = ms_act_privilege();
	char loaded[128] = "";

	if (!err && !c->opt[ACT_OPT_DRY_RUN]) {
		err = ms_dax_modules_read(loaded, sizeof(loaded));
		if (!err && loaded[0])
			ms_act_say(c, "loaded modules: %s", loaded);
	}
	if (!err)
		err = ms_daxdev_find(name, &j->dev);
	if (!err)
		err = ms_auto_online_read(c->sysroot, j->policy, sizeof(j->policy));
	return err;
}

/* The "before" of the device's range, once every check has passed. */
static struct ms_error *capture_before(struct ms_cli *c, struct dax_job *j)
{
	return ms_act_capture(c, j->dev.start, j->dev.start + j->dev.size,
			      &j->snap, false);
}

static int finish(struct ms_cli *c, struct dax_job *j, size_t done, size_t asked)
{
	struct ms_error *err = ms_act_reload(c);
	int ret;

	if (!err)
		err = ms_act_capture(c, j->dev.start, j->dev.start + j->dev.size,
				     &j->snap, true);
	if (err) {
		ms_act_snap_free(j->snap);
		return ms_cli_fail(err);
	}
	ret = ms_act_print(c, j->snap, false);
	ms_act_snap_free(j->snap);
	if (ret)
		return ret;
	return done == asked ? MS_EXIT_OK : done ? MS_EXIT_PARTIAL : MS_EXIT_FAILURE;
}

/* The kernel's auto-online policy against --zone and --no-online. */
static struct ms_error *check_policy(const struct ms_cli *c, const struct dax_job *j)
{
	bool autoon = strcmp(j->policy, "offline") != 0;

	if (autoon && c->opt[ACT_OPT_NO_ONLINE])
		return ms_error_new(MS_ERR_USAGE,
			"auto_online_blocks is '%s': the kernel would online %s itself; nothing changed",
			j->policy, j->dev.name);
	if ((!strcmp(j->policy, "online_kernel") && j->zone == MS_ZONE_MOVABLE) ||
	    (!strcmp(j->policy, "online_movable") && j->zone == MS_ZONE_NORMAL))
		return ms_error_new(MS_ERR_USAGE,
			"auto_online_blocks is '%s': the kernel would not put %s in zone %s; nothing changed",
			j->policy, j->dev.name, ms_zone_req_name(j->zone));
	return NULL;
}

/* Onlines the device's offline blocks; returns how many went online. */
static size_t online_blocks(struct ms_cli *c, struct dax_job *j, size_t *asked)
{
	const struct ms_blocks *bl = NULL;
	uint64_t nrs[1024];
	size_t n, done = 0;
	struct ms_error *err;

	/* kmem added blocks: sysfs is enough here, the kernel model comes after */
	ms_blocks_free(c->blocks);
	c->blocks = NULL;
	c->blocks_tried = false;
	err = ms_cli_blocks(c, &bl);
	if (err) {
		ms_cli_fail(err);
		return 0;
	}
	n = dev_blocks(bl, &j->dev, nrs, 1024);
	*asked = n;
	for (size_t i = 0; i < n; i++) {
		char state[32], zones[128];
		bool valid = false;

		err = ms_block_state_read(NULL, nrs[i], state, sizeof(state));
		if (!err && !strcmp(state, "online")) {
			/* auto-onlined: the kernel chose the zone */
			err = ms_block_zone_valid(NULL, nrs[i], j->zone, &valid,
						  zones, sizeof(zones));
			if (!err && !valid)
				err = ms_error_new(MS_ERR_OTHER,
					"memory%" PRIu64 " was onlined by the kernel into zone %s, not %s",
					nrs[i], zones, ms_zone_req_name(j->zone));
		} else if (!err) {
			err = ms_block_zone_valid(NULL, nrs[i], j->zone, &valid,
						  zones, sizeof(zones));
			if (!err && !valid)
				err = ms_error_new(MS_ERR_USAGE,
					"memory%" PRIu64 " cannot go to zone %s (valid_zones: %s)",
					nrs[i], ms_zone_req_name(j->zone), zones);
			if (!err)
				err = ms_block_online(NULL, nrs[i], j->zone);
		}
		if (err)
			ms_cli_fail(err);
		else
			done++;
	}
	return done;
}

int ms_cmd_hotplug(struct ms_cli *c, int argc, char **argv)
{
	struct dax_job j = { 0 };
	struct ms_error *err;
	size_t asked = 0, done = 0;
	int ret = common_checks(c, argc, argv);

	if (ret)
		return ret;
	if (ms_zone_req_parse(c->opt[ACT_OPT_ZONE], &j.zone))
		return ms_cli_usage_error("--zone takes movable or normal, not '%s'",
					  c->opt[ACT_OPT_ZONE]);
	if (c->opt[ACT_OPT_ZONE] && c->opt[ACT_OPT_NO_ONLINE])
		return ms_cli_usage_error("--zone and --no-online exclude each other");
	err = start_job(c, argv[1], &j);
	if (!err && strcmp(j.dev.mode, "devdax"))
		err = ms_error_new(MS_ERR_USAGE, "%s is %s, not devdax; nothing changed",
				   j.dev.name, j.dev.mode);
	if (!err)
		err = check_policy(c, &j);
	if (!err)
		err = ms_daxdev_check_unused(j.dev.name);
	if (!err)
		err = capture_before(c, &j);
	if (err) {
		ms_act_snap_free(j.snap);
		return ms_cli_fail(err);
	}
	if (c->opt[ACT_OPT_DRY_RUN]) {
		ms_act_say(c, "would bind %s to kmem (System RAM) and %s its blocks%s%s",
			   j.dev.name, c->opt[ACT_OPT_NO_ONLINE] ? "not online" : "online",
			   j.zone != MS_ZONE_ANY ? " to zone " : "", ms_zone_req_name(j.zone));
		ret = ms_act_print(c, j.snap, true);
		ms_act_snap_free(j.snap);
		return ret;
	}
	err = ms_daxdev_to_ram(j.dev.name);
	if (err) {
		ms_act_snap_free(j.snap);
		return ms_cli_fail(err);
	}
	ms_act_say(c, "%s: bound to kmem (System RAM), auto_online_blocks=%s",
		   j.dev.name, j.policy);
	if (!c->opt[ACT_OPT_NO_ONLINE]) {
		done = online_blocks(c, &j, &asked);
		ms_act_say(c, "%s: %zu of %zu blocks online%s%s", j.dev.name, done,
			   asked, j.zone != MS_ZONE_ANY ? " in zone " : "",
			   ms_zone_req_name(j.zone));
	}
	return finish(c, &j, done, asked);
}

/* Offlines the device's online blocks, in descending order. */
static struct ms_error *offline_blocks(struct ms_cli *c, struct dax_job *j,
				       size_t *done, size_t *asked)
{
	const struct ms_blocks *bl = NULL;
	uint64_t nrs[1024], failed[1024];
	size_t n, nfailed = 0;
	bool interrupted = false;
	struct ms_error *err;

	err = ms_cli_blocks(c, &bl);
	if (err)
		return err;
	n = dev_blocks(bl, &j->dev, nrs, 1024);
	for (size_t i = n; i-- > 0 && !interrupted;) {
		char state[32];

		err = ms_block_state_read(NULL, nrs[i], state, sizeof(state));
		if (!err && strcmp(state, "online"))
			continue;
		++*asked;
		if (!err)
			err = ms_block_offline(NULL, nrs[i], ms_act_timeout(c),
					       &interrupted);
		if (err) {
			failed[nfailed++] = nrs[i];
			ms_cli_fail(err);
		} else {
			++*done;
		}
	}
	if (nfailed) {
		ms_blockers_print(c, failed, nfailed);
		return ms_error_new(MS_ERR_OTHER,
			"%s: %zu block(s) stayed online; the device stays System RAM",
			j->dev.name, nfailed);
	}
	return NULL;
}

/* Without --force, memory in the kernel zone is not touched. */
static struct ms_error *check_zones(struct ms_cli *c, const struct dax_job *j)
{
	const struct ms_blocks *bl = NULL;
	struct ms_error *err = ms_cli_blocks(c, &bl);
	uint64_t nrs[1024];
	size_t n;

	if (err || c->opt[ACT_OPT_FORCE])
		return err;
	n = dev_blocks(bl, &j->dev, nrs, 1024);
	for (size_t i = 0; i < bl->nr; i++)
		for (size_t k = 0; k < n; k++)
			if (bl->blocks[i].nr == nrs[k] &&
			    !strcmp(bl->blocks[i].state, "online") &&
			    strcmp(bl->blocks[i].zones, "Movable"))
				return ms_error_new(MS_ERR_USAGE,
					"memory%" PRIu64 " of %s is online in zone %s, where the kernel may keep what cannot move; use --force to try",
					nrs[k], j->dev.name, bl->blocks[i].zones);
	return NULL;
}

int ms_cmd_unplug(struct ms_cli *c, int argc, char **argv)
{
	struct dax_job j = { 0 };
	struct ms_error *err;
	size_t asked = 0, done = 0;
	int ret = common_checks(c, argc, argv);

	if (ret)
		return ret;
	if (c->opt[ACT_OPT_ZONE])
		return ms_cli_usage_error("unplug takes no --zone");
	err = start_job(c, argv[1], &j);
	if (!err && strcmp(j.dev.mode, "system-ram"))
		err = ms_error_new(MS_ERR_USAGE, "%s is %s, not System RAM; nothing changed",
				   j.dev.name, j.dev.mode);
	if (!err)
		err = check_zones(c, &j);
	if (!err)
		err = capture_before(c, &j);
	if (err) {
		ms_act_snap_free(j.snap);
		return ms_cli_fail(err);
	}
	if (c->opt[ACT_OPT_DRY_RUN]) {
		ms_act_say(c, "would offline the blocks of %s and give it back to device_dax",
			   j.dev.name);
		ret = ms_act_print(c, j.snap, true);
		ms_act_snap_free(j.snap);
		return ret;
	}
	err = offline_blocks(c, &j, &done, &asked);
	if (!err)
		err = ms_daxdev_to_devdax(j.dev.name);
	if (err) {
		ms_cli_fail(err);
		ret = finish(c, &j, done, asked + 1);
		return ret == MS_EXIT_OK ? MS_EXIT_FAILURE : ret;
	}
	ms_act_say(c, "%s: %zu block(s) offlined, back to device_dax", j.dev.name, done);
	return finish(c, &j, 1, 1);
}
