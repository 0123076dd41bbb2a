// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading small files of the live system, under an optional sysroot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memscope/syspath.h"

void ms_syspath(char *buf, size_t len, const char *sysroot, const char *path)
{
	if (sysroot && *sysroot && strcmp(sysroot, "/"))
		snprintf(buf, len, "%s%s", sysroot, path);
	else
		snprintf(buf, len, "%s", path);
}

int ms_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	buf[n] = '\0';
	/* sysfs values end in a newline; callers want the bare value */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}
