// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Deferred struct-page init. With CONFIG_DEFERRED_STRUCT_PAGE_INIT the boot
 * CPU initialises only the first part of each node's last zone (defer_init()
 * in mm/mm_init.c, 6.1+: only the zone that reaches the node's end is
 * deferred) and records the first skipped pfn in first_deferred_pfn; the
 * rest is initialised by per-node kthreads in page_alloc_init_late(), which
 * set first_deferred_pfn to ULONG_MAX as they *start*, so a mid-boot dump
 * shows ULONG_MAX while struct pages are still blank.
 *
 * So the struct pages decide. __init_single_page() writes page->flags with
 * the zone number (set_page_links()), and the deferrable zone is never zone
 * 0 on x86_64 (it is DMA32, NORMAL or MOVABLE), so an initialised struct
 * page there has non-zero flags. A not-yet-initialised one is what the
 * memblock allocator left: zeroes from fresh RAM, or PAGE_POISON_PATTERN
 * (all ones) with CONFIG_DEBUG_VM's page_init_poison. This was checked on
 * QEMU dumps stopped during deferred init (tests/lab, 6.1/6.12/7.3).
 * Only early (boot) sections are looked at: hot-added memory is never
 * deferred.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/deferred.h"

#define ULONG_MAX_PFN UINT64_MAX

struct deferred_layout {
	bool configured;	/* pglist_data has first_deferred_pfn */
	uint64_t page_size;	/* sizeof(struct page) */
	uint64_t flags;		/* offsetof(struct page, flags) */
};

/*
 * MS_ABSENT and ULONG_MAX are the same number: whether the member exists
 * is a layout question, not a value one. The struct page words are the
 * page domain's (sizeof and flags, resolved once by kinfo).
 */
static struct ms_error *layout_of(const struct ms_kinfo *ki,
				  struct deferred_layout *l)
{
	const struct ms_page_layout *pl;
	struct ms_error *err;

	l->configured = ms_kinfo_layout(ki)->pglist_data.first_deferred_pfn != MS_ABSENT;
	err = ms_kinfo_page_layout(ki, &pl);
	if (err)
		return err;
	l->page_size = pl->size;
	l->flags = pl->flags;
	return NULL;
}

static bool zone_has_boot_memory(const struct ms_sparse *sp,
				 const struct ms_zone_span *z)
{
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];

		if (ms_section_has(sp, s, MS_SECTION_EARLY) &&
		    s->start_pfn < z->start_pfn + z->spanned &&
		    z->start_pfn < s->start_pfn + s->nr_pages)
			return true;
	}
	return false;
}

/*
 * The zone deferred at boot: of the node's zones holding boot (early)
 * memory, the one that ends last. Zones grown later by hot-add (Movable
 * after onlining a kmem block, ZONE_DEVICE) hold no early section.
 */
static const struct ms_zone_span *deferrable_zone(const struct ms_sparse *sp,
						  int nid)
{
	const struct ms_zone_span *best = NULL;

	for (size_t i = 0; i < sp->nr_zones; i++) {
		const struct ms_zone_span *z = &sp->zones[i];

		if (z->nid != nid || z->idx == sp->zone_device_idx || !z->spanned ||
		    !zone_has_boot_memory(sp, z))
			continue;
		if (!best || z->start_pfn + z->spanned >= best->start_pfn + best->spanned)
			best = z;
	}
	return best;
}

static void count_pages(const struct deferred_layout *l, const uint8_t *map,
			uint64_t pfn, uint64_t n, struct ms_deferred_node *dn)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t flags;

		memcpy(&flags, map + i * l->page_size + l->flags, sizeof(flags));
		if (flags && flags != UINT64_MAX) {
			dn->initialised++;
			continue;
		}
		dn->pending++;
		if (dn->first_pending_pfn == MS_ABSENT)
			dn->first_pending_pfn = pfn + i;
	}
}

/* One read per section: its memmap slice inside the zone. */
static struct ms_error *scan_zone(struct ms_target *t,
				  const struct deferred_layout *l,
				  const struct ms_sparse *sp,
				  const struct ms_zone_span *z,
				  struct ms_deferred_node *dn)
{
	uint64_t zend = z->start_pfn + z->spanned;
	uint8_t *buf = NULL;

	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];
		uint64_t lo = s->start_pfn > z->start_pfn ? s->start_pfn : z->start_pfn;
		uint64_t hi = s->start_pfn + s->nr_pages < zend ? s->start_pfn + s->nr_pages : zend;
		struct ms_error *err;

		if (lo >= hi || !s->memmap || !ms_section_has(sp, s, MS_SECTION_EARLY))
			continue;
		if (!buf && !(buf = malloc(s->nr_pages * l->page_size)))
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
		err = ms_target_read(t, s->memmap + (lo - s->start_pfn) * l->page_size,
				     buf, (hi - lo) * l->page_size);
		if (err) {
			free(buf);
			return ms_error_wrap(err, "reading the struct pages of section %" PRIu64, s->nr);
		}
		dn->scanned += hi - lo;
		count_pages(l, buf, lo, hi - lo, dn);
	}
	free(buf);
	return NULL;
}

/* "node 0 deferred pages initialised in 36ms" (mm/mm_init.c, 5.1+). */
static int64_t logged_ms(const char *kmsg, int nid)
{
	const char *p = kmsg;

	while (p && (p = strstr(p, "node "))) {
		int n;
		long long ms;

		if (sscanf(p, "node %d deferred pages initialised in %lldms", &n, &ms) == 2 &&
		    n == nid)
			return ms;
		p += 5;
	}
	return -1;
}

static struct ms_error *node_load(struct ms_target *t,
				  const struct deferred_layout *l,
				  const struct ms_sparse *sp,
				  const struct ms_node *n, const char *kmsg,
				  struct ms_deferred_node *dn)
{
	const struct ms_zone_span *z = deferrable_zone(sp, n->nid);
	struct ms_error *err;

	*dn = (struct ms_deferred_node){
		.nid = n->nid, .spanned = n->spanned, .zone_idx = -1,
		.first_pending_pfn = MS_ABSENT,
		.first_deferred_pfn = n->first_deferred_pfn,
		.init_ms = logged_ms(kmsg, n->nid),
	};
	if (!l->configured) {
		dn->first_deferred_pfn = MS_ABSENT;
		dn->state = MS_DEFERRED_NOT_CONFIGURED;
		return NULL;
	}
	/* Zone 0 pages may have all-zero flags when initialised: not decidable. */
	if (z && z->idx > 0) {
		dn->zone_idx = z->idx;
		err = scan_zone(t, l, sp, z, dn);
		if (err)
			return err;
	}
	dn->state = dn->pending || n->first_deferred_pfn != ULONG_MAX_PFN ?
		    MS_DEFERRED_IN_PROGRESS : MS_DEFERRED_COMPLETE;
	return NULL;
}

struct ms_error *ms_deferred_load(struct ms_target *t, const struct ms_kinfo *ki,
				  const struct ms_sparse *sp, const char *kmsg,
				  struct ms_deferred **out)
{
	struct deferred_layout l;
	struct ms_deferred *d;
	struct ms_error *err;

	*out = NULL;
	err = layout_of(ki, &l);
	if (err)
		return err;
	d = calloc(1, sizeof(*d));
	if (d)
		d->nodes = calloc(sp->nr_nodes ? sp->nr_nodes : 1, sizeof(*d->nodes));
	if (!d || !d->nodes) {
		ms_deferred_free(d);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < sp->nr_nodes; i++) {
		err = node_load(t, &l, sp, &sp->nodes[i], kmsg, &d->nodes[i]);
		if (err) {
			ms_deferred_free(d);
			return ms_error_wrap(err, "node %d", sp->nodes[i].nid);
		}
		d->nr++;
	}
	*out = d;
	return NULL;
}

void ms_deferred_free(struct ms_deferred *d)
{
	if (!d)
		return;
	free(d->nodes);
	free(d);
}

void ms_deferred_progress(const struct ms_deferred_node *n,
			  struct ms_deferred_progress *out)
{
	out->done = n->initialised;
	out->total = n->initialised + n->pending;	/* == n->scanned */
	out->percent = out->total ?
		       (unsigned int)(out->done * 100 / out->total) : 100;
}

const char *ms_deferred_state_name(enum ms_deferred_state s)
{
	switch (s) {
	case MS_DEFERRED_NOT_CONFIGURED:
		return "not configured";
	case MS_DEFERRED_COMPLETE:
		return "complete";
	case MS_DEFERRED_IN_PROGRESS:
		return "in progress";
	}
	return "?";
}
