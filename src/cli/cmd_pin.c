// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope pin TARGET [--offset OFF] [--length LEN] [--hold S |
 * --until-signal]: takes a long-term pin on a range and shows what it did
 * to the struct pages: refcount and pincount of each run of pages before
 * and after the pin (table "pinned"), then, after the hold, before and
 * after the release (table "released"). The pfns come from
 * /proc/self/pagemap; the counts from the kernel's struct pages.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "memscope/blockers.h"
#include "memscope/pin.h"
#include "page_fmt.h"

#define MAX_ROWS 4096
#define SPAN_GAP 64		/* pfns closer than this share one read */

enum {
	COL_PFN, COL_PAGES, COL_BLOCK, COL_KIND, COL_ORDER, COL_REFCOUNT_BEFORE,
	COL_REFCOUNT_AFTER, COL_PINCOUNT_BEFORE, COL_PINCOUNT_AFTER,
};

const struct ms_coldesc ms_pin_columns[] = {
	[COL_PFN] = { "PFN", 10, true, true, MS_COL_PFN, "first pfn of the run" },
	[COL_PAGES] = { "PAGES", 5, true, true, MS_COL_NUMBER, "pages in the run" },
	[COL_BLOCK] = { "BLOCK", 5, true, true, MS_COL_NUMBER, "memory block (none for ZONE_DEVICE)" },
	[COL_KIND] = { "KIND", 4, false, true, MS_COL_STRING, "head (with its tails) or base" },
	[COL_ORDER] = { "ORDER", 2, true, true, MS_COL_NUMBER, "compound order" },
	[COL_REFCOUNT_BEFORE] = { "REFCOUNT_BEFORE", 5, true, true, MS_COL_NUMBER, "refcount of the first page, before" },
	[COL_REFCOUNT_AFTER] = { "REFCOUNT_AFTER", 5, true, true, MS_COL_NUMBER, "refcount of the first page, after" },
	[COL_PINCOUNT_BEFORE] = { "PINCOUNT_BEFORE", 5, true, true, MS_COL_NUMBER, "pins before (folio pincount, or refcount/1024)" },
	[COL_PINCOUNT_AFTER] = { "PINCOUNT_AFTER", 5, true, true, MS_COL_NUMBER, "pins after" },
};
const size_t ms_pin_nr_columns = sizeof(ms_pin_columns) / sizeof(*ms_pin_columns);

enum { PH_BEFORE, PH_PINNED, PH_RELEASED, PH_NR };

struct pv {
	int32_t ref;
	int64_t pins;
	uint8_t kind, order;
	bool seen;
};

struct pinview {
	uint64_t *pfns;			/* sorted, unique, non-zero */
	size_t n;
	struct pv *v[PH_NR];
	int phase;
	const struct ms_blocks *blocks;	/* sysfs, or NULL */
	unsigned int page_shift;
};

struct pin_row {
	const struct pinview *pv;
	size_t first;			/* index in pfns */
	uint64_t pages;
	int from, to;			/* phases shown as before, after */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int record_page(void *ctx, const struct ms_page *p)
{
	struct pinview *pv = ctx;
	uint64_t *hit = bsearch(&p->pfn, pv->pfns, pv->n, sizeof(*pv->pfns), cmp_u64);
	struct pv *v;

	if (!hit)
		return 0;
	v = &pv->v[pv->phase][hit - pv->pfns];
	v->ref = p->refcount;
	v->pins = ms_page_pins(p);
	v->kind = p->kind;
	v->order = p->order;
	v->seen = true;
	return 0;
}

/* Reads the pinned pfns' struct pages: one walk per span of close pfns. */
static struct ms_error *read_phase(struct ms_cli *c, const struct ms_page_layout *pl,
				   struct pinview *pv, int phase)
{
	struct ms_error *err = NULL;

	pv->phase = phase;
	for (size_t i = 0, j; i < pv->n && !err; i = j) {
		for (j = i + 1; j < pv->n && pv->pfns[j] - pv->pfns[j - 1] <= SPAN_GAP; j++)
			;
		err = ms_cli_pages_walk(c, pl, pv->pfns[i],
					pv->pfns[j - 1] - pv->pfns[i] + 1,
					false, record_page, NULL, pv, NULL);
	}
	return err;
}

static bool same_run(const struct pinview *pv, size_t a, size_t b)
{
	if (pv->pfns[b] != pv->pfns[b - 1] + 1)
		return false;
	if (pv->v[PH_PINNED][b].kind == MS_PAGE_TAIL)
		return pv->v[PH_PINNED][a].kind != MS_PAGE_BASE;
	for (int ph = 0; ph < PH_NR; ph++)
		if (pv->v[ph][a].kind != MS_PAGE_BASE || pv->v[ph][b].kind != MS_PAGE_BASE ||
		    pv->v[ph][a].ref != pv->v[ph][b].ref)
			return false;
	return true;
}

static void pin_cell(const struct ms_cli *c, int id, const void *row,
		     char *buf, size_t len)
{
	const struct pin_row *r = row;
	const struct pinview *pv = r->pv;
	const struct pv *b = &pv->v[r->from][r->first], *a = &pv->v[r->to][r->first];
	const struct ms_block *blk;
	uint64_t pfn = pv->pfns[r->first];

	switch (id) {
	case COL_PFN: snprintf(buf, len, "%" PRIu64, pfn); break;
	case COL_PAGES: snprintf(buf, len, "%" PRIu64, r->pages); break;
	case COL_BLOCK:
		blk = pv->blocks ? ms_blocks_find(pv->blocks, pfn << pv->page_shift) : NULL;
		if (blk)	/* ZONE_DEVICE memory has none */
			snprintf(buf, len, "%" PRIu64, blk->nr);
		break;
	case COL_KIND: snprintf(buf, len, "%s", ms_page_kind_name(a->kind)); break;
	case COL_ORDER: snprintf(buf, len, "%u", a->order); break;
	case COL_REFCOUNT_BEFORE:
		if (b->seen)	/* not seen: a frame the pin migrated to */
			snprintf(buf, len, "%d", b->ref);
		break;
	case COL_REFCOUNT_AFTER: snprintf(buf, len, "%d", a->ref); break;
	case COL_PINCOUNT_BEFORE:
		if (b->seen)
			snprintf(buf, len, "%" PRId64, b->pins);
		break;
	case COL_PINCOUNT_AFTER: snprintf(buf, len, "%" PRId64, a->pins); break;
	}
}

static int print_phase(struct ms_cli *c, const struct pinview *pv, const char *name,
		       int from, int to)
{
	static struct pin_row rows[MAX_ROWS];
	struct ms_table *t;
	size_t nr = 0;
	int64_t pins = 0;

	for (size_t i = 0, j; i < pv->n; i = j) {
		for (j = i + 1; j < pv->n && same_run(pv, i, j); j++)
			;
		pins += pv->v[to][i].pins - pv->v[from][i].pins;
		if (nr < MAX_ROWS)
			rows[nr++] = (struct pin_row){ pv, i, j - i, from, to };
	}
	ms_act_say(c, "%s: %zu pages in %zu runs%s, pins %+" PRId64, name, pv->n, nr,
		   nr == MAX_ROWS ? " (first runs shown)" : "", pins);
	t = ms_table_new(c, name, ms_pin_columns, ms_pin_nr_columns, pin_cell);
	if (!t)
		return MS_EXIT_USAGE;
	for (size_t i = 0; i < nr; i++)
		ms_table_add_row(t, &rows[i]);
	return ms_table_print(t);
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = 1;
}

/* Holds the pin for hold seconds, or until SIGINT/SIGTERM (forever: -1). */
static void hold_pin(long hold)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct timespec end, now;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += hold;
	while (!stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (hold >= 0 && now.tv_sec >= end.tv_sec)
			break;
		usleep(100000);
	}
}

static int parse_opts(struct ms_cli *c, int argc, char **argv, uint64_t *off,
		      uint64_t *len, long *hold)
{
	uint64_t h = 0;

	*off = *len = 0;
	if (argc != 2)
		return ms_cli_usage_error("pin takes one TARGET (anon:SIZE, a hugetlbfs file, /dev/daxX.Y)");
	if (c->opt[PIN_OPT_OFFSET] && ms_parse_size(c->opt[PIN_OPT_OFFSET], off))
		return ms_cli_usage_error("--offset: not a size: '%s'", c->opt[PIN_OPT_OFFSET]);
	if (c->opt[PIN_OPT_LENGTH] && (ms_parse_size(c->opt[PIN_OPT_LENGTH], len) || !*len))
		return ms_cli_usage_error("--length: not a size: '%s'", c->opt[PIN_OPT_LENGTH]);
	if (c->opt[PIN_OPT_HOLD] && c->opt[PIN_OPT_UNTIL_SIGNAL])
		return ms_cli_usage_error("--hold and --until-signal exclude each other");
	if (c->opt[PIN_OPT_HOLD] && (ms_parse_size(c->opt[PIN_OPT_HOLD], &h) || h > 86400))
		return ms_cli_usage_error("--hold takes seconds (0 to 86400)");
	if (ms_cli_refuse_action(c, "pin"))
		return MS_EXIT_FAILURE;
	*hold = c->opt[PIN_OPT_UNTIL_SIGNAL] ? -1 : (long)h;
	return 0;
}

/* The pfns of the mapping, sorted and unique (a devdax page maps once). */
static struct ms_error *collect_pfns(const struct ms_pin *p, struct pinview *pv)
{
	size_t npages = p->len / (size_t)sysconf(_SC_PAGESIZE), n = 0;
	struct ms_error *err;

	pv->pfns = calloc(npages, sizeof(*pv->pfns));
	for (int ph = 0; ph < PH_NR && pv->pfns; ph++)
		if (!(pv->v[ph] = calloc(npages, sizeof(struct pv))))
			return ms_error_new(MS_ERR_NOMEM, "out of memory");
	if (!pv->pfns)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	err = ms_pin_pfns(p, pv->pfns, npages);
	if (err)
		return err;
	qsort(pv->pfns, npages, sizeof(*pv->pfns), cmp_u64);
	for (size_t i = 0; i < npages; i++)
		if (pv->pfns[i] && (!n || pv->pfns[n - 1] != pv->pfns[i]))
			pv->pfns[n++] = pv->pfns[i];
	pv->n = n;
	if (!n)
		return ms_error_new(MS_ERR_PERM, "/proc/self/pagemap shows no pfns (needs CAP_SYS_ADMIN)");
	return NULL;
}

static void pinview_free(struct pinview *pv)
{
	free(pv->pfns);
	for (int ph = 0; ph < PH_NR; ph++)
		free(pv->v[ph]);
}

static int64_t total_pins(const struct pinview *pv, int ph)
{
	int64_t sum = 0;

	for (size_t i = 0; i < pv->n; i++)
		sum += pv->v[ph][i].pins;
	return sum;
}

/* After the release: an AF_XDP UMEM is unpinned by a work item, later. */
static struct ms_error *read_released(struct ms_cli *c, const struct ms_page_layout *pl,
				      struct pinview *pv)
{
	struct ms_error *err = NULL;

	for (int tries = 0; tries < 30 && !err; tries++) {
		err = read_phase(c, pl, pv, PH_RELEASED);
		if (err || total_pins(pv, PH_RELEASED) <= total_pins(pv, PH_BEFORE))
			break;
		usleep(100000);
	}
	return err;
}

/*
 * FOLL_LONGTERM first migrates pages out of ZONE_MOVABLE and CMA
 * (check_and_migrate_movable_pages(), 5.8+), so the frames pinned may not
 * be the ones mapped before: the pfns are taken again and only those that
 * stayed keep their "before" values.
 */
static struct ms_error *remap(const struct ms_pin *p, struct pinview *pv,
			      size_t *moved)
{
	struct pinview nv = { .blocks = pv->blocks, .page_shift = pv->page_shift };
	struct ms_error *err = collect_pfns(p, &nv);

	*moved = 0;
	if (err) {
		pinview_free(&nv);
		return err;
	}
	for (size_t i = 0; i < nv.n; i++) {
		uint64_t *hit = bsearch(&nv.pfns[i], pv->pfns, pv->n,
					sizeof(*pv->pfns), cmp_u64);

		if (hit)
			nv.v[PH_BEFORE][i] = pv->v[PH_BEFORE][hit - pv->pfns];
		else
			++*moved;
	}
	pinview_free(pv);
	*pv = nv;
	return NULL;
}

static struct ms_error *setup(struct ms_cli *c, struct ms_page_layout *pl,
			      struct pinview *pv)
{
	const struct ms_blocks *bl = NULL;
	struct ms_error *err = ms_act_privilege();

	if (!err)
		err = ms_cli_page_layout(c, pl);
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (err)
		return err;
	pv->page_shift = c->sparse->layout->page_shift;
	pv->blocks = bl;
	return NULL;
}

static int pin_and_show(struct ms_cli *c, struct ms_pin *p, const struct ms_page_layout *pl,
			struct pinview *pv, long hold)
{
	struct ms_error *err;
	size_t moved = 0;
	int ret;

	err = read_phase(c, pl, pv, PH_BEFORE);
	if (!err)
		err = ms_pin_acquire(p);
	if (err)
		return ms_cli_fail(err);
	if (p->refused[0])
		ms_act_say(c, "refused: %s", p->refused);
	ms_act_say(c, "pinned %" PRIu64 " bytes of %s through %s", p->len, p->target, p->path);
	err = remap(p, pv, &moved);
	if (!err && moved)
		ms_act_say(c, "%zu pages were migrated before the pin (FOLL_LONGTERM leaves no pin in ZONE_MOVABLE)",
			   moved);
	if (!err)
		err = read_phase(c, pl, pv, PH_PINNED);
	if (err) {
		ms_pin_release(p);
		return ms_cli_fail(err);
	}
	ret = print_phase(c, pv, "pinned", PH_BEFORE, PH_PINNED);
	fflush(stdout);
	hold_pin(hold);
	ms_pin_release(p);
	err = read_released(c, pl, pv);
	if (err)
		return ms_cli_fail(err);
	ms_act_say(c, "released");
	return ret ? ret : print_phase(c, pv, "released", PH_PINNED, PH_RELEASED);
}

int ms_cmd_pin(struct ms_cli *c, int argc, char **argv)
{
	struct ms_page_layout pl;
	struct pinview pv = { 0 };
	struct ms_error *err;
	struct ms_pin p = { .fd = -1 };
	uint64_t off, len;
	long hold = 0;
	int ret = parse_opts(c, argc, argv, &off, &len, &hold);

	if (ret)
		return ret;
	err = setup(c, &pl, &pv);
	if (!err)
		err = ms_pin_map(argv[1], off, len, &p);
	if (err) {
		ret = err->code == MS_ERR_USAGE ? MS_EXIT_USAGE : MS_EXIT_FAILURE;
		if (err->code == MS_ERR_USAGE) {
			ms_cli_usage_error("%s", err->msg);
			ms_error_free(err);
		} else {
			ms_cli_fail(err);
		}
		ms_pin_unmap(&p);
		return ret;
	}
	err = collect_pfns(&p, &pv);
	if (err) {
		ret = ms_cli_fail(err);
	} else if (c->opt[PIN_OPT_DRY_RUN]) {
		ms_act_say(c, "would pin %" PRIu64 " bytes of %s (%zu pages) with io_uring fixed buffers",
			   p.len, p.target, pv.n);
		ret = MS_EXIT_OK;
	} else {
		ret = pin_and_show(c, &p, &pl, &pv, hold);
	}
	ms_pin_unmap(&p);
	pinview_free(&pv);
	return ret;
}
