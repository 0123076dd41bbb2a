// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the shown view needs beyond the model, collected between frames
 * (ms_tui_collect()), never while rendering: for the Section view, the
 * frames behind the cursor's section's memmap; for the vmemmap view, the
 * leaves of one bulk page-table walk over that memmap and how many leaves
 * of the range map each frame; for the Pages view, the struct pages on
 * screen. Read again when the cursor moves (to another section, or the
 * pages window scrolls) or the model is refreshed; the views only draw
 * them.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "tui_int.h"

struct walk {
	struct ms_tui_vmemmap *v;
	size_t cap;
};

static struct ms_error *add_leaf(void *arg, const struct ms_pt_map *m)
{
	struct walk *w = arg;
	struct ms_tui_vmemmap *v = w->v;

	if (m->kind != MS_PT_MAPPED) {
		v->holes += m->size;
		return NULL;
	}
	if (v->n == w->cap) {
		struct ms_tui_leaf *n = ms_array_grow(v->leaves, &w->cap,
						      sizeof(*n), 64);

		if (!n)
			return ms_error_new(MS_ERR_NOMEM, "vmemmap view");
		v->leaves = n;
	}
	v->leaves[v->n++] = (struct ms_tui_leaf){ m->vaddr, m->paddr, m->size,
						  m->writable, 0 };
	return NULL;
}

static int by_frame(const void *a, const void *b)
{
	const struct ms_tui_leaf *x = *(const struct ms_tui_leaf *const *)a;
	const struct ms_tui_leaf *y = *(const struct ms_tui_leaf *const *)b;

	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* Each leaf's share count: the leaves of the range on its frame. */
static struct ms_error *count_shares(struct ms_tui_vmemmap *v)
{
	const struct ms_tui_leaf **by = calloc(v->n ? v->n : 1, sizeof(*by));
	size_t i = 0;

	if (!by)
		return ms_error_new(MS_ERR_NOMEM, "vmemmap view");
	for (size_t k = 0; k < v->n; k++)
		by[k] = &v->leaves[k];
	qsort(by, v->n, sizeof(*by), by_frame);
	while (i < v->n) {
		size_t j = i;

		while (j < v->n && by[j]->frame == by[i]->frame)
			j++;
		for (size_t k = i; k < j; k++)
			((struct ms_tui_leaf *)by[k])->shares = (uint32_t)(j - i);
		v->shared += j - i > 1 ? j - i : 0;
		i = j;
	}
	free(by);
	return NULL;
}

void ms_tui_vmemmap_free(struct ms_tui_vmemmap *v)
{
	free(v->leaves);
	memset(v, 0, sizeof(*v));
}

static void collect_vmemmap(struct ms_tui *t)
{
	struct ms_tui_vmemmap *v = &t->vmv;
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);
	struct walk w = { v, 0 };
	struct ms_error *err;

	if (v->valid && v->nr == t->cursor && v->refresh == t->refreshes)
		return;
	ms_tui_vmemmap_free(v);
	v->valid = true;
	v->nr = t->cursor;
	v->refresh = t->refreshes;
	if (!s || !ms_tui_page_layout(t))
		return;
	v->present = true;
	v->start = ms_page_vaddr(&t->pl, s->start_pfn);
	v->end = ms_page_vaddr(&t->pl, s->start_pfn + s->nr_pages);
	err = ms_target_walk_range(t->opts->target, v->start, v->end, add_leaf, &w);
	if (!err)
		err = count_shares(v);
	if (err) {
		ms_tui_message(t, true, "vmemmap: %s", err->msg);
		ms_error_free(err);
	}
}

/*
 * Where the section's struct pages live: the frames behind the struct
 * page of the first pfn of the first active sub-section and of the last
 * pfn of the last one. Inactive sub-sections have no memmap mapped
 * (section_activate() populates per sub-section, 5.3+), so the walk would
 * fault there.
 */
static void collect_memmap(struct ms_tui *t)
{
	struct ms_tui_memmap *m = &t->memmap;
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);
	const struct ms_layout *l;
	unsigned int first = 0, last;
	uint64_t per_sub;
	struct ms_error *err;

	if (m->valid && m->nr == t->cursor && m->refresh == t->refreshes)
		return;
	memset(m, 0, sizeof(*m));
	m->valid = true;
	m->nr = t->cursor;
	m->refresh = t->refreshes;
	if (!s || !s->memmap)
		return;
	l = t->data.sp->layout;
	per_sub = 1ULL << (l->subsection_shift - l->page_shift);
	last = t->data.per_section;
	while (first < last && !ms_section_subsection_active(s, first))
		first++;
	while (last > first && !ms_section_subsection_active(s, last - 1))
		last--;
	if (first == last)
		return;
	m->active = true;
	err = ms_target_translate(t->opts->target,
				  s->memmap + first * per_sub * l->page_struct_size,
				  &m->first);
	if (!err)
		err = ms_target_translate(t->opts->target, s->memmap +
					  (last * per_sub - 1) * l->page_struct_size,
					  &m->last);
	if (err) {
		snprintf(m->err, sizeof(m->err), "%.*s", (int)sizeof(m->err) - 1,
			 err->msg);
		ms_error_free(err);
	}
}

static int keep_page(void *ctx, const struct ms_page *p)
{
	struct ms_tui_pagerows *r = ctx;

	if (p->pfn >= r->top && p->pfn < r->top + (uint64_t)r->n) {
		r->p[p->pfn - r->top] = *p;
		r->ok[p->pfn - r->top] = true;
	}
	return 0;
}

void ms_tui_pagerows_free(struct ms_tui_pagerows *r)
{
	free(r->p);
	free(r->ok);
	memset(r, 0, sizeof(*r));
}

/* One read per run of contiguous initialised sections within the rows. */
static void collect_pages(struct ms_tui *t)
{
	struct ms_tui_pagerows *r = &t->pages;
	int n = ms_tui_pages_window(t, t->h - 2);
	struct ms_error *err;

	if (r->valid && r->top == t->pfn_top && r->n == n &&
	    r->refresh == t->refreshes)
		return;
	ms_tui_pagerows_free(r);
	r->valid = true;
	r->top = t->pfn_top;
	r->n = n;
	r->refresh = t->refreshes;
	if (!n || !t->data.sp || !t->opts->target || !ms_tui_page_layout(t))
		return;
	r->p = calloc((size_t)n, sizeof(*r->p));
	r->ok = calloc((size_t)n, sizeof(*r->ok));
	if (!r->p || !r->ok) {
		ms_tui_message(t, true, "pages: out of memory");
		ms_tui_pagerows_free(r);
		r->valid = true;
		return;
	}
	err = ms_pages_walk(t->opts->target, t->data.sp, &t->pl, r->top,
			    (uint64_t)n, false, keep_page, NULL, r, NULL);
	if (err) {
		ms_tui_message(t, true, "pages: %s", err->msg);
		ms_error_free(err);
	}
}

void ms_tui_collect(struct ms_tui *t)
{
	if (t->view == MS_VIEW_PAGES)
		collect_pages(t);
	if (t->view == MS_VIEW_SECTION)
		collect_memmap(t);
	if (t->view == MS_VIEW_VMEMMAP)
		collect_vmemmap(t);
}
