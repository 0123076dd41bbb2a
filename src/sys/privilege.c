// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kcore is mode 0400 root and open_kcore() also demands
 * CAP_SYS_RAWIO, so the check is on the effective capability set, not on
 * the uid: a root process that dropped the capability fails just the same.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/capability.h>

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
