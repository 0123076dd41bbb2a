// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TUI's pages view on a synthetic memmap (6.12 layout, resolved from
 * the fixture kernel's BTF): base pages, a buddy page and a THP of order 9
 * with a pin, in the first two sub-sections of section 0; exact rows, the
 * status line, scrolling, zoom out to the section view and back in, the
 * '5' key and '/' jumps in the view, rows without a memmap, and the
 * --demo banner in the status line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fx.h"
#include "memscope/page.h"
#include "../../views/tui_int.h"

#define NR 1024			/* pfns with a memmap: sub-sections 0 and 1 */
#define THP 512

struct env {
	struct fx_kernel k;
	struct ms_target *kt, *t;	/* the fixture kernel; the memmap core */
	struct ms_kinfo *ki;
	struct ms_page_layout pl;
	struct ms_layout lay;
	struct ms_section sec;
	struct ms_sparse sp;
	struct ms_cell cell;
	uint8_t *mm;
	char core[64];
	struct ms_tui_opts o;
	struct ms_tui tui;
};

static uint8_t *pg(struct env *e, uint64_t pfn)
{
	return e->mm + pfn * e->pl.size;
}

static void put(uint8_t *p, uint64_t off, uint64_t v, size_t n)
{
	memcpy(p + off, &v, n);
}

static void base(struct env *e, uint64_t pfn)
{
	put(pg(e, pfn), e->pl.flags, 1ULL << e->pl.zone_shift, 8);	/* DMA32 */
	put(pg(e, pfn), e->pl.mapcount, UINT32_MAX, 4);			/* -1 */
	put(pg(e, pfn), e->pl.refcount, 1, 4);
}

/* A THP of order 9 the 6.12 way: PG_head, compound_head = head + 1, the
 * order in folio._flags_1, PG_large_rmappable on page[1], a pin. */
static void thp(struct env *e)
{
	const struct ms_page_layout *pl = &e->pl;
	uint8_t *p1 = pg(e, THP + 1);
	uint64_t f;

	memcpy(&f, pg(e, THP) + pl->flags, 8);
	put(pg(e, THP), pl->flags, f | 1ULL << pl->pg[MS_PG_HEAD], 8);
	for (uint64_t i = 1; i < 512; i++)
		put(pg(e, THP + i), pl->compound_head, ms_page_vaddr(pl, THP) + 1, 8);
	memcpy(&f, p1 + pl->order, 8);
	put(p1, pl->order, (f & ~0xffULL) | 9, 8);
	memcpy(&f, p1 + pl->flags, 8);
	put(p1, pl->flags, f | 1ULL << pl->pg[MS_PG_LARGE_RMAPPABLE], 8);
	put(p1, pl->nr_pages, 512, 4);
	put(p1, pl->pincount, 7, 4);
}

static void write_core(struct env *e)
{
	struct fx_core *c = fx_core_new();
	int fd;

	snprintf(e->core, sizeof(e->core), "/tmp/memscope-tuipg.XXXXXX");
	fd = mkstemp(e->core);
	assert_true(fd >= 0);
	close(fd);
	fx_core_add_segment(c, ms_page_vaddr(&e->pl, 0), UINT64_MAX, e->mm,
			    NR * e->pl.size);
	assert_int_equal(fx_core_write(c, e->core), 0);
	fx_core_free(c);
	assert_null(ms_target_open(e->core, &e->t));
}

static int setup(void **state)
{
	struct fx_kernel_opts fo = fx_machine_opts(FX_KERNEL_6_12, 4);
	struct env *e = calloc(1, sizeof(*e));
	struct ms_error *err;

	if (!e || fx_kernel_build(&fo, &e->k))
		return -1;
	err = fx_kernel_open(&e->k, &e->kt, &e->ki);
	if (!err)
		err = fx_page_layout_copy(e->ki, &e->pl);
	if (err) {
		fprintf(stderr, "setup: %s\n", err->msg);
		ms_error_free(err);
		return -1;
	}
	e->mm = calloc(NR, e->pl.size);
	if (!e->mm)
		return -1;
	for (uint64_t pfn = 0; pfn < NR; pfn++)
		base(e, pfn);
	put(pg(e, 5), e->pl.page_type, (uint64_t)e->pl.type_value[MS_PGTY_BUDDY] << 24, 4);
	thp(e);
	write_core(e);
	/* one online section, its first two sub-sections active */
	e->lay = *ms_kinfo_layout(e->ki);
	e->sec = (struct ms_section){ .nr = 0, .start_pfn = 0,
				      .nr_pages = FX_PAGES_PER_SECTION, .active = 2 };
	e->sec.subsection_map[0] = 3;
	e->sec.flag_bits = 1ULL << e->lay.section_bit[MS_SECTION_PRESENT] |
			   1ULL << e->lay.section_bit[MS_SECTION_ONLINE];
	e->sp = (struct ms_sparse){ .layout = &e->lay, .sections = &e->sec,
				    .nr_sections = 1, .zone_device_idx = -1 };
	e->cell = (struct ms_cell){ MS_CELL_EARLY, 0, 2, 0 };
	e->o = (struct ms_tui_opts){ .target = e->t, .kinfo = e->ki };
	ms_tui_init(&e->tui, &e->o);
	e->tui.data.sp = &e->sp;
	e->tui.data.cells = &e->cell;
	e->tui.data.nr_cells = 1;
	e->tui.data.per_section = 64;
	if (ms_facts_build(&e->sp, NULL, NULL, &e->tui.data.facts))
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	/* the model is this test's, not the TUI's to free */
	e->tui.data.sp = NULL;
	e->tui.data.cells = NULL;
	ms_tui_fini(&e->tui);
	ms_target_close(e->t);
	unlink(e->core);
	free(e->mm);
	ms_kinfo_close(e->ki);
	ms_target_close(e->kt);
	fx_kernel_remove(&e->k);
	free(e);
	return 0;
}

static void row_at(struct env *e, struct ms_canvas *c, int y, char *row, size_t len)
{
	size_t reads;

	assert_int_equal(ms_canvas_init(c, 110, 14), 0);
	e->tui.w = 110;
	e->tui.h = 14;
	/* as the TUI's loop: the rows are read between frames, and the
	 * render itself reads nothing (issue 12: views only render) */
	ms_tui_collect(&e->tui);
	reads = ms_target_nr_reads(e->tui.opts->target);
	ms_tui_render(&e->tui, c);
	assert_int_equal(ms_target_nr_reads(e->tui.opts->target), reads);
	if (getenv("MS_TEST_DUMP"))
		for (int i = 0; i < c->h; i++) {
			ms_canvas_row(c, i, row, len);
			fprintf(stderr, "|%s|\n", row);
		}
	ms_canvas_row(c, y, row, len);
	ms_canvas_free(c);
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

static void expect_row(struct env *e, int y, const char *want)
{
	struct ms_canvas c;
	char row[256];

	row_at(e, &c, y, row, sizeof(row));
	rtrim(row);
	assert_string_equal(row, want);
}

static void test_rows(void **state)
{
	struct env *e = *state;
	struct ms_tui *t = &e->tui;

	assert_int_equal(ms_pages_open(t, 0x1fe), MS_REDRAW_VIEW);
	assert_int_equal(t->view, MS_VIEW_PAGES);
	expect_row(e, 1, "Pages from pfn 0x1fe  (Esc: back to the section)");
	expect_row(e, 2, "pfn          kind  order  head         ref  map  pin  type     flags");
	expect_row(e, 3, "0x0000001fe  base      0  -              1    0    -  -");
	expect_row(e, 5, "0x000000200  head      9  -              1    0    7  -        thp head");
	/* a tail's flags are its head's (kpageflags, 6.9+), never page[1]'s
	 * own word, folio._flags_1 (6.6+): order 9 and PG_large_rmappable
	 * read as flags were "locked,uptodate,workingset" (issue 11) */
	expect_row(e, 6, "0x000000201  tail      9  0x200          1    0    -  -");
	assert_int_equal(t->pl_state, 1);
	/* the status line: the cursor's pfn, address, section, struct page */
	{
		char want[160];

		snprintf(want, sizeof(want), "pfn 0x1fe  0x1fe000  section 0  struct page 0x%" PRIx64,
			 ms_page_vaddr(&e->pl, 0x1fe));
		expect_row(e, 13, want);
	}
	ms_pages_open(t, 4);
	expect_row(e, 4, "0x000000005  base      0  -              1    0    -  buddy");
}

static void test_scroll_and_holes(void **state)
{
	struct env *e = *state;
	struct ms_tui *t = &e->tui;

	ms_pages_open(t, 0x3f8);
	/* 10 rows fit: the cursor moves, then the view scrolls */
	for (int i = 0; i < 12; i++)
		ms_tui_key(t, MS_KEY_DOWN);
	expect_row(e, 1, "Pages from pfn 0x3fb  (Esc: back to the section)");
	assert_int_equal(t->pfn, 0x404);
	/* sub-section 2 is not active: no memmap to decode */
	expect_row(e, 8, "0x000000400  -     no initialised struct page");
	expect_row(e, 7, "0x0000003ff  tail      9  0x200          1    0    -  -");
	ms_tui_key(t, MS_KEY_HOME);
	assert_int_equal(t->pfn, 0);
	ms_tui_key(t, MS_KEY_UP);
	assert_int_equal(t->pfn, 0);
	ms_tui_key(t, MS_KEY_END);
	assert_int_equal(t->pfn, FX_PAGES_PER_SECTION - 1);
}

/*
 * Home, End and moves stay on present pfns: with sections 0 and 36, End is
 * section 36's last pfn and a step off section 0 lands on section 36's
 * first (they went 1000000 rows into absent sections, issue 11).
 */
static void test_moves_skip_absent(void **state)
{
	struct env *e = *state;
	struct ms_tui *t = &e->tui;
	struct ms_section secs[2] = { e->sec, e->sec };
	struct ms_sparse sp = e->sp;
	const struct ms_sparse *saved = t->data.sp;
	uint64_t s36 = 36 * FX_PAGES_PER_SECTION;

	secs[1].nr = 36;
	secs[1].start_pfn = s36;
	sp.sections = secs;
	sp.nr_sections = 2;
	t->data.sp = &sp;
	ms_pages_open(t, 0x10);
	ms_tui_key(t, MS_KEY_END);
	assert_int_equal(t->pfn, s36 + FX_PAGES_PER_SECTION - 1);
	ms_tui_key(t, MS_KEY_HOME);
	assert_int_equal(t->pfn, 0);
	ms_pages_open(t, FX_PAGES_PER_SECTION - 1);
	ms_tui_key(t, MS_KEY_DOWN);
	assert_int_equal(t->pfn, s36);
	ms_tui_key(t, MS_KEY_UP);
	assert_int_equal(t->pfn, FX_PAGES_PER_SECTION - 1);
	ms_pages_open(t, s36 + 3);
	ms_tui_key(t, MS_KEY_PGUP);
	assert_int_equal(t->pfn, FX_PAGES_PER_SECTION - 1);
	t->data.sp = (struct ms_sparse *)saved;
}

static void test_zoom(void **state)
{
	struct env *e = *state;
	struct ms_tui *t = &e->tui;

	/* '5' opens the pages at the cursor section's first pfn */
	assert_int_equal(ms_tui_key(t, '5'), MS_REDRAW_VIEW);
	assert_int_equal(t->view, MS_VIEW_PAGES);
	assert_int_equal(t->pfn, 0);
	ms_pages_open(t, 0x210);
	/* out: the section view on the sub-section holding the pfn */
	assert_int_equal(ms_tui_key(t, MS_KEY_ESC), MS_REDRAW_VIEW);
	assert_int_equal(t->view, MS_VIEW_SECTION);
	assert_int_equal(t->cursor, 0);
	assert_int_equal(t->sub, 1);
	/* in again: the sub-section's first pfn */
	assert_int_equal(ms_tui_key(t, MS_KEY_ENTER), MS_REDRAW_VIEW);
	assert_int_equal(t->view, MS_VIEW_PAGES);
	assert_int_equal(t->pfn, 0x200);
	/* '/' in the pages view lands on the very pfn */
	ms_tui_key(t, '/');
	for (const char *s = "pfn 0x205"; *s; s++)
		ms_tui_key(t, *s);
	ms_tui_key(t, MS_KEY_ENTER);
	assert_int_equal(t->view, MS_VIEW_PAGES);
	assert_int_equal(t->pfn, 0x205);
	expect_row(e, 3, "0x000000205  tail      9  0x200          1    0    -  -");
	ms_tui_key(t, '/');
	for (const char *s = "0x1ff000"; *s; s++)
		ms_tui_key(t, *s);
	ms_tui_key(t, MS_KEY_ENTER);
	assert_int_equal(t->pfn, 0x1ff);
	/* a jump past the last section: refused, the pfn stays */
	ms_tui_key(t, '/');
	for (const char *s = "section 3"; *s; s++)
		ms_tui_key(t, *s);
	ms_tui_key(t, MS_KEY_ENTER);
	assert_true(t->msg_error);
	assert_int_equal(t->pfn, 0x1ff);
}

static void test_demo_banner(void **state)
{
	struct env *e = *state;
	struct ms_canvas c;
	char row[256];

	row_at(e, &c, 13, row, sizeof(row));
	assert_null(strstr(row, "DEMO"));
	e->o.demo = true;
	row_at(e, &c, 13, row, sizeof(row));
	assert_int_equal(strncmp(row, "DEMO SNAPSHOT, not this machine  section 0", 42), 0);
	/* the banner stays ahead of messages */
	ms_tui_message(&e->tui, true, "boom");
	row_at(e, &c, 13, row, sizeof(row));
	assert_int_equal(strncmp(row, "DEMO SNAPSHOT, not this machine  boom  section 0", 48), 0);
}

/* The compound and pin overlays scan the sections on screen, heads only. */
static void test_overlays(void **state)
{
	struct env *e = *state;
	struct ms_tui *t = &e->tui;
	struct ms_canvas c;
	char row[256];

	t->zoom = MS_ZOOM_SECTION;	/* one cell per section, 2 columns */
	row_at(e, &c, 4, row, sizeof(row));	/* sets the screen size */
	assert_int_equal(ms_tui_key(t, 'c'), MS_REDRAW_VIEW | MS_REDRAW_RELOAD);
	assert_true(t->data.want_pages);
	assert_null(ms_tui_scan(t));
	assert_int_equal(t->data.nr_marks, 1);
	assert_int_equal(t->data.marks[0], (1U << MS_COMPOUND_THP) | MS_MARK_PIN);
	row_at(e, &c, 3, row, sizeof(row));
	assert_non_null(strstr(row, "overlay: compound"));
	row_at(e, &c, 4, row, sizeof(row));
	rtrim(row);
	assert_string_equal(row, "0x0 TT");
	/* pins drawn over compound: the later overlay wins the cell */
	assert_int_equal(ms_tui_key(t, 'P'), MS_REDRAW_VIEW);
	row_at(e, &c, 4, row, sizeof(row));
	rtrim(row);
	assert_string_equal(row, "0x0 **");
	/* no pin any more: the section is only compound */
	put(pg(e, THP + 1), e->pl.pincount, 0, 4);
	ms_target_close(e->t);
	unlink(e->core);
	write_core(e);
	e->o.target = e->t;
	assert_null(ms_tui_scan(t));
	assert_int_equal(t->data.marks[0], 1U << MS_COMPOUND_THP);
	/* both off: nothing scanned on the next refresh */
	ms_tui_key(t, 'c');
	ms_tui_key(t, 'P');
	assert_false(t->data.want_pages);
	assert_null(ms_tui_scan(t));
	assert_null(t->data.marks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scroll_and_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moves_skip_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zoom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_banner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlays, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
