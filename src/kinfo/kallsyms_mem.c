// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's own symbol tables, read from its memory instead of
 * /proc/kallsyms: VMCOREINFO names them (SYMBOL(kallsyms_names) and the
 * rest, exported for debuggers without a vmlinux since 6.0; the 6.12 lab
 * guest has them), and searching them costs a few MB of reads, where
 * /proc/kallsyms makes the kernel format 167k lines (1.6 s of a 2.1 s
 * start-up in a TCG guest).
 *
 * The format (kernel/kallsyms.c, scripts/kallsyms.c): kallsyms_names is one
 * entry per symbol, a length then that many indexes into the 256 tokens
 * (kallsyms_token_index[] offsets into kallsyms_token_table); a length
 * with bit 7 set takes a second byte for bits 7-14 (6.1, "kallsyms:
 * support big kernel symbols"). The expanded name begins with the nm type
 * letter. Addresses are kallsyms_relative_base + (u32)offset, or with
 * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP kernels before the per-cpu
 * rework of 6.15) a non-negative offset is absolute and a negative one
 * relative_base - 1 - offset: which of the two is told by _stext, which
 * must come out as VMCOREINFO's SYMBOL(_stext), else nothing is taken.
 *
 * Everything read is checked (a count, a length, a token without its NUL,
 * an address that is not the kernel's): anything amiss, and memscope reads
 * /proc/kallsyms as before.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_SYMS	(1u << 22)	/* a kernel has about 200k */
#define CHUNK		(64u << 10)
#define NAME_MAX_LEN	520		/* KSYM_NAME_LEN is 512 */

struct tables {
	uint64_t names, offsets, token_table, token_index, relative_base, stext;
	uint32_t nr;
	uint16_t index[256];
	char *tokens;
	size_t tokens_len;
	/* kallsyms_names, CHUNK at a time */
	uint8_t *buf;
	uint64_t buf_at;	/* offset into kallsyms_names of buf[0] */
	size_t buf_len;
};

/* A read failed: the tables are not to be trusted (the error is dropped). */
static bool failed(struct ms_error *err)
{
	bool f = err != NULL;

	ms_error_free(err);
	return f;
}

static bool vi_sym(const struct ms_vmcoreinfo *vi, const char *name,
		   uint64_t *v)
{
	struct ms_error *err = ms_vmcoreinfo_u64(vi, name, 16, v);

	ms_error_free(err);
	return !err;
}

static bool read_tables(struct ms_target *t, const struct ms_vmcoreinfo *vi,
			struct tables *x)
{
	uint64_t num, max = 0;
	uint32_t nr;

	if (!vi_sym(vi, "SYMBOL(kallsyms_names)", &x->names) ||
	    !vi_sym(vi, "SYMBOL(kallsyms_num_syms)", &num) ||
	    !vi_sym(vi, "SYMBOL(kallsyms_token_table)", &x->token_table) ||
	    !vi_sym(vi, "SYMBOL(kallsyms_token_index)", &x->token_index) ||
	    !vi_sym(vi, "SYMBOL(kallsyms_offsets)", &x->offsets) ||
	    !vi_sym(vi, "SYMBOL(kallsyms_relative_base)", &x->relative_base) ||
	    !vi_sym(vi, "SYMBOL(_stext)", &x->stext))
		return false;
	if (failed(ms_target_read(t, num, &nr, sizeof(nr))) || !nr || nr > MAX_SYMS ||
	    failed(ms_target_read(t, x->relative_base, &x->relative_base, 8)) ||
	    failed(ms_target_read(t, x->token_index, x->index, sizeof(x->index))))
		return false;
	x->nr = nr;
	for (int i = 0; i < 256; i++)
		if (x->index[i] > max)
			max = x->index[i];
	/* the last token's NUL within 256 bytes of its start */
	x->tokens_len = (size_t)max + 256;
	x->tokens = malloc(x->tokens_len + 1);
	x->buf = malloc(CHUNK);
	if (!x->tokens || !x->buf ||
	    failed(ms_target_read(t, x->token_table, x->tokens, x->tokens_len)))
		return false;
	x->tokens[x->tokens_len] = '\0';
	return true;
}

/* len bytes of kallsyms_names at off, through the chunk buffer. */
static const uint8_t *names_at(struct ms_target *t, struct tables *x,
			       uint64_t off, size_t len)
{
	if (off < x->buf_at || off + len > x->buf_at + x->buf_len) {
		/* near the end of what is mapped, only the bytes asked for */
		size_t n = CHUNK;

		if (failed(ms_target_read(t, x->names + off, x->buf, n)) &&
		    failed(ms_target_read(t, x->names + off, x->buf, n = len)))
			return NULL;
		x->buf_at = off;
		x->buf_len = n;
	}
	return x->buf + (off - x->buf_at);
}

/* Symbol i's name (type letter first) into name; its entry's end in *off. */
static bool expand(struct ms_target *t, struct tables *x, uint64_t *off,
		   char *name)
{
	const uint8_t *p = names_at(t, x, *off, 2);
	size_t len, n = 0;

	if (!p)
		return false;
	len = p[0];
	*off += 1;
	if (len & 0x80) {
		len = (len & 0x7f) | ((size_t)p[1] << 7);
		*off += 1;
	}
	if (!len || !(p = names_at(t, x, *off, len)))
		return false;
	*off += len;
	for (size_t i = 0; i < len; i++) {
		const char *tok = x->tokens + x->index[p[i]];

		while (*tok && n < NAME_MAX_LEN)
			name[n++] = *tok++;
	}
	name[n] = '\0';
	return n >= 2;
}

static bool read_offset(struct ms_target *t, const struct tables *x,
			uint32_t i, int32_t *off)
{
	return !failed(ms_target_read(t, x->offsets + 4ULL * i, off, sizeof(*off)));
}

static uint64_t address(const struct tables *x, int32_t off, bool absolute)
{
	if (!absolute)
		return x->relative_base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : x->relative_base - 1 - (uint64_t)(int64_t)off;
}

/*
 * Finds the names the pass wants (want(i) the index of a name, or -1) in
 * the tables, first occurrence first; found(arg, idx, addr, type) for each.
 * False when the tables are not there, not readable, or not this kernel's.
 */
bool ms_kallsyms_mem_search(struct ms_target *t, const struct ms_vmcoreinfo *vi,
			    int (*want)(void *arg, const char *name),
			    bool (*found)(void *arg, int idx, uint64_t addr, char type),
			    void *arg)
{
	struct tables x = { 0 };
	char name[NAME_MAX_LEN + 1];
	bool ok = false, absolute = false, stext_seen = false;
	uint64_t off = 0;

	if (!read_tables(t, vi, &x))
		goto out;
	for (uint32_t i = 0; i < x.nr; i++) {
		int32_t o;
		int idx;

		if (!expand(t, &x, &off, name))
			goto out;
		if (!stext_seen && !strcmp(name + 1, "_stext")) {
			/* which encoding: the one that gives VMCOREINFO's _stext */
			if (!read_offset(t, &x, i, &o))
				goto out;
			if (address(&x, o, true) == x.stext)
				absolute = true;
			else if (address(&x, o, false) != x.stext)
				goto out;
			stext_seen = true;
		}
		idx = want(arg, name + 1);
		if (idx < 0)
			continue;
		if (!stext_seen)	/* _stext comes before the kernel's own */
			goto out;
		if (!read_offset(t, &x, i, &o))
			goto out;
		if (found(arg, idx, address(&x, o, absolute), name[0])) {
			ok = true;
			break;
		}
	}
out:
	free(x.tokens);
	free(x.buf);
	return ok;
}
