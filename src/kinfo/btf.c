// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BTF type finder (libbpf): /sys/kernel/btf/vmlinux (live, under a
 * sysroot, or a snapshot's copy in memory), or --btf FILE. BTF exists when the kernel was
 * built with CONFIG_DEBUG_INFO_BTF (Debian: since 5.x, all our releases).
 *
 * Member paths ("usage.subsection_map") descend one name at a time; a name
 * not found among the named members is searched for inside anonymous
 * struct and union members, recursively, which is how C resolves it —
 * struct page is mostly anonymous unions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

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
	struct ms_error *enums_err;	/* a corrupt enumerator name */
};

/* A raw blob larger than this is not a kernel's (vmlinux: about 5 MB). */
#define MAX_BTF (1u << 30)

/*
 * libbpf's own diagnostics ("libbpf: ...") would be a second line on
 * stderr: the last one is kept and becomes part of our error instead.
 */
static char libbpf_said[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(libbpf_said, sizeof(libbpf_said), fmt, ap);
	n = strlen(libbpf_said);
	while (n && (libbpf_said[n - 1] == '\n' || libbpf_said[n - 1] == ' '))
		libbpf_said[--n] = '\0';
	return 0;
}

static void libbpf_quiet(void)
{
	libbpf_set_print(libbpf_print);
	libbpf_said[0] = '\0';
}

static struct ms_error *btf_failed(const char *name, int saved)
{
	if (saved == ENOENT)
		return ms_error_errno(saved, "opening %s", name);
	if (saved == EPERM || saved == EACCES)
		return ms_error_errno(saved, "reading %s", name);
	if (libbpf_said[0])
		return ms_error_new(MS_ERR_FORMAT, "%s is not valid BTF (%s)",
				    name, libbpf_said);
	return ms_error_new(MS_ERR_FORMAT, "%s is not valid BTF (%s)", name,
			    strerror(saved));
}

static struct ms_error *btf_wrap(struct btf *btf, const char *name,
				 struct ms_btf **out)
{
	int saved = errno;
	struct ms_btf *b;

	if (!btf)
		return btf_failed(name, saved);
	b = calloc(1, sizeof(*b));
	if (!b) {
		btf__free(btf);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	b->btf = btf;
	*out = b;
	return NULL;
}

static struct ms_error *btf_from_blob(const char *data, size_t len,
				      const char *name, struct ms_btf **out)
{
	libbpf_quiet();
	if (len > MAX_BTF) {
		errno = EFBIG;
		return btf_failed(name, EFBIG);
	}
	return btf_wrap(btf__new(data, (uint32_t)len), name, out);
}

struct ms_error *ms_btf_open(const struct ms_fs *fs, const char *path,
			     struct ms_btf **out)
{
	struct ms_error *err;
	char name[4096], *data;
	size_t len;
	int ret;

	ms_fs_name(fs, path, name, sizeof(name));
	ret = ms_fs_read(fs, path, MAX_BTF, &data, &len);
	if (ret)
		return btf_failed(name, -ret);
	err = btf_from_blob(data, len, name, out);
	free(data);
	return err;
}

/* libbpf names the file it was given: the user named another. */
static struct ms_error *btf_elf(struct btf *btf, const char *path,
				const char *self, struct ms_btf **out)
{
	char said[sizeof(libbpf_said)], *at;
	int saved = errno;

	if (btf)
		return btf_wrap(btf, path, out);
	if (saved == ENOENT)
		return ms_error_new(MS_ERR_FORMAT, "%s is an ELF file without a .BTF section",
				    path);
	at = strstr(libbpf_said, self);
	if (at) {
		snprintf(said, sizeof(said), "%.*s%s%s", (int)(at - libbpf_said),
			 libbpf_said, path, at + strlen(self));
		memcpy(libbpf_said, said, sizeof(said));
	}
	return btf_failed(path, saved);
}

/* A raw blob, or an ELF file (a vmlinux) with a .BTF section. */
struct ms_error *ms_btf_open_file(const char *path, struct ms_btf **out)
{
	static const char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
	struct ms_error *err;
	char *data, self[64];
	size_t len;
	int fd, ret;

	fd = ms_fs_open_file(path);
	if (fd == -EINVAL)
		return ms_error_new(MS_ERR_USAGE, "%s is not a regular file", path);
	if (fd < 0)
		return btf_failed(path, -fd);
	ret = ms_fs_read_fd(fd, MAX_BTF, &data, &len);
	if (ret) {
		close(fd);
		return btf_failed(path, -ret);
	}
	if (len >= 4 && !memcmp(data, elf_magic, 4)) {
		/* the very file checked above, not whatever path names now */
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		libbpf_quiet();
		err = btf_elf(btf__parse_elf(self, NULL), path, self, out);
	} else {
		err = btf_from_blob(data, len, path, out);
	}
	free(data);
	close(fd);
	return err;
}

const void *ms_btf_raw(const struct ms_btf *b, size_t *len)
{
	uint32_t size = 0;
	const void *raw = btf__raw_data(b->btf, &size);

	*len = size;
	return raw;
}

void ms_btf_close(struct ms_btf *b)
{
	if (!b)
		return;
	btf__free(b->btf);
	free(b->enums);
	ms_error_free(b->enums_err);
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

/* Anonymous members nest a few levels in real kernels (struct page: 3). */
#define MAX_ANON_DEPTH 32

/*
 * One member search through anonymous members. A type is marked ON_PATH
 * while its members are searched (meeting it again is a cycle: a hostile
 * BTF whose anonymous members are of their own type) and SEARCHED once it
 * is known not to hold the name: the answer depends on the type alone,
 * not on where it sits, so no type is searched twice and the work is
 * linear in the types, not members^depth.
 */
enum { UNSEEN, ON_PATH, SEARCHED };

struct search {
	const struct btf *btf;
	uint8_t *mark;			/* one per type id */
	__u32 nr_types;
	const char *name;
	size_t len;
	struct found *f;
	struct ms_error *err;
};

static const char *type_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	return n && *n ? n : "(anonymous)";
}

/* Looks for s->name in struct/union type_id, recursing into anonymous
 * members; bit offsets accumulate from base. false with s->err set: the
 * BTF is corrupt. */
static bool find_member(struct search *s, __u32 type_id, __u64 base,
			int depth)
{
	const struct btf *btf = s->btf;
	const struct btf_type *t;
	const struct btf_member *m;
	int id = btf__resolve_type(btf, type_id);

	if (id < 0 || (__u32)id >= s->nr_types)
		return false;
	t = btf__type_by_id(btf, id);
	if (!t || !btf_is_composite(t) || s->mark[id] == SEARCHED)
		return false;
	if (s->mark[id] == ON_PATH) {
		s->err = ms_error_new(MS_ERR_FORMAT,
				      "BTF: %s (type id %d) contains itself through anonymous members",
				      type_name(btf, id), id);
		return false;
	}
	if (depth > MAX_ANON_DEPTH) {
		s->err = ms_error_new(MS_ERR_FORMAT,
				      "BTF: anonymous members nest deeper than %d levels at %s (type id %d)",
				      MAX_ANON_DEPTH, type_name(btf, id), id);
		return false;
	}
	s->mark[id] = ON_PATH;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u64 off = base + btf_member_bit_offset(t, i);

		if (!mname) {
			s->err = ms_error_new(MS_ERR_FORMAT,
					      "BTF: member %d of %s (type id %d) has a name outside the string table",
					      i, type_name(btf, id), id);
			return false;
		}
		if (!*mname) {
			if (find_member(s, m->type, off, depth + 1))
				return true;
			if (s->err)
				return false;
			continue;
		}
		if (strlen(mname) == s->len && !memcmp(mname, s->name, s->len)) {
			s->f->type_id = m->type;
			s->f->bit_offset = off;
			s->f->bitfield_size = btf_member_bitfield_size(t, i);
			return true;
		}
	}
	s->mark[id] = SEARCHED;
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
	struct search s = { .btf = b->btf, .f = &f };
	const char *p = member;
	bool ok;

	if (id < 0)
		return ms_type_missing(kind, name, NULL);
	s.nr_types = btf__type_cnt(b->btf);
	s.mark = malloc(s.nr_types);
	if (!s.mark)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	f.type_id = id;
	for (;;) {
		s.name = p;
		s.len = strcspn(p, ".");
		memset(s.mark, UNSEEN, s.nr_types);
		ok = find_member(&s, f.type_id, f.bit_offset, 0);
		if (!ok || !p[s.len])
			break;
		p += s.len + 1;
	}
	free(s.mark);
	if (s.err)
		return ms_error_wrap(s.err, "%s%s.%s", ms_type_kind_prefix(kind),
				     name, member);
	if (!ok)
		return ms_type_missing(kind, name, member);
	fill_member(b->btf, &f, out);
	return NULL;
}

/* An enumerator whose name lies outside the string table: corrupt BTF. */
static struct ms_error *bad_enumerator(const struct btf *btf, __u32 id, int i)
{
	return ms_error_new(MS_ERR_FORMAT,
			    "BTF: enumerator %d of %s (type id %u) has a name outside the string table",
			    i, type_name(btf, id), id);
}

/* Calls fn for each enumerator of type id (not an enum: none); stops
 * when fn returns non-zero and returns that, or -1 with *err set on a
 * name outside the string table. */
static int enum_each(const struct btf *btf, __u32 id,
		     int (*fn)(void *arg, const char *name, int64_t val),
		     void *arg, struct ms_error **err)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	bool is_signed, is64;
	int r = 0;

	if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
		return 0;
	is_signed = btf_kflag(t);	/* pahole 1.24+ sets it */
	is64 = btf_is_enum64(t);	/* BTF_KIND_ENUM64: pahole 1.24, 6.0+ */
	for (int i = 0; i < btf_vlen(t) && !r; i++) {
		const struct btf_enum *e = is64 ? NULL : btf_enum(t) + i;
		const struct btf_enum64 *e64 = is64 ? btf_enum64(t) + i : NULL;
		const char *n = btf__name_by_offset(btf, is64 ? e64->name_off :
						    e->name_off);
		int64_t v;

		if (!n) {
			*err = bad_enumerator(btf, id, i);
			return -1;
		}
		if (is64)
			v = (int64_t)btf_enum64_value(e64);
		else
			v = is_signed ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
		r = fn(arg, n, v);
	}
	return r;
}

struct enum_want {
	const char *name;
	int64_t *val;
};

static int enum_match(void *arg, const char *name, int64_t val)
{
	struct enum_want *w = arg;

	if (strcmp(name, w->name))
		return 0;
	*w->val = val;
	return 1;
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

static int enum_add(void *arg, const char *name, int64_t val)
{
	enum_put(arg, name, val);
	return 0;
}

/*
 * Every enumerator of the kernel's BTF (about 40k on 6.12) in a hash
 * table, built once: the layouts ask for dozens, and a linear search of
 * all types per name costs more than the rest of start-up under
 * emulation. On allocation failure the linear search remains; a corrupt
 * name makes every later lookup fail with b->enums_err.
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
	for (__u32 id = 1; id < n; id++)
		if (enum_each(b->btf, id, enum_add, b, &b->enums_err) < 0)
			break;
	return true;
}

static struct ms_error *copy_error(const struct ms_error *e)
{
	return ms_error_new(e->code, "%s", e->msg);
}

/* Enumerators of every enum, named or not (SECTION_*_BIT live in an
 * anonymous enum in include/linux/mmzone.h). */
struct ms_error *ms_btf_enumerator(const struct ms_btf *b, const char *name,
				   int64_t *val)
{
	__u32 n = btf__type_cnt(b->btf);
	struct ms_error *err = NULL;

	/* the index is a cache: b stays logically const */
	if (enum_index((struct ms_btf *)b)) {
		size_t i = name_hash(name) & (b->nr_enums - 1);

		if (b->enums_err)
			return copy_error(b->enums_err);
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
		struct enum_want w = { name, val };
		int r = enum_each(b->btf, id, enum_match, &w, &err);

		if (r > 0)
			return NULL;
		if (r < 0)
			return err;
	}
	return ms_error_new(MS_ERR_MISSING,
			    "kernel type information lacks enumerator %s",
			    name);
}
