// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Acting on memory (issue 4), on synthetic input with known answers:
 * ms_page_blocker() on pages decoded with the layouts resolved from the
 * 6.1, 6.12 and 7.3 fixture kernels (their page flag bits and page_type
 * encodings differ); the memory block writes of memctl.c against a
 * sysfs tree in a temporary directory; the BLOCK|RANGE operand parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/cli/act.h"
#include "fx.h"
#include "memscope/blockers.h"
#include "memscope/memctl.h"

static void layout_of(enum fx_variant v, struct ms_page_layout *pl)
{
	struct fx_kernel_opts o = {
		.variant = v, .levels = 4,
		.sections = fx_machine_sections,
		.nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};
	struct ms_kinfo_opts ko = { 0 };
	struct fx_kernel k;
	struct ms_target *t;
	struct ms_kinfo *ki;

	assert_int_equal(fx_kernel_build(&o, &k), 0);
	ko.sysroot = k.sysroot;
	ko.btf_path = k.btf;
	assert_null(ms_target_open(k.core, &t));
	assert_null(ms_kinfo_open(t, &ko, &ki));
	assert_null(fx_page_layout_copy(ki, pl));
	ms_kinfo_close(ki);
	ms_target_close(t);
	fx_kernel_remove(&k);
}

static struct ms_page page(enum ms_page_kind kind, int32_t ref, int32_t map)
{
	return (struct ms_page){ .pfn = 100, .kind = kind, .head_pfn = 100,
				 .refcount = ref, .mapcount = map, .pincount = -1,
				 .zone = 2 };
}

static uint64_t bit(const struct ms_page_layout *pl, enum ms_page_flag f)
{
	assert_true(pl->pg[f] >= 0);
	return 1ULL << pl->pg[f];
}

static void blockers(enum fx_variant v)
{
	struct ms_page_layout pl;
	struct ms_page p, h;

	layout_of(v, &pl);
	/* free (buddy) and a mapped LRU page: nothing blocks */
	p = page(MS_PAGE_BASE, 0, 0);
	p.type = MS_PGTY_BUDDY;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, false), MS_BLOCKER_NONE);
	p = page(MS_PAGE_BASE, 2, 1);
	p.flags = bit(&pl, MS_PG_LRU);
	p.mapping = 0xffff888000001001ULL;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, false), MS_BLOCKER_NONE);
	/* one FOLL_PIN on an order-0 page: refcount + 1024 beyond the map */
	p.refcount = 1 + 1 + MS_GUP_PIN_COUNTING_BIAS;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, false), MS_BLOCKER_PINNED);
	assert_int_equal(ms_page_pins(&p), 1);
	/* a page mapped 1500 times is not pinned */
	p.refcount = 1500;
	p.mapcount = 1500;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_NONE);
	/* a THP head with a pin, and its tail judged by the head */
	h = page(MS_PAGE_HEAD, 3, 1);
	h.flags = bit(&pl, MS_PG_HEAD) | bit(&pl, MS_PG_LRU);
	h.mapping = 0xffff888000001001ULL;
	h.order = 9;
	h.pincount = 2;
	h.ckind = MS_COMPOUND_THP;
	assert_int_equal(ms_page_blocker(&pl, &h, NULL, 2, false), MS_BLOCKER_PINNED);
	p = page(MS_PAGE_TAIL, 0, 0);
	p.pfn = 101;
	assert_int_equal(ms_page_blocker(&pl, &p, &h, 2, false), MS_BLOCKER_PINNED);
	h.pincount = 0;
	assert_int_equal(ms_page_blocker(&pl, &p, &h, 2, false), MS_BLOCKER_NONE);
	/* reserved, slab, page tables, PageOffline */
	p = page(MS_PAGE_BASE, 1, 0);
	p.flags = bit(&pl, MS_PG_RESERVED);
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, false), MS_BLOCKER_RESERVED);
	p = page(MS_PAGE_BASE, 1, 0);
	if (pl.pg[MS_PG_SLAB] >= 0)
		p.flags = bit(&pl, MS_PG_SLAB);	/* 6.1: PG_slab */
	else
		p.type = MS_PGTY_SLAB;		/* 6.12+: a page type */
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_SLAB);
	p = page(MS_PAGE_BASE, 1, 0);
	p.type = MS_PGTY_TABLE;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_UNMOVABLE);
	p.type = MS_PGTY_OFFLINE;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_UNMOVABLE);
	/* a kernel allocation: in use, no LRU, no mapping; none in Movable */
	p = page(MS_PAGE_BASE, 1, 0);
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, false), MS_BLOCKER_UNMOVABLE);
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_NONE);
	/* hugetlb in use, and free */
	h = page(MS_PAGE_HEAD, 1, 0);
	h.flags = bit(&pl, MS_PG_HEAD);
	h.ckind = MS_COMPOUND_HUGETLB;
	h.pincount = 0;
	assert_int_equal(ms_page_blocker(&pl, &h, NULL, 2, true), MS_BLOCKER_HUGETLB);
	h.refcount = 0;
	assert_int_equal(ms_page_blocker(&pl, &h, NULL, 2, true), MS_BLOCKER_NONE);
	/* another zone than the block's */
	p = page(MS_PAGE_BASE, 0, 0);
	p.zone = 3;
	assert_int_equal(ms_page_blocker(&pl, &p, NULL, 2, true), MS_BLOCKER_ZONE);
	assert_string_equal(ms_blocker_name(MS_BLOCKER_PINNED), "pinned");
}

static void blockers_6_1(void **state) { blockers(FX_KERNEL_6_1); }
static void blockers_6_12(void **state) { blockers(FX_KERNEL_6_12); }
static void blockers_7_3(void **state) { blockers(FX_KERNEL_7_3); }

/* ---- memctl against a sysfs tree in a temporary directory ---- */

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *root, const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, (int)len, f));
	fclose(f);
}

static void memctl(void **state)
{
	char root[] = "/tmp/ms-act-XXXXXX", dir[300], buf[128];
	enum ms_zone_req z;
	bool valid, intr;

	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/sys/devices/system/memory/memory40", root);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	assert_int_equal(mkdir(dir, 0755), 0);
	put(root, "/sys/devices/system/memory/memory40/state", "offline\n");
	put(root, "/sys/devices/system/memory/memory40/valid_zones", "Normal\n");
	put(root, "/sys/devices/system/memory/auto_online_blocks", "offline\n");

	assert_int_equal(ms_zone_req_parse("MOVABLE", &z), 0);
	assert_int_equal(z, MS_ZONE_MOVABLE);
	assert_int_equal(ms_zone_req_parse("dma", &z), -1);
	assert_null(ms_block_state_read(root, 40, buf, sizeof(buf)));
	assert_string_equal(buf, "offline");
	assert_null(ms_block_zone_valid(root, 40, MS_ZONE_MOVABLE, &valid, buf, sizeof(buf)));
	assert_false(valid);
	assert_null(ms_block_zone_valid(root, 40, MS_ZONE_NORMAL, &valid, buf, sizeof(buf)));
	assert_true(valid);
	assert_null(ms_block_online(root, 40, MS_ZONE_NORMAL));
	get(root, "/sys/devices/system/memory/memory40/state", buf, sizeof(buf));
	assert_string_equal(buf, "online_kernel");
	put(root, "/sys/devices/system/memory/memory40/state", "");	/* sysfs: no append */
	assert_null(ms_block_offline(root, 40, 1, &intr));
	assert_false(intr);
	get(root, "/sys/devices/system/memory/memory40/state", buf, sizeof(buf));
	assert_string_equal(buf, "offline");
	assert_null(ms_auto_online_read(root, buf, sizeof(buf)));
	assert_string_equal(buf, "offline");
	/* a block that does not exist: the error names the file */
	struct ms_error *err = ms_block_online(root, 41, MS_ZONE_ANY);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "memory41/state"));
	ms_error_free(err);
	snprintf(dir, sizeof(dir), "rm -rf '%s'", root);
	assert_int_equal(system(dir), 0);
}

/* ---- BLOCK|RANGE operands ---- */

static void operands(void **state)
{
	struct ms_block b[4] = { { .nr = 8 }, { .nr = 9 }, { .nr = 10 }, { .nr = 12 } };
	struct ms_blocks bl = { .block_size = 128ULL << 20, .blocks = b, .nr = 4 };
	char *ok[] = { "memory12", "9-10", "0x400000000-0x4ffffffff", "8" };
	char *unknown[] = { "11" }, *range[] = { "0x400000000-0x400000fff" };
	char *junk[] = { "9x" }, *backwards[] = { "10-9" };
	struct ms_blockset s;
	struct ms_error *err;

	assert_null(ms_blockset_parse(&bl, 2, ok, &s));
	assert_int_equal(s.nr, 3);
	assert_int_equal(s.nrs[0], 9);
	assert_int_equal(s.nrs[2], 12);
	assert_int_equal(s.start, 9 * (128ULL << 20));
	assert_int_equal(s.end, 13 * (128ULL << 20));
	ms_blockset_free(&s);
	/* 0x400000000-0x4ffffffff is blocks 128-159: none exist here */
	err = ms_blockset_parse(&bl, 1, ok + 2, &s);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_USAGE);
	ms_error_free(err);
	for (char **a = (char *[]){ unknown[0], range[0], junk[0], backwards[0], NULL }; *a; a++) {
		err = ms_blockset_parse(&bl, 1, a, &s);
		assert_non_null(err);
		assert_int_equal(err->code, MS_ERR_USAGE);
		ms_error_free(err);
	}
	err = ms_blockset_parse(&bl, 0, NULL, &s);
	assert_non_null(err);
	ms_error_free(err);
}

/* A range runs over the holes in it, as lsmem's do, and records them. */
static void operands_holes(void **state)
{
	struct ms_block b[4] = { { .nr = 12 }, { .nr = 8 }, { .nr = 10 }, { .nr = 9 } };
	struct ms_blocks bl = { .block_size = 128ULL << 20, .blocks = b, .nr = 4 };
	char *span[] = { "6-15" }, *phys[] = { "0x400000000-0x67fffffff" };
	char *hole[] = { "11-11" }, *huge[] = { "13-18446744073709551615" };
	struct ms_blockset s;
	struct ms_error *err;

	assert_null(ms_blockset_parse(&bl, 1, span, &s));
	assert_int_equal(s.nr, 4);
	assert_int_equal(s.nrs[0], 8);
	assert_int_equal(s.nrs[3], 12);
	/* 6-7, 11 and 13-15 were asked for and are not there */
	assert_int_equal(s.nr_holes, 6);
	assert_int_equal(s.holes[0], 6);
	assert_int_equal(s.holes[1], 7);
	assert_int_equal(s.holes[2], 11);
	assert_int_equal(s.holes[3], 11);
	assert_int_equal(s.holes[4], 13);
	assert_int_equal(s.holes[5], 15);
	ms_blockset_free(&s);
	/* blocks 128-207 by address: 8-12 are not in it */
	err = ms_blockset_parse(&bl, 1, phys, &s);
	assert_non_null(err);
	ms_error_free(err);
	/* a range that is all hole is still an error */
	for (char **a = (char *[]){ hole[0], huge[0], NULL }; *a; a++) {
		err = ms_blockset_parse(&bl, 1, a, &s);
		assert_non_null(err);
		assert_int_equal(err->code, MS_ERR_USAGE);
		ms_error_free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blockers_6_1),
		cmocka_unit_test(operands_holes),
		cmocka_unit_test(blockers_6_12),
		cmocka_unit_test(blockers_7_3),
		cmocka_unit_test(memctl),
		cmocka_unit_test(operands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
