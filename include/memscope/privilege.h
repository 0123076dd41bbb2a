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

/* What a command keeps after ms_priv_drop(): MS_PRIV_* bits. */
enum {
	MS_PRIV_KCORE = 1 << 0,	/* CAP_SYS_RAWIO: /proc/kcore reopened after acting */
	MS_PRIV_ADMIN = 1 << 1,	/* CAP_SYS_ADMIN: block state, dax binding, pagemap pfns */
	MS_PRIV_MODULE = 1 << 2,	/* CAP_SYS_MODULE: hotplug loads kmem, device_dax */
	MS_PRIV_PIN = 1 << 3,	/* CAP_IPC_LOCK, CAP_NET_RAW: io_uring and AF_XDP pins */
	MS_PRIV_WRITE = 1 << 4,	/* CAP_DAC_OVERRIDE: files where root may (capture, pin) */
	/* CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH: /proc/PID/{maps,fd} of every
	 * process, to refuse a dax device someone holds (daxdev.c) */
	MS_PRIV_SCAN = 1 << 5,
};

/*
 * Drops every capability but those keep names, from every set, and sets
 * no_new_privs. Called once the privileged files are open (/proc/kcore,
 * ms_fs_live_preopen()) and before any input is parsed.
 */
struct ms_error *ms_priv_drop(unsigned int keep);
/* With MEMSCOPE_DEBUG_CAPS set: CapEff, CapPrm, NoNewPrivs on stderr. */
void ms_priv_debug_report(void);

#endif
