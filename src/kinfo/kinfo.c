// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kinfo: opens the sources (VMCOREINFO from the target, kallsyms from the
 * system's files (fs.h), BTF and DWARF finders), resolves the layout once, and answers
 * lookups: symbols from VMCOREINFO then kallsyms, types from BTF then
 * DWARF (the first finder that knows a name wins).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/timings.h"
#include "internal.h"

struct ms_kinfo {
	struct ms_vmcoreinfo *vi;
	struct ms_kallsyms *ks;
	struct ms_btf *btf;
	struct ms_dwarf *dwarf;
	bool used_btf, used_dwarf;	/* which finders answered */
	struct ms_layout layout;
	struct ms_kinfo_domains *domains; /* the rest, on first use (domains.c) */
};

void ms_type_name_split(const char *type, enum ms_type_kind *kind,
			const char **name)
{
	static const struct {
		const char *prefix;
		enum ms_type_kind kind;
	} prefixes[] = {
		{ "struct ", MS_TYPE_STRUCT },
		{ "union ", MS_TYPE_UNION },
		{ "enum ", MS_TYPE_ENUM },
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i].prefix);

		if (!strncmp(type, prefixes[i].prefix, len)) {
			*kind = prefixes[i].kind;
			*name = type + len;
			return;
		}
	}
	*kind = MS_TYPE_TYPEDEF;
	*name = type;
}

struct ms_error *ms_type_missing(enum ms_type_kind kind, const char *name,
				 const char *member)
{
	return ms_error_new(MS_ERR_MISSING,
			    "kernel type information lacks %s%s%s%s",
			    ms_type_kind_prefix(kind), name, member ? "." : "",
			    member ? member : "");
}

static bool is_missing(struct ms_error *err)
{
	return err && err->code == MS_ERR_MISSING;
}

/* ---- sources ---- */

#define BTF_VMLINUX "/sys/kernel/btf/vmlinux"

static struct ms_error *open_types(struct ms_kinfo *ki, const struct ms_fs *fs,
				   const struct ms_kinfo_opts *opts)
{
	struct ms_error *err;
	char name[4096];

	if (opts->btf_path)
		err = ms_btf_open_file(opts->btf_path, &ki->btf);
	else
		err = ms_btf_open(fs, BTF_VMLINUX, &ki->btf);
	/* Only the default path may be absent: an explicit file must exist. */
	if (err && err->errnum == ENOENT && !opts->btf_path) {
		ms_error_free(err);
		err = NULL;
		ms_fs_name(fs, BTF_VMLINUX, name, sizeof(name));
		if (!opts->vmlinux_path)
			return ms_error_new(MS_ERR_MISSING,
					    "no kernel type information: %s is missing (CONFIG_DEBUG_INFO_BTF off?); pass -k VMLINUX with DWARF",
					    name);
	}
	if (err)
		return err;
	if (opts->vmlinux_path)
		return ms_dwarf_open(opts->vmlinux_path, &ki->dwarf);
	return NULL;
}

/*
 * kallsyms from the sysroot belongs to the running kernel; a dump taken
 * from another boot (or another machine) must not borrow its addresses.
 * SYMBOL(_stext) is in every VMCOREINFO since 4.10; compare it.
 */
static void check_kallsyms(struct ms_kinfo *ki)
{
	uint64_t vi_stext, ks_stext;
	struct ms_error *err;
	char why[128];

	err = ms_vmcoreinfo_u64(ki->vi, "SYMBOL(_stext)", 16, &vi_stext);
	if (err) {
		ms_error_free(err);
		return;
	}
	err = ms_kallsyms_lookup(ki->ks, "_stext", &ks_stext);
	if (err) {
		ms_error_free(err);
		return;
	}
	if (ks_stext != vi_stext) {
		snprintf(why, sizeof(why),
			 "its _stext is %#llx, VMCOREINFO says %#llx",
			 (unsigned long long)ks_stext,
			 (unsigned long long)vi_stext);
		ms_kallsyms_set_foreign(ki->ks, why);
	}
}

static struct ms_error *open_sources(struct ms_kinfo *ki, struct ms_target *t,
				     const struct ms_fs *fs,
				     const struct ms_kinfo_opts *opts)
{
	const char *text = ms_target_vmcoreinfo(t);
	struct ms_error *err;

	if (!text)
		return ms_error_new(MS_ERR_FORMAT, "no VMCOREINFO note in %s",
				    ms_target_path(t));
	err = ms_vmcoreinfo_parse(text, &ki->vi);
	ms_timings_mark("kinfo: vmcoreinfo");
	if (err)
		return err;
	err = ms_kallsyms_load(fs, "/proc/kallsyms", ki->vi, t, &ki->ks);
	if (err)
		return err;
	check_kallsyms(ki);
	ms_timings_mark("kinfo: kallsyms");
	err = open_types(ki, fs, opts);
	ms_timings_mark("kinfo: btf/dwarf");
	return err;
}

/*
 * The top page table: through the segment that maps init_top_pgt (kcore,
 * kdump vmcores), else physically for dumps with physical addresses only
 * (QEMU dump-guest-memory, snapshots): the kernel image is mapped at
 * __START_KERNEL_map + phys_base, so its physical address is
 * init_top_pgt - __START_KERNEL_map + phys_base. __START_KERNEL_map is an
 * architectural constant of x86_64 (arch/x86/include/asm/page_64_types.h,
 * unchanged since 2.6.24); NUMBER(phys_base) is in VMCOREINFO since 4.10.
 */
struct ms_error *ms_kinfo_set_paging(struct ms_kinfo *ki, struct ms_target *t)
{
	const uint64_t start_kernel_map = 0xffffffff80000000ULL;
	const struct ms_layout *lay = &ki->layout;
	struct ms_error *err, *perr;
	int64_t phys_base;

	err = ms_target_set_paging(t, lay->init_top_pgt, lay->pgtable_levels);
	if (!err || err->code != MS_ERR_FAULT)
		return err;
	perr = ms_vmcoreinfo_s64(ki->vi, "NUMBER(phys_base)", &phys_base);
	if (perr) {
		ms_error_free(perr);
		return err;
	}
	ms_error_free(err);
	return ms_target_set_paging_phys(t, lay->init_top_pgt - start_kernel_map +
					 (uint64_t)phys_base, lay->pgtable_levels);
}

struct ms_error *ms_kinfo_kallsyms_used(const struct ms_kinfo *ki, char **text,
					size_t *len)
{
	return ms_kallsyms_used_text(ki->ks, text, len);
}

const void *ms_kinfo_btf_raw(const struct ms_kinfo *ki, size_t *len)
{
	return ki->btf ? ms_btf_raw(ki->btf, len) : NULL;
}

struct ms_error *ms_kinfo_open(struct ms_target *t,
			       const struct ms_kinfo_opts *opts,
			       struct ms_kinfo **out)
{
	static const struct ms_kinfo_opts no_opts;
	struct ms_kinfo *ki = calloc(1, sizeof(*ki));
	struct ms_fs *own = NULL;
	struct ms_error *err;

	if (ki)
		ki->domains = ms_kinfo_domains_new();
	if (!ki || !ki->domains) {
		free(ki);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	if (!opts)
		opts = &no_opts;
	/* the sources are read once, here: a sysroot's fs lives as long */
	err = opts->fs ? NULL : ms_fs_open_dir(opts->sysroot, &own);
	if (!err)
		err = open_sources(ki, t, opts->fs ? opts->fs : own, opts);
	ms_fs_free(own);
	if (!err)
		err = ms_layout_resolve(ki, t, &ki->layout);	/* sets paging */
	ms_timings_mark("kinfo: layouts");
	if (err) {
		ms_kinfo_close(ki);
		return err;
	}
	*out = ki;
	return NULL;
}

void ms_kinfo_close(struct ms_kinfo *ki)
{
	if (!ki)
		return;
	ms_vmcoreinfo_free(ki->vi);
	ms_kallsyms_free(ki->ks);
	ms_btf_close(ki->btf);
	ms_dwarf_close(ki->dwarf);
	ms_kinfo_domains_free(ki->domains);
	free(ki);
}

const struct ms_layout *ms_kinfo_layout(const struct ms_kinfo *ki)
{
	return &ki->layout;
}

struct ms_kinfo_domains *ms_kinfo_domains(const struct ms_kinfo *ki)
{
	return ki->domains;
}

const char *ms_kinfo_type_source(const struct ms_kinfo *ki)
{
	if (ki->used_btf && ki->used_dwarf)
		return "btf+dwarf";
	if (ki->used_dwarf || !ki->btf)
		return "dwarf";
	return "btf";
}

/* ---- lookups ---- */

/*
 * VMCOREINFO_SYMBOL_ARRAY() entries print a pointer's value, not its
 * address: SYMBOL(mem_section) is the root array (4.15, a0b1280368d1),
 * SYMBOL(vmemmap) the memmap base (6.9). The variable's address is only
 * in kallsyms; the values are ms_layout's mem_section_roots and
 * vmemmap_base.
 */
static bool symbol_is_value(const char *name)
{
	return !strcmp(name, "mem_section") || !strcmp(name, "vmemmap");
}

struct ms_error *ms_kinfo_symbol(const struct ms_kinfo *ki, const char *name,
				 uint64_t *addr)
{
	char key[128];
	struct ms_error *err;

	if (symbol_is_value(name))
		return ms_kallsyms_lookup(ki->ks, name, addr);
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	err = ms_vmcoreinfo_u64(ki->vi, key, 16, addr);
	if (!is_missing(err))
		return err;
	ms_error_free(err);
	return ms_kallsyms_lookup(ki->ks, name, addr);
}

/* NUMBER(name) from VMCOREINFO, else an enumerator of that name. */
struct ms_error *ms_kinfo_number(const struct ms_kinfo *ki, const char *name,
				 int64_t *val)
{
	char key[128];
	struct ms_error *err;

	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	err = ms_vmcoreinfo_s64(ki->vi, key, val);
	if (!is_missing(err))
		return err;
	ms_error_free(err);
	err = ms_kinfo_enumerator(ki, name, val);
	if (is_missing(err)) {
		ms_error_free(err);
		return ms_error_new(MS_ERR_MISSING,
				    "constant %s is in neither VMCOREINFO nor the kernel's types",
				    name);
	}
	return err;
}

const char *ms_kinfo_vmcoreinfo(const struct ms_kinfo *ki, const char *key)
{
	return ms_vmcoreinfo_get(ki->vi, key);
}

/*
 * The finder chain: BTF first; DWARF when there is no BTF or BTF does not
 * know the name. The first finder's message is kept when neither knows it.
 * ki is const to callers; which finders answered is bookkeeping for
 * ms_kinfo_type_source().
 */
static bool ask_dwarf(const struct ms_kinfo *ki, struct ms_error *btf_err)
{
	return ki->dwarf && (!ki->btf || is_missing(btf_err));
}

static struct ms_error *answered(const struct ms_kinfo *ki,
				 struct ms_error *btf_err,
				 struct ms_error *dwarf_err, bool asked_dwarf)
{
	struct ms_kinfo *k = (struct ms_kinfo *)ki;

	if (!asked_dwarf) {
		k->used_btf |= !btf_err;
		return btf_err;
	}
	if (!dwarf_err) {
		ms_error_free(btf_err);
		k->used_dwarf = true;
		return NULL;
	}
	if (btf_err) {
		ms_error_free(dwarf_err);
		return btf_err;
	}
	return dwarf_err;
}

struct ms_error *ms_kinfo_type_size(const struct ms_kinfo *ki, const char *type,
				    uint64_t *size)
{
	struct ms_error *eb = NULL, *ed = NULL;
	enum ms_type_kind kind;
	const char *name;
	bool dw;

	ms_type_name_split(type, &kind, &name);
	if (ki->btf)
		eb = ms_btf_type_size(ki->btf, kind, name, size);
	dw = ask_dwarf(ki, eb);
	if (dw)
		ed = ms_dwarf_type_size(ki->dwarf, kind, name, size);
	return answered(ki, eb, ed, dw);
}

struct ms_error *ms_kinfo_member(const struct ms_kinfo *ki, const char *type,
				 const char *member, struct ms_member *out)
{
	struct ms_error *eb = NULL, *ed = NULL;
	enum ms_type_kind kind;
	const char *name;
	bool dw;

	ms_type_name_split(type, &kind, &name);
	if (ki->btf)
		eb = ms_btf_member(ki->btf, kind, name, member, out);
	dw = ask_dwarf(ki, eb);
	if (dw)
		ed = ms_dwarf_member(ki->dwarf, kind, name, member, out);
	return answered(ki, eb, ed, dw);
}

struct ms_error *ms_kinfo_enumerator(const struct ms_kinfo *ki,
				     const char *name, int64_t *val)
{
	struct ms_error *eb = NULL, *ed = NULL;
	bool dw;

	if (ki->btf)
		eb = ms_btf_enumerator(ki->btf, name, val);
	dw = ask_dwarf(ki, eb);
	if (dw)
		ed = ms_dwarf_enumerator(ki->dwarf, name, val);
	return answered(ki, eb, ed, dw);
}

/* For layout.c */
const struct ms_vmcoreinfo *ms_kinfo_vmcoreinfo_table(const struct ms_kinfo *ki)
{
	return ki->vi;
}

const struct ms_kallsyms *ms_kinfo_kallsyms_table(const struct ms_kinfo *ki)
{
	return ki->ks;
}
