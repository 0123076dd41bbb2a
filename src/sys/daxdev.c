// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device-dax devices into System RAM and back, the way `daxctl
 * reconfigure-device --mode=system-ram` does it with libdaxctl: disable the
 * device (unbind device_dax), enable it as RAM (bind kmem, which adds the
 * memory as offline blocks unless auto_online_blocks says otherwise); and
 * back: disable (unbind kmem, which removes the now offline memory) and
 * enable as devdax. Onlining and offlining the blocks is memctl.c's job, so
 * that the zone and the offline timeout are ours.
 *
 * A device that a process has open or mapped is refused up front: unbinding
 * device_dax under a long-term pin waits for the pgmap's references (which
 * the pin holds) and would hang the caller.
 */
#include <daxctl/libdaxctl.h>
#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "memscope/memctl.h"

#define DAX_BUS "/sys/bus/dax/devices"

static const char *const dax_modules[] = { "dax_pmem", "device_dax", "kmem" };

struct ms_error *ms_dax_modules_read(char *loaded, size_t len)
{
	struct ms_error *err = NULL;
	struct kmod_ctx *ctx;
	size_t used = 0;

	loaded[0] = '\0';
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return ms_error_new(MS_ERR_OTHER, "libkmod: cannot create a context");
	for (size_t i = 0; i < sizeof(dax_modules) / sizeof(*dax_modules) && !err; i++) {
		struct kmod_module *mod = NULL;
		int ret = kmod_module_new_from_name(ctx, dax_modules[i], &mod);

		if (ret >= 0 && kmod_module_get_initstate(mod) < 0) {
			ret = kmod_module_probe_insert_module(mod, 0, NULL, NULL,
							      NULL, NULL);
			if (ret < 0)
				err = ms_error_errno(-ret, "loading module %s",
						     dax_modules[i]);
			else
				used += snprintf(loaded + used, used < len ? len - used : 0,
						 "%s%s", used ? " " : "", dax_modules[i]);
		}
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return err;
}

static void driver_of(const char *name, char *buf, size_t len)
{
	char link[256], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), DAX_BUS "/%s/driver", name);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(buf, len, "unbound");
		return;
	}
	target[n] = '\0';
	snprintf(buf, len, "%.63s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
}

struct dax_ctx {
	struct daxctl_ctx *ctx;
	struct daxctl_dev *dev;
};

static struct ms_error *dax_open(const char *name, struct dax_ctx *d)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	int ret;

	d->dev = NULL;
	ret = daxctl_new(&d->ctx);
	if (ret < 0)
		return ms_error_errno(-ret, "libdaxctl: cannot create a context");
	daxctl_region_foreach(d->ctx, region)
		daxctl_dev_foreach(region, dev)
			if (!strcmp(daxctl_dev_get_devname(dev), name))
				d->dev = dev;
	if (!d->dev) {
		daxctl_unref(d->ctx);
		return ms_error_new(MS_ERR_USAGE, "no device-dax device '%s' (see daxctl list)",
				    name);
	}
	return NULL;
}

struct ms_error *ms_daxdev_find(const char *name, struct ms_daxdev *out)
{
	struct dax_ctx d;
	struct ms_error *err;
	char drv[64];

	err = dax_open(name, &d);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->start = daxctl_dev_get_resource(d.dev);
	out->size = daxctl_dev_get_size(d.dev);
	out->enabled = daxctl_dev_is_enabled(d.dev);
	driver_of(name, drv, sizeof(drv));
	snprintf(out->mode, sizeof(out->mode), "%s", !strcmp(drv, "kmem") ?
		 "system-ram" : !strcmp(drv, "device_dax") ? "devdax" : "unbound");
	daxctl_unref(d.ctx);
	return NULL;
}

/* Whether pid has the device open (fd) or mapped (maps line). */
static bool pid_uses(const char *pid, dev_t rdev, const char *devpath)
{
	char path[288], line[512];
	struct dirent *de;
	bool used = false;
	struct stat st;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	while (f && !used && fgets(line, sizeof(line), f))
		used = strstr(line, devpath) != NULL;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	while (d && !used && (de = readdir(d))) {
		char fd[576];

		snprintf(fd, sizeof(fd), "%s/%s", path, de->d_name);
		used = de->d_name[0] != '.' && !stat(fd, &st) &&
		       S_ISCHR(st.st_mode) && st.st_rdev == rdev;
	}
	if (d)
		closedir(d);
	return used;
}

struct ms_error *ms_daxdev_check_unused(const char *name)
{
	char devpath[64];
	struct dirent *de;
	struct stat st;
	DIR *proc;
	pid_t self = getpid();

	snprintf(devpath, sizeof(devpath), "/dev/%s", name);
	if (stat(devpath, &st) || !S_ISCHR(st.st_mode))
		return NULL;	/* no device node: nobody can hold it */
	proc = opendir("/proc");
	if (!proc)
		return ms_error_errno(errno, "opening /proc");
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == self)
			continue;
		if (pid_uses(de->d_name, st.st_rdev, devpath)) {
			struct ms_error *err = ms_error_new(MS_ERR_USAGE,
				"%s is in use (pid %s has %s open or mapped); refusing to reconfigure it",
				name, de->d_name, devpath);

			err->errnum = EBUSY;
			closedir(proc);
			return err;
		}
	}
	closedir(proc);
	return NULL;
}

struct ms_error *ms_daxdev_to_ram(const char *name)
{
	struct ms_error *err;
	struct dax_ctx d;
	int ret = 0;

	err = ms_daxdev_check_unused(name);
	if (!err)
		err = dax_open(name, &d);
	if (err)
		return err;
	if (daxctl_dev_is_enabled(d.dev))
		ret = daxctl_dev_disable(d.dev);
	if (ret < 0)
		err = ms_error_errno(-ret, "%s: disabling device-dax", name);
	else if ((ret = daxctl_dev_enable_ram(d.dev)) < 0)
		err = ms_error_errno(-ret, "%s: binding kmem (System RAM)", name);
	daxctl_unref(d.ctx);
	return err;
}

struct ms_error *ms_daxdev_to_devdax(const char *name)
{
	struct ms_error *err;
	struct dax_ctx d;
	int ret = 0;

	err = dax_open(name, &d);
	if (err)
		return err;
	if (daxctl_dev_is_enabled(d.dev))
		ret = daxctl_dev_disable(d.dev);
	if (ret < 0)
		err = ms_error_errno(-ret, "%s: unbinding kmem (is memory still online?)",
				     name);
	else if ((ret = daxctl_dev_enable_devdax(d.dev)) < 0)
		err = ms_error_errno(-ret, "%s: binding device_dax", name);
	daxctl_unref(d.ctx);
	return err;
}
