// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmemmap model. The struct pages of every present section are walked
 * through the kernel's page tables in bulk (ms_target_walk_range: each
 * table page read once), one 4 KiB vmemmap page at a time: its frame, leaf
 * level and writability, classified by owner in batches of BATCH pages and
 * kept as runs (consecutive pages of one owner and kind whose frames are
 * consecutive, or all one frame), so memory follows the runs (a few per
 * section), not the pages (64 M at 16 TiB: 3.1 GiB of records). A sweep
 * over the runs' frame intervals then counts how many vmemmap pages map
 * each frame, so deduplication shows as it really is:
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

#include "memscope/array.h"
#include "vmemmap_build.h"

#define VM_PAGE		4096ULL
#define F_WRITABLE	0x1
#define F_SELF		0x2
#define F_SAME		0x4	/* a run: every page maps the first frame */
#define BATCH		65536	/* vmemmap pages classified at a time */

/* One vmemmap page, until its batch is classified and made runs. */
struct vm_ent {
	uint64_t vaddr;
	uint64_t paddr;
	uint8_t kind;
	uint8_t level;
	int8_t flags;
	int32_t owner;
};

/* Consecutive vmemmap pages alike but for their frames (see F_SAME). */
struct vm_run {
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t n;		/* vmemmap pages */
	uint32_t row;
	uint8_t kind;
	uint8_t level;
	int8_t flags;
	int32_t owner;
};

struct builder {
	const struct ms_layout *lay;
	const struct ms_sparse *sp;
	const struct ms_pgmaps *pm;
	struct ms_vmemmap *vm;
	struct vm_ent *e;	/* the batch: [BATCH] */
	size_t nr;
	struct vm_run *runs;
	size_t nr_runs, runs_cap;
	const struct ms_hugetlb_folio **folios;	/* by head */
	size_t nr_folios;
	size_t bad_cap;
	uint64_t lo, hi;	/* the range being walked */
	const struct ms_section *last[2];	/* found last: pages walk in order */
};

/* ms_sparse_find(), asked first of the section found last time. */
static const struct ms_section *find_section(struct builder *b, int which,
					     uint64_t pfn)
{
	const struct ms_section *s = b->last[which];

	if (!s || pfn < s->start_pfn || pfn >= s->start_pfn + s->nr_pages)
		s = ms_sparse_find(b->sp, pfn);
	if (s)
		b->last[which] = s;
	return s;
}

static struct ms_error *flush(struct builder *b);

static const char *const kind_names[MS_VMEMMAP_NR_KINDS] = {
	[MS_VMEMMAP_BOOT] = "boot", [MS_VMEMMAP_HOTPLUG] = "hotplug",
	[MS_VMEMMAP_HUGETLB] = "hugetlb", [MS_VMEMMAP_DEVICE] = "device",
};

const char *ms_vmemmap_kind_name(enum ms_vmemmap_kind kind)
{
	return kind < MS_VMEMMAP_NR_KINDS ? kind_names[kind] : "?";
}

static struct ms_error *add_bad(struct builder *b, const struct ms_pt_map *m)
{
	struct ms_vmemmap *vm = b->vm;

	if (vm->nr_bad == b->bad_cap) {
		struct ms_vmemmap_bad *v = ms_array_grow(vm->bad, &b->bad_cap, sizeof(*v), 1024);

		if (!v)
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		vm->bad = v;
	}
	vm->bad[vm->nr_bad++] = (struct ms_vmemmap_bad){
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
		struct ms_error *err = b->nr == BATCH ? flush(b) : NULL;

		if (err)
			return err;
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
	const struct ms_section *s = find_section(b, 0, pfn);
	const struct ms_section *fs = find_section(b, 1, e->paddr >> lay->page_shift);
	const struct ms_pgmap *g = ms_pgmap_find(b->pm, pfn << lay->page_shift);

	if (g) {
		e->kind = MS_VMEMMAP_DEVICE;
		e->owner = (int32_t)(g - b->pm->v);
		/* -M dev: the memmap is allocated from the device (altmap). */
		if (ms_pgmap_find(b->pm, e->paddr) == g)
			e->flags |= F_SELF;
		return;
	}
	if (s && ms_section_is_device(sp, s)) {
		/* No pgmap known: device frames still say altmap. */
		e->kind = MS_VMEMMAP_DEVICE;
		if (fs && ms_section_is_device(sp, fs))
			e->flags |= F_SELF;
		return;
	}
	e->kind = s && !ms_section_has(sp, s, MS_SECTION_EARLY) ?
		  MS_VMEMMAP_HOTPLUG : MS_VMEMMAP_BOOT;
	/* memmap_on_memory (5.15+, "mm,memory_hotplug: allocate memmap from
	 * the added memory range"): frames at the start of the block itself. */
	if (s && fs && e->kind == MS_VMEMMAP_HOTPLUG &&
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

static int by_head(const void *a, const void *b)
{
	const struct ms_hugetlb_folio *x = *(const struct ms_hugetlb_folio *const *)a;
	const struct ms_hugetlb_folio *y = *(const struct ms_hugetlb_folio *const *)b;

	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	return x < y ? -1 : x > y;	/* the list's order: the later wins */
}

/* The folios, by head, for the batches (hstate indexes checked here). */
static struct ms_error *sort_folios(struct builder *b,
				    const struct ms_hugetlb_folio *f, size_t nr)
{
	b->folios = calloc(nr ? nr : 1, sizeof(*b->folios));
	if (!b->folios)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < nr; i++)
		if (f[i].hstate >= 0 && (size_t)f[i].hstate < b->vm->nr_hstates)
			b->folios[b->nr_folios++] = &f[i];
	qsort(b->folios, b->nr_folios, sizeof(*b->folios), by_head);
	return NULL;
}

/*
 * Struct pages of each HugeTLB folio belong to its hstate: the folios
 * whose struct pages meet the batch (those with heads from one largest
 * folio's span before it on).
 */
static void mark_hugetlb(struct builder *b)
{
	const uint64_t ps = b->lay->page_struct_size;
	struct ms_vmemmap *vm = b->vm;
	unsigned int max_order = 0;
	uint64_t first, last, from;
	size_t lo = 0, hi;

	if (!b->nr || !b->nr_folios)
		return;
	for (size_t i = 0; i < vm->nr_hstates; i++)
		if (vm->hstates[i].order > max_order && vm->hstates[i].order < 40)
			max_order = vm->hstates[i].order;
	first = b->e[0].vaddr;
	last = b->e[b->nr - 1].vaddr;
	from = first > (ps << max_order) ? first - (ps << max_order) : 0;
	hi = b->nr_folios;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->folios[mid]->head < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < b->nr_folios && b->folios[i]->head <= last + VM_PAGE; i++) {
		const struct ms_hugetlb_folio *f = b->folios[i];
		unsigned int order = vm->hstates[f->hstate].order;
		uint64_t fl = f->head & ~(VM_PAGE - 1);
		uint64_t fh = f->head + (ps << (order < 40 ? order : 40));

		for (size_t j = lower_bound(b->e, b->nr, fl);
		     j < b->nr && b->e[j].vaddr < fh; j++) {
			b->e[j].kind = MS_VMEMMAP_HUGETLB;
			b->e[j].owner = f->hstate;
		}
	}
}

/* Page e continues run r: same owner and kind, the next frame or the same. */
static bool extends(const struct vm_run *r, const struct vm_ent *e)
{
	if (r->vaddr + r->n * VM_PAGE != e->vaddr || r->kind != e->kind ||
	    r->owner != e->owner || r->level != e->level ||
	    (r->flags & (F_WRITABLE | F_SELF)) != e->flags)
		return false;
	if (r->n == 1)
		return e->paddr == r->paddr || e->paddr == r->paddr + VM_PAGE;
	return r->flags & F_SAME ? e->paddr == r->paddr :
	       e->paddr == r->paddr + r->n * VM_PAGE;
}

/* Classifies the batch and adds it to the runs. */
static struct ms_error *flush(struct builder *b)
{
	for (size_t i = 0; i < b->nr; i++)
		classify(b, &b->e[i]);
	mark_hugetlb(b);
	for (size_t i = 0; i < b->nr; i++) {
		const struct vm_ent *e = &b->e[i];
		struct vm_run *r = b->nr_runs ? &b->runs[b->nr_runs - 1] : NULL;

		if (r && extends(r, e)) {
			if (r->n++ == 1 && e->paddr == r->paddr)
				r->flags |= F_SAME;
			continue;
		}
		if (b->nr_runs == b->runs_cap) {
			struct vm_run *v = ms_array_grow(b->runs, &b->runs_cap, sizeof(*v), 1024);

			if (!v)
				return ms_error_new(MS_ERR_NOMEM, "out of memory recording the vmemmap");
			b->runs = v;
		}
		b->runs[b->nr_runs++] = (struct vm_run){
			.vaddr = e->vaddr, .paddr = e->paddr, .n = 1,
			.kind = e->kind, .level = e->level, .flags = e->flags,
			.owner = e->owner,
		};
	}
	b->nr = 0;
	return NULL;
}

static bool same_row(const struct vm_run *a, const struct vm_run *z)
{
	return a->vaddr + a->n * VM_PAGE == z->vaddr && a->kind == z->kind &&
	       a->owner == z->owner && a->level == z->level &&
	       (a->flags & F_SELF) == (z->flags & F_SELF);
}

static struct ms_error *make_rows(struct builder *b)
{
	const uint64_t base = b->lay->vmemmap_base, ps = b->lay->page_struct_size;
	struct ms_vmemmap *vm = b->vm;
	size_t cap = 0;

	for (size_t i = 0; i < b->nr_runs; i++) {
		struct vm_run *u = &b->runs[i];
		uint64_t end = u->vaddr + u->n * VM_PAGE;
		struct ms_vmemmap_row *r;

		if (!i || !same_row(u - 1, u)) {
			if (vm->nr_rows == cap) {
				struct ms_vmemmap_row *v = ms_array_grow(vm->rows, &cap, sizeof(*v), 1024);

				if (!v)
					return ms_error_new(MS_ERR_NOMEM, "out of memory");
				vm->rows = v;
			}
			vm->rows[vm->nr_rows++] = (struct ms_vmemmap_row){
				.start = u->vaddr, .first_pfn = (u->vaddr - base) / ps,
				.kind = u->kind, .owner = u->owner,
				.level = u->level, .self = u->flags & F_SELF,
			};
		}
		r = &vm->rows[vm->nr_rows - 1];
		r->end = end;
		r->last_pfn = (end - base - 1) / ps;
		u->row = (uint32_t)(vm->nr_rows - 1);
	}
	return NULL;
}

/* The per-owner count of a run, or NULL. */
static struct ms_vmemmap_count *owner_count(struct ms_vmemmap *vm,
					    const struct vm_run *u)
{
	if (u->owner < 0)
		return NULL;
	if (u->kind == MS_VMEMMAP_HUGETLB && (size_t)u->owner < vm->nr_hstates)
		return &vm->by_hstate[u->owner];
	if (u->kind == MS_VMEMMAP_DEVICE && (size_t)u->owner < vm->nr_pgmaps)
		return &vm->by_pgmap[u->owner];
	return NULL;
}

/* Adds a run's per-page counts to c. */
static void count_pages(struct ms_vmemmap_count *c, const struct vm_run *u)
{
	c->pages += u->n;
	c->ro += u->flags & F_WRITABLE ? 0 : u->n;
	c->pmd += u->level >= MS_PT_PMD ? u->n : 0;
	c->self += u->flags & F_SELF ? u->n : 0;
}

/* A run's frames: [start, end), each mapped mult times by it. */
static uint64_t frames_end(const struct vm_run *u)
{
	return u->paddr + (u->flags & F_SAME ? 1 : u->n) * VM_PAGE;
}

/* Where a run's frames start or end; ends sort before starts. */
struct edge {
	uint64_t at;
	uint32_t run;
	bool start;
};

static int by_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->start != y->start)
		return x->start ? 1 : -1;
	return x->run < y->run ? -1 : x->run > y->run;
}

struct sweep {
	struct builder *b;
	uint32_t *active;	/* runs over the frames between two edges */
	uint32_t *slot;		/* [run]: its place in active */
	size_t nr_active;
	size_t *row_stamp, *owner_stamp;
	size_t seg;		/* the segment being counted, from 1 */
};

/*
 * Frames [x, y), each mapped by every active run: counted once per row,
 * owner and kind that maps them, and shared when mapped more than once.
 */
static void count_segment(struct sweep *w, uint64_t x, uint64_t y)
{
	struct ms_vmemmap *vm = w->b->vm;
	uint64_t len = (y - x + VM_PAGE - 1) / VM_PAGE, mult = 0;
	unsigned int kinds = 0;
	bool shared;

	w->seg++;
	for (size_t k = 0; k < w->nr_active && mult < 2; k++) {
		const struct vm_run *u = &w->b->runs[w->active[k]];

		mult += u->flags & F_SAME ? u->n : 1;
	}
	shared = mult > 1;
	for (size_t k = 0; k < w->nr_active; k++) {
		const struct vm_run *u = &w->b->runs[w->active[k]];
		struct ms_vmemmap_count *oc = owner_count(vm, u);

		if (w->row_stamp[u->row] != w->seg) {
			w->row_stamp[u->row] = w->seg;
			vm->rows[u->row].c.frames += len;
			vm->rows[u->row].c.shared += shared ? len : 0;
		}
		if (oc) {
			size_t o = (size_t)(oc - vm->by_hstate);

			if (u->kind == MS_VMEMMAP_DEVICE)
				o = vm->nr_hstates + (size_t)(oc - vm->by_pgmap);
			if (w->owner_stamp[o] != w->seg) {
				w->owner_stamp[o] = w->seg;
				oc->frames += len;
				oc->shared += shared ? len : 0;
			}
		}
		kinds |= 1u << u->kind;
	}
	for (int k = 0; k < MS_VMEMMAP_NR_KINDS; k++) {
		if (kinds & (1u << k)) {
			vm->kind[k].frames += len;
			vm->kind[k].shared += shared ? len : 0;
		}
	}
	vm->total.frames += len;
	vm->total.shared += shared ? len : 0;
}

/* Edges of every run's frames, sorted; NULL when out of memory. */
static struct edge *make_edges(const struct builder *b)
{
	struct edge *ev = malloc((2 * b->nr_runs + 1) * sizeof(*ev));

	if (!ev)
		return NULL;
	for (size_t i = 0; i < b->nr_runs; i++) {
		ev[2 * i] = (struct edge){ b->runs[i].paddr, (uint32_t)i, true };
		ev[2 * i + 1] = (struct edge){ frames_end(&b->runs[i]), (uint32_t)i, false };
	}
	qsort(ev, 2 * b->nr_runs, sizeof(*ev), by_edge);
	return ev;
}

/*
 * Page counts per run; frame counts by a sweep over the runs' frame
 * intervals in frame order, the runs over each stretch between two edges
 * held in active (one, but where HVO or a device maps a frame again).
 */
static struct ms_error *count_frames(struct builder *b)
{
	struct ms_vmemmap *vm = b->vm;
	size_t nstamp = vm->nr_hstates + vm->nr_pgmaps;
	struct sweep w = { .b = b };
	struct edge *ev = make_edges(b);
	struct ms_error *err = NULL;

	w.active = malloc((b->nr_runs + 1) * sizeof(*w.active));
	w.slot = malloc((b->nr_runs + 1) * sizeof(*w.slot));
	w.row_stamp = calloc(vm->nr_rows + 1, sizeof(*w.row_stamp));
	w.owner_stamp = calloc(nstamp + 1, sizeof(*w.owner_stamp));
	if (!ev || !w.active || !w.slot || !w.row_stamp || !w.owner_stamp) {
		err = ms_error_new(MS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < b->nr_runs; k++) {
		struct ms_vmemmap_count *oc = owner_count(vm, &b->runs[k]);

		if (oc)
			count_pages(oc, &b->runs[k]);
		count_pages(&vm->rows[b->runs[k].row].c, &b->runs[k]);
		count_pages(&vm->kind[b->runs[k].kind], &b->runs[k]);
		count_pages(&vm->total, &b->runs[k]);
	}
	for (size_t i = 0; i < 2 * b->nr_runs; i++) {
		const struct edge *e = &ev[i];

		if (i && w.nr_active && e->at > ev[i - 1].at)
			count_segment(&w, ev[i - 1].at, e->at);
		if (e->start) {
			w.slot[e->run] = (uint32_t)w.nr_active;
			w.active[w.nr_active++] = e->run;
		} else {
			uint32_t at = w.slot[e->run], last = w.active[--w.nr_active];

			w.active[at] = last;
			w.slot[last] = at;
		}
	}
out:
	free(ev);
	free(w.active);
	free(w.slot);
	free(w.row_stamp);
	free(w.owner_stamp);
	return err;
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

/* Rows and counts over the runs (ascending vaddr), the last batch first. */
static struct ms_error *finish(struct builder *b)
{
	struct ms_error *err = flush(b);

	if (!err)
		err = make_rows(b);
	if (!err)
		err = alloc_owner_counts(b->vm, b->pm);
	if (!err)
		err = count_frames(b);
	return err;
}

static struct ms_error *builder_start(struct builder *b,
				      const struct ms_hugetlb_folio *folios,
				      size_t nr_folios)
{
	b->e = malloc(BATCH * sizeof(*b->e));
	if (!b->e)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	return sort_folios(b, folios, nr_folios);
}

static void builder_end(struct builder *b)
{
	free(b->e);
	free(b->runs);
	free(b->folios);
}

struct ms_error *ms_vmemmap_load(struct ms_target *t, const struct ms_kinfo *ki,
				 const struct ms_sparse *sp,
				 const struct ms_pgmaps *pm,
				 struct ms_vmemmap **out)
{
	struct builder b = { .lay = ms_kinfo_layout(ki), .sp = sp, .pm = pm };
	size_t reads, nr_folios = 0;
	struct ms_hugetlb_folio *folios = NULL;
	struct ms_error *err;

	*out = NULL;
	b.vm = calloc(1, sizeof(*b.vm));
	if (!b.vm)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	/* the folios first: each batch of the walk is classified as it fills */
	err = ms_hugetlb_folios_read(t, ki, &b.vm->hstates, &b.vm->nr_hstates,
				     &folios, &nr_folios);
	if (!err)
		err = builder_start(&b, folios, nr_folios);
	reads = ms_target_nr_reads(t);
	if (!err)
		err = walk(t, &b);
	b.vm->page_table_reads = ms_target_nr_reads(t) - reads;
	if (!err)
		err = finish(&b);
	builder_end(&b);
	free(folios);
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
				  const struct ms_vmemmap_input *in,
				  struct ms_vmemmap **out)
{
	struct builder b = { .lay = lay, .sp = sp, .pm = pm };
	struct ms_error *err = NULL;

	*out = NULL;
	b.vm = calloc(1, sizeof(*b.vm));
	if (b.vm)
		b.vm->hstates = calloc(in->nr_hstates + 1, sizeof(*b.vm->hstates));
	if (!b.vm || !b.vm->hstates) {
		ms_vmemmap_free(b.vm);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	if (in->nr_hstates)
		memcpy(b.vm->hstates, in->hstates, in->nr_hstates * sizeof(*in->hstates));
	b.vm->nr_hstates = in->nr_hstates;
	b.vm->unmapped = in->unmapped;
	err = builder_start(&b, in->folios, in->nr_folios);
	for (size_t i = 0; !err && i < in->nr_rec; i++) {
		const struct ms_vmemmap_record *r = &in->rec[i];

		if (i && r->vaddr <= in->rec[i - 1].vaddr) {
			err = ms_error_new(MS_ERR_USAGE, "vmemmap records out of order at 0x%" PRIx64, r->vaddr);
			break;
		}
		if (b.nr == BATCH)
			err = flush(&b);
		if (!err)
			b.e[b.nr++] = (struct vm_ent){
				.vaddr = r->vaddr, .paddr = r->paddr,
				.level = (uint8_t)r->level,
				.flags = r->writable ? F_WRITABLE : 0, .owner = -1,
			};
	}
	if (!err)
		err = finish(&b);
	builder_end(&b);
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
