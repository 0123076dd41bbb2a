// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ms_pages_read(): walks a pfn range over the present sections, reading
 * each run of active sub-sections' struct pages with one target read (in
 * chunks of MS_PAGES_CHUNK pages, plus the page after, which a head at the
 * end of a chunk needs), decoding them in a tight loop, and following the
 * compound page being walked so that every tail gets its head's order.
 * A page that contradicts its compound is re-read once (with its head);
 * if it still does, it keeps the problem, marked unstable when the bytes
 * changed between the two reads (a torn read) rather than stable.
 * A heads-only walk (the census) does not read the tails of a compound
 * page past the chunk holding its head, once its last tail names it.
 */
#include <stdlib.h>
#include <string.h>

#include "memscope/page.h"
#include "page_decode.h"

struct reader {
	struct ms_target *t;
	const struct ms_sparse *sp;
	const struct ms_page_layout *pl;
	ms_page_fn fn;
	ms_hole_fn hole;
	void *ctx;
	struct ms_pages_stats *st;
	int zdev;
	bool heads_only;
	uint8_t *buf;
	/* the compound page being walked */
	bool have_head;
	uint64_t head_pfn, head_end;
	unsigned int head_order;
	uint64_t head_flags;		/* what its tails report as flags */
	uint64_t tail_ptr, tail_mask;	/* what its tails hold, both forms */
	/*
	 * The last head a tail sent us to (load_head()), kept whatever it
	 * was: the tails of a compound page that does not cover them, or
	 * that name garbage, ask for it once, not once each.
	 */
	uint64_t looked_pfn;		/* UINT64_MAX: none yet */
	bool looked_ok;			/* a head of sane order */
	unsigned int looked_order;
	uint64_t looked_flags;
	/* the run of alike problems being walked: one re-read per run */
	enum ms_page_problem run_problem;
	uint64_t run_key, run_next;
	/* heads-only: the pfns before this are the tails of a compound page
	 * already classified, not read (0: none) */
	uint64_t skip_to;
};

static inline uint64_t rd64(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* Reads pfn's struct page and, when readable, page[1]; decodes them. */
static struct ms_error *read_one(struct reader *r, uint64_t pfn,
				 uint8_t *raw, struct ms_page *out)
{
	const struct ms_page_layout *pl = r->pl;
	uint64_t va = ms_page_vaddr(pl, pfn);
	struct ms_error *err;
	bool two = true;

	r->st->reads++;
	err = ms_target_read(r->t, va, raw, 2 * pl->size);
	if (err) {
		ms_error_free(err);
		two = false;
		r->st->reads++;
		err = ms_target_read(r->t, va, raw, pl->size);
		if (err)
			return err;
	}
	ms_page_decode(pl, raw, pfn, two ? raw + pl->size : NULL, r->zdev, out);
	return NULL;
}

/* order <= pl->max_order (callers check): the shifts stay below 64. */
static void set_head(struct reader *r, uint64_t pfn, unsigned int order,
		     uint64_t flags)
{
	const struct ms_page_layout *pl = r->pl;

	r->have_head = true;
	r->head_pfn = pfn;
	r->head_order = order;
	/* PageHead() is the page's own bit: a tail is no head */
	r->head_flags = flags & ~(1ULL << pl->pg[MS_PG_HEAD]);
	r->head_end = pfn + (1ULL << order);
	r->tail_ptr = ms_page_vaddr(pl, pfn) + 1;
	r->tail_mask = pl->compound_info && pl->size_shift ?
		       (~0ULL << (order + pl->size_shift)) | 1 : r->tail_ptr;
}

/*
 * A tail whose head is not the one being walked: fetch that head, unless
 * it is the one fetched last (fresh: a re-read, which always reads).
 * An unreadable page or one that is no sane head is remembered as such.
 */
static void load_head(struct reader *r, uint64_t head_pfn, bool fresh)
{
	uint8_t raw[2 * 1024];
	struct ms_page h;
	struct ms_error *err;

	r->have_head = false;
	if (fresh || r->looked_pfn != head_pfn) {
		err = read_one(r, head_pfn, raw, &h);
		r->looked_pfn = head_pfn;
		r->looked_ok = !err && h.kind == MS_PAGE_HEAD &&
			       h.order <= r->pl->max_order;
		r->looked_order = r->looked_ok ? h.order : 0;
		r->looked_flags = r->looked_ok ? h.flags : 0;
		ms_error_free(err);
	}
	if (r->looked_ok)
		set_head(r, head_pfn, r->looked_order, r->looked_flags);
}

/* Checks p against the compound being walked; updates it. */
static enum ms_page_problem classify(struct reader *r, struct ms_page *p,
				     bool fresh)
{
	uint64_t pfn = p->pfn;

	if (r->have_head && pfn >= r->head_end)
		r->have_head = false;
	switch (p->kind) {
	case MS_PAGE_TAIL:
		if (p->head_pfn >= pfn)	/* its word names no head below it */
			return MS_PROBLEM_TAIL_UNCOVERED;
		if (fresh || !r->have_head || r->head_pfn != p->head_pfn)
			load_head(r, p->head_pfn, fresh);
		if (!r->have_head || r->head_pfn != p->head_pfn ||
		    pfn >= r->head_end)
			return MS_PROBLEM_TAIL_UNCOVERED;
		if (p->order && p->order != r->head_order)
			return MS_PROBLEM_BAD_ORDER;	/* mask vs head */
		p->order = r->head_order;
		p->folio_flags = r->head_flags;
		return MS_PROBLEM_NONE;
	case MS_PAGE_HEAD:
		if (r->have_head)
			return MS_PROBLEM_NOT_TAIL;
		if (p->order > r->pl->max_order || p->order_mismatch)
			return MS_PROBLEM_BAD_ORDER;
		set_head(r, pfn, p->order, p->flags);
		if (pfn & ((1ULL << p->order) - 1))
			return MS_PROBLEM_HEAD_MISALIGNED;
		return MS_PROBLEM_NONE;
	default:
		return r->have_head ? MS_PROBLEM_NOT_TAIL : MS_PROBLEM_NONE;
	}
}

/* One re-read of a page that contradicts its compound. */
static void recheck(struct reader *r, struct ms_page *p, const uint8_t *first)
{
	const struct ms_page_layout *pl = r->pl;
	uint8_t raw[2 * 1024];
	struct ms_page again;
	struct ms_error *err;
	bool saved = r->have_head;

	r->st->rereads++;
	err = read_one(r, p->pfn, raw, &again);
	if (err) {
		ms_error_free(err);
		p->unstable = true;
		r->st->unstable++;
		return;
	}
	/* a head seen again must not count itself as inside its own span */
	if (again.kind == MS_PAGE_HEAD && saved && r->head_pfn == p->pfn)
		r->have_head = false;
	again.problem = classify(r, &again, true);
	if (again.problem != MS_PROBLEM_NONE &&
	    memcmp(raw, first, pl->size)) {
		again.unstable = true;
		r->st->unstable++;
	}
	*p = again;
}

/* What makes problems alike: the head they name (none: UINT64_MAX). */
static uint64_t run_key(const struct ms_page *p)
{
	return p->head_pfn < p->pfn ? p->head_pfn : UINT64_MAX;
}

/*
 * A problem is re-read once per run of alike ones: the page right after a
 * page that kept the same problem, naming the same head, on a re-read is
 * taken as read. So an inconsistent memmap (every tail of a device range
 * uncovered) costs the chunk reads plus two small reads per run, not per
 * page.
 */
static void settle(struct reader *r, struct ms_page *p, const uint8_t *raw)
{
	if (r->run_problem != p->problem || r->run_next != p->pfn ||
	    r->run_key != run_key(p))
		recheck(r, p, raw);
	r->run_problem = p->unstable ? MS_PROBLEM_NONE : p->problem;
	r->run_key = run_key(p);
	r->run_next = p->pfn + 1;
}

static int emit(struct reader *r, const uint8_t *raw, const uint8_t *next,
		uint64_t pfn)
{
	struct ms_page p;

	ms_page_decode(r->pl, raw, pfn, next, r->zdev, &p);
	/* fast path: a tail of the compound being walked */
	if (p.kind == MS_PAGE_TAIL && r->have_head &&
	    p.head_pfn == r->head_pfn && pfn < r->head_end &&
	    (!p.order || p.order == r->head_order)) {
		p.order = r->head_order;
		p.folio_flags = r->head_flags;
	} else {
		p.problem = classify(r, &p, false);
		if (p.problem != MS_PROBLEM_NONE)
			settle(r, &p, raw);
	}
	r->st->pages++;
	if (r->heads_only && p.kind != MS_PAGE_HEAD && !p.problem)
		return 0;
	return r->fn(r->ctx, &p);
}

/*
 * Heads-only scans (the census) skip, on two words, what needs no decoding:
 * a base page outside any compound page, and a tail holding exactly what
 * the tails of the compound page being walked hold.
 */
static inline bool skip(struct reader *r, const uint8_t *raw, uint64_t pfn)
{
	const struct ms_page_layout *pl = r->pl;
	uint64_t info = rd64(raw, pl->compound_head);

	if (info & 1)
		return r->have_head && pfn < r->head_end &&
		       (info == r->tail_ptr || info == r->tail_mask);
	if (rd64(raw, pl->flags) >> pl->pg[MS_PG_HEAD] & 1)
		return false;
	if (r->have_head && pfn >= r->head_end)
		r->have_head = false;
	return !r->have_head;
}

/*
 * Heads-only: the compound page being walked goes on past this chunk. Its
 * tails are not read when its last tail names it (one small read: a head
 * whose order is garbage must not hide what follows).
 */
static void skip_tails(struct reader *r, uint64_t chunk_end)
{
	uint8_t raw[2 * 1024];
	struct ms_page last;
	struct ms_error *err;

	if (!r->heads_only || !r->have_head || r->head_end <= chunk_end ||
	    r->skip_to >= r->head_end)
		return;
	err = read_one(r, r->head_end - 1, raw, &last);
	if (err) {
		ms_error_free(err);
		return;
	}
	if (last.kind == MS_PAGE_TAIL && last.head_pfn == r->head_pfn &&
	    (!last.order || last.order == r->head_order))
		r->skip_to = r->head_end;
}

/* [pfn, pfn + n) in one read, plus page[1] of the last when has_next. */
static struct ms_error *read_chunk(struct reader *r, uint64_t pfn, uint64_t n,
				   bool has_next, int *stop)
{
	const struct ms_page_layout *pl = r->pl;
	uint64_t len = (n + has_next) * pl->size;
	struct ms_error *err;

	r->st->reads++;
	err = ms_target_read(r->t, ms_page_vaddr(pl, pfn), r->buf, len);
	if (err) {
		r->have_head = false;
		if (!r->hole) {
			return ms_error_wrap(err, "reading the memmap of pfn %#llx",
					     (unsigned long long)pfn);
		}
		*stop = r->hole(r->ctx, pfn, n, err);
		ms_error_free(err);
		return NULL;
	}
	for (uint64_t i = 0; i < n && !*stop; i++) {
		const uint8_t *raw = r->buf + i * pl->size;
		bool nx = i + 1 < n || has_next;

		if (r->heads_only && skip(r, raw, pfn + i)) {
			r->st->pages++;
			continue;
		}
		*stop = emit(r, raw, nx ? raw + pl->size : NULL, pfn + i);
	}
	if (!*stop)
		skip_tails(r, pfn + n);
	return NULL;
}

/* The active sub-sections of s within [lo, hi), run by run. */
static struct ms_error *read_section(struct reader *r,
				     const struct ms_section *s, uint64_t lo,
				     uint64_t hi, int *stop)
{
	const struct ms_layout *lay = r->sp->layout;
	uint64_t per = 1ULL << (lay->subsection_shift - lay->page_shift);
	uint64_t pfn = lo > s->start_pfn ? lo : s->start_pfn;
	uint64_t end = s->start_pfn + s->nr_pages;
	struct ms_error *err = NULL;

	if (hi < end)
		end = hi;
	while (pfn < end && !err && !*stop) {
		unsigned int i = (pfn - s->start_pfn) / per;
		uint64_t run = pfn, stop_pfn;

		if (!ms_section_subsection_active(s, i)) {
			stop_pfn = s->start_pfn + (i + 1) * per;
			if (stop_pfn > end)
				stop_pfn = end;
			r->have_head = false;
			if (r->hole)
				*stop = r->hole(r->ctx, pfn, stop_pfn - pfn, NULL);
			pfn = stop_pfn;
			continue;
		}
		while (i < lay->subsections_per_section &&
		       ms_section_subsection_active(s, i))
			i++;
		stop_pfn = s->start_pfn + (uint64_t)i * per;
		while (run < stop_pfn && run < end && !err && !*stop) {
			uint64_t n = stop_pfn - run;

			if (r->skip_to > run) {	/* classified tails */
				n = r->skip_to < stop_pfn ? r->skip_to : stop_pfn;
				if (n > end)
					n = end;
				r->st->pages += n - run;
				run = n;
				continue;
			}
			if (n > MS_PAGES_CHUNK)
				n = MS_PAGES_CHUNK;
			if (run + n > end)
				n = end - run;
			err = read_chunk(r, run, n, run + n < stop_pfn, stop);
			run += n;
		}
		pfn = stop_pfn;
	}
	return err;
}

static struct ms_error *walk(struct reader *r, uint64_t start_pfn,
			      uint64_t nr);

/* Both public readers: every page, or heads and problems only. */
static struct ms_error *read_pages(struct ms_target *t,
				   const struct ms_sparse *sp,
				   const struct ms_page_layout *pl,
				   uint64_t start_pfn, uint64_t nr,
				   bool heads_only, ms_page_fn fn,
				   ms_hole_fn hole, void *ctx,
				   struct ms_pages_stats *stats)
{
	struct ms_pages_stats local = { 0 };
	struct reader r = {
		.t = t, .sp = sp, .pl = pl, .fn = fn, .hole = hole, .ctx = ctx,
		.st = stats ? stats : &local, .zdev = sp->zone_device_idx,
		.heads_only = heads_only, .looked_pfn = UINT64_MAX,
	};

	return walk(&r, start_pfn, nr);
}

struct ms_error *ms_pages_read(struct ms_target *t, const struct ms_sparse *sp,
			       const struct ms_page_layout *pl,
			       uint64_t start_pfn, uint64_t nr,
			       ms_page_fn fn, ms_hole_fn hole, void *ctx,
			       struct ms_pages_stats *stats)
{
	return read_pages(t, sp, pl, start_pfn, nr, false, fn, hole, ctx,
			  stats);
}

struct ms_error *ms_pages_read_heads(struct ms_target *t,
				     const struct ms_sparse *sp,
				     const struct ms_page_layout *pl,
				     uint64_t start_pfn, uint64_t nr,
				     ms_page_fn fn, ms_hole_fn hole, void *ctx,
				     struct ms_pages_stats *stats)
{
	return read_pages(t, sp, pl, start_pfn, nr, true, fn, hole, ctx,
			  stats);
}

static struct ms_error *walk(struct reader *rp, uint64_t start_pfn,
			     uint64_t nr)
{
	struct reader r = *rp;
	const struct ms_sparse *sp = r.sp;
	const struct ms_page_layout *pl = r.pl;
	ms_hole_fn hole = r.hole;
	void *ctx = r.ctx;
	uint64_t end = start_pfn + nr, next = start_pfn;
	struct ms_error *err = NULL;
	int stop = 0;

	if (pl->size > 1024)
		return ms_error_new(MS_ERR_FORMAT, "struct page of %llu bytes",
				    (unsigned long long)pl->size);
	if (end < start_pfn)
		return ms_error_new(MS_ERR_USAGE, "pfn range wraps");
	r.buf = malloc((MS_PAGES_CHUNK + 1) * pl->size);
	if (!r.buf)
		return ms_error_new(MS_ERR_NOMEM, "memmap buffer");
	for (size_t i = 0; i < sp->nr_sections && !err && !stop; i++) {
		const struct ms_section *s = &sp->sections[i];
		uint64_t s_end = s->start_pfn + s->nr_pages;

		if (s_end <= start_pfn || s->start_pfn >= end)
			continue;
		if (s->start_pfn > next) {	/* sections not present */
			r.have_head = false;
			if (hole)
				stop = hole(ctx, next, s->start_pfn - next, NULL);
		}
		if (!stop)
			err = read_section(&r, s, start_pfn, end, &stop);
		next = s_end;
	}
	if (!err && !stop && next < end && hole)
		hole(ctx, next, end - next, NULL);
	free(r.buf);
	return err;
}

/* Struct pages are initialised for online and ZONE_DEVICE sections. */
static bool section_has_pages(const struct ms_sparse *sp,
			      const struct ms_section *s)
{
	return ms_section_has(sp, s, MS_SECTION_ONLINE) ||
	       ms_section_is_device(sp, s);
}

struct ms_error *ms_pages_walk(struct ms_target *t, const struct ms_sparse *sp,
			       const struct ms_page_layout *pl,
			       uint64_t start_pfn, uint64_t nr, bool heads_only,
			       ms_page_fn fn, ms_hole_fn hole, void *ctx,
			       struct ms_pages_stats *stats)
{
	uint64_t end = start_pfn + nr;
	struct ms_error *err = NULL;
	size_t i = 0;

	while (i < sp->nr_sections && !err) {
		const struct ms_section *s = &sp->sections[i];
		uint64_t lo, hi;
		size_t j = i;

		if (!section_has_pages(sp, s) ||
		    s->start_pfn + s->nr_pages <= start_pfn || s->start_pfn >= end) {
			i++;
			continue;
		}
		while (j + 1 < sp->nr_sections &&
		       section_has_pages(sp, &sp->sections[j + 1]) &&
		       sp->sections[j + 1].start_pfn ==
		       sp->sections[j].start_pfn + sp->sections[j].nr_pages)
			j++;
		lo = s->start_pfn > start_pfn ? s->start_pfn : start_pfn;
		hi = sp->sections[j].start_pfn + sp->sections[j].nr_pages;
		if (hi > end)
			hi = end;
		err = (heads_only ? ms_pages_read_heads : ms_pages_read)(
			t, sp, pl, lo, hi - lo, fn, hole, ctx, stats);
		i = j + 1;
	}
	return err;
}
