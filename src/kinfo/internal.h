/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kinfo internals: the VMCOREINFO table, the kallsyms table and the type
 * finders (BTF, DWARF). Only src/kinfo/ includes this header; the rest of
 * memscope sees include/memscope/kinfo.h.
 */
#ifndef MEMSCOPE_KINFO_INTERNAL_H
#define MEMSCOPE_KINFO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/fs.h"
#include "memscope/kinfo.h"
#include "memscope/klayout.h"

/* ---- vmcoreinfo.c: the KEY=value lines of the VMCOREINFO note ---- */
struct ms_vmcoreinfo;
struct ms_error *ms_vmcoreinfo_parse(const char *text,
				     struct ms_vmcoreinfo **out);
void ms_vmcoreinfo_free(struct ms_vmcoreinfo *vi);
/* Raw value of KEY, or NULL. */
const char *ms_vmcoreinfo_get(const struct ms_vmcoreinfo *vi, const char *key);
/*
 * Typed values. base 16 for SYMBOL() and KERNELOFFSET (printed with %lx,
 * no 0x), 0 for NUMBER() (usually %ld, sometimes 0x%lx), 10 otherwise.
 * Absent: MS_ERR_MISSING "VMCOREINFO lacks KEY"; malformed: MS_ERR_FORMAT.
 */
struct ms_error *ms_vmcoreinfo_u64(const struct ms_vmcoreinfo *vi,
				   const char *key, int base, uint64_t *val);
struct ms_error *ms_vmcoreinfo_s64(const struct ms_vmcoreinfo *vi,
				   const char *key, int64_t *val);

/* ---- kallsyms.c: the symbols memscope needs from /proc/kallsyms ---- */
struct ms_kallsyms;
/*
 * Reads path for the symbols vi lacks (not at all when it has them all).
 * A missing file is not an error here: lookups say what is missing.
 */
struct ms_error *ms_kallsyms_load(const struct ms_fs *fs, const char *path,
				  const struct ms_vmcoreinfo *vi,
				  struct ms_target *t,
				  struct ms_kallsyms **out);
/*
 * kallsyms_mem.c: the kernel's own symbol tables in t (VMCOREINFO says
 * where). want() gives the index of a name still wanted, else -1; found()
 * takes its address and type letter and says whether that was the last.
 * True only when found() said so.
 */
bool ms_kallsyms_mem_search(struct ms_target *t, const struct ms_vmcoreinfo *vi,
			    int (*want)(void *arg, const char *name),
			    bool (*found)(void *arg, int idx, uint64_t addr, char type),
			    void *arg);
void ms_kallsyms_free(struct ms_kallsyms *ks);
/* Marks the table as belonging to another kernel; lookups then fail. */
void ms_kallsyms_set_foreign(struct ms_kallsyms *ks, const char *why);
/*
 * Address of a core-kernel symbol (module symbols only when no core
 * symbol has the name). MS_ERR_MISSING when absent or the file is
 * missing, MS_ERR_PERM when kptr_restrict hides the addresses.
 */
struct ms_error *ms_kallsyms_lookup(const struct ms_kallsyms *ks,
				    const char *name, uint64_t *addr);
bool ms_kallsyms_hidden(const struct ms_kallsyms *ks);
/* The lines of the symbols looked up so far, /proc/kallsyms format. */
struct ms_error *ms_kallsyms_used_text(const struct ms_kallsyms *ks,
				       char **out, size_t *len);

/* ---- type finders: btf.c, dwarf.c ---- */
enum ms_type_kind {
	MS_TYPE_STRUCT,
	MS_TYPE_UNION,
	MS_TYPE_ENUM,
	MS_TYPE_TYPEDEF,	/* also base types such as "unsigned long" */
};

/* "struct page" -> (MS_TYPE_STRUCT, "page"); a bare name is a typedef. */
void ms_type_name_split(const char *type, enum ms_type_kind *kind,
			const char **name);
const char *ms_type_kind_prefix(enum ms_type_kind kind);

/*
 * Every finder returns MS_ERR_MISSING when it does not know a name, so
 * that kinfo.c can ask the next finder; the message names what is missing
 * ("kernel type information lacks struct zone.name").
 */
struct ms_btf;
/*
 * BTF from fs (a raw blob, as /sys/kernel/btf/vmlinux is), or from a file
 * given by the user (a raw blob or an ELF file with .BTF). Missing: an
 * error with errnum ENOENT.
 */
struct ms_error *ms_btf_open(const struct ms_fs *fs, const char *path,
			     struct ms_btf **out);
struct ms_error *ms_btf_open_file(const char *path, struct ms_btf **out);
/* The raw blob in use (for snapshots); owned by b. */
const void *ms_btf_raw(const struct ms_btf *b, size_t *len);
void ms_btf_close(struct ms_btf *b);
struct ms_error *ms_btf_type_size(const struct ms_btf *b,
				  enum ms_type_kind kind, const char *name,
				  uint64_t *size);
struct ms_error *ms_btf_member(const struct ms_btf *b, enum ms_type_kind kind,
			       const char *name, const char *member,
			       struct ms_member *out);
struct ms_error *ms_btf_enumerator(const struct ms_btf *b, const char *name,
				   int64_t *val);

struct ms_dwarf;
struct ms_error *ms_dwarf_open(const char *path, struct ms_dwarf **out);
void ms_dwarf_close(struct ms_dwarf *d);
struct ms_error *ms_dwarf_type_size(const struct ms_dwarf *d,
				    enum ms_type_kind kind, const char *name,
				    uint64_t *size);
struct ms_error *ms_dwarf_member(const struct ms_dwarf *d,
				 enum ms_type_kind kind, const char *name,
				 const char *member, struct ms_member *out);
struct ms_error *ms_dwarf_enumerator(const struct ms_dwarf *d,
				     const char *name, int64_t *val);

/*
 * ---- kinfo.c: the finders, for the domains' tables (needs.c) ----
 * Only src/kinfo/ asks them (tests/check-layers): the rest of memscope
 * reads the resolved tables (kinfo.h, klayout.h).
 */
struct ms_error *ms_kinfo_symbol(const struct ms_kinfo *ki, const char *name,
				 uint64_t *addr);
/* NUMBER(name) from VMCOREINFO, else an enumerator of that name. */
struct ms_error *ms_kinfo_number(const struct ms_kinfo *ki, const char *name,
				 int64_t *val);
/* type: "struct page", "union X", "enum zone_type", a typedef name. */
struct ms_error *ms_kinfo_type_size(const struct ms_kinfo *ki, const char *type,
				    uint64_t *size);
/* member may be a path through nested members: "usage.subsection_map". */
struct ms_error *ms_kinfo_member(const struct ms_kinfo *ki, const char *type,
				 const char *member, struct ms_member *out);
/* The value of an enumerator of any enum, named or anonymous. */
struct ms_error *ms_kinfo_enumerator(const struct ms_kinfo *ki,
				     const char *name, int64_t *val);

/* ---- kinfo.c: the sources, for layout.c ---- */
const struct ms_vmcoreinfo *ms_kinfo_vmcoreinfo_table(const struct ms_kinfo *ki);
const struct ms_kallsyms *ms_kinfo_kallsyms_table(const struct ms_kinfo *ki);

/* Arms the target's page-table walker from the layout's basics. */
struct ms_error *ms_kinfo_set_paging(struct ms_kinfo *ki, struct ms_target *t);

/* ---- needs.c: the declarative tables every domain resolves ---- */
enum ms_need_kind {
	MS_NEED_SIZE,		/* sizeof(type): uint64_t */
	MS_NEED_OFFSET,		/* offsetof(type, name): uint64_t */
	MS_NEED_MEMBER,		/* struct ms_member of type.name */
	MS_NEED_ENUM,		/* the enumerator name: int or int64_t */
	MS_NEED_NUMBER,		/* VMCOREINFO NUMBER(name), else an
				 * enumerator: int64_t */
	MS_NEED_SYMBOL,		/* address of name: uint64_t */
};

/* Row flags. Without MS_NEED_OPTIONAL a row is required. */
#define MS_NEED_OPTIONAL 0x1u	/* absent: MS_ABSENT, -1 or a zeroed member */
/* Asked only when the row before came back absent: another name for the
 * same thing (a rename), optional or required on its own flags. */
#define MS_NEED_ELSE	0x2u
/* Absent: so is the whole domain; the rows after it are not asked. */
#define MS_NEED_GATE	0x4u
/* Cross-checked against VMCOREINFO's SIZE(t) / OFFSET(t.m) when it has it. */
#define MS_NEED_VI	0x8u

struct ms_need {
	enum ms_need_kind kind;
	unsigned int flags;
	const char *type;	/* "struct page"; NULL for enumerators, symbols */
	const char *name;	/* member path, enumerator, constant or symbol */
	size_t dst, width;	/* where the answer goes in the domain's struct */
};

/* One row; S is the struct the table fills, field where this row goes. */
#define MS_NEED_ROW(kind, flags, type, name, S, field)			\
	{ MS_NEED_##kind, (flags), (type), (name), offsetof(S, field),	\
	  sizeof(((S *)0)->field) }
#define MS_NEEDS_NR(t) (sizeof(t) / sizeof((t)[0]))

/*
 * Resolves every row of needs into base, in order. Optional rows the
 * kernel lacks are set absent; the first required row it lacks is the
 * MS_ERR_MISSING error that names it; any other error (a malformed type
 * information, VMCOREINFO disagreeing) stops too.
 */
struct ms_error *ms_needs_resolve(const struct ms_kinfo *ki,
				  const struct ms_need *needs, size_t nr,
				  void *base);
/* The name the first row filling dst asks for; "?" when none does. */
const char *ms_needs_name(const struct ms_need *needs, size_t nr, size_t dst);
/* A member the model reads lies inside its struct; else MS_ERR_FORMAT. */
struct ms_error *ms_need_fits(const char *type, const char *member,
			      uint64_t off, uint64_t len, uint64_t size);

/* ---- domains.c: the sub-tables, resolved once per ms_kinfo ---- */
struct ms_kinfo_domains;
struct ms_kinfo_domains *ms_kinfo_domains_new(void);	/* NULL: no memory */
void ms_kinfo_domains_free(struct ms_kinfo_domains *d);
/* kinfo.c: ki's own (writable behind a const ki: a cache) */
struct ms_kinfo_domains *ms_kinfo_domains(const struct ms_kinfo *ki);
/* The xarray rows both pgmap_array and memory_blocks need. */
struct ms_error *ms_kinfo_xa_layout(const struct ms_kinfo *ki,
				    const struct ms_xa_layout **out);

/* One resolver per domain file: page_layout.c, pgmap_layout.c,
 * hstate_layout.c, ksysfs_layout.c. */
struct ms_error *ms_page_layout_resolve(const struct ms_kinfo *ki,
					struct ms_page_layout *out);
struct ms_error *ms_pgmap_layout_resolve(const struct ms_kinfo *ki,
					 struct ms_pgmap_layout *out);
struct ms_error *ms_hstate_layout_resolve(const struct ms_kinfo *ki,
					  struct ms_hstate_layout *out);
struct ms_error *ms_block_layout_resolve(const struct ms_kinfo *ki,
					 struct ms_block_layout *out);
struct ms_error *ms_resource_layout_resolve(const struct ms_kinfo *ki,
					    struct ms_resource_layout *out);
struct ms_error *ms_xa_layout_resolve(const struct ms_kinfo *ki,
				      struct ms_xa_layout *out);

/* ---- layout.c ---- */
struct ms_error *ms_layout_resolve(struct ms_kinfo *ki, struct ms_target *t,
				   struct ms_layout *lay);

/* Message helpers shared by the finders. */
struct ms_error *ms_type_missing(enum ms_type_kind kind, const char *name,
				 const char *member);

#endif
