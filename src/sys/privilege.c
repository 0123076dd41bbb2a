// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kcore is mode 0400 root and open_kcore() also demands
 * CAP_SYS_RAWIO, so the check is on the effective capability set, not on
 * the uid: a root process that dropped the capability fails just the same.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

#include "memscope/privilege.h"

static struct ms_error *has_cap(cap_value_t cap, const char *name, bool *has)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;

	caps = cap_get_proc();
	if (!caps)
		return ms_error_errno(errno, "reading process capabilities");
	if (cap_get_flag(caps, cap, CAP_EFFECTIVE, &v)) {
		int err = errno;

		cap_free(caps);
		return ms_error_errno(err, "reading %s", name);
	}
	cap_free(caps);
	*has = v == CAP_SET;
	return NULL;
}

struct ms_error *ms_priv_has_rawio(bool *has)
{
	return has_cap(CAP_SYS_RAWIO, "CAP_SYS_RAWIO", has);
}

/*
 * Writing memory block state, binding dax devices to kmem and registering
 * long-term pins all need root in practice; sysfs writes check
 * CAP_SYS_ADMIN for the device hotplug attributes.
 */
struct ms_error *ms_priv_has_sys_admin(bool *has)
{
	return has_cap(CAP_SYS_ADMIN, "CAP_SYS_ADMIN", has);
}

/*
 * Least privilege (issue 10): once /proc/kcore is open, reading it needs no
 * capability (open_kcore() checks CAP_SYS_RAWIO at open only), nor do the
 * pre-opened /proc files (fs.h) or sysfs. What is kept is what acting
 * needs; everything else leaves the effective, permitted, inheritable,
 * ambient and (while CAP_SETPCAP allows) bounding sets. No new privileges
 * after that: no setuid binary, and root's exec gives nothing back.
 */
static const struct {
	unsigned int bit;
	cap_value_t caps[2];
	size_t nr;
} keeps[] = {
	{ MS_PRIV_KCORE, { CAP_SYS_RAWIO }, 1 },
	{ MS_PRIV_ADMIN, { CAP_SYS_ADMIN }, 1 },
	{ MS_PRIV_MODULE, { CAP_SYS_MODULE }, 1 },
	{ MS_PRIV_PIN, { CAP_IPC_LOCK, CAP_NET_RAW }, 2 },
	{ MS_PRIV_WRITE, { CAP_DAC_OVERRIDE }, 1 },
	{ MS_PRIV_SCAN, { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH }, 2 },
};

static bool kept(unsigned int keep, cap_value_t cap)
{
	for (size_t i = 0; i < sizeof(keeps) / sizeof(*keeps); i++)
		for (size_t j = 0; j < keeps[i].nr; j++)
			if ((keep & keeps[i].bit) && keeps[i].caps[j] == cap)
				return true;
	return false;
}

struct ms_error *ms_priv_drop(unsigned int keep)
{
	cap_t now = cap_get_proc(), caps = cap_init();	/* all clear */
	int ret;

	if (!now || !caps) {
		cap_free(now);
		cap_free(caps);
		return ms_error_errno(errno, "dropping capabilities");
	}
	/* only what we have: asking for more than that fails */
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++) {
		cap_flag_value_t have = CAP_CLEAR;

		if (!kept(keep, cap) ||
		    cap_get_flag(now, cap, CAP_PERMITTED, &have) || have != CAP_SET)
			continue;
		cap_set_flag(caps, CAP_PERMITTED, 1, &cap, CAP_SET);
		if (!cap_get_flag(now, cap, CAP_EFFECTIVE, &have) && have == CAP_SET)
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_SET);
	}
	cap_free(now);
	/* what CAP_SETPCAP allows, while we have it; without it, nothing to do */
	prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0);
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!kept(keep, cap))
			cap_drop_bound(cap);
	cap_reset_ambient();
	ret = cap_set_proc(caps);
	cap_free(caps);
	if (ret)
		return ms_error_errno(errno, "dropping capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return ms_error_errno(errno, "setting no_new_privs");
	return NULL;
}

void ms_priv_debug_report(void)
{
	char line[256];
	FILE *f;

	if (!getenv("MEMSCOPE_DEBUG_CAPS"))
		return;
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7) ||
		    !strncmp(line, "NoNewPrivs:", 11))
			fprintf(stderr, "memscope: debug: %s", line);
	if (f)
		fclose(f);
}
