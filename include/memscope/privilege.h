/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability checks (libcap) before reading the kernel or changing it. */
#ifndef MEMSCOPE_PRIVILEGE_H
#define MEMSCOPE_PRIVILEGE_H

#include <stdbool.h>

#include "error.h"

/* Whether the effective set holds CAP_SYS_RAWIO (needed for /proc/kcore). */
struct ms_error *ms_priv_has_rawio(bool *has);
/* Whether the effective set holds CAP_SYS_ADMIN (needed to change memory). */
struct ms_error *ms_priv_has_sys_admin(bool *has);

#endif
