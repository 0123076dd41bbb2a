// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmemmap model. The struct pages of every present section are walked
 * through the kernel's page tables in bulk (ms_target_walk_range: each
 * table page read once), giving one record per 4 KiB vmemmap page: its
 * frame, leaf level and writability. A sort by frame then counts how many
 * vmemmap pages map each frame, so deduplication shows as it really is:
 *  - 6.1 HVO (5.14+, "mm: hugetlb: free the vmemmap pages associated
 *    with each HugeTLB page") remaps the 7 tail vmemmap pages of a 2 MiB
 *    HugeTLB page read-only onto the head's own frame;
 *  - 6.2+ copies the head vmemmap page to a new frame and maps the tails
 *    onto the copy (the lab sees nr_memmap_pages grow by one per page);
 *  - 7.1+ maps the tails of every HugeTLB page of a zone and order onto one
 *    shared read-only frame (zone->vmemmap_tails);
 *  - compound device pages (5.17+, "mm/memremap: add ZONE_DEVICE support
 *    for compound pages", -M mem only) reuse the first tail frame,
 *    read-write, and for 1 GiB also PMD-level tables.
 * Nothing here assumes any of that: it counts what the tables say.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/vmemmap.h"

#define VM_PAGE		4096ULL
#define F_WRITABLE	0x1
#define F_SELF		0x2

struct vm_ent {
	uint64_t vaddr;
	uint64_t paddr;
	uint32_t row;
	uint8_t kind;
	uint8_t level;
	int8_t flags;
	int8_t pad;
	int32_t owner;
};

struct builder {
	const struct ms_layout *lay;
	const struct ms_sparse *sp;
	const struct ms_pgmaps *pm;
	struct ms_vmemmap *vm;
	struct vm_ent *e;
	size_t nr, cap;
	size_t bad_cap;
	uint64_t lo, hi;	/* the range being walked */
};

static const char *const kind_names[MS_VM_NR_KINDS] = {
	[MS_VM_BOOT] = "boot", [MS_VM_HOTPLUG] = "hotplug",
	[MS_VM_HUGETLB] = "hugetlb", [MS_VM_DEVICE] = "device",
};

const char *ms_vm_kind_name(enum ms_vm_kind kind)
{
	return kind < MS_VM_NR_KINDS ? kind_names[kind] : "?";
}

static void *grow(void *p, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 1024;
	void *q = realloc(p, n * size);

	if (q)
		*cap = n;
	return q;
}

static struct ms_error *add_bad(struct builder *b, const struct ms_pt_map *m)
{
	struct ms_vmemmap *vm = b->vm;

	if (vm->nr_bad == b->bad_cap) {
		struct ms_vm_bad *v = grow(vm->bad, &b->bad_cap, sizeof(*v));

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		vm->bad = v;
	}
	vm->bad[vm->nr_bad++] = (struct ms_vm_bad){
		m->vaddr, m->size, m->paddr, m->level };
	vm->unreadable += m->size / VM_PAGE;
	return NULL;
}

static struct ms_error *on_map(void *arg, const struct ms_pt_map *m)
{
	struct builder *b = arg;
	uint64_t va, end;

	if (m->kind == MS_PT_HOLE) {
		b->vm->unmapped += m->size / VM_PAGE;
		return NULL;
	}
	if (m->kind == MS_PT_UNREADABLE)
		return add_bad(b, m);
	va = m->vaddr > b->lo ? m->vaddr : b->lo;
	end = m->vaddr + m->size < b->hi ? m->vaddr + m->size : b->hi;
	for (; va < end; va += VM_PAGE) {
		if (b->nr == b->cap) {
			struct vm_ent *v = grow(b->e, &b->cap, sizeof(*v));

			if (!v)
				return ms_error_new(MS_ERR_NOMEM, "out of memory recording the vmemmap");
			b->e = v;
		}
		b->e[b->nr++] = (struct vm_ent){
			.vaddr = va,
			.paddr = m->paddr + (va - m->vaddr),
			.level = (uint8_t)m->level,
			.flags = m->writable ? F_WRITABLE : 0,
			.owner = -1,
		};
	}
	return NULL;
}

/* Walks the vmemmap of every present section, merged into runs. */
static struct ms_error *walk(struct ms_target *t, struct builder *b)
{
	const struct ms_sparse *sp = b->sp;
	const uint64_t ps = b->lay->page_struct_size;
	struct ms_error *err = NULL;
	size_t i = 0;

	while (!err && i < sp->nr_sections) {
		const struct ms_section *s = &sp->sections[i];
		uint64_t lo = b->lay->vmemmap_base + s->start_pfn * ps;
		uint64_t hi = lo + s->nr_pages * ps;

		while (++i < sp->nr_sections &&
		       sp->sections[i].nr == sp->sections[i - 1].nr + 1)
			hi += sp->sections[i].nr_pages * ps;
		b->lo = lo & ~(VM_PAGE - 1);
		b->hi = (hi + VM_PAGE - 1) & ~(VM_PAGE - 1);
		err = ms_target_walk_range(t, b->lo, b->hi, on_map, b);
	}
	return err;
}

/* Sections i and j (indexes) and all between are consecutive and hot-added. */
static bool same_hotplug_run(const struct ms_sparse *sp, size_t i, size_t j)
{
	size_t a = i < j ? i : j, z = i < j ? j : i;

	for (size_t k = a; k <= z; k++) {
		const struct ms_section *s = &sp->sections[k];

		if (ms_section_has(sp, s, MS_SECTION_EARLY) ||
		    ms_section_is_device(sp, s))
			return false;
		if (k > a && s->nr != sp->sections[k - 1].nr + 1)
			return false;
	}
	return true;
}

static void classify(struct builder *b, struct vm_ent *e)
{
	const struct ms_layout *lay = b->lay;
	const struct ms_sparse *sp = b->sp;
	uint64_t pfn = (e->vaddr - lay->vmemmap_base) / lay->page_struct_size;
	const struct ms_section *s = ms_sparse_find(sp, pfn);
	const struct ms_section *fs = ms_sparse_find(sp, e->paddr >> lay->page_shift);
	const struct ms_pgmap *g = ms_pgmap_find(b->pm, pfn << lay->page_shift);

	if (g) {
		e->kind = MS_VM_DEVICE;
		e->owner = (int32_t)(g - b->pm->v);
		/* -M dev: the memmap is allocated from the device (altmap). */
		if (ms_pgmap_find(b->pm, e->paddr) == g)
			e->flags |= F_SELF;
		return;
	}
	if (s && ms_section_is_device(sp, s)) {
		/* No pgmap known: device frames still say altmap. */
		e->kind = MS_VM_DEVICE;
		if (fs && ms_section_is_device(sp, fs))
			e->flags |= F_SELF;
		return;
	}
	e->kind = s && !ms_section_has(sp, s, MS_SECTION_EARLY) ?
		  MS_VM_HOTPLUG : MS_VM_BOOT;
	/* memmap_on_memory (5.15+, "mm,memory_hotplug: allocate memmap from
	 * the added memory range"): frames at the start of the block itself. */
	if (s && fs && e->kind == MS_VM_HOTPLUG &&
	    same_hotplug_run(sp, (size_t)(s - sp->sections), (size_t)(fs - sp->sections)))
		e->flags |= F_SELF;
}

static size_t lower_bound(const struct vm_ent *e, size_t n, uint64_t va)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].vaddr < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Struct pages of each HugeTLB folio belong to its hstate. */
static void mark_hugetlb(struct builder *b, const struct ms_hugetlb_folio *f,
			 size_t nr)
{
	struct ms_vmemmap *vm = b->vm;

	for (size_t i = 0; i < nr; i++) {
		unsigned int order;
		uint64_t lo, hi;

		if (f[i].hstate < 0 || (size_t)f[i].hstate >= vm->nr_hstates)
			continue;
		order = vm->hstates[f[i].hstate].order;
		lo = f[i].head & ~(VM_PAGE - 1);
		hi = f[i].head + (b->lay->page_struct_size << order);
		for (size_t j = lower_bound(b->e, b->nr, lo);
		     j < b->nr && b->e[j].vaddr < hi; j++) {
			b->e[j].kind = MS_VM_HUGETLB;
			b->e[j].owner = f[i].hstate;
		}
	}
}

static bool same_row(const struct vm_ent *a, const struct vm_ent *z)
{
	return a->vaddr + VM_PAGE == z->vaddr && a->kind == z->kind &&
	       a->owner == z->owner && a->level == z->level &&
	       (a->flags & F_SELF) == (z->flags & F_SELF);
}

static struct ms_error *make_rows(struct builder *b)
{
	struct ms_vmemmap *vm = b->vm;
	size_t cap = 0;

	for (size_t i = 0; i < b->nr; i++) {
		struct vm_ent *e = &b->e[i];
		uint64_t pfn = (e->vaddr - b->lay->vmemmap_base) / b->lay->page_struct_size;
		uint64_t last = (e->vaddr + VM_PAGE - b->lay->vmemmap_base - 1) /
				b->lay->page_struct_size;
		struct ms_vm_row *r;

		if (!i || !same_row(e - 1, e)) {
			if (vm->nr_rows == cap) {
				struct ms_vm_row *v = grow(vm->rows, &cap, sizeof(*v));

				if (!v)
					return ms_error_new(MS_ERR_NOMEM, "out of memory");
				vm->rows = v;
			}
			vm->rows[vm->nr_rows++] = (struct ms_vm_row){
				.start = e->vaddr, .first_pfn = pfn,
				.kind = e->kind, .owner = e->owner,
				.level = e->level, .self = e->flags & F_SELF,
			};
		}
		r = &vm->rows[vm->nr_rows - 1];
		r->end = e->vaddr + VM_PAGE;
		r->last_pfn = last;
		e->row = (uint32_t)(vm->nr_rows - 1);
	}
	return NULL;
}

/* The per-owner count of a record, or NULL. */
static struct ms_vm_count *owner_count(struct ms_vmemmap *vm,
				       const struct vm_ent *e)
{
	if (e->owner < 0)
		return NULL;
	if (e->kind == MS_VM_HUGETLB && (size_t)e->owner < vm->nr_hstates)
		return &vm->by_hstate[e->owner];
	if (e->kind == MS_VM_DEVICE && (size_t)e->owner < vm->nr_pgmaps)
		return &vm->by_pgmap[e->owner];
	return NULL;
}

/* Adds one vmemmap page's per-page counts to c. */
static void count_page(struct ms_vm_count *c, const struct vm_ent *e)
{
	c->pages++;
	c->ro += !(e->flags & F_WRITABLE);
	c->pmd += e->level >= MS_PT_PMD;
	c->self += !!(e->flags & F_SELF);
}

static int by_frame(const void *a, const void *b)
{
	const struct vm_ent *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Frame counts, after sorting the records by (frame, row): a frame is
 * counted once per row, once per kind and once overall, and is shared
 * when more than one vmemmap page maps it.
 */
static struct ms_error *count_frames(struct builder *b)
{
	struct ms_vmemmap *vm = b->vm;
	size_t i = 0, nstamp = vm->nr_hstates + vm->nr_pgmaps;
	/* stamp[o]: the last frame group that counted owner o's frame */
	size_t *stamp = calloc(nstamp ? nstamp : 1, sizeof(*stamp));

	if (!stamp)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t k = 0; k < b->nr; k++) {
		struct ms_vm_count *oc = owner_count(vm, &b->e[k]);

		if (oc)
			count_page(oc, &b->e[k]);
		count_page(&vm->rows[b->e[k].row].c, &b->e[k]);
		count_page(&vm->kind[b->e[k].kind], &b->e[k]);
		count_page(&vm->total, &b->e[k]);
	}
	qsort(b->e, b->nr, sizeof(*b->e), by_frame);
	while (i < b->nr) {
		size_t j = i;
		unsigned int kinds = 0;
		bool shared;

		while (j < b->nr && b->e[j].paddr == b->e[i].paddr)
			j++;
		shared = j - i > 1;
		for (size_t k = i; k < j; k++) {
			struct ms_vm_row *r = &vm->rows[b->e[k].row];
			struct ms_vm_count *oc = owner_count(vm, &b->e[k]);

			if (k == i || b->e[k].row != b->e[k - 1].row) {
				r->c.frames++;
				r->c.shared += shared;
			}
			if (oc) {
				size_t o = (size_t)(oc - vm->by_hstate);

				if (b->e[k].kind == MS_VM_DEVICE)
					o = vm->nr_hstates + (size_t)(oc - vm->by_pgmap);
				if (stamp[o] != i + 1) {
					stamp[o] = i + 1;
					oc->frames++;
					oc->shared += shared;
				}
			}
			kinds |= 1u << b->e[k].kind;
		}
		for (int k = 0; k < MS_VM_NR_KINDS; k++) {
			if (kinds & (1u << k)) {
				vm->kind[k].frames++;
				vm->kind[k].shared += shared;
			}
		}
		vm->total.frames++;
		vm->total.shared += shared;
		i = j;
	}
	free(stamp);
	return NULL;
}

static struct ms_error *alloc_owner_counts(struct ms_vmemmap *vm,
					   const struct ms_pgmaps *pm)
{
	vm->nr_pgmaps = pm ? pm->nr : 0;
	vm->by_hstate = calloc(vm->nr_hstates + 1, sizeof(*vm->by_hstate));
	vm->by_pgmap = calloc(vm->nr_pgmaps + 1, sizeof(*vm->by_pgmap));
	if (!vm->by_hstate || !vm->by_pgmap)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	return NULL;
}

/* Owners, rows and counts over the records in b->e (ascending vaddr). */
static struct ms_error *finish(struct builder *b,
			       const struct ms_hugetlb_folio *folios,
			       size_t nr_folios)
{
	struct ms_error *err;

	for (size_t i = 0; i < b->nr; i++)
		classify(b, &b->e[i]);
	mark_hugetlb(b, folios, nr_folios);
	err = make_rows(b);
	if (!err)
		err = alloc_owner_counts(b->vm, b->pm);
	if (!err)
		err = count_frames(b);
	return err;
}

struct ms_error *ms_vmemmap_load(struct ms_target *t, const struct ms_kinfo *ki,
				 const struct ms_sparse *sp,
				 const struct ms_pgmaps *pm,
				 struct ms_vmemmap **out)
{
	struct builder b = { .lay = ms_kinfo_layout(ki), .sp = sp, .pm = pm };
	size_t reads = ms_target_nr_reads(t), nr_folios = 0;
	struct ms_hugetlb_folio *folios = NULL;
	struct ms_error *err;

	*out = NULL;
	b.vm = calloc(1, sizeof(*b.vm));
	if (!b.vm)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	err = walk(t, &b);
	b.vm->page_table_reads = ms_target_nr_reads(t) - reads;
	if (!err)
		err = ms_hugetlb_folios(t, ki, &b.vm->hstates, &b.vm->nr_hstates,
					&folios, &nr_folios);
	if (!err)
		err = finish(&b, folios, nr_folios);
	free(folios);
	free(b.e);
	if (err) {
		ms_vmemmap_free(b.vm);
		return ms_error_wrap(err, "vmemmap");
	}
	*out = b.vm;
	return NULL;
}

struct ms_error *ms_vmemmap_build(const struct ms_layout *lay,
				  const struct ms_sparse *sp,
				  const struct ms_pgmaps *pm,
				  const struct ms_vm_input *in,
				  struct ms_vmemmap **out)
{
	struct builder b = { .lay = lay, .sp = sp, .pm = pm };
	struct ms_error *err = NULL;

	*out = NULL;
	b.vm = calloc(1, sizeof(*b.vm));
	b.e = calloc(in->nr_rec ? in->nr_rec : 1, sizeof(*b.e));
	if (b.vm)
		b.vm->hstates = calloc(in->nr_hstates + 1, sizeof(*b.vm->hstates));
	if (!b.vm || !b.e || !b.vm->hstates) {
		free(b.e);
		ms_vmemmap_free(b.vm);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	if (in->nr_hstates)
		memcpy(b.vm->hstates, in->hstates, in->nr_hstates * sizeof(*in->hstates));
	b.vm->nr_hstates = in->nr_hstates;
	b.vm->unmapped = in->unmapped;
	for (size_t i = 0; i < in->nr_rec; i++) {
		const struct ms_vm_record *r = &in->rec[i];

		if (i && r->vaddr <= in->rec[i - 1].vaddr) {
			err = ms_error_new(MS_ERR_USAGE, "vmemmap records out of order at 0x%" PRIx64, r->vaddr);
			break;
		}
		b.e[b.nr++] = (struct vm_ent){
			.vaddr = r->vaddr, .paddr = r->paddr,
			.level = (uint8_t)r->level,
			.flags = r->writable ? F_WRITABLE : 0, .owner = -1,
		};
	}
	if (!err)
		err = finish(&b, in->folios, in->nr_folios);
	free(b.e);
	if (err) {
		ms_vmemmap_free(b.vm);
		return err;
	}
	*out = b.vm;
	return NULL;
}

void ms_vmemmap_free(struct ms_vmemmap *vm)
{
	if (!vm)
		return;
	free(vm->rows);
	free(vm->bad);
	free(vm->hstates);
	free(vm->by_hstate);
	free(vm->by_pgmap);
	free(vm);
}
