// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resolves struct ms_page_layout once, from the kernel's types (BTF or
 * DWARF) and VMCOREINFO. Nothing here is a hard-coded offset or bit: each
 * release's quirk is a question to the type information, with the release
 * that introduced it named next to it.
 */
#include <stdlib.h>
#include <string.h>

#include "memscope/page.h"

static bool missing(struct ms_error **err)
{
	if (*err && (*err)->code == MS_ERR_MISSING) {
		ms_error_free(*err);
		*err = NULL;
		return true;
	}
	return false;
}

static struct ms_error *off(const struct ms_kinfo *ki, const char *type,
			    const char *member, uint64_t *out)
{
	struct ms_member m;
	struct ms_error *err = ms_kinfo_member(ki, type, member, &m);

	if (!err)
		*out = m.offset;
	return err;
}

static struct ms_error *off_opt(const struct ms_kinfo *ki, const char *type,
				const char *member, uint64_t *out)
{
	struct ms_error *err = off(ki, type, member, out);

	if (missing(&err))
		*out = MS_ABSENT;
	return err;
}

static int enum_opt(const struct ms_kinfo *ki, const char *name,
		    struct ms_error **err)
{
	int64_t v;

	*err = ms_kinfo_enumerator(ki, name, &v);
	if (missing(err))
		return -1;
	return *err ? -1 : (int)v;
}

/*
 * struct page's own words. 7.1 renamed compound_head to compound_info
 * (it may then hold a mask rather than a pointer, see page.c).
 */
static struct ms_error *resolve_words(const struct ms_kinfo *ki,
				      struct ms_page_layout *pl)
{
	static const char sp[] = "struct page";
	struct ms_error *err;

	err = off(ki, sp, "flags", &pl->flags);
	if (!err)
		err = off(ki, sp, "compound_info", &pl->compound_head);
	if (!err)
		pl->compound_info = true;
	else if (missing(&err))
		err = off(ki, sp, "compound_head", &pl->compound_head);
	if (!err)
		err = off(ki, sp, "mapping", &pl->mapping);
	if (!err)
		err = off(ki, sp, "private", &pl->private_);
	if (!err)
		err = off(ki, sp, "_mapcount", &pl->mapcount);
	if (!err)
		err = off(ki, sp, "page_type", &pl->page_type);
	if (!err)
		err = off(ki, sp, "_refcount", &pl->refcount);
	/* ZONE_DEVICE pages: page.pgmap until 7.x moved it to folio.pgmap */
	if (!err)
		err = off_opt(ki, sp, "pgmap", &pl->pgmap);
	if (!err && pl->pgmap == MS_ABSENT)
		err = off_opt(ki, "struct folio", "pgmap", &pl->pgmap);
	return err;
}

/*
 * The first tail page, seen as the second struct page of a folio. 6.1:
 * page[1].compound_dtor/compound_order (folio._folio_dtor/_folio_order)
 * and folio._pincount. 6.6 (ebc1baf5c9b4 "mm: free up a word in the
 * first tail page") moved the order into the low byte of folio._flags_1
 * and dropped the destructor; folio._folio_nr_pages (6.12) / _nr_pages
 * (7.x) repeat 1 << order on 64-bit.
 */
static struct ms_error *resolve_first_tail(const struct ms_kinfo *ki,
					   struct ms_page_layout *pl)
{
	static const char fo[] = "struct folio";
	uint64_t order, flags1, base = pl->size;
	struct ms_error *err;

	err = off_opt(ki, fo, "_folio_order", &order);
	if (err)
		return err;
	if (order != MS_ABSENT) {
		pl->order_store = MS_ORDER_PAGE1_BYTE;
	} else {
		err = off(ki, fo, "_flags_1", &flags1);
		if (err)
			return ms_error_wrap(err, "folio order");
		pl->order_store = MS_ORDER_FLAGS1_LOW;
		order = flags1;
	}
	if (order < base || order >= 2 * base)
		return ms_error_new(MS_ERR_FORMAT,
				    "folio order at offset %llu is not in the first tail page",
				    (unsigned long long)order);
	pl->order = order - base;
	err = off_opt(ki, fo, "_pincount", &pl->pincount);
	if (!err)
		err = off_opt(ki, fo, "_folio_nr_pages", &pl->nr_pages);
	if (!err && pl->nr_pages == MS_ABSENT)
		err = off_opt(ki, fo, "_nr_pages", &pl->nr_pages);
	if (!err)
		err = off_opt(ki, fo, "_folio_dtor", &pl->dtor);
	if (err)
		return err;
	if (pl->pincount != MS_ABSENT)
		pl->pincount -= base;
	if (pl->nr_pages != MS_ABSENT)
		pl->nr_pages -= base;
	if (pl->dtor != MS_ABSENT)
		pl->dtor -= base;
	/* enum compound_dtor_id: until 6.6 */
	pl->dtor_hugetlb = enum_opt(ki, "HUGETLB_PAGE_DTOR", &err);
	if (!err)
		pl->dtor_thp = enum_opt(ki, "TRANSHUGE_PAGE_DTOR", &err);
	return err;
}

/*
 * Flag names come from the kernel's enum pageflags. The list only says
 * which names to ask for, primary names before aliases (6.12 made
 * PG_mappedtodisk an alias of PG_owner_2): the first name to claim a bit
 * wins, a bit no name claims prints as bitN.
 */
static const char *const flag_candidates[] = {
	"PG_locked", "PG_writeback", "PG_referenced", "PG_uptodate",
	"PG_dirty", "PG_lru", "PG_head", "PG_waiters", "PG_active",
	"PG_workingset", "PG_error", "PG_slab", "PG_owner_priv_1",
	"PG_owner_2", "PG_arch_1", "PG_reserved", "PG_private",
	"PG_private_2", "PG_mappedtodisk", "PG_reclaim", "PG_swapbacked",
	"PG_unevictable", "PG_dropbehind", "PG_mlocked", "PG_uncached",
	"PG_hwpoison", "PG_young", "PG_idle", "PG_arch_2", "PG_arch_3",
};

static struct ms_error *resolve_flags(const struct ms_kinfo *ki,
				      struct ms_page_layout *pl)
{
	static const char *const needed[MS_PG_NR] = {
		[MS_PG_HEAD] = "PG_head", [MS_PG_SLAB] = "PG_slab",
		[MS_PG_LRU] = "PG_lru", [MS_PG_RESERVED] = "PG_reserved",
		[MS_PG_HUGETLB] = "PG_hugetlb",
		[MS_PG_LARGE_RMAPPABLE] = "PG_large_rmappable",
		[MS_PG_ANON_EXCLUSIVE] = "PG_anon_exclusive",
	};
	struct ms_error *err;
	int64_t nr;

	err = ms_kinfo_enumerator(ki, "__NR_PAGEFLAGS", &nr);
	if (err)
		return err;
	if (nr < 1 || nr > MS_PAGE_MAX_FLAGS)
		return ms_error_new(MS_ERR_FORMAT, "__NR_PAGEFLAGS is %lld",
				    (long long)nr);
	pl->nr_pageflags = nr;
	for (size_t i = 0; i < sizeof(flag_candidates) / sizeof(*flag_candidates); i++) {
		int b = enum_opt(ki, flag_candidates[i], &err);

		if (err)
			return err;
		if (b >= 0 && b < nr && !pl->flag_name[b])
			pl->flag_name[b] = flag_candidates[i] + 3;
	}
	for (int i = 0; i < MS_PG_NR; i++) {
		pl->pg[i] = enum_opt(ki, needed[i], &err);
		if (err)
			return err;
		/* a bit of page->flags, below __NR_PAGEFLAGS */
		if (pl->pg[i] >= nr)
			return ms_error_new(MS_ERR_FORMAT, "%s is %d, not below __NR_PAGEFLAGS %lld",
					    needed[i], pl->pg[i], (long long)nr);
	}
	if (pl->pg[MS_PG_HEAD] < 0)
		return ms_error_new(MS_ERR_MISSING,
				    "kernel type information lacks enum pageflags PG_head");
	return NULL;
}

/*
 * page_type. 6.12 (4ffca5a96678 "mm: support only one page_type per
 * page") keeps the type in the top byte, from enum pagetype (PGTY_*).
 * Before, a type was a cleared bit below PAGE_TYPE_BASE; those bits are
 * #defines, so only VMCOREINFO's PAGE_*_MAPCOUNT_VALUE (= ~bit) name
 * them: buddy and offline on 6.1, hugetlb (6.9) and slab (6.10) later.
 * Types neither source names print as hex.
 */
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
	if (pl->pgty_value[MS_PGTY_BUDDY] != 0x80 ||
	    pl->pgty_value[MS_PGTY_OFFLINE] != 0x100)
		return;
	pl->pgty_value[MS_PGTY_TABLE] = 0x200;
	pl->pgty_value[MS_PGTY_GUARD] = 0x400;
}

static struct ms_error *resolve_page_type(const struct ms_kinfo *ki,
					  struct ms_page_layout *pl)
{
	static const struct {
		const char *pgty, *vmcoreinfo;
	} names[MS_PGTY_NR] = {
		[MS_PGTY_BUDDY] = { "PGTY_buddy", "PAGE_BUDDY_MAPCOUNT_VALUE" },
		[MS_PGTY_OFFLINE] = { "PGTY_offline", "PAGE_OFFLINE_MAPCOUNT_VALUE" },
		[MS_PGTY_TABLE] = { "PGTY_table", NULL },
		[MS_PGTY_GUARD] = { "PGTY_guard", NULL },
		[MS_PGTY_HUGETLB] = { "PGTY_hugetlb", "PAGE_HUGETLB_MAPCOUNT_VALUE" },
		[MS_PGTY_SLAB] = { "PGTY_slab", "PAGE_SLAB_MAPCOUNT_VALUE" },
		[MS_PGTY_ZSMALLOC] = { "PGTY_zsmalloc", NULL },
		[MS_PGTY_UNACCEPTED] = { "PGTY_unaccepted", "PAGE_UNACCEPTED_MAPCOUNT_VALUE" },
		[MS_PGTY_LARGE_KMALLOC] = { "PGTY_large_kmalloc", NULL },
	};
	struct ms_error *err;
	int64_t v;
	int top;

	top = enum_opt(ki, "PGTY_buddy", &err);
	if (err)
		return err;
	pl->pgty_limit = enum_opt(ki, "PGTY_mapcount_underflow", &err);
	if (err)
		return err;
	pl->pgty_encoding = top >= 0 ? MS_PGTY_TOP_BYTE : MS_PGTY_CLEARED_BITS;
	for (int i = 0; i < MS_PGTY_NR; i++) {
		pl->pgty_value[i] = -1;
		if (!names[i].pgty)
			continue;
		if (pl->pgty_encoding == MS_PGTY_TOP_BYTE) {
			pl->pgty_value[i] = enum_opt(ki, names[i].pgty, &err);
			if (err)
				return err;
			continue;
		}
		if (!names[i].vmcoreinfo)
			continue;
		err = ms_kinfo_number(ki, names[i].vmcoreinfo, &v);
		if (missing(&err))
			continue;
		if (err)
			return err;
		if (v >= 0 || __builtin_popcount(~(uint32_t)v) != 1)
			return ms_error_new(MS_ERR_FORMAT, "%s=%lld is not ~(one bit)",
					    names[i].vmcoreinfo, (long long)v);
		pl->pgty_value[i] = ~(uint32_t)v;
	}
	if (pl->pgty_encoding == MS_PGTY_CLEARED_BITS)
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
static struct ms_error *resolve_node_zone(const struct ms_layout *lay,
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
					struct ms_page_layout *pl)
{
	const struct ms_layout *lay = ms_kinfo_layout(ki);
	struct ms_error *err;

	memset(pl, 0, sizeof(*pl));
	pl->size = lay->page_struct_size;
	pl->page_shift = lay->page_shift;
	pl->vmemmap_base = lay->vmemmap_base;
	if (pl->size < 32 || pl->size > 1024)
		return ms_error_new(MS_ERR_FORMAT, "sizeof(struct page) is %llu",
				    (unsigned long long)pl->size);
	if (!(pl->size & (pl->size - 1)))
		pl->size_shift = __builtin_ctzll(pl->size);
	pl->max_order = max_order(ki, lay);
	err = resolve_words(ki, pl);
	if (!err)
		err = resolve_first_tail(ki, pl);
	if (!err)
		err = resolve_flags(ki, pl);
	if (!err)
		err = resolve_page_type(ki, pl);
	if (!err)
		err = resolve_node_zone(lay, pl);
	if (!err)
		err = check_offsets(pl);
	if (err)
		return ms_error_wrap(err, "struct page layout");
	return NULL;
}
