// SPDX-License-Identifier: GPL-2.0-or-later
/* The compound-page census (see census.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "page_fmt.h"

struct walk {
	struct ms_cli *c;
	const struct ms_iomem *iomem;
	int zdev;
	struct ms_census *x;
	struct ms_census_bucket *last;
};

static bool same(const struct ms_census_bucket *b, const struct ms_page *p,
		 const char *dev)
{
	return b->kind == p->ckind && b->order == p->order &&
	       b->node == p->node && b->zone == p->zone &&
	       !strcmp(b->device, dev);
}

static struct ms_census_bucket *bucket(struct walk *w, const struct ms_page *p,
				       const char *dev)
{
	struct ms_census *x = w->x;
	struct ms_census_bucket *b;

	if (w->last && same(w->last, p, dev))
		return w->last;
	for (size_t i = 0; i < x->n; i++)
		if (same(&x->b[i], p, dev))
			return &x->b[i];
	if (x->n == MS_CENSUS_MAX_BUCKETS) {
		x->overflow = true;
		return NULL;
	}
	b = &x->b[x->n++];
	*b = (struct ms_census_bucket){ .kind = p->ckind, .order = p->order,
					.node = p->node, .zone = p->zone };
	snprintf(b->device, sizeof(b->device), "%s", dev);
	return b;
}

static int census_page(void *ctx, const struct ms_page *p)
{
	struct walk *w = ctx;
	const char *dev = "";

	if (p->kind != MS_PAGE_HEAD || p->unstable)
		return 0;
	/* a head inside another compound page, misaligned, or of an
	 * impossible order (garbage, maybe >= 64): no figure from it */
	if (p->problem) {
		w->x->invalid++;
		return 0;
	}
	if (!p->order)
		return 0;
	if (p->pincount > 0) {
		w->x->pinned_folios++;
		w->x->pinned_pages += 1ULL << p->order;
	}
	if (p->zone == w->zdev && w->iomem) {
		uint64_t pa = p->pfn << w->c->sparse->layout->page_shift;

		dev = ms_iomem_owner(w->iomem, pa, pa);
		if (!dev)
			dev = "";
	}
	w->last = bucket(w, p, dev);
	if (w->last)
		w->last->count++;
	return 0;
}

static int bucket_cmp(const void *a, const void *b)
{
	const struct ms_census_bucket *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	if (strcmp(x->device, y->device))
		return strcmp(x->device, y->device);
	return x->order < y->order ? -1 : x->order > y->order;
}

struct ms_error *ms_cli_census(struct ms_cli *c, const struct ms_page_layout *pl,
			       uint64_t start, uint64_t nr, struct ms_census *out)
{
	struct walk w = { .c = c, .x = out };
	struct ms_error *err;

	memset(out, 0, sizeof(*out));
	err = ms_cli_iomem(c, &w.iomem);
	if (err)
		return err;
	w.zdev = c->sparse->zone_device_idx;
	out->b = calloc(MS_CENSUS_MAX_BUCKETS, sizeof(*out->b));
	if (!out->b)
		return ms_error_new(MS_ERR_NOMEM, "census");
	err = ms_cli_pages_walk(c, pl, start, nr, true, census_page, NULL, &w,
				NULL);
	if (err) {
		ms_census_free(out);
		return err;
	}
	if (out->n)
		qsort(out->b, out->n, sizeof(*out->b), bucket_cmp);
	return NULL;
}

void ms_census_free(struct ms_census *x)
{
	free(x->b);
	memset(x, 0, sizeof(*x));
}
