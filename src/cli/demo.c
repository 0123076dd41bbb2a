// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope --demo: a real snapshot taken in the QEMU lab (Debian 6.12,
 * devdax namespaces, a block hot-added through kmem, HVO hugepages) that
 * ships with memscope, so every command and the TUI can be tried on a
 * machine without /proc/kcore or root. Looked up next to the binary (the
 * source tree: ./share/memscope), then where `make install` puts it; the
 * MEMSCOPE_DEMO environment variable names another file.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEMO_FILE "demo-6.12.snap.xz"
#ifndef MEMSCOPE_DATADIR
#define MEMSCOPE_DATADIR "/usr/local/share/memscope"
#endif

static bool find_demo(char *buf, size_t len)
{
	const char *env = getenv("MEMSCOPE_DEMO");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return access(buf, R_OK) == 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* ./memscope and build/memscope in the source tree */
		if (snprintf(buf, len, "%s/share/memscope/" DEMO_FILE, exe) < (int)len &&
		    !access(buf, R_OK))
			return true;
		if (snprintf(buf, len, "%s/../share/memscope/" DEMO_FILE, exe) < (int)len &&
		    !access(buf, R_OK))
			return true;
	}
	snprintf(buf, len, "%s/" DEMO_FILE, MEMSCOPE_DATADIR);
	return access(buf, R_OK) == 0;
}

int ms_cli_demo(struct ms_cli *c)
{
	static char path[PATH_MAX];

	if (c->core_path) {
		fputs("memscope: --demo reads its own snapshot; it cannot be combined with -c\n", stderr);
		return -1;
	}
	if (!find_demo(path, sizeof(path))) {
		fprintf(stderr, "memscope: no demo snapshot (%s): set MEMSCOPE_DEMO=FILE\n", path);
		return -1;
	}
	c->core_path = path;
	c->readonly = true;	/* a snapshot cannot be changed anyway */
	fprintf(stderr, "memscope: DEMO: a snapshot taken in the QEMU lab (%s), not this machine\n",
		path);
	return 0;
}
