// SPDX-License-Identifier: GPL-2.0-or-later
/* Error objects (see include/memscope/error.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/error.h"

/* Returned when allocating an error fails: never freed. */
static struct ms_error oom_error = {
	.code = MS_ERR_NOMEM,
	.errnum = ENOMEM,
	.msg = "out of memory",
};

void ms_str_escape(char *dst, size_t len, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!len)
		return;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c < 0x7f) {
			if (n + 1 >= len)
				break;
			dst[n++] = (char)c;
		} else {
			if (n + 4 >= len)
				break;
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		}
	}
	dst[n] = '\0';
}

/*
 * Messages quote what came from the input (VMCOREINFO values, BTF and
 * kallsyms names, paths from snapshot notes): escaped here, once, so no
 * escape sequence in a file can reach the terminal.
 */
static void escape_msg(struct ms_error *err)
{
	char raw[sizeof(err->msg)];

	memcpy(raw, err->msg, sizeof(raw));
	ms_str_escape(err->msg, sizeof(err->msg), raw);
}

static struct ms_error *error_vnew(enum ms_errcode code, int errnum,
				   uint64_t addr, const char *fmt, va_list ap)
{
	struct ms_error *err = calloc(1, sizeof(*err));

	if (!err)
		return &oom_error;
	err->code = code;
	err->errnum = errnum;
	err->addr = addr;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	escape_msg(err);
	return err;
}

struct ms_error *ms_error_new(enum ms_errcode code, const char *fmt, ...)
{
	struct ms_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vnew(code, 0, 0, fmt, ap);
	va_end(ap);
	return err;
}

struct ms_error *ms_error_errno(int errnum, const char *fmt, ...)
{
	struct ms_error *err;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	err = error_vnew(errnum == EPERM || errnum == EACCES ? MS_ERR_PERM :
			 errnum == ENOMEM ? MS_ERR_NOMEM : MS_ERR_OS,
			 errnum, 0, fmt, ap);
	va_end(ap);
	if (err == &oom_error)
		return err;
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
		 strerror(errnum));
	return err;
}

struct ms_error *ms_error_fault(uint64_t addr, const char *fmt, ...)
{
	struct ms_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = error_vnew(MS_ERR_FAULT, 0, addr, fmt, ap);
	va_end(ap);
	return err;
}

struct ms_error *ms_error_wrap(struct ms_error *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;

	if (!err || err == &oom_error)
		return err;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* a long chain of context is cut at the end, never overflows */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %.*s", prefix,
		     (int)(sizeof(err->msg) - 1), old) < 0)
		err->msg[0] = '\0';
	escape_msg(err);
	return err;
}

void ms_error_free(struct ms_error *err)
{
	if (err != &oom_error)
		free(err);
}
