// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ms_page_decode(): one struct page (plus page[1] for a head) to struct
 * ms_page. Pure: it reads nothing, so tests feed it bytes and the reader
 * (page_read.c) feeds it whole chunks of the memmap.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "memscope/page.h"
#include "page_decode.h"

static inline uint64_t rd64(const uint8_t *p, uint64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint32_t rd32(const uint8_t *p, uint64_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline bool test_pg(const struct ms_page_layout *pl, uint64_t flags,
			   enum ms_page_flag bit)
{
	return pl->pg[bit] >= 0 && (flags >> pl->pg[bit] & 1);
}

/*
 * 7.1 (compound_head renamed compound_info): with a power-of-2 struct page
 * and HVO, a tail holds a mask, GENMASK(63, order + log2(sizeof(struct
 * page))) | 1, and the head is the tail's own address & mask; otherwise it
 * holds head | 1. A mask is all ones from some bit up, which no vmemmap
 * pointer is (vmemmap ends far below the top of the address space).
 */
static bool info_is_mask(const struct ms_page_layout *pl, uint64_t info)
{
	uint64_t m = info & ~1ULL;

	return pl->compound_info && pl->size_shift && m &&
	       ((~m + 1) & ~m) == 0;
}

/* The head's vmemmap address from a tail word (bit 0 set). */
static uint64_t tail_head(const struct ms_page_layout *pl, uint64_t vaddr,
			  uint64_t info)
{
	if (info_is_mask(pl, info))
		return vaddr & info;
	return info - 1;
}

static bool vaddr_to_pfn(const struct ms_page_layout *pl, uint64_t vaddr,
			 uint64_t *pfn)
{
	uint64_t d = vaddr - pl->vmemmap_base;

	if (vaddr < pl->vmemmap_base || d % pl->size)
		return false;
	*pfn = d / pl->size;
	return true;
}

static enum ms_page_type decode_type(const struct ms_page_layout *pl, uint32_t pt)
{
	if (pl->type_encoding == MS_PGTY_TOP_BYTE) {
		uint32_t top = pt >> 24;

		if (top < pl->type_value[MS_PGTY_BUDDY] ||
		    (pl->type_limit >= 0 && top >= (uint32_t)pl->type_limit))
			return MS_PGTY_NONE;
		for (int i = MS_PGTY_BUDDY; i < MS_PGTY_UNKNOWN; i++)
			if (pl->type_value[i] == top)
				return i;
		return MS_PGTY_UNKNOWN;
	}
	/*
	 * Before 6.12: page_has_type() is (int)page_type <
	 * PAGE_MAPCOUNT_RESERVE (-128), and a type is a bit cleared under
	 * PAGE_TYPE_BASE (0xf0000000, the top nibble stays set).
	 */
	if ((int32_t)pt >= -128 || (pt >> 28) != 0xf)
		return MS_PGTY_NONE;
	for (int i = MS_PGTY_BUDDY; i < MS_PGTY_UNKNOWN; i++)
		if (pl->type_value[i] > 0 && !(pt & pl->type_value[i]))
			return i;
	return MS_PGTY_UNKNOWN;
}

/* The order stored in the first tail page. */
static unsigned int first_tail_order(const struct ms_page_layout *pl,
				     const uint8_t *next, bool *mismatch)
{
	unsigned int order;

	if (pl->order_store == MS_ORDER_PAGE1_BYTE)
		order = next[pl->order];
	else	/* folio_order(): _flags_1 & 0xff, 6.6+ */
		order = rd64(next, pl->order) & 0xff;
	if (pl->nr_pages != MS_ABSENT && order < 32)
		*mismatch = rd32(next, pl->nr_pages) != 1U << order;
	return order;
}

/* Which kind of compound page a head is; the rules, newest first. */
static enum ms_compound_kind compound_kind(const struct ms_page_layout *pl,
					   const struct ms_page *p,
					   const uint8_t *next,
					   int zone_device_idx)
{
	uint64_t flags1 = rd64(next, pl->flags);

	/* ZONE_DEVICE compound pages: device-dax with -a > 4K (5.17) */
	if (zone_device_idx >= 0 && p->zone == zone_device_idx)
		return MS_COMPOUND_DEVDAX;
	/* 6.9+: a page_type on the head; 6.7-6.8: PG_hugetlb on page[1];
	 * before: compound_dtor == HUGETLB_PAGE_DTOR */
	if (p->type == MS_PGTY_HUGETLB ||
	    test_pg(pl, flags1, MS_PG_HUGETLB) ||
	    (pl->dtor != MS_ABSENT && pl->dtor_hugetlb >= 0 &&
	     next[pl->dtor] == pl->dtor_hugetlb))
		return MS_COMPOUND_HUGETLB;
	/* 6.10+: the slab page_type; before: PG_slab */
	if (p->type == MS_PGTY_SLAB || test_pg(pl, p->flags, MS_PG_SLAB))
		return MS_COMPOUND_SLAB;
	/*
	 * What /proc/kpageflags calls THP: 6.6+ PG_large_rmappable on page[1]
	 * (anon and file large folios); before, TRANSHUGE_PAGE_DTOR, or an
	 * LRU compound page (fs/proc/page.c stable_page_flags()).
	 */
	if (test_pg(pl, flags1, MS_PG_LARGE_RMAPPABLE) ||
	    (pl->dtor != MS_ABSENT && pl->dtor_thp >= 0 &&
	     next[pl->dtor] == pl->dtor_thp) ||
	    (pl->dtor != MS_ABSENT && test_pg(pl, p->flags, MS_PG_LRU)))
		return MS_COMPOUND_THP;
	return MS_COMPOUND_OTHER;
}

static void decode_words(const struct ms_page_layout *pl, const uint8_t *raw,
			 int zone_device_idx, struct ms_page *out)
{
	uint64_t f = out->flags;

	out->refcount = (int32_t)rd32(raw, pl->refcount);
	out->page_type_raw = rd32(raw, pl->page_type);
	out->type = decode_type(pl, out->page_type_raw);
	out->mapcount = out->type == MS_PGTY_NONE ?
			(int32_t)(rd32(raw, pl->mapcount) + 1U) : 0;
	out->mapping = rd64(raw, pl->mapping);
	/* a free block's order is the private word of its first page
	 * (buddy_order(), set_buddy_order()) */
	if (out->type == MS_PGTY_BUDDY && rd64(raw, pl->private_) < 64)
		out->buddy_order = (int)rd64(raw, pl->private_);
	out->zone = pl->zone_bits ?
		    (int)(f >> pl->zone_shift & ((1ULL << pl->zone_bits) - 1)) : 0;
	out->node = pl->node_bits ? (int)(f >> pl->node_shift) : 0;
	if (zone_device_idx >= 0 && out->zone == zone_device_idx &&
	    pl->pgmap != MS_ABSENT && out->kind != MS_PAGE_TAIL)
		out->pgmap = rd64(raw, pl->pgmap);
}

void ms_page_decode(const struct ms_page_layout *pl, const uint8_t *raw,
		    uint64_t pfn, const uint8_t *next_raw, int zone_device_idx,
		    struct ms_page *out)
{
	uint64_t vaddr = ms_page_vaddr(pl, pfn);
	uint64_t info = rd64(raw, pl->compound_head);

	memset(out, 0, sizeof(*out));
	out->pfn = pfn;
	out->head_pfn = pfn;
	out->pincount = -1;
	out->buddy_order = -1;
	out->flags = rd64(raw, pl->flags);
	out->folio_flags = info & 1 ? 0 : out->flags;
	if (info & 1) {
		out->kind = MS_PAGE_TAIL;
		/* no struct page before this one: head_pfn stays pfn, which
		 * the reader reports (a tail's head is always below it) */
		if (!vaddr_to_pfn(pl, tail_head(pl, vaddr, info),
				  &out->head_pfn) || out->head_pfn >= pfn)
			out->head_pfn = pfn;
	} else if (test_pg(pl, out->flags, MS_PG_HEAD)) {
		out->kind = MS_PAGE_HEAD;
	}
	/*
	 * 6.1 HVO (page_fixed_fake_head()): the vmemmap pages of a HugeTLB
	 * page's tails map the head's frame, so a tail at a page-aligned
	 * vmemmap address reads as the head. Its page[1] is a real tail:
	 * when that names another head, this is a tail of it.
	 */
	if (out->kind == MS_PAGE_HEAD && next_raw &&
	    !(vaddr & ((1ULL << pl->page_shift) - 1))) {
		uint64_t ninfo = rd64(next_raw, pl->compound_head);
		uint64_t head;

		if ((ninfo & 1) && tail_head(pl, vaddr + pl->size, ninfo) != vaddr &&
		    vaddr_to_pfn(pl, tail_head(pl, vaddr + pl->size, ninfo), &head) &&
		    head < pfn) {
			out->kind = MS_PAGE_TAIL;
			out->head_pfn = head;
			out->fake_head = true;
			out->folio_flags = 0;
		}
	}
	/* a mask names the order too (7.1+) */
	if (out->kind == MS_PAGE_TAIL && info_is_mask(pl, info))
		out->order = __builtin_ctzll(info & ~1ULL) - pl->size_shift;
	decode_words(pl, raw, zone_device_idx, out);
	if (out->kind != MS_PAGE_HEAD || !next_raw)
		return;
	out->order = first_tail_order(pl, next_raw, &out->order_mismatch);
	if (pl->pincount != MS_ABSENT)
		out->pincount = (int32_t)rd32(next_raw, pl->pincount);
	out->ckind = compound_kind(pl, out, next_raw, zone_device_idx);
}

void ms_page_flags_format(const struct ms_page_layout *pl, uint64_t flags,
			  char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int b = 0; b < pl->nr_pageflags && n < len; b++) {
		if (!(flags >> b & 1))
			continue;
		if (pl->flag_name[b])
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      pl->flag_name[b]);
		else
			n += snprintf(buf + n, len - n, "%sbit%u", n ? "," : "", b);
	}
}

void ms_page_type_format(const struct ms_page_layout *pl,
			 const struct ms_page *p, char *buf, size_t len)
{
	static const char *const names[MS_PGTY_NR] = {
		[MS_PGTY_BUDDY] = "buddy", [MS_PGTY_OFFLINE] = "offline",
		[MS_PGTY_TABLE] = "table", [MS_PGTY_GUARD] = "guard",
		[MS_PGTY_HUGETLB] = "hugetlb", [MS_PGTY_SLAB] = "slab",
		[MS_PGTY_ZSMALLOC] = "zsmalloc",
		[MS_PGTY_UNACCEPTED] = "unaccepted",
		[MS_PGTY_LARGE_KMALLOC] = "large_kmalloc",
	};

	if (p->type == MS_PGTY_NONE)
		buf[0] = '\0';
	else if (p->type == MS_PGTY_UNKNOWN || !names[p->type])
		snprintf(buf, len, "0x%08" PRIx32, p->page_type_raw);
	else
		snprintf(buf, len, "%s", names[p->type]);
}

const char *ms_page_kind_name(enum ms_page_kind k)
{
	static const char *const names[] = { "base", "head", "tail" };

	return k <= MS_PAGE_TAIL ? names[k] : "?";
}

const char *ms_compound_kind_name(enum ms_compound_kind k)
{
	static const char *const names[MS_COMPOUND_NR] = {
		"", "thp", "hugetlb", "devdax", "slab", "other",
	};

	return k < MS_COMPOUND_NR ? names[k] : "?";
}

const char *ms_page_problem_name(enum ms_page_problem p)
{
	static const char *const names[MS_PROBLEM_NR] = {
		"", "tail-uncovered", "not-tail", "head-misaligned", "bad-order",
	};

	return p < MS_PROBLEM_NR ? names[p] : "?";
}
