// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct page decoding on synthetic kernels of each layout variant (6.1,
 * 6.12, 7.3): the layout resolved from their BTF and VMCOREINFO, then a
 * synthetic memmap (base pages of each page_type, a THP with a pin, a slab
 * page, a HugeTLB page — with 6.1 HVO fake heads, and 7.3 compound_info
 * masks — and a devdax page) read back through ms_pages_read(), one read
 * per run; and the same memmap with problems planted, which must be found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fx.h"
#include "memscope/page.h"

#define NR 4096			/* pfns of the synthetic memmap */
#define THP 512
#define SLAB 1024
#define HUGE 1536
#define DEV 3072
#define PGMAP 0xffff888012345600ULL

struct env {
	enum fx_variant v;
	struct fx_kernel k;
	struct ms_page_layout pl;
	uint8_t *mm;		/* NR struct pages */
	char core[320];
	struct ms_target *t;
	struct ms_layout lay;
	struct ms_section sec;
	struct ms_sparse sp;
};

/* ---- the layout, resolved from the fixture kernel ---- */

static void resolve(struct env *e, enum fx_variant v)
{
	struct fx_kernel_opts o = fx_machine_opts(v, 4);
	struct ms_target *t;
	struct ms_kinfo *ki;
	struct ms_error *err;

	memset(e, 0, sizeof(*e));
	e->v = v;
	assert_int_equal(fx_kernel_build(&o, &e->k), 0);
	err = fx_kernel_open(&e->k, &t, &ki);
	if (!err) {
		err = fx_page_layout_copy(ki, &e->pl);
		e->lay = *ms_kinfo_layout(ki);
		ms_kinfo_close(ki);
	}
	ms_target_close(t);
	if (err)
		fail_msg("%s", err->msg);
	fx_kernel_remove(&e->k);
}

static void layout_6_1(void **state)
{
	struct env e;

	resolve(&e, FX_KERNEL_6_1);
	assert_int_equal(e.pl.size, 64);
	assert_int_equal(e.pl.size_shift, 6);
	assert_false(e.pl.compound_info);
	assert_int_equal(e.pl.compound_head, 8);
	assert_int_equal(e.pl.pg[MS_PG_HEAD], 16);
	assert_int_equal(e.pl.pg[MS_PG_SLAB], 9);
	assert_int_equal(e.pl.pg[MS_PG_LARGE_RMAPPABLE], -1);
	assert_int_equal(e.pl.order_store, MS_ORDER_PAGE1_BYTE);
	assert_int_equal(e.pl.order, 17);	/* page[1].compound_order */
	assert_int_equal(e.pl.dtor, 16);
	assert_int_equal(e.pl.dtor_hugetlb, 2);
	assert_int_equal(e.pl.dtor_thp, 3);
	assert_int_equal(e.pl.pincount, 24);
	assert_int_equal(e.pl.nr_pages, 28);
	assert_int_equal(e.pl.type_encoding, MS_PGTY_CLEARED_BITS);
	assert_int_equal(e.pl.type_value[MS_PGTY_BUDDY], 0x80);
	assert_int_equal(e.pl.type_value[MS_PGTY_OFFLINE], 0x100);
	/* #defines, taken only beside VMCOREINFO's buddy 0x80, offline 0x100 */
	assert_int_equal(e.pl.type_value[MS_PGTY_TABLE], 0x200);
	assert_int_equal(e.pl.type_value[MS_PGTY_GUARD], 0x400);
	assert_int_equal(e.pl.nr_pageflags, 25);
	assert_string_equal(e.pl.flag_name[17], "mappedtodisk");
	assert_string_equal(e.pl.flag_name[16], "head");
	assert_int_equal(e.pl.pgmap, MS_ABSENT);
	/* MAX_NUMNODES 64, 5 zones */
	assert_int_equal(e.pl.node_bits, 6);
	assert_int_equal(e.pl.zone_bits, 3);
	assert_int_equal(e.pl.zone_shift, 55);
}

static void layout_6_12(void **state)
{
	struct env e;

	resolve(&e, FX_KERNEL_6_12);
	assert_false(e.pl.compound_info);
	assert_int_equal(e.pl.pg[MS_PG_HEAD], 6);
	assert_int_equal(e.pl.pg[MS_PG_SLAB], -1);	/* a page_type since 6.10 */
	assert_int_equal(e.pl.pg[MS_PG_LARGE_RMAPPABLE], 9);
	assert_int_equal(e.pl.order_store, MS_ORDER_FLAGS1_LOW);
	assert_int_equal(e.pl.order, 0);		/* folio._flags_1 */
	assert_int_equal(e.pl.dtor, MS_ABSENT);
	assert_int_equal(e.pl.pincount, 28);
	assert_int_equal(e.pl.nr_pages, 32);
	assert_int_equal(e.pl.type_encoding, MS_PGTY_TOP_BYTE);
	assert_int_equal(e.pl.type_value[MS_PGTY_SLAB], 245);
	assert_int_equal(e.pl.type_value[MS_PGTY_LARGE_KMALLOC], -1);
	assert_int_equal(e.pl.type_limit, 255);
	assert_int_equal(e.pl.nr_pageflags, 24);
	/* PG_mappedtodisk became an alias of PG_owner_2 */
	assert_string_equal(e.pl.flag_name[11], "owner_2");
}

static void layout_7_3(void **state)
{
	struct env e;

	resolve(&e, FX_KERNEL_7_3);
	assert_true(e.pl.compound_info);
	assert_int_equal(e.pl.compound_head, 8);
	assert_int_equal(e.pl.pg[MS_PG_HEAD], 6);
	assert_int_equal(e.pl.order_store, MS_ORDER_FLAGS1_LOW);
	assert_int_equal(e.pl.pincount, 28);
	assert_int_equal(e.pl.nr_pages, 56);		/* folio._nr_pages */
	assert_int_equal(e.pl.type_value[MS_PGTY_LARGE_KMALLOC], 248);
	assert_int_equal(e.pl.pgmap, 8);		/* folio.pgmap */
	assert_string_equal(e.pl.flag_name[19], "dropbehind");
}

/* ---- a synthetic memmap written with the resolved layout ---- */

static uint8_t *pg(struct env *e, uint64_t pfn)
{
	return e->mm + pfn * e->pl.size;
}

static void put64(uint8_t *p, uint64_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static void put32(uint8_t *p, uint64_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void base(struct env *e, uint64_t pfn, int zone)
{
	uint8_t *p = pg(e, pfn);

	memset(p, 0, e->pl.size);
	put64(p, e->pl.flags, (uint64_t)zone << e->pl.zone_shift);
	put32(p, e->pl.mapcount, UINT32_MAX);	/* _mapcount -1 */
	put32(p, e->pl.refcount, 1);
}

static void set_flag(struct env *e, uint64_t pfn, int bit)
{
	uint64_t f;

	memcpy(&f, pg(e, pfn) + e->pl.flags, 8);
	put64(pg(e, pfn), e->pl.flags, f | 1ULL << bit);
}

static void set_type(struct env *e, uint64_t pfn, enum ms_page_type ty)
{
	uint32_t v = e->pl.type_encoding == MS_PGTY_TOP_BYTE ?
		     (uint32_t)e->pl.type_value[ty] << 24 :
		     ~(uint32_t)e->pl.type_value[ty];

	put32(pg(e, pfn), e->pl.page_type, v);
}

enum kind { K_OTHER, K_THP, K_SLAB, K_HUGE };

static void compound(struct env *e, uint64_t head, unsigned int order,
		     enum kind k, int zone)
{
	const struct ms_page_layout *pl = &e->pl;
	uint64_t hva = ms_page_vaddr(pl, head);
	uint8_t *p1 = pg(e, head + 1);

	for (uint64_t i = 0; i < 1ULL << order; i++)
		base(e, head + i, zone);
	set_flag(e, head, pl->pg[MS_PG_HEAD]);
	for (uint64_t i = 1; i < 1ULL << order; i++) {
		uint64_t info = hva + 1;

		/* 7.1+: with a power-of-2 struct page, a mask (HVO friendly) */
		if (pl->compound_info)
			info = (~0ULL << (order + pl->size_shift)) | 1;
		put64(pg(e, head + i), pl->compound_head, info);
	}
	if (pl->order_store == MS_ORDER_PAGE1_BYTE)
		p1[pl->order] = order;
	else
		put64(p1, pl->order, order | (p1[pl->order] & ~0xffULL));
	put32(p1, pl->nr_pages, 1U << order);
	put32(p1, pl->pincount, 0);
	switch (k) {
	case K_THP:
		if (pl->dtor != MS_ABSENT)
			p1[pl->dtor] = pl->dtor_thp;
		else
			set_flag(e, head + 1, pl->pg[MS_PG_LARGE_RMAPPABLE]);
		break;
	case K_SLAB:
		if (pl->pg[MS_PG_SLAB] >= 0)
			set_flag(e, head, pl->pg[MS_PG_SLAB]);
		else
			set_type(e, head, MS_PGTY_SLAB);
		break;
	case K_HUGE:
		if (pl->dtor != MS_ABSENT)
			p1[pl->dtor] = pl->dtor_hugetlb;
		else
			set_type(e, head, MS_PGTY_HUGETLB);
		break;
	default:
		break;
	}
}

static void write_core_n(struct env *e, uint64_t nr)
{
	struct fx_core *c = fx_core_new();
	int fd;

	snprintf(e->core, sizeof(e->core), "/tmp/memscope-page.XXXXXX");
	fd = mkstemp(e->core);
	assert_true(fd >= 0);
	close(fd);
	fx_core_add_segment(c, ms_page_vaddr(&e->pl, 0), UINT64_MAX, e->mm,
			    nr * e->pl.size);
	assert_int_equal(fx_core_write(c, e->core), 0);
	fx_core_free(c);
	if (ms_target_open(e->core, &e->t))
		fail_msg("cannot open the synthetic core");
}

static void write_core(struct env *e)
{
	write_core_n(e, NR);
}

/* A section whose first NR pages (sub-sections) are active. */
static void make_sparse(struct env *e)
{
	e->lay.subsection_shift = 21;
	e->lay.page_shift = 12;
	e->lay.subsections_per_section = 64;
	e->sec.start_pfn = 0;
	e->sec.nr_pages = NR;
	e->sec.subsection_map[0] = (1ULL << (NR / 512)) - 1;
	e->sec.active = NR / 512;
	e->sp.layout = &e->lay;
	e->sp.sections = &e->sec;
	e->sp.nr_sections = 1;
	e->sp.zone_device_idx = 4;
}

static void build_memmap(struct env *e, enum fx_variant v)
{
	resolve(e, v);
	e->mm = calloc(NR, e->pl.size);
	assert_non_null(e->mm);
	for (uint64_t pfn = 0; pfn < NR; pfn++)
		base(e, pfn, 1);
	set_type(e, 5, MS_PGTY_BUDDY);
	put64(pg(e, 5), e->pl.private_, 3);	/* a free block of order 3 */
	if (e->pl.pg[MS_PG_SLAB] >= 0)
		set_flag(e, 6, e->pl.pg[MS_PG_SLAB]);
	else
		set_type(e, 6, MS_PGTY_SLAB);
	set_type(e, 7, MS_PGTY_OFFLINE);
	/* a type memscope cannot name: 6.1 PG_table (0x200) is a #define
	 * only; 6.12+ a top byte past the enum */
	put32(pg(e, 8), e->pl.page_type,
	      e->pl.type_encoding == MS_PGTY_TOP_BYTE ? 0xf9000000 : ~0x200U);
	compound(e, THP, 9, K_THP, 1);
	put32(pg(e, THP + 1), e->pl.pincount, 7);
	compound(e, SLAB, 3, K_SLAB, 1);
	compound(e, HUGE, 9, K_HUGE, 1);
	if (v == FX_KERNEL_6_1) {
		/* HVO: the tails' vmemmap pages (64 struct pages each) map the
		 * head's frame, so they read as copies of pfns HUGE..HUGE+63 */
		for (uint64_t p = HUGE + 64; p < HUGE + 512; p += 64)
			memcpy(pg(e, p), pg(e, HUGE), 64 * e->pl.size);
	}
	compound(e, DEV, 9, K_OTHER, 4);
	if (e->pl.pgmap != MS_ABSENT)
		put64(pg(e, DEV), e->pl.pgmap, PGMAP);
	make_sparse(e);
}

static void done(struct env *e)
{
	ms_target_close(e->t);
	unlink(e->core);
	free(e->mm);
}

/* ---- reading it back ---- */

static int dedup_note(void *ctx, const struct ms_dedup_finding *f)
{
	uint64_t *got = ctx;	/* n, pfn, vaddr */

	got[0]++;
	got[1] = f->pfn;
	got[2] = f->vaddr;
	return 0;
}

struct seen {
	struct ms_page p[NR];
	uint64_t n;
};

static int collect(void *ctx, const struct ms_page *p)
{
	struct seen *s = ctx;

	assert_true(s->n < NR);
	s->p[s->n++] = *p;
	return 0;
}

/* the problems only (a full walk of more than NR pages) */
static int count_only(void *ctx, const struct ms_page *p)
{
	return p->problem ? collect(ctx, p) : 0;
}

static struct seen *read_all(struct env *e, struct ms_pages_stats *st)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct ms_error *err;

	write_core(e);
	err = ms_pages_read(e->t, &e->sp, &e->pl, 0, NR, collect, NULL, s, st);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(s->n, NR);
	return s;
}

static void healthy(enum fx_variant v)
{
	struct ms_pages_stats st = { 0 };
	struct env e;
	struct seen *s;
	size_t reads;
	char buf[128];

	build_memmap(&e, v);
	s = read_all(&e, &st);
	/* one read for the whole run of active sub-sections */
	reads = ms_target_nr_reads(e.t);
	assert_int_equal(st.reads, 1);
	assert_true(reads >= 1 && reads <= 2);
	assert_int_equal(st.rereads, 0);
	for (uint64_t i = 0; i < NR; i++) {
		assert_int_equal(s->p[i].pfn, i);
		assert_int_equal(s->p[i].problem, MS_PROBLEM_NONE);
		assert_false(s->p[i].unstable);
	}
	ms_page_type_format(&e.pl, &s->p[5], buf, sizeof(buf));
	assert_string_equal(buf, "buddy");
	/* a free block's order is no compound order (issue 11) */
	assert_int_equal(s->p[5].order, 0);
	assert_int_equal(s->p[5].buddy_order, 3);
	assert_int_equal(s->p[4].buddy_order, -1);
	ms_page_type_format(&e.pl, &s->p[6], buf, sizeof(buf));
	assert_string_equal(buf, v == FX_KERNEL_6_1 ? "" : "slab");
	ms_page_flags_format(&e.pl, s->p[6].flags, buf, sizeof(buf));
	assert_string_equal(buf, v == FX_KERNEL_6_1 ? "slab" : "");
	ms_page_type_format(&e.pl, &s->p[7], buf, sizeof(buf));
	assert_string_equal(buf, "offline");
	ms_page_type_format(&e.pl, &s->p[8], buf, sizeof(buf));
	/* 6.1: ~PG_table, which /proc/kpageflags calls KPF_PGTABLE */
	assert_string_equal(buf, v == FX_KERNEL_6_1 ? "table" : "0xf9000000");
	assert_int_equal(s->p[4].mapcount, 0);
	assert_int_equal(s->p[4].zone, 1);
	assert_int_equal(s->p[4].kind, MS_PAGE_BASE);
	/* THP with 7 pins */
	assert_int_equal(s->p[THP].kind, MS_PAGE_HEAD);
	assert_int_equal(s->p[THP].order, 9);
	assert_int_equal(s->p[THP].ckind, MS_COMPOUND_THP);
	assert_int_equal(s->p[THP].pincount, 7);
	ms_page_flags_format(&e.pl, s->p[THP].flags, buf, sizeof(buf));
	assert_string_equal(buf, "head");
	for (uint64_t i = THP + 1; i < THP + 512; i++) {
		assert_int_equal(s->p[i].kind, MS_PAGE_TAIL);
		assert_int_equal(s->p[i].head_pfn, THP);
		assert_int_equal(s->p[i].order, 9);
		/* the head's flags but PG_head, never page[1]'s order byte */
		assert_int_equal(s->p[i].folio_flags, s->p[THP].flags &
				 ~(1ULL << e.pl.pg[MS_PG_HEAD]));
	}
	if (e.pl.order_store == MS_ORDER_FLAGS1_LOW)	/* 6.6+ */
		assert_int_equal(s->p[THP + 1].flags & 0xff, 9);
	assert_int_equal(s->p[SLAB].ckind, MS_COMPOUND_SLAB);
	assert_int_equal(s->p[SLAB].order, 3);
	assert_int_equal(s->p[SLAB + 8].kind, MS_PAGE_BASE);
	assert_int_equal(s->p[HUGE].ckind, MS_COMPOUND_HUGETLB);
	for (uint64_t i = HUGE + 1; i < HUGE + 512; i++) {
		assert_int_equal(s->p[i].kind, MS_PAGE_TAIL);
		assert_int_equal(s->p[i].head_pfn, HUGE);
		assert_int_equal(s->p[i].order, 9);
		/* 6.1 HVO: a tail at a page-aligned vmemmap address */
		assert_int_equal(s->p[i].fake_head,
				 v == FX_KERNEL_6_1 && (i - HUGE) % 64 == 0);
	}
	assert_int_equal(s->p[DEV].ckind, MS_COMPOUND_DEVDAX);
	assert_int_equal(s->p[DEV].zone, 4);
	assert_int_equal(s->p[DEV].pgmap, e.pl.pgmap != MS_ABSENT ? PGMAP : 0);
	assert_int_equal(s->p[DEV + 511].head_pfn, DEV);
	free(s);
	done(&e);
}

static void healthy_6_1(void **state) { healthy(FX_KERNEL_6_1); }
static void healthy_6_12(void **state) { healthy(FX_KERNEL_6_12); }
static void healthy_7_3(void **state) { healthy(FX_KERNEL_7_3); }

/* Problems planted in the memmap must be found, and only those. */
static void planted(enum fx_variant v)
{
	struct ms_pages_stats st = { 0 };
	struct env e;
	struct seen *s;
	uint64_t found = 0;

	build_memmap(&e, v);
	/* a tail naming a base page as its head */
	put64(pg(&e, 2100), e.pl.compound_head, ms_page_vaddr(&e.pl, 2048) + 1);
	/* a tail naming no struct page at all (a torn or garbage word) */
	put64(pg(&e, 2200), e.pl.compound_head, 0x1235);
	/* a base page inside the THP */
	base(&e, THP + 100, 1);
	/* a head of order 1 at an odd pfn */
	compound(&e, 2601, 1, K_OTHER, 1);
	/* a head whose nr_pages disagrees with its order */
	compound(&e, 2816, 2, K_OTHER, 1);
	put32(pg(&e, 2817), e.pl.nr_pages, 8);
	s = read_all(&e, &st);
	assert_true(st.rereads >= 5);
	for (uint64_t i = 0; i < NR; i++) {
		const struct ms_page *p = &s->p[i];
		enum ms_page_problem want = MS_PROBLEM_NONE;

		/* 7.1+ masks cannot reach a misaligned head from its tail */
		if (i == 2100 || i == 2200 ||
		    (i == 2602 && v == FX_KERNEL_7_3))
			want = MS_PROBLEM_TAIL_UNCOVERED;
		else if (i == THP + 100)
			want = MS_PROBLEM_NOT_TAIL;
		else if (i == 2601)
			want = MS_PROBLEM_HEAD_MISALIGNED;
		else if (i == 2816)
			want = MS_PROBLEM_BAD_ORDER;
		if (p->problem != want)
			fail_msg("pfn %llu: problem %s, want %s", (unsigned long long)i,
				 ms_page_problem_name(p->problem),
				 ms_page_problem_name(want));
		/* the same bytes twice: a stable problem, not a torn read */
		assert_false(p->unstable);
		found += p->problem != MS_PROBLEM_NONE;
	}
	/* never an impossible row: the garbage tail names itself */
	assert_int_equal(s->p[2200].head_pfn, 2200);
	assert_int_equal(found, v == FX_KERNEL_7_3 ? 6 : 5);
	free(s);
	done(&e);
}

/*
 * Issue 10: device-dax compound pages whose heads do not cover their
 * tails (order 0 heads, 511 tails naming each). Every tail is reported,
 * but each head is looked up once and each run re-read once: the reads
 * stay a handful per compound page, not three per tail.
 */
static void uncovered(enum fx_variant v, bool heads_only)
{
	struct fx_devdax dd = { .order = 9 };
	struct ms_pages_stats st = { 0 };
	struct seen *s = calloc(1, sizeof(*s));
	struct ms_error *err;
	uint64_t problems = 0;
	struct env e;

	resolve(&e, v);
	e.mm = calloc(NR, e.pl.size);
	assert_non_null(e.mm);
	fx_memmap_devdax(&dd, &e.pl, 4, 0, NR, e.mm);
	make_sparse(&e);
	write_core(&e);
	err = (heads_only ? ms_pages_read_heads : ms_pages_read)(
		e.t, &e.sp, &e.pl, 0, NR, collect, NULL, s, &st);
	if (err)
		fail_msg("%s", err->msg);
	for (uint64_t i = 0; i < s->n; i++) {
		const struct ms_page *p = &s->p[i];

		assert_int_equal(p->problem, p->pfn % 512 ?
				 MS_PROBLEM_TAIL_UNCOVERED : MS_PROBLEM_NONE);
		assert_false(p->unstable);
		problems += p->problem != MS_PROBLEM_NONE;
	}
	/* heads-only too: every page is a head or a problem */
	assert_int_equal(s->n, NR);
	assert_int_equal(problems, NR - NR / 512);
	/* one chunk, then per compound page: its head once, one re-read of
	 * the first uncovered tail and of the head with it */
	if (st.reads > 1 + 3 * (NR / 512) || st.rereads > NR / 512)
		fail_msg("%llu reads, %llu re-reads for %d pages",
			 (unsigned long long)st.reads,
			 (unsigned long long)st.rereads, NR);
	free(s);
	done(&e);
}

static void uncovered_6_1(void **state) { uncovered(FX_KERNEL_6_1, false); }
static void uncovered_7_3(void **state) { uncovered(FX_KERNEL_7_3, false); }
static void uncovered_heads_7_3(void **state) { uncovered(FX_KERNEL_7_3, true); }

/* The heads-only walk sees exactly the heads and the problems of the full one. */
static void heads_only(enum fx_variant v)
{
	struct seen *all, *heads = calloc(1, sizeof(*heads));
	struct ms_error *err;
	uint64_t want = 0;
	struct env e;

	build_memmap(&e, v);
	put64(pg(&e, 2100), e.pl.compound_head, ms_page_vaddr(&e.pl, 2048) + 1);
	base(&e, THP + 100, 1);
	all = read_all(&e, NULL);
	err = ms_pages_read_heads(e.t, &e.sp, &e.pl, 0, NR, collect, NULL,
				  heads, NULL);
	if (err)
		fail_msg("%s", err->msg);
	for (uint64_t i = 0, j = 0; i < NR; i++) {
		if (all->p[i].kind != MS_PAGE_HEAD && !all->p[i].problem)
			continue;
		want++;
		assert_true(j < heads->n);
		assert_int_equal(heads->p[j].pfn, i);
		assert_int_equal(heads->p[j].problem, all->p[i].problem);
		assert_int_equal(heads->p[j].order, all->p[i].order);
		j++;
	}
	/* THP, slab, HugeTLB, devdax heads and the two problems */
	assert_int_equal(want, 6);
	assert_int_equal(heads->n, want);
	free(all);
	free(heads);
	done(&e);
}

/*
 * Issue 14: a heads-only walk (the census) does not read the tails of a
 * compound page past the chunk holding its head once its last tail names
 * the head. Two devdax pages of order 16 over four 32768-page sections,
 * each with a stray head planted deep in its tails (not at a page-aligned
 * vmemmap address, where it would be a 6.1 HVO fake head): the full walk reports
 * both, the heads-only walk neither, but it does read the tails of a
 * compound page whose last tail is no tail of it (a garbage order must not
 * hide what follows).
 */
#define BIG (4 * MS_PAGES_CHUNK)

static void stray_head(struct env *e, uint64_t pfn)
{
	put64(pg(e, pfn), e->pl.compound_head, 0);
	set_flag(e, pfn, e->pl.pg[MS_PG_HEAD]);
}

static bool saw(const struct seen *s, uint64_t pfn)
{
	for (uint64_t i = 0; i < s->n; i++)
		if (s->p[i].pfn == pfn)
			return true;
	return false;
}

static struct seen *walk_big(struct env *e, bool heads_only)
{
	struct ms_pages_stats st = { 0 };
	struct seen *s = calloc(1, sizeof(*s));
	struct ms_error *err;

	err = (heads_only ? ms_pages_read_heads : ms_pages_read)(
		e->t, &e->sp, &e->pl, 0, BIG, heads_only ? collect : count_only,
		NULL, s, &st);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(st.pages, BIG);
	return s;
}

static void skip_tails(enum fx_variant v)
{
	struct fx_devdax dd = { .order = 16, .covered = true };
	struct ms_section secs[BIG / MS_PAGES_CHUNK];
	struct seen *s;
	struct env e;

	resolve(&e, v);
	e.mm = calloc(BIG, e.pl.size);
	assert_non_null(e.mm);
	fx_memmap_devdax(&dd, &e.pl, 4, 0, BIG, e.mm);
	stray_head(&e, 40001);
	stray_head(&e, 100001);
	e.lay.subsection_shift = 21;
	e.lay.page_shift = 12;
	e.lay.subsections_per_section = 64;
	memset(secs, 0, sizeof(secs));
	for (unsigned int i = 0; i < BIG / MS_PAGES_CHUNK; i++) {
		secs[i].nr = i;
		secs[i].start_pfn = (uint64_t)i * MS_PAGES_CHUNK;
		secs[i].nr_pages = MS_PAGES_CHUNK;
		secs[i].subsection_map[0] = ~0ULL;
		secs[i].active = 64;
	}
	e.sp.layout = &e.lay;
	e.sp.sections = secs;
	e.sp.nr_sections = BIG / MS_PAGES_CHUNK;
	e.sp.zone_device_idx = 4;
	write_core_n(&e, BIG);

	/* the full walk reads every tail: both stray heads are problems */
	s = walk_big(&e, false);
	assert_true(saw(s, 40001) && saw(s, 100001));
	free(s);
	/* heads-only: the two heads, of order 16, and nothing in between */
	s = walk_big(&e, true);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->p[0].pfn, 0);
	assert_int_equal(s->p[1].pfn, 65536);
	assert_int_equal(s->p[0].order, 16);
	assert_int_equal(s->p[1].order, 16);
	free(s);
	/* the first one's last tail names no head: its tails are read */
	ms_target_close(e.t);
	unlink(e.core);
	put64(pg(&e, 65535), e.pl.compound_head, 0);
	write_core_n(&e, BIG);
	s = walk_big(&e, true);
	assert_true(saw(s, 40001));
	assert_true(saw(s, 65535));
	assert_false(saw(s, 100001));
	free(s);
	done(&e);
}

static void skip_tails_6_12(void **state) { skip_tails(FX_KERNEL_6_12); }
static void skip_tails_7_3(void **state) { skip_tails(FX_KERNEL_7_3); }

static void heads_6_1(void **state) { heads_only(FX_KERNEL_6_1); }
static void heads_7_3(void **state) { heads_only(FX_KERNEL_7_3); }

static void planted_6_1(void **state) { planted(FX_KERNEL_6_1); }
static void planted_6_12(void **state) { planted(FX_KERNEL_6_12); }
static void planted_7_3(void **state) { planted(FX_KERNEL_7_3); }

/* A range starting inside a compound page still gives tails their order. */
static void mid_compound(void **state)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct ms_error *err;
	struct env e;

	build_memmap(&e, FX_KERNEL_7_3);
	write_core(&e);
	err = ms_pages_read(e.t, &e.sp, &e.pl, HUGE + 300, 10, collect, NULL,
			    s, NULL);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(s->n, 10);
	assert_int_equal(s->p[0].pfn, HUGE + 300);
	assert_int_equal(s->p[0].order, 9);
	assert_int_equal(s->p[0].head_pfn, HUGE);
	assert_int_equal(s->p[0].problem, MS_PROBLEM_NONE);
	free(s);
	done(&e);
}

/*
 * The memmap behind real page tables: each vmemmap page on its own frame,
 * but the HugeTLB page's tail vmemmap pages remapped as HVO does (6.1: to
 * the head's frame; 7.x: to one frame of tails). With plant, two vmemmap
 * pages inside it map a frame of base pages: a deduplicated frame that is
 * not behind tails.
 */
#define DIRECT_MAP 0xffff888000000000ULL

static void dedup(enum fx_variant v, bool plant)
{
	uint64_t frame[NR * 64 / 4096], first = HUGE * 64 / 4096;
	uint64_t shared = v == FX_KERNEL_6_1 ? first : first + 1;
	struct dedup_seen { uint64_t n, pfn, vaddr; } got = { 0 };
	struct seen *s = calloc(1, sizeof(*s));
	struct ms_error *err;
	struct fx_core *c;
	struct fx_mem m;
	struct env e;
	int fd;

	build_memmap(&e, v);
	fx_mem_init(&m, 0, 4ULL << 20, 1ULL << 20, 4);
	for (size_t i = 0; i < sizeof(frame) / sizeof(*frame); i++) {
		frame[i] = fx_mem_alloc(&m, 4096, 4096);
		memcpy(fx_mem_ptr(&m, frame[i]), e.mm + i * 4096, 4096);
	}
	for (size_t i = 0; i < sizeof(frame) / sizeof(*frame); i++) {
		uint64_t f = frame[i];

		if (i > shared && i < first + 8)
			f = frame[shared];
		if (plant && (i == first + 4 || i == first + 5))
			f = frame[2];
		fx_mem_map(&m, ms_page_vaddr(&e.pl, 0) + i * 4096, f, 4096, 4096,
			   false);
	}
	c = fx_core_new();
	fx_core_add_segment(c, DIRECT_MAP, 0, m.bytes, m.size);
	snprintf(e.core, sizeof(e.core), "/tmp/memscope-page.XXXXXX");
	fd = mkstemp(e.core);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fx_core_write(c, e.core), 0);
	fx_core_free(c);
	assert_null(ms_target_open(e.core, &e.t));
	assert_null(ms_target_set_paging(e.t, DIRECT_MAP + m.pgd, 4));

	/* the walk through the page tables sees the same compound pages */
	err = ms_pages_read(e.t, &e.sp, &e.pl, 0, NR, collect, NULL, s, NULL);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(s->n, NR);
	assert_int_equal(s->p[HUGE].ckind, MS_COMPOUND_HUGETLB);
	for (uint64_t i = HUGE + 1; i < HUGE + 512; i++) {
		bool in_plant = plant && i >= HUGE + 256 && i < HUGE + 384;

		assert_int_equal(s->p[i].kind, in_plant ? MS_PAGE_BASE : MS_PAGE_TAIL);
		assert_int_equal(s->p[i].problem,
				 in_plant ? MS_PROBLEM_NOT_TAIL : MS_PROBLEM_NONE);
	}
	err = ms_page_dedup_check(e.t, &e.pl, HUGE, 9, 4, dedup_note, &got);
	if (err)
		fail_msg("%s", err->msg);
	if (!plant) {
		assert_int_equal(got.n, 0);
	} else {
		/* the higher of the two mappings of the base pages' frame */
		assert_int_equal(got.n, 1);
		assert_int_equal(got.pfn, HUGE + 320);
		assert_int_equal(got.vaddr, ms_page_vaddr(&e.pl, HUGE + 320));
	}
	/* the THP's vmemmap shares nothing */
	got.n = 0;
	assert_null(ms_page_dedup_check(e.t, &e.pl, THP, 9, 4, dedup_note, &got));
	assert_int_equal(got.n, 0);
	free(s);
	fx_mem_free(&m);
	done(&e);
}

static void dedup_6_1(void **state) { dedup(FX_KERNEL_6_1, false); }
static void dedup_7_3(void **state) { dedup(FX_KERNEL_7_3, false); }
static void dedup_planted_6_1(void **state) { dedup(FX_KERNEL_6_1, true); }
static void dedup_planted_7_3(void **state) { dedup(FX_KERNEL_7_3, true); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_6_1),
		cmocka_unit_test(layout_6_12),
		cmocka_unit_test(layout_7_3),
		cmocka_unit_test(healthy_6_1),
		cmocka_unit_test(healthy_6_12),
		cmocka_unit_test(healthy_7_3),
		cmocka_unit_test(planted_6_1),
		cmocka_unit_test(planted_6_12),
		cmocka_unit_test(planted_7_3),
		cmocka_unit_test(mid_compound),
		cmocka_unit_test(heads_6_1),
		cmocka_unit_test(heads_7_3),
		cmocka_unit_test(uncovered_6_1),
		cmocka_unit_test(uncovered_7_3),
		cmocka_unit_test(uncovered_heads_7_3),
		cmocka_unit_test(skip_tails_6_12),
		cmocka_unit_test(skip_tails_7_3),
		cmocka_unit_test(dedup_6_1),
		cmocka_unit_test(dedup_7_3),
		cmocka_unit_test(dedup_planted_6_1),
		cmocka_unit_test(dedup_planted_7_3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
