/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page: struct page decoding. The layout is resolved once by kinfo
 * (ms_kinfo_page_layout(), klayout.h); the decoder (src/mm/page_decode.h,
 * private to mm/) is a pure function of one struct page's bytes (and the
 * next one's, page[1], which holds a folio's order, pincount and, on 6.1,
 * its destructor); ms_pages_read() reads a pfn range a whole run of
 * present sub-sections per pread and hands each decoded page to a
 * callback, with tails already tied to their head's order and torn reads
 * re-read once and otherwise marked unstable.
 *
 * Memory use is proportional to the chunk being decoded, never to all
 * pages.
 */
#ifndef MEMSCOPE_PAGE_H
#define MEMSCOPE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kinfo.h"
#include "klayout.h"
#include "sparse.h"
#include "target.h"

enum ms_page_kind { MS_PAGE_BASE, MS_PAGE_HEAD, MS_PAGE_TAIL };

/* What a compound page is, decided on its head (see page_kind.c). */
enum ms_compound_kind {
	MS_COMPOUND_NONE, MS_COMPOUND_THP, MS_COMPOUND_HUGETLB,
	MS_COMPOUND_DEVDAX, MS_COMPOUND_SLAB, MS_COMPOUND_OTHER,
	MS_COMPOUND_NR,
};

/* What the reader found wrong with a page, after one re-read. */
enum ms_page_problem {
	MS_PROBLEM_NONE,
	MS_PROBLEM_TAIL_UNCOVERED,	/* its head is no head, or too small */
	MS_PROBLEM_NOT_TAIL,		/* inside a head's span, not its tail */
	MS_PROBLEM_HEAD_MISALIGNED,	/* pfn not a multiple of 1 << order */
	MS_PROBLEM_BAD_ORDER,		/* order and nr_pages disagree, or absurd */
	MS_PROBLEM_NR,
};

struct ms_page {
	uint64_t pfn;
	uint64_t flags;			/* the raw flags word */
	/*
	 * The flags the kernel reports for the page (kpageflags): a tail's
	 * are its head's, the folio's (stable_page_flags() reads folio->flags,
	 * 6.9+), set by ms_pages_read() once it knows the head, else 0. Never
	 * a first tail's own word: since 6.6 its low byte is the folio order
	 * (folio._flags_1), not flags.
	 */
	uint64_t folio_flags;
	enum ms_page_kind kind;
	unsigned int order;		/* the compound order: head: its own;
					 * tail: its head's (when the reader
					 * knows it); else 0 */
	int buddy_order;		/* a free buddy block's first page: the
					 * block's order (page->private), else -1 */
	uint64_t head_pfn;		/* head and base: pfn itself */
	int32_t refcount;
	int32_t mapcount;		/* _mapcount + 1; 0 when typed */
	uint32_t page_type_raw;
	enum ms_page_type type;
	int32_t pincount;		/* heads with page[1]; else -1 */
	int zone, node;
	uint64_t mapping;
	uint64_t pgmap;			/* ZONE_DEVICE; 0 when unknown */
	enum ms_compound_kind ckind;	/* heads only */
	bool fake_head;			/* 6.1 HVO: a tail seen as a head */
	bool unstable;			/* changed under the scan: re-read
					 * once and still inconsistent */
	enum ms_page_problem problem;	/* set by ms_pages_read() */
	bool order_mismatch;		/* order and nr_pages disagree */
};


/* The vmemmap address of pfn's struct page. */
static inline uint64_t ms_page_vaddr(const struct ms_page_layout *pl,
				     uint64_t pfn)
{
	return pl->vmemmap_base + pfn * pl->size;
}

/* "locked,head,..." into buf (flags below __NR_PAGEFLAGS only). */
void ms_page_flags_format(const struct ms_page_layout *pl, uint64_t flags,
			  char *buf, size_t len);
/* "buddy", "slab", ... or "0x%08x" for a type memscope cannot name; "" none. */
void ms_page_type_format(const struct ms_page_layout *pl,
			 const struct ms_page *p, char *buf, size_t len);
const char *ms_page_kind_name(enum ms_page_kind k);
const char *ms_compound_kind_name(enum ms_compound_kind k);
const char *ms_page_problem_name(enum ms_page_problem p);

/*
 * Returns 0 to go on, non-zero to stop (ms_pages_read then returns NULL).
 * The page is valid during the call only.
 */
typedef int (*ms_page_fn)(void *ctx, const struct ms_page *p);
/* Called for a run of pfns with no readable memmap (hole, inactive
 * sub-section, or a fault), so that callers can report them. */
typedef int (*ms_hole_fn)(void *ctx, uint64_t pfn, uint64_t nr,
			  const struct ms_error *why);

struct ms_pages_stats {
	uint64_t pages;			/* decoded */
	uint64_t reads;			/* ms_target_read calls */
	uint64_t rereads, unstable;
};

/*
 * Reads [start_pfn, start_pfn + nr) over the present sections of sp, one
 * target read per run of active sub-sections (in chunks of at most
 * MS_PAGES_CHUNK pages). Tails get their head's order even when the head
 * lies before start_pfn (one extra small read). hole may be NULL.
 */
#define MS_PAGES_CHUNK 32768
struct ms_error *ms_pages_read(struct ms_target *t, const struct ms_sparse *sp,
			       const struct ms_page_layout *pl,
			       uint64_t start_pfn, uint64_t nr,
			       ms_page_fn fn, ms_hole_fn hole, void *ctx,
			       struct ms_pages_stats *stats);
/*
 * The same walk, calling fn only for heads and for pages with a problem:
 * base pages and consistent tails are skipped on two words, undecoded (the
 * census, and finding HugeTLB or devdax heads). The tails of a compound
 * page past the chunk holding its head are not read at all when its last
 * tail names it: a problem among them goes unseen (ms_pages_read sees it).
 */
struct ms_error *ms_pages_read_heads(struct ms_target *t,
				     const struct ms_sparse *sp,
				     const struct ms_page_layout *pl,
				     uint64_t start_pfn, uint64_t nr,
				     ms_page_fn fn, ms_hole_fn hole, void *ctx,
				     struct ms_pages_stats *stats);

/*
 * [start_pfn, start_pfn + nr) where struct pages are initialised: one
 * ms_pages_read (or _heads) per run of contiguous such sections; pfns of
 * absent, offline or uninitialised sections are skipped, not reported.
 */
struct ms_error *ms_pages_walk(struct ms_target *t, const struct ms_sparse *sp,
			       const struct ms_page_layout *pl,
			       uint64_t start_pfn, uint64_t nr, bool heads_only,
			       ms_page_fn fn, ms_hole_fn hole, void *ctx,
			       struct ms_pages_stats *stats);

/*
 * Deduplicated vmemmap frames (HVO, devdax compound devmaps) only behind
 * tails: over the vmemmap pages of the compound page at head_pfn (and one
 * neighbour on each side), every mapping of a frame mapped more than once,
 * but the lowest, must hold tail struct pages only. fn gets each mapping
 * that does not; non-zero stops. Needs the target's page tables.
 */
struct ms_dedup_finding {
	uint64_t pfn;		/* the first struct page that is no tail */
	uint64_t vaddr;		/* the vmemmap page mapping the frame */
	uint64_t frame;		/* the shared frame */
	uint64_t original;	/* the lowest vmemmap page mapping it */
};
typedef int (*ms_dedup_fn)(void *ctx, const struct ms_dedup_finding *f);
struct ms_error *ms_page_dedup_check(struct ms_target *t,
				     const struct ms_page_layout *pl,
				     uint64_t head_pfn, unsigned int order,
				     int zone_device_idx, ms_dedup_fn fn,
				     void *ctx);

#endif
