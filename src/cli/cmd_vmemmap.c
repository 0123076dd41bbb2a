// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope vmemmap: one row per vmemmap range with one owner and one kind
 * of mapping, then totals per owner, per kind and overall. PAGES are the
 * vmemmap pages mapped (4 KiB of struct pages each), FRAMES the distinct
 * physical frames behind them, SAVED the difference. Spans whose page
 * tables cannot be read get their own rows (OWNER "unreadable") and are in
 * no count but UNREADABLE; the command then exits 64 (partial).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"
#include "commands.h"
#include "vmemmap_fmt.h"

enum {
	COL_RANGE, COL_OWNER, COL_MAPPING, COL_PAGES, COL_FRAMES, COL_SHARED,
	COL_SAVED, COL_SAVED_BYTES, COL_RO, COL_MEMMAP, COL_PFNS, COL_PMD,
	COL_UNREADABLE, COL_UNMAPPED,
};

const struct ms_coldesc ms_vmemmap_columns[] = {
	[COL_RANGE] = { "RANGE", 37, false, true, MS_COL_STRING, "vmemmap virtual range, or \"total\"" },
	[COL_OWNER] = { "OWNER", 14, false, true, MS_COL_STRING, "boot, hotplug, hugetlb:SIZE, device:NAME; all for the grand total" },
	[COL_MAPPING] = { "MAPPING", 3, false, true, MS_COL_STRING, "leaf level: pte, pmd or pud" },
	[COL_PAGES] = { "PAGES", 6, true, true, MS_COL_NUMBER, "vmemmap pages mapped" },
	[COL_FRAMES] = { "FRAMES", 6, true, true, MS_COL_NUMBER, "distinct physical frames behind them" },
	[COL_SHARED] = { "SHARED", 6, true, true, MS_COL_NUMBER, "of those, frames mapped more than once" },
	[COL_SAVED] = { "SAVED", 6, true, true, MS_COL_NUMBER, "PAGES - FRAMES" },
	[COL_SAVED_BYTES] = { "SAVED_BYTES", 6, true, true, MS_COL_SIZE, "SAVED in bytes" },
	[COL_RO] = { "RO", 6, true, true, MS_COL_NUMBER, "read-only mappings" },
	[COL_MEMMAP] = { "MEMMAP", 4, false, true, MS_COL_STRING, "ram, or self: frames inside the memory described (memmap_on_memory, altmap)" },
	[COL_PFNS] = { "PFNS", 20, false, false, MS_COL_STRING, "pfns whose struct pages the range holds" },
	[COL_PMD] = { "PMD", 6, true, false, MS_COL_NUMBER, "pages mapped by PMD or PUD leaves" },
	[COL_UNREADABLE] = { "UNREADABLE", 6, true, false, MS_COL_NUMBER, "vmemmap pages whose page tables cannot be read" },
	[COL_UNMAPPED] = { "UNMAPPED", 6, true, false, MS_COL_NUMBER, "vmemmap pages not mapped (inactive sub-sections)" },
};
const size_t ms_vmemmap_nr_columns =
	sizeof(ms_vmemmap_columns) / sizeof(*ms_vmemmap_columns);

enum row_type { ROW_RANGE, ROW_TOTAL, ROW_BAD };

struct vm_row {
	const struct ms_vmemmap_model *m;
	enum row_type type;
	const struct ms_vmemmap_row *r;	/* ROW_RANGE */
	const struct ms_vmemmap_count *c;	/* ROW_RANGE, ROW_TOTAL */
	const struct ms_vmemmap_bad *bad;	/* ROW_BAD */
	char owner[80];
	bool all;			/* the grand total */
};

static const char *const level_names[] = {
	[MS_PT_PTE] = "pte", [MS_PT_PMD] = "pmd", [MS_PT_PUD] = "pud",
	[MS_PT_P4D] = "p4d", [MS_PT_PGD] = "pgd",
};

static void count_cell(const struct ms_cli *c, int id,
		       const struct ms_vmemmap_count *n, char *buf, size_t len)
{
	switch (id) {
	case COL_PAGES:
		snprintf(buf, len, "%" PRIu64, n->pages);
		break;
	case COL_FRAMES:
		snprintf(buf, len, "%" PRIu64, n->frames);
		break;
	case COL_SHARED:
		snprintf(buf, len, "%" PRIu64, n->shared);
		break;
	case COL_SAVED:
		snprintf(buf, len, "%" PRIu64, ms_vmemmap_saved(n));
		break;
	case COL_SAVED_BYTES:
		snprintf(buf, len, "%" PRIu64, ms_vmemmap_saved(n) * 4096);
		break;
	case COL_RO:
		snprintf(buf, len, "%" PRIu64, n->ro);
		break;
	case COL_PMD:
		snprintf(buf, len, "%" PRIu64, n->pmd);
		break;
	}
}

static void vmemmap_cell(const struct ms_cli *c, int id, const void *row,
			 char *buf, size_t len)
{
	const struct vm_row *v = row;

	switch (id) {
	case COL_RANGE:
		if (v->type == ROW_TOTAL)
			snprintf(buf, len, "total");
		else if (v->type == ROW_BAD)
			snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64, v->bad->vaddr,
				 v->bad->vaddr + v->bad->size - 1);
		else
			snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64, v->r->start,
				 v->r->end - 1);
		return;
	case COL_OWNER:
		snprintf(buf, len, "%s", v->owner);
		return;
	case COL_MAPPING:
		if (v->type == ROW_RANGE)
			snprintf(buf, len, "%s", level_names[v->r->level]);
		else if (v->type == ROW_BAD)	/* the table that failed */
			snprintf(buf, len, "%s", level_names[v->bad->level]);
		return;
	case COL_MEMMAP:
		if (v->type == ROW_RANGE)
			snprintf(buf, len, "%s", v->r->self ? "self" : "ram");
		return;
	case COL_PFNS:
		if (v->type == ROW_RANGE)
			snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64,
				 v->r->first_pfn, v->r->last_pfn);
		return;
	case COL_UNREADABLE:
		if (v->type == ROW_BAD)
			snprintf(buf, len, "%" PRIu64, v->bad->size / 4096);
		else if (v->all)
			snprintf(buf, len, "%" PRIu64, v->m->vm->unreadable);
		return;
	case COL_UNMAPPED:
		if (v->all)
			snprintf(buf, len, "%" PRIu64, v->m->vm->unmapped);
		return;
	}
	if (v->c)
		count_cell(c, id, v->c, buf, len);
}

static void add_total(struct ms_table *t, struct vm_row *v,
		      const struct ms_vmemmap_count *n, const char *owner)
{
	if (!n->pages && !v->all)
		return;
	v->type = ROW_TOTAL;
	v->c = n;
	snprintf(v->owner, sizeof(v->owner), "%s", owner);
	ms_table_add_row(t, v);
}

static void add_totals(struct ms_table *t, const struct ms_vmemmap_model *m)
{
	const struct ms_vmemmap *vm = m->vm;
	struct vm_row v = { .m = m };
	char name[80];

	for (size_t i = 0; i < vm->nr_hstates; i++) {
		ms_vmemmap_owner_name(m->vm, m->pgmaps, m->iomem,
				      MS_VMEMMAP_HUGETLB, (int)i, name, sizeof(name));
		add_total(t, &v, &vm->by_hstate[i], name);
	}
	for (size_t i = 0; i < vm->nr_pgmaps; i++) {
		ms_vmemmap_owner_name(m->vm, m->pgmaps, m->iomem,
				      MS_VMEMMAP_DEVICE, (int)i, name, sizeof(name));
		add_total(t, &v, &vm->by_pgmap[i], name);
	}
	for (int k = 0; k < MS_VMEMMAP_NR_KINDS; k++)
		add_total(t, &v, &vm->kind[k], ms_vmemmap_kind_name(k));
	v.all = true;
	add_total(t, &v, &vm->total, "all");
}

int ms_cmd_vmemmap(struct ms_cli *c, int argc, char **argv)
{
	struct ms_vmemmap_model m;
	struct ms_error *err;
	struct ms_table *t;
	int rc;

	if (argc > 1)
		return ms_cli_usage_error("vmemmap takes no arguments");
	err = ms_vmemmap_model_load(c, true, &m);
	if (err) {
		ms_vmemmap_model_release(&m);
		return ms_cli_fail(ms_error_wrap(err, "vmemmap"));
	}
	t = ms_table_new(c, "vmemmap", ms_vmemmap_columns,
			 ms_vmemmap_nr_columns, vmemmap_cell);
	if (!t) {
		ms_vmemmap_model_release(&m);
		return MS_EXIT_USAGE;
	}
	for (size_t i = 0; i < m.vm->nr_rows; i++) {
		struct vm_row v = { .m = &m, .type = ROW_RANGE,
				    .r = &m.vm->rows[i], .c = &m.vm->rows[i].c };

		ms_vmemmap_owner_name(m.vm, m.pgmaps, m.iomem,
				      v.r->kind, v.r->owner, v.owner, sizeof(v.owner));
		ms_table_add_row(t, &v);
	}
	for (size_t i = 0; i < m.vm->nr_bad; i++) {
		struct vm_row v = { .m = &m, .type = ROW_BAD, .bad = &m.vm->bad[i] };

		snprintf(v.owner, sizeof(v.owner), "unreadable");
		ms_table_add_row(t, &v);
	}
	add_totals(t, &m);
	rc = ms_table_print(t);
	if (!rc && m.vm->unreadable) {
		fprintf(stderr, "memscope: %" PRIu64 " vmemmap pages have unreadable page tables (first at 0x%" PRIx64 ", %s table at 0x%" PRIx64 "); they are counted apart\n",
			m.vm->unreadable, m.vm->bad[0].vaddr,
			level_names[m.vm->bad[0].level], m.vm->bad[0].table);
		rc = MS_EXIT_PARTIAL;
	}
	ms_vmemmap_model_release(&m);
	return rc;
}
