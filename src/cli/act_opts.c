// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The options of the commands that change the system (hotplug, unplug,
 * online, offline, pin). main.c appends them to the global options when
 * it parses the command's arguments; values land in c->opt[] by index.
 * An entry without help keeps the index of an option the command refuses.
 */
#include <stddef.h>

#include "act.h"

const struct ms_cmdopt ms_hotplug_opts[] = {
	[ACT_OPT_ZONE] = { "zone", true, "online into ZONE_MOVABLE or the kernel zone" },
	[ACT_OPT_DRY_RUN] = { "dry-run", false, "print what would be done" },
	[ACT_OPT_TIMEOUT] = { "timeout", true, "seconds an offline may take (default 10)" },
	[ACT_OPT_NO_ONLINE] = { "no-online", false, "leave the new blocks offline" },
	{ NULL, false, NULL },
};

const struct ms_cmdopt ms_unplug_opts[] = {
	[ACT_OPT_ZONE] = { "zone", true, NULL },
	[ACT_OPT_DRY_RUN] = { "dry-run", false, "print what would be done" },
	[ACT_OPT_TIMEOUT] = { "timeout", true, "seconds an offline may take (default 10)" },
	[ACT_OPT_FORCE] = { "force", false, "offline blocks in the kernel zone too" },
	{ NULL, false, NULL },
};

const struct ms_cmdopt ms_online_opts[] = {
	[ACT_OPT_ZONE] = { "zone", true, "online into ZONE_MOVABLE or the kernel zone" },
	[ACT_OPT_DRY_RUN] = { "dry-run", false, "print what would be done" },
	[ACT_OPT_TIMEOUT] = { "timeout", true, NULL },
	{ NULL, false, NULL },
};

const struct ms_cmdopt ms_offline_opts[] = {
	[ACT_OPT_ZONE] = { "zone", true, NULL },
	[ACT_OPT_DRY_RUN] = { "dry-run", false, "print what would be done" },
	[ACT_OPT_TIMEOUT] = { "timeout", true, "seconds an offline may take (default 10)" },
	{ NULL, false, NULL },
};

const struct ms_cmdopt ms_pin_opts[] = {
	[PIN_OPT_OFFSET] = { "offset", true, "first byte of TARGET to pin" },
	[PIN_OPT_LENGTH] = { "length", true, "bytes to pin (default: all)" },
	[PIN_OPT_HOLD] = { "hold", true, "seconds to hold the pin (default 0)" },
	[PIN_OPT_UNTIL_SIGNAL] = { "until-signal", false, "hold until SIGINT or SIGTERM" },
	[PIN_OPT_DRY_RUN] = { "dry-run", false, "print what would be pinned" },
	{ NULL, false, NULL },
};
