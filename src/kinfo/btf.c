// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BTF type finder (libbpf): /sys/kernel/btf/vmlinux, --btf FILE, or the
 * BTF note of a snapshot written to a file. BTF exists when the kernel was
 * built with CONFIG_DEBUG_INFO_BTF (Debian: since 5.x, all our releases).
 *
 * Member paths ("usage.subsection_map") descend one name at a time; a name
 * not found among the named members is searched for inside anonymous
 * struct and union members, recursively, which is how C resolves it —
 * struct page is mostly anonymous unions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "internal.h"

/* Enumerators by name, built on the first lookup (see enum_index()). */
struct enum_slot {
	const char *name;	/* NULL: empty */
	int64_t val;
};

struct ms_btf {
	struct btf *btf;
	struct enum_slot *enums;	/* open addressing, nr_enums slots */
	size_t nr_enums;
	bool enums_failed;
};

struct ms_error *ms_btf_open(const char *path, struct ms_btf **out)
{
	struct ms_btf *b = calloc(1, sizeof(*b));
	int saved;

	if (!b)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	/* btf__parse() takes a raw blob as well as an ELF file with .BTF. */
	b->btf = btf__parse(path, NULL);
	if (!b->btf) {
		saved = errno;
		free(b);
		if (saved == ENOENT)
			return ms_error_errno(saved, "opening %s", path);
		if (saved == EPERM || saved == EACCES)
			return ms_error_errno(saved, "reading %s", path);
		return ms_error_new(MS_ERR_FORMAT,
				    "%s is not valid BTF (%s)", path,
				    strerror(saved));
	}
	*out = b;
	return NULL;
}

void ms_btf_close(struct ms_btf *b)
{
	if (!b)
		return;
	btf__free(b->btf);
	free(b->enums);
	free(b);
}

static int btf_kind_of(enum ms_type_kind kind)
{
	switch (kind) {
	case MS_TYPE_STRUCT:
		return BTF_KIND_STRUCT;
	case MS_TYPE_UNION:
		return BTF_KIND_UNION;
	case MS_TYPE_ENUM:
		return BTF_KIND_ENUM;
	case MS_TYPE_TYPEDEF:
		return BTF_KIND_TYPEDEF;
	}
	return BTF_KIND_UNKN;
}

/* The type id of a named type, or a negative number. */
static int find_type(const struct btf *btf, enum ms_type_kind kind,
		     const char *name)
{
	int id = btf__find_by_name_kind(btf, name, btf_kind_of(kind));

	/* enums with 64-bit values are BTF_KIND_ENUM64 (pahole 1.24, 6.0+) */
	if (id < 0 && kind == MS_TYPE_ENUM)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	/* base types ("unsigned int") have no typedef */
	if (id < 0 && kind == MS_TYPE_TYPEDEF)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);
	return id;
}

struct ms_error *ms_btf_type_size(const struct ms_btf *b,
				  enum ms_type_kind kind, const char *name,
				  uint64_t *size)
{
	int id = find_type(b->btf, kind, name);
	__s64 sz;

	if (id < 0)
		return ms_type_missing(kind, name, NULL);
	sz = btf__resolve_size(b->btf, id);
	if (sz < 0)
		return ms_error_new(MS_ERR_FORMAT,
				    "BTF: cannot size %s%s", ms_type_kind_prefix(kind),
				    name);
	*size = sz;
	return NULL;
}

struct found {
	__u32 type_id;
	__u64 bit_offset;
	__u32 bitfield_size;
};

/* Looks for name (len bytes) in struct/union type_id, recursing into
 * anonymous members; bit offsets accumulate from base. */
static bool find_member(const struct btf *btf, __u32 type_id, const char *name,
			size_t len, __u64 base, struct found *f, int depth)
{
	const struct btf_type *t;
	const struct btf_member *m;
	int id = btf__resolve_type(btf, type_id);

	if (id < 0 || depth > 32)
		return false;
	t = btf__type_by_id(btf, id);
	if (!t || !btf_is_composite(t))
		return false;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u64 off = base + btf_member_bit_offset(t, i);

		if (!mname || !*mname) {
			if (find_member(btf, m->type, name, len, off, f,
					depth + 1))
				return true;
			continue;
		}
		if (strlen(mname) == len && !memcmp(mname, name, len)) {
			f->type_id = m->type;
			f->bit_offset = off;
			f->bitfield_size = btf_member_bitfield_size(t, i);
			return true;
		}
	}
	return false;
}

static void fill_member(const struct btf *btf, const struct found *f,
			struct ms_member *out)
{
	int id = btf__resolve_type(btf, f->type_id);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
	__s64 sz = btf__resolve_size(btf, f->type_id);

	memset(out, 0, sizeof(*out));
	out->offset = f->bit_offset / 8;
	out->size = sz < 0 ? 0 : sz;
	if (f->bitfield_size) {
		out->bit_offset = f->bit_offset % 8;
		out->bit_size = f->bitfield_size;
	}
	if (t && btf_is_array(t))
		out->nelems = btf_array(t)->nelems;
}

struct ms_error *ms_btf_member(const struct ms_btf *b, enum ms_type_kind kind,
			       const char *name, const char *member,
			       struct ms_member *out)
{
	int id = find_type(b->btf, kind, name);
	struct found f = { .bit_offset = 0 };
	const char *p = member;

	if (id < 0)
		return ms_type_missing(kind, name, NULL);
	f.type_id = id;
	for (;;) {
		size_t len = strcspn(p, ".");

		if (!find_member(b->btf, f.type_id, p, len, f.bit_offset, &f,
				 0))
			return ms_type_missing(kind, name, member);
		if (!p[len])
			break;
		p += len + 1;
	}
	fill_member(b->btf, &f, out);
	return NULL;
}

static bool enum_lookup(const struct btf *btf, const struct btf_type *t,
			const char *name, int64_t *val)
{
	bool is_signed = btf_kflag(t);	/* pahole 1.24+ sets it */

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		for (int i = 0; i < btf_vlen(t); i++, e++)
			if (!strcmp(btf__name_by_offset(btf, e->name_off),
				    name)) {
				*val = is_signed ? (int64_t)e->val :
					(int64_t)(uint32_t)e->val;
				return true;
			}
	} else if (btf_is_enum64(t)) {
		const struct btf_enum64 *e = btf_enum64(t);

		for (int i = 0; i < btf_vlen(t); i++, e++)
			if (!strcmp(btf__name_by_offset(btf, e->name_off),
				    name)) {
				*val = (int64_t)btf_enum64_value(e);
				return true;
			}
	}
	return false;
}

static size_t name_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

/* Adds name unless present: the first enumerator of a name wins, as in the
 * linear search (lowest type id, then declaration order). */
static void enum_put(struct ms_btf *b, const char *name, int64_t val)
{
	size_t i = name_hash(name) & (b->nr_enums - 1);

	while (b->enums[i].name) {
		if (!strcmp(b->enums[i].name, name))
			return;
		i = (i + 1) & (b->nr_enums - 1);
	}
	b->enums[i] = (struct enum_slot){ name, val };
}

/*
 * Every enumerator of the kernel's BTF (about 40k on 6.12) in a hash
 * table, built once: the layouts ask for dozens, and a linear search of
 * all types per name costs more than the rest of start-up under
 * emulation. On allocation failure the linear search remains.
 */
static bool enum_index(struct ms_btf *b)
{
	__u32 n = btf__type_cnt(b->btf);
	size_t count = 0, slots = 64;

	if (b->enums || b->enums_failed)
		return b->enums != NULL;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);

		if (t && (btf_is_enum(t) || btf_is_enum64(t)))
			count += btf_vlen(t);
	}
	while (slots < 2 * count)
		slots <<= 1;
	b->enums = calloc(slots, sizeof(*b->enums));
	if (!b->enums) {
		b->enums_failed = true;
		return false;
	}
	b->nr_enums = slots;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		bool is_signed;

		if (!t)
			continue;
		is_signed = btf_kflag(t);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (int i = 0; i < btf_vlen(t); i++, e++)
				enum_put(b, btf__name_by_offset(b->btf, e->name_off),
					 is_signed ? (int64_t)e->val :
					 (int64_t)(uint32_t)e->val);
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (int i = 0; i < btf_vlen(t); i++, e++)
				enum_put(b, btf__name_by_offset(b->btf, e->name_off),
					 (int64_t)btf_enum64_value(e));
		}
	}
	return true;
}

/* Enumerators of every enum, named or not (SECTION_*_BIT live in an
 * anonymous enum in include/linux/mmzone.h). */
struct ms_error *ms_btf_enumerator(const struct ms_btf *b, const char *name,
				   int64_t *val)
{
	__u32 n = btf__type_cnt(b->btf);

	/* the index is a cache: b stays logically const */
	if (enum_index((struct ms_btf *)b)) {
		size_t i = name_hash(name) & (b->nr_enums - 1);

		for (; b->enums[i].name; i = (i + 1) & (b->nr_enums - 1)) {
			if (!strcmp(b->enums[i].name, name)) {
				*val = b->enums[i].val;
				return NULL;
			}
		}
		return ms_error_new(MS_ERR_MISSING,
				    "kernel type information lacks enumerator %s",
				    name);
	}
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);

		if (t && enum_lookup(b->btf, t, name, val))
			return NULL;
	}
	return ms_error_new(MS_ERR_MISSING,
			    "kernel type information lacks enumerator %s",
			    name);
}
