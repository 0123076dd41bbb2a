/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memctl: changing memory blocks through sysfs (the chmem way) and turning
 * device-dax devices into System RAM and back (libdaxctl, libkmod). These
 * are the only functions in memscope that change the system. They return
 * error objects and never print; what changed is for the caller to show by
 * reading the model again.
 */
#ifndef MEMSCOPE_MEMCTL_H
#define MEMSCOPE_MEMCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum ms_zone_req { MS_ZONE_ANY, MS_ZONE_MOVABLE, MS_ZONE_NORMAL };

/* "movable"/"normal" (any case) or NULL = any; -1 for another word. */
int ms_zone_req_parse(const char *word, enum ms_zone_req *out);
/* The zone name as valid_zones spells it: "Movable", "Normal", "". */
const char *ms_zone_req_name(enum ms_zone_req z);

/* The block's state file ("online", "offline", "going-offline"). */
struct ms_error *ms_block_state_read(const char *sysroot, uint64_t nr,
				     char *buf, size_t len);
/* Whether valid_zones of the block lists the zone (MS_ZONE_ANY: yes). */
struct ms_error *ms_block_zone_valid(const char *sysroot, uint64_t nr,
				     enum ms_zone_req z, bool *valid,
				     char *zones, size_t len);

struct ms_error *ms_block_online(const char *sysroot, uint64_t nr,
				 enum ms_zone_req z);
/*
 * Offlines a block. The kernel migrates the block's pages away and retries
 * until a signal is pending (mm/memory_hotplug.c offline_pages(), "signal
 * backoff"), so a pinned page can make the write block for ever: after
 * timeout_s seconds an alarm interrupts it, and so does SIGINT/SIGTERM
 * (*interrupted is set). Either way the kernel undoes the isolation and
 * the block stays online; the error says so (MS_ERR_OS, errnum EINTR), or
 * carries the kernel's own errno (EBUSY: unmovable pages).
 */
struct ms_error *ms_block_offline(const char *sysroot, uint64_t nr,
				  unsigned int timeout_s, bool *interrupted);

/* /sys/devices/system/memory/auto_online_blocks ("offline", "online", ...). */
struct ms_error *ms_auto_online_read(const char *sysroot, char *buf, size_t len);

/* A device-dax device (daxX.Y) as libdaxctl sees it. */
struct ms_daxdev {
	char name[32];
	uint64_t start, size;		/* physical range */
	char mode[16];			/* "devdax", "system-ram", "unbound" */
	bool enabled;
};

/*
 * Loads kmem, device_dax and dax_pmem through libkmod when they are not
 * loaded; *loaded gets the names loaded ("kmem device_dax", "" if none).
 */
struct ms_error *ms_dax_modules_read(char *loaded, size_t len);
struct ms_error *ms_daxdev_find(const char *name, struct ms_daxdev *out);
/* MS_ERR_USAGE (errnum EBUSY) when a process has /dev/NAME open or mapped:
 * unbinding device_dax under a long-term pin would wait for the pin. */
struct ms_error *ms_daxdev_check_unused(const char *name);
/* devdax -> kmem (System RAM): the kernel adds the memory, blocks offline
 * unless auto_online_blocks says otherwise. */
struct ms_error *ms_daxdev_to_ram(const char *name);
/* kmem -> devdax; every block of the device must be offline already. */
struct ms_error *ms_daxdev_to_devdax(const char *name);

#endif
