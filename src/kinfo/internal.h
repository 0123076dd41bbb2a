/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kinfo internals: the VMCOREINFO table, the kallsyms table and the type
 * finders (BTF, DWARF). Only src/kinfo/ includes this header; the rest of
 * memscope sees include/memscope/kinfo.h.
 */
#ifndef MEMSCOPE_KINFO_INTERNAL_H
#define MEMSCOPE_KINFO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "memscope/fs.h"
#include "memscope/kinfo.h"

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

/* ---- kinfo.c: the sources, for layout.c ---- */
const struct ms_vmcoreinfo *ms_kinfo_vi(const struct ms_kinfo *ki);
const struct ms_kallsyms *ms_kinfo_ks(const struct ms_kinfo *ki);

/* Arms the target's page-table walker from the layout's basics. */
struct ms_error *ms_kinfo_set_paging(struct ms_kinfo *ki, struct ms_target *t);

/* ---- layout.c ---- */
struct ms_error *ms_layout_resolve(struct ms_kinfo *ki, struct ms_target *t,
				   struct ms_layout *lay);

/* Message helpers shared by the finders. */
struct ms_error *ms_type_missing(enum ms_type_kind kind, const char *name,
				 const char *member);

#endif
