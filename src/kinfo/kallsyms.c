// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kallsyms: "ffffffff81000000 T _stext", module symbols with a
 * trailing "\t[module]". memscope needs a dozen symbols of its 100-200k
 * lines, and VMCOREINFO has most of them (6.9+: all but the memory-block,
 * hugetlb, iomem and pgmap ones), so the file is read in one streaming
 * pass for the symbols on the list below that VMCOREINFO lacks, and the
 * pass stops at the line that completes them: no buffer of the whole
 * file (10 MB), no index of names nobody asks for, and the kernel does not
 * format the lines after it (module symbols come last). When VMCOREINFO
 * has them all, the file is not opened at all. BTF knows no addresses but
 * the per-cpu offsets, so it cannot stand in.
 *
 * A core-kernel symbol wins over a module symbol of the same name (and
 * the first one over later ones), as the kernel's kallsyms_lookup_name()
 * does. When kernel.kptr_restrict hides pointers from the reader, every
 * address is printed as zero; a lookup then says so instead of returning 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Every symbol memscope reads through kallsyms, with the VMCOREINFO keys
 * that make it needless: SYMBOL(name) where that is the address, or what
 * the model reads instead. SYMBOL(mem_section) is the pointer's value, not
 * its address (4.15, a0b1280368d1): the address is read to check it. A
 * lookup of another name is memscope's own mistake (tests/check-symbols
 * keeps this list complete).
 */
static const struct {
	const char *name;
	const char *unless[2];
} wanted[] = {
	{ "_stext", { NULL } },		/* is kallsyms this kernel's? */
	{ "init_top_pgt", { "SYMBOL(init_top_pgt)" } },
	{ "mem_section", { NULL } },
	{ "page_offset_base", { NULL } },	/* never in VMCOREINFO */
	{ "vmemmap_base", { "SYMBOL(vmemmap)" } },	/* the value, 6.9 */
	{ "max_pfn", { NULL } },
	{ "contig_page_data", { "SYMBOL(contig_page_data)", "SYMBOL(node_data)" } },
	{ "sections_per_block", { NULL } },
	{ "memory_block_size_probed", { NULL } },
	{ "memory_blocks", { NULL } },
	{ "remove_memory", { NULL } },
	{ "hstates", { NULL } },
	{ "iomem_resource", { NULL } },
	{ "pgmap_array", { NULL } },
};
#define NR_WANTED (sizeof(wanted) / sizeof(wanted[0]))

struct kallsym {
	uint64_t addr;
	char type;		/* the nm letter */
	bool read;		/* looked for in the file */
	const char *vi_key;	/* else: the VMCOREINFO key that has it */
	bool found, module;
	bool used;		/* looked up: kept in snapshots */
};

struct ms_kallsyms {
	char *path;
	struct kallsym syms[NR_WANTED];
	size_t to_find;		/* read, and not yet found as core symbols */
	bool opened;		/* the file was read */
	bool from_memory;	/* the kernel's tables answered instead */
	size_t mem_left;	/* wanted of the tables, not yet found */
	bool any_nonzero;	/* an address that is not zero */
	bool first[256];	/* first letters of the names read */
	bool missing;		/* no such file */
	bool hidden;		/* every address is zero */
	char *foreign;		/* why the table is not this kernel's */
};

static int wanted_index(const char *name)
{
	for (size_t i = 0; i < NR_WANTED; i++)
		if (!strcmp(wanted[i].name, name))
			return (int)i;
	return -1;
}

/*
 * One line: address, type letter, name, optional "\t[module]". Returns 1
 * when it completes the list, which stops the reading. Most lines are not
 * wanted: the name's first letter turns them away before any parsing.
 */
static int take_line(void *arg, char *line)
{
	struct ms_kallsyms *ks = arg;
	char *sp = strchr(line, ' '), *end, *name, *tab;
	struct kallsym *k;
	uint64_t addr;
	int i;

	if (!sp || sp == line || !sp[1] || sp[2] != ' ')
		return 0;
	name = sp + 3;
	if (!ks->any_nonzero)
		ks->any_nonzero = strspn(line, "0") < (size_t)(sp - line);
	if (!ks->first[(unsigned char)*name])
		return 0;
	tab = strchr(name, '\t');
	if (tab)
		*tab = '\0';
	i = wanted_index(name);
	if (i < 0)
		return 0;
	k = &ks->syms[i];
	if (!k->read || (k->found && (!k->module || tab)))
		return 0;	/* the first core symbol, else the first */
	addr = strtoull(line, &end, 16);
	if (end != sp)
		return 0;
	k->addr = addr;
	k->type = sp[1];
	k->found = true;
	k->module = tab != NULL;
	if (!k->module && !--ks->to_find)
		return 1;
	return 0;
}

/* Far above any kernel's (about 10 MB for 200k symbols). */
#define MAX_KALLSYMS (512u << 20)

/* Which symbols the file must give: those VMCOREINFO has not. */
static void choose(struct ms_kallsyms *ks, const struct ms_vmcoreinfo *vi)
{
	for (size_t i = 1; i < NR_WANTED; i++) {
		struct kallsym *k = &ks->syms[i];

		for (size_t j = 0; j < 2 && wanted[i].unless[j]; j++)
			if (ms_vmcoreinfo_get(vi, wanted[i].unless[j]))
				k->vi_key = wanted[i].unless[j];
		k->read = !k->vi_key;
		ks->to_find += k->read;
		ks->first[(unsigned char)wanted[i].name[0]] |= k->read;
	}
	/* _stext only to tell whether the addresses read are this kernel's */
	if (ks->to_find) {
		ks->syms[0].read = true;
		ks->to_find++;
		ks->first['_'] = true;
	} else {
		ks->syms[0].vi_key = "every other symbol";
	}
}

/* For ms_kallsyms_mem_search(): _stext is VMCOREINFO's, checked there. */
static int mem_want(void *arg, const char *name)
{
	struct ms_kallsyms *ks = arg;
	int i;

	if (!ks->first[(unsigned char)*name])
		return -1;
	i = wanted_index(name);
	if (i <= 0 || !ks->syms[i].read || ks->syms[i].found)
		return -1;
	return i;
}

static bool mem_found(void *arg, int i, uint64_t addr, char type)
{
	struct ms_kallsyms *ks = arg;
	struct kallsym *k = &ks->syms[i];

	k->addr = addr;
	k->type = type;
	k->found = true;
	return !--ks->mem_left;
}

/*
 * The kernel's own tables, when they hold every symbol wanted (they have
 * no module symbols, and the file may know a name they lack): else the
 * file, as if the tables had not been read. Not while recording a
 * snapshot, which would keep megabytes of them; the snapshot keeps the
 * lines of the symbols used instead.
 */
static bool from_tables(struct ms_kallsyms *ks, const struct ms_vmcoreinfo *vi,
			struct ms_target *t)
{
	struct ms_error *err;
	uint64_t stext;

	if (!t || ms_target_recording(t))
		return false;
	err = ms_vmcoreinfo_u64(vi, "SYMBOL(_stext)", 16, &stext);
	if (err) {
		ms_error_free(err);
		return false;
	}
	ks->mem_left = ks->to_find - 1;		/* all but _stext */
	if (ks->mem_left && ms_kallsyms_mem_search(t, vi, mem_want, mem_found, ks)) {
		ks->syms[0] = (struct kallsym){ .addr = stext, .type = 'T',
						.read = true, .found = true };
		ks->to_find = 0;
		ks->from_memory = true;
		return true;
	}
	for (size_t i = 0; i < NR_WANTED; i++)
		ks->syms[i].found = false;
	return false;
}

struct ms_error *ms_kallsyms_load(const struct ms_fs *fs, const char *path,
				  const struct ms_vmcoreinfo *vi,
				  struct ms_target *t,
				  struct ms_kallsyms **out)
{
	struct ms_kallsyms *ks = calloc(1, sizeof(*ks));
	struct ms_error *err = NULL;
	char name[4096];
	int ret;

	ms_fs_name(fs, path, name, sizeof(name));
	if (!ks || !(ks->path = strdup(name))) {
		free(ks);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	choose(ks, vi);
	*out = ks;
	if (!ks->to_find || from_tables(ks, vi, t))
		return NULL;
	ks->opened = true;
	ret = ms_fs_read_lines(fs, path, MAX_KALLSYMS, take_line, ks);
	if (ret == -ENOENT) {
		ks->missing = true;
		return NULL;
	}
	if (ret == -EOVERFLOW)
		err = ms_error_new(MS_ERR_FORMAT,
				   "%s: a line of 64 KiB or more is no kallsyms line",
				   name);
	else if (ret < 0)
		err = ms_error_errno(-ret, "reading %s", name);
	if (err) {
		*out = NULL;
		ms_kallsyms_free(ks);
		return err;
	}
	/* zeros to the end of the file, or up to every symbol wanted */
	for (size_t i = 0; i < NR_WANTED; i++)
		ks->hidden |= ks->syms[i].found;
	ks->hidden &= !ks->any_nonzero;
	return NULL;
}

void ms_kallsyms_free(struct ms_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->path);
	free(ks->foreign);
	free(ks);
}

void ms_kallsyms_set_foreign(struct ms_kallsyms *ks, const char *why)
{
	free(ks->foreign);
	ks->foreign = strdup(why);
	if (!ks->foreign)	/* still refuse lookups, with less detail */
		ks->missing = true;
}

bool ms_kallsyms_hidden(const struct ms_kallsyms *ks)
{
	return ks->hidden;
}

struct ms_error *ms_kallsyms_lookup(const struct ms_kallsyms *ks,
				    const char *name, uint64_t *addr)
{
	int i = wanted_index(name);
	struct kallsym *k;

	if (i < 0)
		return ms_error_new(MS_ERR_OTHER,
				    "symbol %s is not one memscope reads from kallsyms (src/kinfo/kallsyms.c lists them)",
				    name);
	k = &((struct ms_kallsyms *)ks)->syms[i];
	if (!k->read)
		return ms_error_new(MS_ERR_MISSING,
				    "symbol %s: %s was not read for it (VMCOREINFO has %s)",
				    name, ks->path, k->vi_key);
	if (ks->missing)
		return ms_error_new(MS_ERR_MISSING,
				    "symbol %s: not in VMCOREINFO, and %s is missing",
				    name, ks->path);
	if (ks->foreign)
		return ms_error_new(MS_ERR_FORMAT,
				    "symbol %s: not in VMCOREINFO, and %s is not this kernel's (%s)",
				    name, ks->path, ks->foreign);
	if (!k->found)
		return ms_error_new(MS_ERR_MISSING,
				    "symbol %s is in neither VMCOREINFO nor %s",
				    name, ks->path);
	if (ks->hidden)
		return ms_error_new(MS_ERR_PERM,
				    "symbol %s: kallsyms addresses are hidden (kernel.kptr_restrict); run as root",
				    name);
	*addr = k->addr;
	/* Bookkeeping for snapshots, as kinfo.c does for the finders. */
	k->used = true;
	return NULL;
}

struct ms_error *ms_kallsyms_used_text(const struct ms_kallsyms *ks,
				       char **out, size_t *len)
{
	/* a name of the list, an address and a module tag fit 128 bytes */
	char *buf = malloc(NR_WANTED * 128 + 1);
	size_t n = 0;

	if (!buf)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < NR_WANTED; i++) {
		const struct kallsym *k = &ks->syms[i];

		if (!k->used)
			continue;
		n += (size_t)snprintf(buf + n, 128, "%016llx %c %s%s\n",
				      (unsigned long long)k->addr, k->type,
				      wanted[i].name,
				      k->module ? "\t[module]" : "");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return NULL;
}
