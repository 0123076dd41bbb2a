// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nodes and zones: each online node's pglist_data is read whole (one pread)
 * and its zones' spans give every section a node and the zones that span
 * it. Zone spans may overlap (ZONE_MOVABLE next to ZONE_NORMAL after
 * hotplug, DMA and DMA32 inside section 0), so a section keeps every zone
 * whose span touches it rather than a guess at one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparse_nodes.h"

static uint64_t get_u64(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static struct ms_error *read_zone_name(struct ms_target *t, uint64_t addr,
				       char *name, size_t len)
{
	struct ms_error *err;

	memset(name, 0, len);
	if (!addr)
		return NULL;
	err = ms_target_read(t, addr, name, len - 1);
	if (err)
		return ms_error_wrap(err, "reading a zone name");
	return NULL;
}

/* A span of pfns from kernel data: it must not wrap, nor hold fewer
 * pages than are present in it. */
static struct ms_error *check_span(const struct ms_layout *lay,
				   const char *what, int nid, unsigned int i,
				   uint64_t start, uint64_t spanned,
				   uint64_t present)
{
	uint64_t end;

	if (__builtin_add_overflow(start, spanned, &end) ||
	    end > 1ULL << (64 - lay->page_shift) || present > spanned)
		return ms_error_new(MS_ERR_FORMAT,
				    "node %d %s %u: pfn %#" PRIx64 " + %" PRIu64 " spanned, %" PRIu64 " present is no span",
				    nid, what, i, start, spanned, present);
	return NULL;
}

static struct ms_error *load_zones(struct ms_target *t, struct ms_sparse *sp,
				   const uint8_t *pgdat, int nid)
{
	const struct ms_layout *lay = sp->layout;
	struct ms_error *err;
	void *p;

	p = realloc(sp->zones, (sp->nr_zones + lay->max_nr_zones) *
			       sizeof(*sp->zones));
	if (!p)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	sp->zones = p;
	for (unsigned int i = 0; i < lay->max_nr_zones; i++) {
		const uint8_t *z = pgdat + lay->pglist_data.node_zones +
				   i * lay->zone.size;
		struct ms_zone_span *zs = &sp->zones[sp->nr_zones];

		memset(zs, 0, sizeof(*zs));
		zs->nid = nid;
		zs->idx = (int)i;
		zs->start_pfn = get_u64(z, lay->zone.zone_start_pfn);
		zs->spanned = get_u64(z, lay->zone.spanned_pages);
		zs->present = get_u64(z, lay->zone.present_pages);
		if (!zs->spanned)
			continue;
		err = check_span(lay, "zone", nid, i, zs->start_pfn, zs->spanned,
				 zs->present);
		if (err)
			return err;
		err = read_zone_name(t, get_u64(z, lay->zone.name), zs->name,
				     sizeof(zs->name));
		if (err)
			return err;
		sp->nr_zones++;
	}
	return NULL;
}

static struct ms_error *load_node(struct ms_target *t, struct ms_sparse *sp,
				  unsigned int idx, uint64_t pgdat_addr,
				  uint8_t *buf)
{
	const struct ms_layout *lay = sp->layout;
	struct ms_node *n;
	struct ms_error *err;
	int32_t nid;
	void *p;

	err = ms_target_read(t, pgdat_addr, buf, lay->pglist_data.size);
	if (err)
		return ms_error_wrap(err, "reading pglist_data at 0x%" PRIx64,
				     pgdat_addr);
	p = realloc(sp->nodes, (sp->nr_nodes + 1) * sizeof(*sp->nodes));
	if (!p)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	sp->nodes = p;
	n = &sp->nodes[sp->nr_nodes++];
	memcpy(&nid, buf + lay->pglist_data.node_id, sizeof(nid));
	/* node_data[nid]->node_id == nid (free_area_init_node()) */
	if (lay->node_data_is_array ? nid != (int32_t)idx : nid != 0)
		return ms_error_new(MS_ERR_FORMAT,
				    "node_data[%u] at 0x%" PRIx64 " says it is node %d",
				    idx, pgdat_addr, nid);
	n->nid = nid;
	n->pgdat = pgdat_addr;
	n->start_pfn = get_u64(buf, lay->pglist_data.node_start_pfn);
	n->present = get_u64(buf, lay->pglist_data.node_present_pages);
	n->spanned = get_u64(buf, lay->pglist_data.node_spanned_pages);
	n->first_deferred_pfn = lay->pglist_data.first_deferred_pfn == MS_ABSENT ?
		MS_ABSENT : get_u64(buf, lay->pglist_data.first_deferred_pfn);
	err = check_span(lay, "span", nid, 0, n->start_pfn, n->spanned, n->present);
	if (err)
		return err;
	return load_zones(t, sp, buf, nid);
}

struct ms_error *ms_sparse_load_nodes(struct ms_target *t, struct ms_sparse *sp)
{
	const struct ms_layout *lay = sp->layout;
	uint64_t *pgdats = NULL;
	struct ms_error *err = NULL;
	unsigned int nr = lay->node_data_is_array ? lay->max_numnodes : 1;
	uint8_t *buf;

	buf = malloc(lay->pglist_data.size);
	pgdats = calloc(nr, sizeof(*pgdats));
	if (!buf || !pgdats) {
		err = ms_error_new(MS_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (lay->node_data_is_array) {
		err = ms_target_read(t, lay->sym_node_data, pgdats,
				     nr * sizeof(*pgdats));
		if (err) {
			err = ms_error_wrap(err, "reading node_data[]");
			goto out;
		}
	} else {
		pgdats[0] = lay->sym_node_data;	/* contig_page_data itself */
	}
	for (unsigned int i = 0; i < nr && !err; i++)
		if (pgdats[i])
			err = load_node(t, sp, i, pgdats[i], buf);
	/* a kernel has node 0 at least: an empty table is not one */
	if (!err && !sp->nr_nodes)
		err = ms_error_new(MS_ERR_FORMAT,
				   "node_data[] at 0x%" PRIx64 " holds no node (all %u entries are NULL)",
				   lay->sym_node_data, nr);
out:
	free(buf);
	free(pgdats);
	return err;
}

static bool span_touches(uint64_t start, uint64_t len, uint64_t lo,
			 uint64_t nr)
{
	return start < lo + nr && lo < start + len;
}

void ms_sparse_assign_zones(struct ms_sparse *sp)
{
	for (size_t i = 0; i < sp->nr_sections; i++) {
		struct ms_section *s = &sp->sections[i];

		for (size_t n = 0; n < sp->nr_nodes; n++)
			if (span_touches(sp->nodes[n].start_pfn,
					 sp->nodes[n].spanned, s->start_pfn,
					 s->nr_pages)) {
				s->nid = sp->nodes[n].nid;
				break;
			}
		for (size_t z = 0; z < sp->nr_zones; z++) {
			const struct ms_zone_span *zs = &sp->zones[z];

			if (zs->nid == s->nid &&
			    span_touches(zs->start_pfn, zs->spanned,
					 s->start_pfn, s->nr_pages))
				s->zone_mask |= 1U << zs->idx;
		}
	}
}

void ms_section_zone_names(const struct ms_sparse *sp,
			   const struct ms_section *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t z = 0; z < sp->nr_zones; z++) {
		const struct ms_zone_span *zs = &sp->zones[z];

		if (zs->nid != s->nid || !(s->zone_mask & (1U << zs->idx)))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "/" : "", zs->name);
	}
}
