// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/kallsyms: "ffffffff81000000 T _stext", module symbols with a
 * trailing "\t[module]". The file is read once into one buffer (about
 * 200k lines, 10 MB), cut in place, and indexed by an open-addressing
 * hash table (a sort of 200k names cost 5x more than the hashing); a
 * core-kernel symbol wins over a module symbol of the same name.
 *
 * When kernel.kptr_restrict hides pointers from the reader, every address
 * is printed as zero; a lookup then says so instead of returning 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kallsym {
	const char *name;
	uint64_t addr;
	bool module;
	char type;		/* the nm letter */
	bool used;		/* looked up: kept in snapshots */
};

struct ms_kallsyms {
	char *path;
	char *buf;
	struct kallsym *syms;
	size_t nr;
	uint32_t *slots;	/* 1 + index into syms; 0 = empty */
	size_t mask;
	bool missing;		/* no such file */
	bool hidden;		/* every address is zero */
	char *foreign;		/* why the table is not this kernel's */
};

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

/* The slot holding name, or the empty slot where it would go. */
static uint32_t *find_slot(const struct ms_kallsyms *ks, const char *name)
{
	size_t i = name_hash(name) & ks->mask;

	while (ks->slots[i] && strcmp(ks->syms[ks->slots[i] - 1].name, name))
		i = (i + 1) & ks->mask;
	return &ks->slots[i];
}

static struct ms_error *build_hash(struct ms_kallsyms *ks)
{
	size_t size = 16;

	while (size < 2 * ks->nr)
		size *= 2;
	ks->slots = calloc(size, sizeof(*ks->slots));
	if (!ks->slots)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	ks->mask = size - 1;
	for (size_t i = 0; i < ks->nr; i++) {
		uint32_t *slot = find_slot(ks, ks->syms[i].name);

		if (!*slot || (ks->syms[*slot - 1].module && !ks->syms[i].module))
			*slot = i + 1;
	}
	return NULL;
}

/* One line: address, type letter, name, optional "\t[module]". */
static bool parse_line(char *line, struct kallsym *sym)
{
	char *end, *name, *tab;

	sym->addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
		return false;
	sym->type = end[1];
	sym->used = false;
	name = end + 3;
	tab = strchr(name, '\t');
	sym->module = tab != NULL;
	if (tab)
		*tab = '\0';
	if (!*name)
		return false;
	sym->name = name;
	return true;
}

static struct ms_error *index_lines(struct ms_kallsyms *ks, size_t len)
{
	size_t cap = len / 32 + 16;
	bool any_nonzero = false;
	char *line, *next;

	ks->syms = malloc(cap * sizeof(*ks->syms));
	if (!ks->syms)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (line = ks->buf; *line; line = next) {
		char *nl = strchr(line, '\n');
		struct kallsym sym;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if (!parse_line(line, &sym))
			continue;
		if (ks->nr == cap) {
			struct kallsym *n;

			cap *= 2;
			n = realloc(ks->syms, cap * sizeof(*n));
			if (!n)
				return ms_error_new(MS_ERR_NOMEM,
						    "out of memory");
			ks->syms = n;
		}
		any_nonzero |= sym.addr != 0;
		ks->syms[ks->nr++] = sym;
	}
	ks->hidden = ks->nr && !any_nonzero;
	return build_hash(ks);
}

/* Far above any kernel's (about 10 MB for 200k symbols). */
#define MAX_KALLSYMS (512u << 20)

struct ms_error *ms_kallsyms_load(const struct ms_fs *fs, const char *path,
				  struct ms_kallsyms **out)
{
	struct ms_kallsyms *ks = calloc(1, sizeof(*ks));
	struct ms_error *err = NULL;
	char name[4096];
	size_t len = 0;
	int ret;

	ms_fs_name(fs, path, name, sizeof(name));
	if (!ks || !(ks->path = strdup(name))) {
		free(ks);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	ret = ms_fs_read(fs, path, MAX_KALLSYMS, &ks->buf, &len);
	if (ret == -ENOENT) {
		ks->missing = true;
		*out = ks;
		return NULL;
	}
	if (ret) {
		err = ms_error_errno(-ret, "reading %s", name);
		goto fail;
	}
	err = index_lines(ks, len);
	if (err)
		goto fail;
	*out = ks;
	return NULL;
fail:
	ms_kallsyms_free(ks);
	return err;
}

void ms_kallsyms_free(struct ms_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->slots);
	free(ks->syms);
	free(ks->buf);
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
	const uint32_t *slot;

	if (ks->missing)
		return ms_error_new(MS_ERR_MISSING,
				    "symbol %s: not in VMCOREINFO, and %s is missing",
				    name, ks->path);
	if (ks->foreign)
		return ms_error_new(MS_ERR_FORMAT,
				    "symbol %s: not in VMCOREINFO, and %s is not this kernel's (%s)",
				    name, ks->path, ks->foreign);
	slot = find_slot(ks, name);
	if (!*slot)
		return ms_error_new(MS_ERR_MISSING,
				    "symbol %s is in neither VMCOREINFO nor %s",
				    name, ks->path);
	if (ks->hidden)
		return ms_error_new(MS_ERR_PERM,
				    "symbol %s: kallsyms addresses are hidden (kernel.kptr_restrict); run as root",
				    name);
	*addr = ks->syms[*slot - 1].addr;
	/* Bookkeeping for snapshots, as kinfo.c does for the finders. */
	((struct ms_kallsyms *)ks)->syms[*slot - 1].used = true;
	return NULL;
}

struct ms_error *ms_kallsyms_used_text(const struct ms_kallsyms *ks,
				       char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < ks->nr; i++) {
		const struct kallsym *k = &ks->syms[i];
		size_t need = strlen(k->name) + 64;

		if (!k->used)
			continue;
		if (n + need > cap) {
			char *p = realloc(buf, cap = 2 * cap + need);

			if (!p) {
				free(buf);
				return ms_error_new(MS_ERR_NOMEM, "out of memory");
			}
			buf = p;
		}
		n += (size_t)snprintf(buf + n, cap - n, "%016llx %c %s%s\n",
				      (unsigned long long)k->addr, k->type, k->name,
				      k->module ? "\t[module]" : "");
	}
	*out = buf;
	*len = n;
	return NULL;
}
