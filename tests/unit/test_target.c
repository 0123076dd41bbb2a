// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target: reads from synthetic kcore-like cores with known answers —
 * segments, notes, physical reads, 4- and 5-level page-table walks, the
 * number of preads a large read costs, and malformed files.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/target.h"
#include "fx.h"

#define TEXT		0xffffffff81000000ULL
#define SZ_2M		(2ULL << 20)
#define SZ_1G		(1ULL << 30)
#define MIB		(1ULL << 20)

static char tmpdir[] = "/tmp/test_target.XXXXXX";
static char core_path[64];

static int group_setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(core_path, sizeof(core_path), "%s/core", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	unlink(core_path);
	return rmdir(tmpdir);
}

/* A byte pattern that differs in every page and every 4-byte word. */
static uint8_t pat(uint64_t a)
{
	return (uint8_t)((a >> 2) ^ (a >> 11) ^ (a >> 19) ^ 0x5a);
}

static uint8_t *pattern(uint64_t base, size_t len)
{
	uint8_t *p = malloc(len);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++)
		p[i] = pat(base + i);
	return p;
}

static void write_core(struct fx_core *c)
{
	assert_int_equal(fx_core_write(c, core_path), 0);
	fx_core_free(c);
}

static struct ms_target *open_ok(void)
{
	struct ms_target *t = NULL;
	struct ms_error *err = ms_target_open(core_path, &t);

	if (err)
		fail_msg("ms_target_open: %s", err->msg);
	assert_non_null(t);
	return t;
}

static void expect_err(struct ms_error *err, enum ms_errcode code,
		       const char *text)
{
	if (!err)
		fail_msg("expected an error containing \"%s\"", text);
	if (err->code != code || !strstr(err->msg, text))
		fail_msg("error %d \"%s\", expected %d containing \"%s\"",
			 err->code, err->msg, code, text);
	ms_error_free(err);
}

static void expect_fault(struct ms_error *err, uint64_t addr, const char *text)
{
	assert_non_null(err);
	assert_int_equal(err->addr, addr);
	expect_err(err, MS_ERR_FAULT, text);
}

static void assert_ok(struct ms_error *err)
{
	if (err)
		fail_msg("unexpected error: %s", err->msg);
}

/* ---- segments and notes ---- */

#define SEG_A	0xffff888000100000ULL	/* 3 pages, paddr 0x100000 */
#define SEG_B	(SEG_A + 0x3000)	/* 2 pages, adjacent, paddr 0x200000 */
#define SEG_C	0xffffc90000000000ULL	/* vmalloc-like: no paddr */

static const char vmcoreinfo[] = "OSRELEASE=6.12.0\nPAGESIZE=4096\n";

static void write_segments_core(void)
{
	struct fx_core *c = fx_core_new();
	uint8_t *a = pattern(SEG_A, 0x3000), *b = pattern(SEG_B, 0x2000);
	uint8_t *cc = pattern(SEG_C, 0x1000);
	static const uint8_t blob[5] = { 1, 2, 3, 4, 5 };

	/* Out of order on purpose: the target sorts by vaddr. */
	fx_core_add_segment(c, SEG_C, UINT64_MAX, cc, 0x1000);
	fx_core_add_segment(c, SEG_B, 0x200000, b, 0x2000);
	fx_core_add_segment(c, SEG_A, 0x100000, a, 0x3000);
	/* kcore writes VMCOREINFO without a trailing NUL in the desc. */
	fx_core_add_note(c, "CORE", 1, blob, 3);
	fx_core_add_note(c, "VMCOREINFO", 0, vmcoreinfo, strlen(vmcoreinfo));
	fx_core_add_note(c, "MEMSCOPE", 7, blob, sizeof(blob));
	write_core(c);
	free(a);
	free(b);
	free(cc);
}

static void test_segments_and_notes(void **state)
{
	struct ms_target *t;
	const uint8_t *desc;
	size_t len = 0;

	write_segments_core();
	t = open_ok();
	assert_string_equal(ms_target_path(t), core_path);
	assert_int_equal(ms_target_nr_segments(t), 3);
	assert_int_equal(ms_target_segment(t, 0)->vaddr, SEG_A);
	assert_int_equal(ms_target_segment(t, 0)->paddr, 0x100000);
	assert_int_equal(ms_target_segment(t, 0)->size, 0x3000);
	assert_int_equal(ms_target_segment(t, 1)->vaddr, SEG_B);
	assert_int_equal(ms_target_segment(t, 2)->paddr, MS_NO_PADDR);
	assert_null(ms_target_segment(t, 3));
	assert_string_equal(ms_target_vmcoreinfo(t), vmcoreinfo);
	desc = ms_target_note(t, "MEMSCOPE", 7, &len);
	assert_non_null(desc);
	assert_int_equal(len, 5);
	assert_int_equal(desc[4], 5);
	assert_null(ms_target_note(t, "MEMSCOPE", 8, &len));
	assert_null(ms_target_note(t, "NOPE", 7, &len));
	ms_target_close(t);
}

static void test_read_within_segment(void **state)
{
	uint8_t buf[0x1800], *want = pattern(SEG_A + 0x123, sizeof(buf));
	struct ms_target *t;
	size_t before;

	write_segments_core();
	t = open_ok();
	before = ms_target_nr_reads(t);
	assert_ok(ms_target_read(t, SEG_A + 0x123, buf, sizeof(buf)));
	assert_memory_equal(buf, want, sizeof(buf));
	assert_int_equal(ms_target_nr_reads(t) - before, 1);
	ms_target_close(t);
	free(want);
}

static void test_read_across_segments(void **state)
{
	uint8_t buf[0x2000], *want = pattern(SEG_A + 0x2000, sizeof(buf));
	struct ms_target *t;
	size_t before;
	uint64_t v;

	write_segments_core();
	t = open_ok();
	before = ms_target_nr_reads(t);
	assert_ok(ms_target_read(t, SEG_A + 0x2000, buf, sizeof(buf)));
	assert_memory_equal(buf, want, sizeof(buf));
	assert_int_equal(ms_target_nr_reads(t) - before, 2);
	/* A u64 straddling the boundary. */
	assert_ok(ms_target_read_u64(t, SEG_B - 4, &v));
	assert_memory_equal(&v, want + 0x1000 - 4, 8);
	ms_target_close(t);
	free(want);
}

static void test_read_partly_outside(void **state)
{
	uint8_t buf[0x2000];
	struct ms_target *t;
	char addr[32];

	write_segments_core();
	t = open_ok();
	snprintf(addr, sizeof(addr), "0x%" PRIx64, (uint64_t)(SEG_B + 0x2000));
	/* Runs off the end of B: faults at B's end exactly. */
	expect_fault(ms_target_read(t, SEG_B + 0x1000, buf, sizeof(buf)),
		     SEG_B + 0x2000, addr);
	/* Starts before A. */
	expect_fault(ms_target_read(t, SEG_A - 8, buf, 16), SEG_A - 8,
		     "page tables not set");
	/* A read that would wrap the address space. */
	expect_err(ms_target_read(t, UINT64_MAX - 3, buf, 8), MS_ERR_USAGE, "wraps");
	assert_ok(ms_target_read(t, SEG_C + 0xff0, buf, 16));
	ms_target_close(t);
}

static void test_read_phys(void **state)
{
	uint8_t buf[0x800], *want = pattern(SEG_A + 0x2c00, 0x400);
	uint8_t *want_b = pattern(SEG_B, 0x400);
	struct ms_target *t;

	write_segments_core();
	t = open_ok();
	assert_ok(ms_target_read_phys(t, 0x102c00, buf, 0x400));
	assert_memory_equal(buf, want, 0x400);
	assert_ok(ms_target_read_phys(t, 0x200000, buf, 0x400));
	assert_memory_equal(buf, want_b, 0x400);
	/* A and B are adjacent virtually but not physically. */
	expect_fault(ms_target_read_phys(t, 0x102c00, buf, sizeof(buf)),
		     0x103000, "physical address 0x103000");
	expect_fault(ms_target_read_phys(t, 0, buf, 8), 0, "physical");
	ms_target_close(t);
	free(want);
	free(want_b);
}

/* ---- page tables ---- */

struct pt_fx {
	int levels;
	uint64_t page_offset, vmemmap;
	struct fx_mem m;
	struct ms_target *t;
};

static struct pt_fx fx4 = {
	.levels = 4,
	.page_offset = 0xffff888000000000ULL,
	.vmemmap = 0xffffea0000000000ULL,
};
static struct pt_fx fx5 = {
	.levels = 5,
	.page_offset = 0xff11000000000000ULL,
	.vmemmap = 0xffd4000000000000ULL,
};

/* Physical memory with the pattern, as a direct-map segment; the top table in a "text" segment. */
static void pt_fx_open(struct pt_fx *f)
{
	struct fx_core *c = fx_core_new();
	uint64_t p;

	/* Data below the tables gets the pattern; tables stay as built. */
	for (p = f->m.base; p < f->m.pgd; p++)
		f->m.bytes[p - f->m.base] = pat(p);
	fx_core_add_segment(c, f->page_offset + f->m.base, f->m.base,
			    f->m.bytes, f->m.size);
	fx_core_add_segment(c, TEXT, f->m.pgd, fx_mem_ptr(&f->m, f->m.pgd),
			    FX_PAGE_SIZE);
	write_core(c);
	f->t = open_ok();
	assert_ok(ms_target_set_paging(f->t, TEXT, f->levels));
}

static void pt_fx_close(struct pt_fx *f)
{
	ms_target_close(f->t);
	fx_mem_free(&f->m);
}

/*
 * vmemmap + 0   2M leaf -> 2M (RW)       vmemmap + 2M  4 x 4K -> 4M+0x3000 .. 4M (RW)
 * vmemmap + 4M  2M leaf -> 8M (RO)       vmemmap + 6M  4K -> 10M, RW leaf under an RO PMD entry
 * vmemmap + 1G  1G leaf -> 1G (RO)
 */
static int pt_setup(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap;
	int i;

	fx_mem_init(&f->m, 0, 16 * MIB, 12 * MIB, f->levels);
	fx_mem_map(&f->m, v, SZ_2M, SZ_2M, SZ_2M, true);
	for (i = 0; i < 4; i++)
		fx_mem_map(&f->m, v + SZ_2M + i * FX_PAGE_SIZE,
			   4 * MIB + (3 - i) * FX_PAGE_SIZE, FX_PAGE_SIZE,
			   FX_PAGE_SIZE, true);
	fx_mem_map(&f->m, v + 4 * MIB, 8 * MIB, SZ_2M, SZ_2M, false);
	fx_mem_map(&f->m, v + 6 * MIB, 10 * MIB, FX_PAGE_SIZE, FX_PAGE_SIZE, true);
	*fx_mem_entry(&f->m, v + 6 * MIB, f->levels - 2) &= ~2ULL;
	fx_mem_map(&f->m, v + SZ_1G, SZ_1G, SZ_1G, SZ_1G, false);
	pt_fx_open(f);
	return 0;
}

static int pt_teardown(void **state)
{
	pt_fx_close(*state);
	return 0;
}

static void expect_xlate(struct ms_target *t, uint64_t vaddr, uint64_t paddr,
			 uint64_t size, enum ms_pt_level level, bool writable)
{
	struct ms_pt_xlate x;

	assert_ok(ms_target_translate(t, vaddr, &x));
	assert_int_equal(x.paddr, paddr);
	assert_int_equal(x.leaf_size, size);
	assert_int_equal(x.level, level);
	assert_int_equal(x.writable, writable);
}

static void test_translate(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap;

	expect_xlate(f->t, v + 0x1234, SZ_2M + 0x1234, SZ_2M, MS_PT_PMD, true);
	expect_xlate(f->t, v + SZ_2M + 0x10, 4 * MIB + 0x3010, FX_PAGE_SIZE, MS_PT_PTE, true);
	expect_xlate(f->t, v + SZ_2M + 0x3ff8, 4 * MIB + 0xff8, FX_PAGE_SIZE, MS_PT_PTE, true);
	expect_xlate(f->t, v + SZ_1G + 0x12345678, SZ_1G + 0x12345678, SZ_1G, MS_PT_PUD, false);
}

static void test_writable(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap;

	expect_xlate(f->t, v + 4 * MIB + 8, 8 * MIB + 8, SZ_2M, MS_PT_PMD, false);
	/* The leaf is RW but its PMD entry is not. */
	assert_int_equal(*fx_mem_entry(&f->m, v + 6 * MIB, f->levels - 1) & 2, 2);
	expect_xlate(f->t, v + 6 * MIB, 10 * MIB, FX_PAGE_SIZE, MS_PT_PTE, false);
}

static void test_unmapped(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap;
	struct ms_pt_xlate x;
	uint8_t buf[16];
	char want[96];

	expect_fault(ms_target_translate(f->t, v + SZ_2M + 0x4000, &x),
		     v + SZ_2M + 0x4000, "(PTE not present)");
	expect_fault(ms_target_translate(f->t, v + 8 * MIB, &x), v + 8 * MIB,
		     "(PMD not present)");
	expect_fault(ms_target_translate(f->t, v + 2 * SZ_1G, &x),
		     v + 2 * SZ_1G, "(PUD not present)");
	expect_fault(ms_target_translate(f->t, v + (512 * SZ_1G), &x),
		     v + 512 * SZ_1G,
		     f->levels == 5 ? "(P4D not present)" : "(PGD not present)");
	if (f->levels == 5)
		expect_fault(ms_target_translate(f->t, v + (1ULL << 48), &x),
			     v + (1ULL << 48), "(PGD not present)");
	expect_fault(ms_target_translate(f->t, 0x0000900000000000ULL ^ (f->levels == 5 ? 1ULL << 62 : 0), &x),
		     0x0000900000000000ULL ^ (f->levels == 5 ? 1ULL << 62 : 0), "canonical");
	snprintf(want, sizeof(want), "no segment or page-table mapping covers 0x%" PRIx64 " (PMD not present)",
		 (uint64_t)(v + 8 * MIB));
	expect_fault(ms_target_read(f->t, v + 8 * MIB, buf, sizeof(buf)),
		     v + 8 * MIB, want);
	expect_fault(ms_target_read(f->t, v + 6 * MIB + 0xff8, buf, sizeof(buf)),
		     v + 6 * MIB + 0x1000, "(PTE not present)");
}

/* A read over the end of a 2M leaf and into four scattered 4K pages. */
static void test_read_mapped(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap + SZ_2M - 100;
	size_t len = 100 + 4 * FX_PAGE_SIZE, off;
	uint8_t *buf = malloc(len + 1), *want = malloc(len);
	int i;

	assert_non_null(buf);
	assert_non_null(want);
	memcpy(want, fx_mem_ptr(&f->m, 4 * MIB - 100), 100);
	for (i = 0, off = 100; i < 4; i++, off += FX_PAGE_SIZE)
		memcpy(want + off, fx_mem_ptr(&f->m, 4 * MIB + (3 - i) * FX_PAGE_SIZE),
		       FX_PAGE_SIZE);
	assert_ok(ms_target_read(f->t, v, buf, len));
	assert_memory_equal(buf, want, len);
	assert_int_equal(buf[0], pat(4 * MIB - 100));
	/* One byte more runs into the missing fifth PTE. */
	expect_fault(ms_target_read(f->t, v, buf, len + 1), v + len, "(PTE not present)");
	free(buf);
	free(want);
}

static void test_set_paging_errors(void **state)
{
	struct pt_fx *f = *state;

	expect_err(ms_target_set_paging(f->t, TEXT, 3), MS_ERR_USAGE, "3-level");
	expect_fault(ms_target_set_paging(f->t, TEXT + FX_PAGE_SIZE, 4),
		     TEXT + FX_PAGE_SIZE, "top page table");
}

/* ---- cost of large reads ---- */

#define BIG (64 * MIB)

static void test_large_segment_read(void **state)
{
	uint8_t *data = pattern(0, BIG), *buf = malloc(BIG);
	struct fx_core *c = fx_core_new();
	struct ms_target *t;
	size_t before;

	assert_non_null(buf);
	fx_core_add_segment(c, 0xffff888000000000ULL, 0, data, BIG);
	write_core(c);
	t = open_ok();
	before = ms_target_nr_reads(t);
	assert_ok(ms_target_read(t, 0xffff888000000000ULL, buf, BIG));
	assert_int_equal(ms_target_nr_reads(t) - before, 1);
	assert_memory_equal(buf, data, BIG);
	ms_target_close(t);
	free(data);
	free(buf);
}

/*
 * 64 MiB of vmemmap in 2M leaves: physically scattered (reversed) it costs
 * one pread per leaf; physically contiguous, one pread. Plus one read per
 * table (PGD, PUD, PMD; and P4D with 5 levels).
 */
static void test_large_mapped_read(void **state)
{
	struct pt_fx *f = *state;
	uint64_t v = f->vmemmap, i;
	uint8_t *buf = malloc(BIG);
	size_t before, tables = f->levels - 1;

	assert_non_null(buf);
	fx_mem_init(&f->m, 0, BIG + 4 * MIB, BIG, f->levels);
	for (i = 0; i < BIG / SZ_2M; i++)
		fx_mem_map(&f->m, v + i * SZ_2M, BIG - (i + 1) * SZ_2M, SZ_2M, SZ_2M, true);
	fx_mem_map(&f->m, v + SZ_1G, 0, BIG, SZ_2M, true);
	pt_fx_open(f);

	before = ms_target_nr_reads(f->t);
	assert_ok(ms_target_read(f->t, v, buf, BIG));
	assert_int_equal(ms_target_nr_reads(f->t) - before, BIG / SZ_2M + tables);
	for (i = 0; i < BIG / SZ_2M; i++)
		assert_memory_equal(buf + i * SZ_2M,
				    fx_mem_ptr(&f->m, BIG - (i + 1) * SZ_2M), SZ_2M);

	before = ms_target_nr_reads(f->t);
	assert_ok(ms_target_read(f->t, v + SZ_1G, buf, BIG));
	/* Upper tables are cached; a new PMD table page is read. */
	assert_int_equal(ms_target_nr_reads(f->t) - before, 1 + 1);
	assert_memory_equal(buf, fx_mem_ptr(&f->m, 0), BIG);
	pt_fx_close(f);
	free(buf);
}

/* ---- malformed files ---- */

static void write_raw(const void *data, size_t len)
{
	FILE *fp = fopen(core_path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void patch(uint64_t off, const void *data, size_t len)
{
	int fd = open(core_path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void expect_format(const char *text)
{
	struct ms_target *t = (struct ms_target *)1;
	struct ms_error *err = ms_target_open(core_path, &t);

	assert_null(t);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, core_path));
	expect_err(err, MS_ERR_FORMAT, text);
}

/* Offsets in a segments core: ELF header, 4 program headers (note first). */
#define PH(i)		(64 + 56 * (i))
#define PH_OFFSET	8
#define PH_FILESZ	32
#define NOTES		PH(4)

static void test_bad_files(void **state)
{
	static const char text[] = "this is not a core file\n";
	uint16_t u16;
	uint64_t u64;
	uint8_t u8;
	off_t size;

	write_raw("", 0);
	expect_format("not an ELF file");
	write_raw(text, sizeof(text));
	expect_format("not an ELF file");

	write_segments_core();
	assert_int_equal(truncate(core_path, 20), 0);
	expect_format("truncated ELF header");

	write_segments_core();
	u8 = 1;				/* ELFCLASS32 */
	patch(4, &u8, 1);
	expect_format("not an x86_64 core");

	write_segments_core();
	u16 = 183;			/* EM_AARCH64 */
	patch(18, &u16, 2);
	expect_format("not an x86_64 core (e_machine 183)");

	write_segments_core();
	u16 = 2;			/* ET_EXEC */
	patch(16, &u16, 2);
	expect_format("ET_CORE");

	write_segments_core();
	assert_int_equal(truncate(core_path, PH(2) + 10), 0);
	expect_format("truncated");

	write_segments_core();
	u64 = 1ULL << 40;		/* e_phoff */
	patch(32, &u64, 8);
	expect_format("truncated");

	write_segments_core();
	size = 0;
	{
		FILE *fp = fopen(core_path, "r");

		assert_non_null(fp);
		fseeko(fp, 0, SEEK_END);
		size = ftello(fp);
		fclose(fp);
	}
	assert_int_equal(truncate(core_path, size - 100), 0);
	expect_format("past the end of the file");

	write_segments_core();
	u64 = 1ULL << 30;		/* the PT_NOTE's p_filesz */
	patch(PH(0) + PH_FILESZ, &u64, 8);
	expect_format("program header 0 runs past the end of the file");

	write_segments_core();
	u64 = 1ULL << 62;		/* a PT_LOAD's p_offset */
	patch(PH(2) + PH_OFFSET, &u64, 8);
	expect_format("program header 2 runs past the end of the file");

	write_segments_core();
	{
		uint32_t descsz = 4096;	/* the first note's n_descsz */

		patch(NOTES + 4, &descsz, 4);
	}
	expect_format("runs past the end of its segment");
}

static void test_open_errors(void **state)
{
	struct ms_target *t;
	struct ms_error *err;
	char path[96];

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	err = ms_target_open(path, &t);
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOENT);
	expect_err(err, MS_ERR_OS, "missing");

	/* Only checkable where the kernel has no /proc/kcore. */
	if (access("/proc/kcore", F_OK) && errno == ENOENT)
		expect_err(ms_target_open("/proc/kcore", &t), MS_ERR_OS,
			   "CONFIG_PROC_KCORE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments_and_notes),
		cmocka_unit_test(test_read_within_segment),
		cmocka_unit_test(test_read_across_segments),
		cmocka_unit_test(test_read_partly_outside),
		cmocka_unit_test(test_read_phys),
		cmocka_unit_test_prestate_setup_teardown(test_translate, pt_setup, pt_teardown, &fx4),
		cmocka_unit_test_prestate_setup_teardown(test_translate, pt_setup, pt_teardown, &fx5),
		cmocka_unit_test_prestate_setup_teardown(test_writable, pt_setup, pt_teardown, &fx4),
		cmocka_unit_test_prestate_setup_teardown(test_writable, pt_setup, pt_teardown, &fx5),
		cmocka_unit_test_prestate_setup_teardown(test_unmapped, pt_setup, pt_teardown, &fx4),
		cmocka_unit_test_prestate_setup_teardown(test_unmapped, pt_setup, pt_teardown, &fx5),
		cmocka_unit_test_prestate_setup_teardown(test_read_mapped, pt_setup, pt_teardown, &fx4),
		cmocka_unit_test_prestate_setup_teardown(test_read_mapped, pt_setup, pt_teardown, &fx5),
		cmocka_unit_test_prestate_setup_teardown(test_set_paging_errors, pt_setup, pt_teardown, &fx4),
		cmocka_unit_test(test_large_segment_read),
		cmocka_unit_test_prestate(test_large_mapped_read, &fx4),
		cmocka_unit_test_prestate(test_large_mapped_read, &fx5),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
