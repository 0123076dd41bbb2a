// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The page/folio domain: struct ms_page_layout, from the kernel's types
 * (BTF or DWARF) and VMCOREINFO. page_needs is everything asked, with the
 * release behind each optional row; the functions after it turn the
 * answers into the layout and check them. Nothing here is a hard-coded
 * offset or bit.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Flag names come from the kernel's enum pageflags. The rows only say
 * which names to ask for, primary names before aliases (6.12 made
 * PG_mappedtodisk an alias of PG_owner_2): the first name to claim a bit
 * wins, a bit no name claims prints as bitN.
 */
#define NR_FLAG_NAMES 30

/* What page_needs fills: the layout, and the answers still to check. */
struct answers {
	struct ms_page_layout pl;
	struct ms_member flags;
	uint64_t compound_info, folio_order, flags_1;
	int64_t nr_pageflags;
	int64_t flag_bit[NR_FLAG_NAMES];
	int64_t pg[MS_PG_NR];
	int64_t pgty[MS_PGTY_NR];		/* enum pagetype, 6.12+ */
	int64_t mapcount_value[MS_PGTY_NR];	/* VMCOREINFO, before 6.12 */
};

#define PG(kind, flags, type, name, field) \
	MS_NEED_ROW(kind, flags, type, name, struct answers, field)
#define OPT MS_NEED_OPTIONAL
#define ELSE MS_NEED_ELSE
#define FLAG(i, name) PG(ENUM, OPT, NULL, name, flag_bit[i])

static const struct ms_need page_needs[] = {
	/* unsigned long to 6.16, memdesc_flags_t (one word) after */
	PG(MEMBER, 0, "struct page", "flags", flags),
	/* 7.1 renamed compound_head to compound_info (it may then hold a
	 * mask rather than a pointer, see page.c) */
	PG(OFFSET, OPT, "struct page", "compound_info", compound_info),
	PG(OFFSET, ELSE, "struct page", "compound_head", pl.compound_head),
	PG(OFFSET, 0, "struct page", "mapping", pl.mapping),
	PG(OFFSET, 0, "struct page", "private", pl.private_),
	PG(OFFSET, 0, "struct page", "_mapcount", pl.mapcount),
	PG(OFFSET, 0, "struct page", "page_type", pl.page_type),
	PG(OFFSET, 0, "struct page", "_refcount", pl.refcount),
	/* ZONE_DEVICE pages: page.pgmap until 7.x moved it to folio.pgmap
	 * (the same bytes of the head page); pgmap_layout.c reads it here */
	PG(OFFSET, OPT, "struct page", "pgmap", pl.pgmap),
	PG(OFFSET, OPT | ELSE, "struct folio", "pgmap", pl.pgmap),
	/*
	 * The first tail page, seen as the second struct page of a folio.
	 * 6.1: page[1].compound_dtor/compound_order (folio._folio_dtor,
	 * _folio_order) and folio._pincount. 6.6 (ebc1baf5c9b4 "mm: free up
	 * a word in the first tail page") moved the order into the low byte
	 * of folio._flags_1 and dropped the destructor; folio._folio_nr_pages
	 * (6.12) / _nr_pages (7.x) repeat 1 << order on 64-bit.
	 */
	PG(OFFSET, OPT, "struct folio", "_folio_order", folio_order),
	PG(OFFSET, ELSE, "struct folio", "_flags_1", flags_1),
	PG(OFFSET, OPT, "struct folio", "_pincount", pl.pincount),
	PG(OFFSET, OPT, "struct folio", "_folio_nr_pages", pl.nr_pages),
	PG(OFFSET, OPT | ELSE, "struct folio", "_nr_pages", pl.nr_pages),
	PG(OFFSET, OPT, "struct folio", "_folio_dtor", pl.dtor),
	/* enum compound_dtor_id: until 6.6 */
	PG(ENUM, OPT, NULL, "HUGETLB_PAGE_DTOR", pl.dtor_hugetlb),
	PG(ENUM, OPT, NULL, "TRANSHUGE_PAGE_DTOR", pl.dtor_thp),
	/* enum pageflags */
	PG(ENUM, 0, NULL, "__NR_PAGEFLAGS", nr_pageflags),
	PG(ENUM, 0, NULL, "PG_head", pg[MS_PG_HEAD]),
	PG(ENUM, OPT, NULL, "PG_slab", pg[MS_PG_SLAB]),	/* gone in 6.10 */
	PG(ENUM, OPT, NULL, "PG_lru", pg[MS_PG_LRU]),
	PG(ENUM, OPT, NULL, "PG_reserved", pg[MS_PG_RESERVED]),
	PG(ENUM, OPT, NULL, "PG_hugetlb", pg[MS_PG_HUGETLB]),	/* 6.7-6.8 */
	PG(ENUM, OPT, NULL, "PG_large_rmappable",		/* 6.7+ */
	   pg[MS_PG_LARGE_RMAPPABLE]),
	PG(ENUM, OPT, NULL, "PG_anon_exclusive",		/* 5.19+ */
	   pg[MS_PG_ANON_EXCLUSIVE]),
	FLAG(0, "PG_locked"), FLAG(1, "PG_writeback"),
	FLAG(2, "PG_referenced"), FLAG(3, "PG_uptodate"),
	FLAG(4, "PG_dirty"), FLAG(5, "PG_lru"), FLAG(6, "PG_head"),
	FLAG(7, "PG_waiters"), FLAG(8, "PG_active"),
	FLAG(9, "PG_workingset"), FLAG(10, "PG_error"),
	FLAG(11, "PG_slab"), FLAG(12, "PG_owner_priv_1"),
	FLAG(13, "PG_owner_2"), FLAG(14, "PG_arch_1"),
	FLAG(15, "PG_reserved"), FLAG(16, "PG_private"),
	FLAG(17, "PG_private_2"), FLAG(18, "PG_mappedtodisk"),
	FLAG(19, "PG_reclaim"), FLAG(20, "PG_swapbacked"),
	FLAG(21, "PG_unevictable"), FLAG(22, "PG_dropbehind"),
	FLAG(23, "PG_mlocked"), FLAG(24, "PG_uncached"),
	FLAG(25, "PG_hwpoison"), FLAG(26, "PG_young"), FLAG(27, "PG_idle"),
	FLAG(28, "PG_arch_2"), FLAG(29, "PG_arch_3"),
	/*
	 * page_type. 6.12 (4ffca5a96678 "mm: support only one page_type per
	 * page") keeps the type in the top byte, from enum pagetype (PGTY_*).
	 * Before, a type was a cleared bit below PAGE_TYPE_BASE; those bits
	 * are #defines, so only VMCOREINFO's PAGE_*_MAPCOUNT_VALUE (= ~bit)
	 * name them: buddy and offline on 6.1, hugetlb (6.9) and slab (6.10)
	 * later. Types neither source names print as hex.
	 */
	PG(ENUM, OPT, NULL, "PGTY_mapcount_underflow", pl.type_limit),
	PG(ENUM, OPT, NULL, "PGTY_buddy", pgty[MS_PGTY_BUDDY]),
	PG(ENUM, OPT, NULL, "PGTY_offline", pgty[MS_PGTY_OFFLINE]),
	PG(ENUM, OPT, NULL, "PGTY_table", pgty[MS_PGTY_TABLE]),
	PG(ENUM, OPT, NULL, "PGTY_guard", pgty[MS_PGTY_GUARD]),
	PG(ENUM, OPT, NULL, "PGTY_hugetlb", pgty[MS_PGTY_HUGETLB]),
	PG(ENUM, OPT, NULL, "PGTY_slab", pgty[MS_PGTY_SLAB]),
	PG(ENUM, OPT, NULL, "PGTY_zsmalloc", pgty[MS_PGTY_ZSMALLOC]),
	PG(ENUM, OPT, NULL, "PGTY_unaccepted", pgty[MS_PGTY_UNACCEPTED]),
	PG(ENUM, OPT, NULL, "PGTY_large_kmalloc", pgty[MS_PGTY_LARGE_KMALLOC]),
	PG(NUMBER, OPT, NULL, "PAGE_BUDDY_MAPCOUNT_VALUE",
	   mapcount_value[MS_PGTY_BUDDY]),
	PG(NUMBER, OPT, NULL, "PAGE_OFFLINE_MAPCOUNT_VALUE",
	   mapcount_value[MS_PGTY_OFFLINE]),
	PG(NUMBER, OPT, NULL, "PAGE_HUGETLB_MAPCOUNT_VALUE",	/* 6.9 */
	   mapcount_value[MS_PGTY_HUGETLB]),
	PG(NUMBER, OPT, NULL, "PAGE_SLAB_MAPCOUNT_VALUE",	/* 6.10 */
	   mapcount_value[MS_PGTY_SLAB]),
	PG(NUMBER, OPT, NULL, "PAGE_UNACCEPTED_MAPCOUNT_VALUE",
	   mapcount_value[MS_PGTY_UNACCEPTED]),
};

/* The name a row of page_needs asks for, by where its answer goes
 * (every flag_bit[], pg[] and asked mapcount_value[] has its row). */
#define NAME_OF(field) ms_needs_name(page_needs, MS_NEEDS_NR(page_needs), \
				     offsetof(struct answers, field))

/* The words of struct page: compound_info or compound_head, flags' width. */
static struct ms_error *take_words(struct answers *a)
{
	struct ms_page_layout *pl = &a->pl;

	if (a->flags.size != 8)
		return ms_error_new(MS_ERR_FORMAT, "struct page.flags is %llu bytes, not 8",
				    (unsigned long long)a->flags.size);
	pl->flags = a->flags.offset;
	pl->compound_info = a->compound_info != MS_ABSENT;
	if (pl->compound_info)
		pl->compound_head = a->compound_info;
	return NULL;
}

/* Offsets in struct folio past the head page are page[1]'s own. */
static struct ms_error *take_first_tail(struct answers *a)
{
	struct ms_page_layout *pl = &a->pl;
	uint64_t order = a->folio_order, base = pl->size;

	pl->order_store = MS_ORDER_PAGE1_BYTE;
	if (order == MS_ABSENT) {
		pl->order_store = MS_ORDER_FLAGS1_LOW;
		order = a->flags_1;
	}
	if (order < base || order >= 2 * base)
		return ms_error_new(MS_ERR_FORMAT,
				    "folio order at offset %llu is not in the first tail page",
				    (unsigned long long)order);
	pl->order = order - base;
	if (pl->pincount != MS_ABSENT)
		pl->pincount -= base;
	if (pl->nr_pages != MS_ABSENT)
		pl->nr_pages -= base;
	if (pl->dtor != MS_ABSENT)
		pl->dtor -= base;
	return NULL;
}

static struct ms_error *take_flags(struct answers *a)
{
	struct ms_page_layout *pl = &a->pl;
	int64_t nr = a->nr_pageflags;

	if (nr < 1 || nr > MS_PAGE_MAX_FLAGS)
		return ms_error_new(MS_ERR_FORMAT, "__NR_PAGEFLAGS is %lld",
				    (long long)nr);
	pl->nr_pageflags = nr;
	for (int k = 0; k < NR_FLAG_NAMES; k++) {
		const char *name = NAME_OF(flag_bit[k]);
		int64_t b = a->flag_bit[k];

		if (b >= 0 && b < nr && !pl->flag_name[b] &&
		    !strncmp(name, "PG_", 3))
			pl->flag_name[b] = name + 3;
	}
	for (int i = 0; i < MS_PG_NR; i++) {
		/* a bit of page->flags, below __NR_PAGEFLAGS */
		if (a->pg[i] >= nr)
			return ms_error_new(MS_ERR_FORMAT, "%s is %lld, not below __NR_PAGEFLAGS %lld",
					    NAME_OF(pg[i]), (long long)a->pg[i],
					    (long long)nr);
		pl->pg[i] = a->pg[i] < 0 ? -1 : (int)a->pg[i];
	}
	return NULL;
}

/*
 * PG_table and PG_guard are #defines that VMCOREINFO never names. From
 * 5.10 (the PG_kmemcg type gone) to 6.11 they sit right above PG_buddy
 * (0x80) and PG_offline (0x100): table 0x200, guard 0x400. Only when
 * VMCOREINFO shows that very layout are they taken; otherwise those
 * types stay hex. (On 5.4-5.9 0x200 was PG_kmemcg: not a lab kernel.)
 * /proc/kpageflags says KPF_PGTABLE for 0xfffffdff on 6.1.
 */
static void cleared_bits_unnamed(struct ms_page_layout *pl)
{
	if (pl->type_value[MS_PGTY_BUDDY] != 0x80 ||
	    pl->type_value[MS_PGTY_OFFLINE] != 0x100)
		return;
	pl->type_value[MS_PGTY_TABLE] = 0x200;
	pl->type_value[MS_PGTY_GUARD] = 0x400;
}

/* Either enum pagetype (6.12+) or the VMCOREINFO values decide. */
static struct ms_error *take_page_type(struct answers *a)
{
	struct ms_page_layout *pl = &a->pl;

	pl->type_encoding = a->pgty[MS_PGTY_BUDDY] >= 0 ? MS_PGTY_TOP_BYTE :
							  MS_PGTY_CLEARED_BITS;
	for (int i = 0; i < MS_PGTY_NR; i++) {
		int64_t v = a->mapcount_value[i];

		pl->type_value[i] = -1;
		if (pl->type_encoding == MS_PGTY_TOP_BYTE) {
			pl->type_value[i] = a->pgty[i];
			continue;
		}
		if (v == -1)		/* absent, or no bit at all */
			continue;
		if (v >= 0 || __builtin_popcount(~(uint32_t)v) != 1)
			return ms_error_new(MS_ERR_FORMAT, "%s=%lld is not ~(one bit)",
					    NAME_OF(mapcount_value[i]), (long long)v);
		pl->type_value[i] = ~(uint32_t)v;
	}
	if (pl->type_encoding == MS_PGTY_CLEARED_BITS)
		cleared_bits_unnamed(pl);
	return NULL;
}

static unsigned int order_base_2(uint64_t v)
{
	return v <= 1 ? 0 : 64 - __builtin_clzll(v - 1);
}

/*
 * page->flags holds, from the top: SECTION (never with SPARSEMEM_VMEMMAP),
 * NODE (NODES_SHIFT = log2 MAX_NUMNODES), ZONE (ZONES_SHIFT, enough bits
 * for MAX_NR_ZONES), then LAST_CPUPID and KASAN tags, then the flags
 * (include/linux/page-flags-layout.h). x86_64 always has room for the
 * node (no NODE_NOT_IN_PAGE_FLAGS); the lab checks node and zone against
 * /proc/zoneinfo.
 */
static struct ms_error *take_node_zone(const struct ms_layout *lay,
				       struct ms_page_layout *pl)
{
	pl->node_bits = order_base_2(lay->max_numnodes);
	pl->zone_bits = order_base_2(lay->max_nr_zones);
	if (pl->node_bits + pl->zone_bits + pl->nr_pageflags > 64)
		return ms_error_new(MS_ERR_FORMAT,
				    "node (%u bits) and zone (%u bits) do not fit in page->flags",
				    pl->node_bits, pl->zone_bits);
	pl->node_shift = 64 - pl->node_bits;
	pl->zone_shift = pl->node_shift - pl->zone_bits;
	return NULL;
}

/*
 * Every word the decoder reads lies inside struct page (page[1]'s too): a
 * type information that says otherwise would read past the buffer.
 */
static struct ms_error *check_offsets(const struct ms_page_layout *pl)
{
	const struct { const char *name; uint64_t off; uint64_t len; } f[] = {
		{ "flags", pl->flags, 8 },
		{ "compound_head", pl->compound_head, 8 },
		{ "mapping", pl->mapping, 8 },
		{ "private", pl->private_, 8 },
		{ "_mapcount", pl->mapcount, 4 },
		{ "page_type", pl->page_type, 4 },
		{ "_refcount", pl->refcount, 4 },
		{ "pgmap", pl->pgmap, 8 },
		{ "folio order", pl->order,
		  pl->order_store == MS_ORDER_PAGE1_BYTE ? 1 : 8 },
		{ "folio nr_pages", pl->nr_pages, 4 },
		{ "folio _pincount", pl->pincount, 4 },
		{ "folio _folio_dtor", pl->dtor, 1 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++)
		if (f[i].off != MS_ABSENT &&
		    (f[i].off > pl->size || f[i].len > pl->size - f[i].off))
			return ms_error_new(MS_ERR_FORMAT,
					    "%s at offset %llu does not fit in a struct page of %llu bytes",
					    f[i].name, (unsigned long long)f[i].off,
					    (unsigned long long)pl->size);
	return NULL;
}

/*
 * The PUD order, or the buddy allocator's top order when the kernel says
 * it is higher: VMCOREINFO LENGTH(zone.free_area) is NR_PAGE_ORDERS
 * (MAX_ORDER before 6.4, exclusive then).
 */
static unsigned int max_order(const struct ms_kinfo *ki,
			      const struct ms_layout *lay)
{
	const char *v = ms_kinfo_vmcoreinfo(ki, "LENGTH(zone.free_area)");
	unsigned int order = ms_layout_max_order(lay);
	char *end;
	unsigned long n;

	if (!v)
		return order;
	n = strtoul(v, &end, 10);
	if (!*end && n > order + 1 && n <= 64)
		order = n - 1;
	return order;
}

struct ms_error *ms_page_layout_resolve(const struct ms_kinfo *ki,
					struct ms_page_layout *out)
{
	const struct ms_layout *lay = ms_kinfo_layout(ki);
	struct answers *a = calloc(1, sizeof(*a));
	struct ms_page_layout *pl;
	struct ms_error *err;

	if (!a)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	if (lay->page_struct_size < 32 || lay->page_struct_size > 1024) {
		free(a);
		return ms_error_new(MS_ERR_FORMAT, "sizeof(struct page) is %llu",
				    (unsigned long long)lay->page_struct_size);
	}
	pl = &a->pl;
	pl->size = lay->page_struct_size;
	pl->page_shift = lay->page_shift;
	pl->vmemmap_base = lay->vmemmap_base;
	if (!(pl->size & (pl->size - 1)))
		pl->size_shift = __builtin_ctzll(pl->size);
	pl->max_order = max_order(ki, lay);
	/* the types without a row (none, unknown) have no value either */
	for (int i = 0; i < MS_PGTY_NR; i++)
		a->pgty[i] = a->mapcount_value[i] = -1;
	err = ms_needs_resolve(ki, page_needs, MS_NEEDS_NR(page_needs), a);
	if (!err)
		err = take_words(a);
	if (!err)
		err = take_first_tail(a);
	if (!err)
		err = take_flags(a);
	if (!err)
		err = take_page_type(a);
	if (!err)
		err = take_node_zone(lay, pl);
	if (!err)
		err = check_offsets(pl);
	if (!err)
		*out = *pl;
	free(a);
	if (err)
		return ms_error_wrap(err, "struct page layout");
	return NULL;
}
