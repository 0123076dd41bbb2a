// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots on synthetic kernels: recording what the sparse model reads,
 * writing it (plain and xz), reading it back with the unpacked files as the
 * sysroot and getting the same model; merged ranges; a newer format and a
 * bad file note refused; physical-only paging.
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

#include "fx.h"
#include "memscope/kmsg.h"
#include "memscope/snapshot.h"
#include "memscope/sparse.h"

struct model {
	struct ms_target *t;
	struct ms_fs *fs;	/* a snapshot's files */
	struct ms_kinfo *ki;
	struct ms_sparse *sp;
};

/* sysroot NULL: the snapshot's own files, in memory. */
static struct ms_error *model_open(struct model *m, const char *core,
				   const char *sysroot, const char *btf,
				   bool record)
{
	struct ms_kinfo_opts ko = { .sysroot = sysroot, .btf_path = btf };
	struct ms_error *err;

	memset(m, 0, sizeof(*m));
	err = ms_target_open(core, &m->t);
	if (!err && record)
		err = ms_target_record(m->t, true);
	if (!err && !sysroot) {
		err = ms_snapshot_fs(m->t, &m->fs);
		ko.fs = m->fs;
	}
	if (!err)
		err = ms_kinfo_open(m->t, &ko, &m->ki);
	if (!err)
		err = ms_sparse_load(m->t, m->ki, &m->sp);
	return err;
}

static void model_close(struct model *m)
{
	ms_sparse_free(m->sp);
	ms_kinfo_close(m->ki);
	ms_fs_free(m->fs);
	ms_target_close(m->t);
}

#define OK(expr) do { struct ms_error *e_ = (expr); \
	if (e_) fail_msg("%s: %s", #expr, e_->msg); } while (0)

/* The files a snapshot needs for kinfo: BTF and the kallsyms used. */
static void add_kinfo_files(struct model *m, struct ms_snapshot_files *fs,
			    const char *btf)
{
	char *text, buf[1 << 16];
	size_t len;
	FILE *f = fopen(btf, "rb");
	uint8_t *all = NULL;
	size_t n = 0, r;

	assert_non_null(f);
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0) {
		all = realloc(all, n + r);
		memcpy(all + n, buf, r);
		n += r;
	}
	fclose(f);
	OK(ms_snapshot_files_add(fs, "sys/kernel/btf/vmlinux", MS_SNAPSHOT_REGULAR, all, n));
	free(all);
	OK(ms_kinfo_kallsyms_used(m->ki, &text, &len));
	assert_non_null(strstr(text, " mem_section\n"));
	OK(ms_snapshot_files_add(fs, "proc/kallsyms", MS_SNAPSHOT_REGULAR, text, len));
	free(text);
}

static void same_model(const struct ms_sparse *a, const struct ms_sparse *b)
{
	assert_int_equal(a->nr_sections, b->nr_sections);
	for (size_t i = 0; i < a->nr_sections; i++) {
		assert_int_equal(a->sections[i].nr, b->sections[i].nr);
		assert_int_equal(a->sections[i].section_mem_map, b->sections[i].section_mem_map);
		assert_int_equal(a->sections[i].subsection_map[0], b->sections[i].subsection_map[0]);
		assert_int_equal(a->sections[i].nid, b->sections[i].nid);
	}
	assert_int_equal(a->nr_nodes, b->nr_nodes);
	assert_int_equal(a->nr_zones, b->nr_zones);
	for (size_t i = 0; i < a->nr_zones; i++) {
		assert_int_equal(a->zones[i].start_pfn, b->zones[i].start_pfn);
		assert_int_equal(a->zones[i].spanned, b->zones[i].spanned);
	}
}

static void round_trip(enum fx_variant v, int levels, const char *suffix)
{
	struct fx_kernel_opts o = {
		.variant = v, .levels = levels,
		.sections = fx_machine_sections, .nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};
	struct ms_snapshot_files fs = { 0 };
	char snap[400];
	struct model live, back;
	struct ms_range *r;
	struct fx_kernel k;
	uint64_t size;
	size_t nr;

	assert_int_equal(fx_kernel_build(&o, &k), 0);
	OK(model_open(&live, k.core, k.sysroot, k.btf, true));
	OK(ms_target_recorded(live.t, &r, &nr));
	/* merged: sorted, no overlap of the same kind */
	assert_true(nr > 0);
	for (size_t i = 1; i < nr; i++)
		if ((r[i].vaddr == MS_NO_VADDR) == (r[i - 1].vaddr == MS_NO_VADDR) &&
		    r[i].vaddr != MS_NO_VADDR)
			assert_true(r[i - 1].vaddr + r[i - 1].len <= r[i].vaddr);
	free(r);
	add_kinfo_files(&live, &fs, k.btf);
	snprintf(snap, sizeof(snap), "%s/snap%s", k.dir, suffix);
	OK(ms_snapshot_write(live.t, snap, &fs, &size));
	assert_true(size > 0);
	ms_snapshot_files_free(&fs);

	OK(model_open(&back, snap, NULL, NULL, false));
	assert_true(ms_snapshot_is(back.t));
	same_model(live.sp, back.sp);
	/* the snapshot holds what was read, far less than the core */
	model_close(&back);
	model_close(&live);
	fx_kernel_remove(&k);
}

static void test_round_trip_6_1(void **s) { round_trip(FX_KERNEL_6_1, 4, ""); }
static void test_round_trip_7_3_l5(void **s) { round_trip(FX_KERNEL_7_3, 5, ""); }
static void test_round_trip_xz(void **s) { round_trip(FX_KERNEL_6_12, 4, ".xz"); }

static void write_fake_snapshot(const char *path, uint32_t version,
				const void *file_note, size_t file_len)
{
	static const char vi[] = "OSRELEASE=6.12.0-fx\n";
	struct fx_core *c = fx_core_new();
	uint8_t page[4096] = { 0 };

	fx_core_add_segment(c, 0xffff888000000000ULL, 0, page, sizeof(page));
	fx_core_add_note(c, "VMCOREINFO", 0, vi, sizeof(vi) - 1);
	fx_core_add_note(c, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_VERSION, &version, sizeof(version));
	if (file_note)
		fx_core_add_note(c, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_FILE, file_note, file_len);
	assert_int_equal(fx_core_write(c, path), 0);
	fx_core_free(c);
}

static void expect_unpack_error(const char *path, const char *want)
{
	char dir[] = "/tmp/ms-snap-test.XXXXXX";
	struct ms_target *t;
	struct ms_fs *fs;
	struct ms_error *err;

	assert_non_null(mkdtemp(dir));
	OK(ms_target_open(path, &t));
	err = ms_snapshot_fs(t, &fs);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_FORMAT);
	if (!strstr(err->msg, want))
		fail_msg("'%s' lacks '%s'", err->msg, want);
	ms_error_free(err);
	ms_target_close(t);
	rmdir(dir);
}

static void test_newer_format(void **s)
{
	char path[] = "/tmp/ms-snap-newer.XXXXXX";
	int fd = mkstemp(path);

	close(fd);
	write_fake_snapshot(path, MS_SNAPSHOT_VERSION + 1, NULL, 0);
	expect_unpack_error(path, "format 2; this memscope reads format 1 (upgrade memscope)");
	unlink(path);
}

static void test_escaping_path(void **s)
{
	char path[] = "/tmp/ms-snap-escape.XXXXXX";
	uint8_t note[64] = { 0 };	/* kind 0, then the path */
	int fd = mkstemp(path);

	close(fd);
	memcpy(note + 4, "../../etc/passwd", 17);
	write_fake_snapshot(path, MS_SNAPSHOT_VERSION, note, 4 + 17 + 3);
	expect_unpack_error(path, "bad path");
	unlink(path);
}

/* Paging from the table's physical address gives the same translations. */
static void test_paging_phys(void **s)
{
	struct fx_kernel_opts o = {
		.variant = FX_KERNEL_6_12, .levels = 4,
		.sections = fx_machine_sections, .nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};
	struct ms_pt_xlate a, b;
	struct model m;
	struct fx_kernel k;
	uint64_t pgd;
	int levels;
	struct ms_error *err;

	assert_int_equal(fx_kernel_build(&o, &k), 0);
	OK(model_open(&m, k.core, k.sysroot, k.btf, false));
	assert_true(ms_target_paging(m.t, &pgd, &levels));
	OK(ms_target_translate(m.t, m.sp->sections[0].memmap, &a));
	OK(ms_target_set_paging_phys(m.t, pgd, levels));
	OK(ms_target_translate(m.t, m.sp->sections[0].memmap, &b));
	assert_int_equal(a.paddr, b.paddr);
	/* a table outside the file is refused up front */
	err = ms_target_set_paging_phys(m.t, 1ULL << 45, 4);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_FAULT);
	ms_error_free(err);
	model_close(&m);
	fx_kernel_remove(&k);
}

/* A kmsg file under a sysroot: only matching lines, whole. */
static void test_kmsg_grep(void **s)
{
	char dir[] = "/tmp/ms-kmsg.XXXXXX", path[256];
	struct ms_fs *fs;
	char *out;
	size_t len;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dev", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/dev/kmsg", dir);
	f = fopen(path, "w");
	fputs("6,1,2,-;hello\n6,2,3,-;node 0 deferred pages initialised in 36ms\n6,3,4,-;bye\n", f);
	fclose(f);
	OK(ms_fs_open_dir(dir, &fs));
	OK(ms_kmsg_grep(fs, "deferred pages initialised", &out, &len));
	assert_string_equal(out, "6,2,3,-;node 0 deferred pages initialised in 36ms\n");
	free(out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/dev", dir);
	rmdir(path);
	OK(ms_kmsg_grep(fs, "deferred", &out, &len));	/* missing: empty */
	assert_int_equal(len, 0);
	free(out);
	ms_fs_free(fs);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_6_1),
		cmocka_unit_test(test_round_trip_7_3_l5),
		cmocka_unit_test(test_round_trip_xz),
		cmocka_unit_test(test_newer_format),
		cmocka_unit_test(test_escaping_path),
		cmocka_unit_test(test_paging_phys),
		cmocka_unit_test(test_kmsg_grep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
