// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one resolver of the domains' tables (struct ms_need): each row asks
 * one finder (types, enumerators, VMCOREINFO, symbols) and stores the
 * answer where the row says. Optional rows the kernel lacks are recorded
 * as absent, the first required one it lacks names itself in the error,
 * and rows marked MS_NEED_VI must agree with VMCOREINFO.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static bool missing(struct ms_error **err)
{
	if (*err && (*err)->code == MS_ERR_MISSING) {
		ms_error_free(*err);
		*err = NULL;
		return true;
	}
	return false;
}

/* key is "SIZE(zone)" or "OFFSET(zone.spanned_pages)". */
static struct ms_error *cross_check(const struct ms_kinfo *ki, const char *key,
				    uint64_t from_types, const char *what)
{
	struct ms_error *err;
	uint64_t v;

	err = ms_vmcoreinfo_u64(ms_kinfo_vmcoreinfo_table(ki), key, 10, &v);
	if (missing(&err) || err)
		return err;
	if (v != from_types)
		return ms_error_new(MS_ERR_FORMAT,
				    "%s is %llu in the kernel type information (%s) but VMCOREINFO says %s=%llu: the type information is not this kernel's",
				    what, (unsigned long long)from_types,
				    ms_kinfo_type_source(ki), key,
				    (unsigned long long)v);
	return NULL;
}

static struct ms_error *vi_check(const struct ms_kinfo *ki,
				 const struct ms_need *n, uint64_t v)
{
	const char *t = strchr(n->type, ' ') ? strchr(n->type, ' ') + 1 : n->type;
	char key[128], what[128];

	if (n->kind == MS_NEED_SIZE) {
		snprintf(key, sizeof(key), "SIZE(%s)", t);
		snprintf(what, sizeof(what), "sizeof(%s)", n->type);
	} else {
		snprintf(key, sizeof(key), "OFFSET(%s.%s)", t, n->name);
		snprintf(what, sizeof(what), "offsetof(%s, %s)", n->type,
			 n->name);
	}
	return cross_check(ki, key, v, what);
}

static void put(void *dst, size_t width, int64_t v)
{
	if (width == sizeof(int)) {
		int i = (int)v;

		memcpy(dst, &i, sizeof(i));
	} else {
		memcpy(dst, &v, sizeof(v));
	}
}

static void set_absent(const struct ms_need *n, void *dst)
{
	switch (n->kind) {
	case MS_NEED_MEMBER: {
		struct ms_member m = { .offset = MS_ABSENT };

		memcpy(dst, &m, sizeof(m));
		break;
	}
	case MS_NEED_ENUM:
	case MS_NEED_NUMBER:
		put(dst, n->width, -1);
		break;
	default:
		put(dst, n->width, (int64_t)MS_ABSENT);
		break;
	}
}

static struct ms_error *ask(const struct ms_kinfo *ki, const struct ms_need *n,
			    void *dst)
{
	struct ms_member m;
	struct ms_error *err;
	uint64_t u;
	int64_t v;

	switch (n->kind) {
	case MS_NEED_SIZE:
		err = ms_kinfo_type_size(ki, n->type, &u);
		if (!err && (n->flags & MS_NEED_VI))
			err = vi_check(ki, n, u);
		if (!err)
			put(dst, n->width, (int64_t)u);
		return err;
	case MS_NEED_OFFSET:
	case MS_NEED_MEMBER:
		err = ms_kinfo_member(ki, n->type, n->name, &m);
		if (!err && (n->flags & MS_NEED_VI))
			err = vi_check(ki, n, m.offset);
		if (!err && n->kind == MS_NEED_MEMBER)
			memcpy(dst, &m, sizeof(m));
		else if (!err)
			put(dst, n->width, (int64_t)m.offset);
		return err;
	case MS_NEED_ENUM:
		err = ms_kinfo_enumerator(ki, n->name, &v);
		if (!err)
			put(dst, n->width, v);
		return err;
	case MS_NEED_NUMBER:
		err = ms_kinfo_number(ki, n->name, &v);
		if (!err)
			put(dst, n->width, v);
		return err;
	case MS_NEED_SYMBOL:
		err = ms_kinfo_symbol(ki, n->name, &u);
		if (!err)
			put(dst, n->width, (int64_t)u);
		return err;
	}
	return ms_error_new(MS_ERR_OTHER, "need of unknown kind %d", n->kind);
}

struct ms_error *ms_needs_resolve(const struct ms_kinfo *ki,
				  const struct ms_need *needs, size_t nr,
				  void *base)
{
	bool prev_absent = false;
	struct ms_error *err;
	size_t i;

	/* first all absent: an ELSE row may share its destination */
	for (i = 0; i < nr; i++)
		set_absent(&needs[i], (char *)base + needs[i].dst);
	for (i = 0; i < nr; i++) {
		const struct ms_need *n = &needs[i];

		if ((n->flags & MS_NEED_ELSE) && !prev_absent)
			continue;	/* the name before answered */
		err = ask(ki, n, (char *)base + n->dst);
		prev_absent = false;
		if (!err)
			continue;
		if (!(n->flags & (MS_NEED_OPTIONAL | MS_NEED_GATE)) ||
		    !missing(&err))
			return err;
		set_absent(n, (char *)base + n->dst);
		if (n->flags & MS_NEED_GATE)
			return NULL;
		prev_absent = true;
	}
	return NULL;
}

struct ms_error *ms_need_fits(const char *type, const char *member,
			      uint64_t off, uint64_t len, uint64_t size)
{
	if (off <= size && len <= size - off)
		return NULL;
	return ms_error_new(MS_ERR_FORMAT,
			    "%s.%s at offset %llu does not fit in its %llu bytes",
			    type, member, (unsigned long long)off,
			    (unsigned long long)size);
}

const char *ms_needs_name(const struct ms_need *needs, size_t nr, size_t dst)
{
	for (size_t i = 0; i < nr; i++)
		if (needs[i].dst == dst)
			return needs[i].name;
	return "?";
}
