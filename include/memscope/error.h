/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error objects: every fallible core function returns a struct ms_error *,
 * NULL meaning success (the libdrgn convention). The core never prints and
 * never exits; the CLI turns an error into one line on stderr and an exit
 * code, the TUI into a status-bar message.
 */
#ifndef MEMSCOPE_ERROR_H
#define MEMSCOPE_ERROR_H

#include <stddef.h>
#include <stdint.h>

enum ms_errcode {
	MS_ERR_OTHER = 1,
	MS_ERR_NOMEM,
	MS_ERR_OS,		/* a system call failed; errnum says why */
	MS_ERR_FAULT,		/* kernel address could not be read; addr says which */
	MS_ERR_FORMAT,		/* a file is truncated, corrupt or foreign */
	MS_ERR_MISSING,		/* a type, member, symbol or constant is missing */
	MS_ERR_PERM,		/* privilege or lockdown */
	MS_ERR_USAGE,		/* the caller asked for something impossible */
};

struct ms_error {
	enum ms_errcode code;
	int errnum;		/* errno of the failed call, or 0 */
	uint64_t addr;		/* faulting address for MS_ERR_FAULT */
	char msg[512];		/* one line, no trailing newline, no "memscope:" */
};

/* Never returns NULL: when out of memory it returns a static error. */
struct ms_error *ms_error_new(enum ms_errcode code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* As ms_error_new, with errnum set and ": strerror(errnum)" appended. */
struct ms_error *ms_error_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* MS_ERR_FAULT at addr; the message should name what was being read. */
struct ms_error *ms_error_fault(uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix an existing error's message with context ("reading X: ..."). */
struct ms_error *ms_error_wrap(struct ms_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ms_error_free(struct ms_error *err);
/*
 * dst = src with each byte outside printable ASCII (control bytes, ESC,
 * DEL, bytes >= 0x80) as \xNN, cut at len - 1: a string from the input
 * that reaches a terminal. Every error message passes through it.
 */
void ms_str_escape(char *dst, size_t len, const char *src);

#endif
