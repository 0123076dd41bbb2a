// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DWARF type finder (libdw), for kernels without BTF: -k VMLINUX. The
 * first lookup pays for one pass over the compile units that indexes the
 * top-level named types (definitions only, not declarations) and every
 * enumerator; later lookups are binary searches. A vmlinux has thousands
 * of CUs, so walking them per lookup would be far too slow.
 */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdw.h>

#include "memscope/array.h"
#include "internal.h"

struct dw_type {
	const char *name;		/* in .debug_str: lives as long as dbg */
	enum ms_type_kind kind;
	Dwarf_Off off;
};

struct dw_enumerator {
	const char *name;
	int64_t val;
};

struct ms_dwarf {
	int fd;
	Dwarf *dbg;
	struct dw_type *types;
	size_t nr_types, cap_types;
	struct dw_enumerator *enums;
	size_t nr_enums, cap_enums;
};

static bool grow(void **arr, size_t *cap, size_t nr, size_t elem)
{
	void *n;

	if (nr < *cap)
		return true;
	n = ms_array_grow(*arr, cap, elem, 1024);
	if (!n)
		return false;
	*arr = n;
	return true;
}

static int type_cmp(const void *a, const void *b)
{
	const struct dw_type *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->off < y->off ? -1 : x->off > y->off;	/* first CU wins */
}

static int enum_cmp(const void *a, const void *b)
{
	const struct dw_enumerator *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static bool index_enumerators(struct ms_dwarf *d, Dwarf_Die *die)
{
	Dwarf_Die child;
	Dwarf_Attribute attr;

	if (dwarf_child(die, &child))
		return true;
	do {
		const char *name = dwarf_diename(&child);
		Dwarf_Sword sv;

		if (dwarf_tag(&child) != DW_TAG_enumerator || !name ||
		    !dwarf_attr(&child, DW_AT_const_value, &attr) ||
		    dwarf_formsdata(&attr, &sv))
			continue;
		if (!grow((void **)&d->enums, &d->cap_enums, d->nr_enums,
			  sizeof(*d->enums)))
			return false;
		d->enums[d->nr_enums++] = (struct dw_enumerator){ name, sv };
	} while (dwarf_siblingof(&child, &child) == 0);
	return true;
}

static bool index_die(struct ms_dwarf *d, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	enum ms_type_kind kind;

	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
		kind = MS_TYPE_STRUCT;
		break;
	case DW_TAG_union_type:
		kind = MS_TYPE_UNION;
		break;
	case DW_TAG_enumeration_type:
		if (!index_enumerators(d, die))
			return false;
		kind = MS_TYPE_ENUM;
		break;
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		kind = MS_TYPE_TYPEDEF;
		break;
	default:
		return true;
	}
	if (!name || dwarf_hasattr(die, DW_AT_declaration))
		return true;
	if (!grow((void **)&d->types, &d->cap_types, d->nr_types,
		  sizeof(*d->types)))
		return false;
	d->types[d->nr_types++] = (struct dw_type){ name, kind,
						    dwarf_dieoffset(die) };
	return true;
}

static struct ms_error *build_index(struct ms_dwarf *d)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(d->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;

		if (dwarf_offdie(d->dbg, off + hsize, &cu) &&
		    dwarf_child(&cu, &die) == 0) {
			do {
				if (!index_die(d, &die))
					return ms_error_new(MS_ERR_NOMEM,
							    "out of memory");
			} while (dwarf_siblingof(&die, &die) == 0);
		}
		off = next;
	}
	qsort(d->types, d->nr_types, sizeof(*d->types), type_cmp);
	qsort(d->enums, d->nr_enums, sizeof(*d->enums), enum_cmp);
	return NULL;
}

struct ms_error *ms_dwarf_open(const char *path, struct ms_dwarf **out)
{
	struct ms_dwarf *d = calloc(1, sizeof(*d));
	struct ms_error *err;

	if (!d)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	d->fd = ms_fs_open_file(path);
	if (d->fd < 0) {
		err = d->fd == -EINVAL ?
		      ms_error_new(MS_ERR_USAGE, "%s is not a regular file", path) :
		      ms_error_errno(-d->fd, "opening %s", path);
		free(d);
		return err;
	}
	d->dbg = dwarf_begin(d->fd, DWARF_C_READ);
	if (!d->dbg) {
		err = ms_error_new(MS_ERR_FORMAT, "%s has no DWARF (%s)", path,
				   dwarf_errmsg(-1));
		ms_dwarf_close(d);
		return err;
	}
	err = build_index(d);
	if (err) {
		ms_dwarf_close(d);
		return err;
	}
	*out = d;
	return NULL;
}

void ms_dwarf_close(struct ms_dwarf *d)
{
	if (!d)
		return;
	if (d->dbg)
		dwarf_end(d->dbg);
	if (d->fd >= 0)
		close(d->fd);
	free(d->types);
	free(d->enums);
	free(d);
}

static bool find_type(const struct ms_dwarf *d, enum ms_type_kind kind,
		      const char *name, Dwarf_Die *die)
{
	struct dw_type key = { .name = name, .kind = kind, .off = 0 };
	size_t lo = 0, hi = d->nr_types;

	while (lo < hi) {	/* lower bound: lowest offset first */
		size_t mid = lo + (hi - lo) / 2;

		if (type_cmp(&d->types[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == d->nr_types || strcmp(d->types[lo].name, name) ||
	    d->types[lo].kind != kind)
		return false;
	return dwarf_offdie(d->dbg, d->types[lo].off, die) != NULL;
}

/* Follows DW_AT_type through typedefs and qualifiers. */
static bool peel_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &t))
		return false;
	return dwarf_peel_type(&t, out) == 0;
}

struct ms_error *ms_dwarf_type_size(const struct ms_dwarf *d,
				    enum ms_type_kind kind, const char *name,
				    uint64_t *size)
{
	Dwarf_Die die, peeled;
	Dwarf_Word sz;

	if (!find_type(d, kind, name, &die))
		return ms_type_missing(kind, name, NULL);
	if (dwarf_peel_type(&die, &peeled) || dwarf_aggregate_size(&peeled, &sz))
		return ms_error_new(MS_ERR_FORMAT, "DWARF: cannot size %s%s",
				    ms_type_kind_prefix(kind), name);
	*size = sz;
	return NULL;
}

struct found {
	Dwarf_Die die;		/* the member */
	uint64_t bit_offset;
	unsigned int bit_size;
};

static uint64_t member_bit_offset(Dwarf_Die *m, unsigned int *bit_size)
{
	Dwarf_Attribute attr;
	Dwarf_Word w = 0;

	*bit_size = 0;
	if (dwarf_attr(m, DW_AT_bit_size, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		*bit_size = w;
	/* DWARF 4+: DW_AT_data_bit_offset; else a byte offset (union
	 * members have none). DWARF 2 DW_AT_bit_offset is not supported. */
	if (dwarf_attr(m, DW_AT_data_bit_offset, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return w;
	if (dwarf_attr(m, DW_AT_data_member_location, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return w * 8;
	return 0;
}

static bool find_member(Dwarf_Die *type, const char *name, size_t len,
			uint64_t base, struct found *f, int depth)
{
	Dwarf_Die child, sub;
	int tag = dwarf_tag(type);

	if (depth > 32 || (tag != DW_TAG_structure_type &&
			   tag != DW_TAG_union_type) ||
	    dwarf_child(type, &child))
		return false;
	do {
		const char *mname;
		unsigned int bits;
		uint64_t off;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		mname = dwarf_diename(&child);
		off = base + member_bit_offset(&child, &bits);
		if (!mname) {
			if (peel_type(&child, &sub) &&
			    find_member(&sub, name, len, off, f, depth + 1))
				return true;
			continue;
		}
		if (strlen(mname) == len && !memcmp(mname, name, len)) {
			f->die = child;
			f->bit_offset = off;
			f->bit_size = bits;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static uint64_t array_nelems(Dwarf_Die *array)
{
	Dwarf_Attribute attr;
	Dwarf_Die sub;
	Dwarf_Word w;

	if (dwarf_child(array, &sub) || dwarf_tag(&sub) != DW_TAG_subrange_type)
		return 0;
	if (dwarf_attr(&sub, DW_AT_count, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return w;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return w + 1;
	return 0;	/* flexible array */
}

static void fill_member(struct found *f, struct ms_member *out)
{
	Dwarf_Die type;
	Dwarf_Word sz = 0;

	memset(out, 0, sizeof(*out));
	out->offset = f->bit_offset / 8;
	if (f->bit_size) {
		out->bit_offset = f->bit_offset % 8;
		out->bit_size = f->bit_size;
	}
	if (!peel_type(&f->die, &type))
		return;
	if (dwarf_aggregate_size(&type, &sz) == 0)
		out->size = sz;
	if (dwarf_tag(&type) == DW_TAG_array_type)
		out->nelems = array_nelems(&type);
}

struct ms_error *ms_dwarf_member(const struct ms_dwarf *d,
				 enum ms_type_kind kind, const char *name,
				 const char *member, struct ms_member *out)
{
	struct found f = { .bit_offset = 0 };
	const char *p = member;
	Dwarf_Die die, type;

	if (!find_type(d, kind, name, &die) || dwarf_peel_type(&die, &type))
		return ms_type_missing(kind, name, NULL);
	for (;;) {
		size_t len = strcspn(p, ".");

		if (!find_member(&type, p, len, f.bit_offset, &f, 0))
			return ms_type_missing(kind, name, member);
		if (!p[len])
			break;
		if (!peel_type(&f.die, &type))
			return ms_type_missing(kind, name, member);
		p += len + 1;
	}
	fill_member(&f, out);
	return NULL;
}

struct ms_error *ms_dwarf_enumerator(const struct ms_dwarf *d,
				     const char *name, int64_t *val)
{
	struct dw_enumerator key = { .name = name };
	struct dw_enumerator *e;

	e = bsearch(&key, d->enums, d->nr_enums, sizeof(*d->enums), enum_cmp);
	if (!e)
		return ms_error_new(MS_ERR_MISSING,
				    "kernel type information lacks enumerator %s",
				    name);
	*val = e->val;
	return NULL;
}
