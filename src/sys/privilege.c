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

struct ms_error *ms_priv_has_rawio(bool *has)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps;

	caps = cap_get_proc();
	if (!caps)
		return ms_error_errno(errno, "reading process capabilities");
	if (cap_get_flag(caps, CAP_SYS_RAWIO, CAP_EFFECTIVE, &v)) {
		int err = errno;

		cap_free(caps);
		return ms_error_errno(err, "reading CAP_SYS_RAWIO");
	}
	cap_free(caps);
	*has = v == CAP_SET;
	return NULL;
}
