// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Issue 11, dumps stand alone: memory blocks and /proc/iomem read from a
 * synthetic kernel's memory (memory_blocks xarray, iomem_resource tree,
 * laid out as the 6.1, 6.12 and 7.3 lab kernels' BTF says) must equal what
 * the fixture's own sysfs tree and /proc/iomem file say; a core whose
 * sysroot lacks those files falls back to them; and each hostile value
 * (a cycle, an overlap, a duplicate, an impossible state, zone or block
 * size, a looping xarray) is refused with a message that names it. A
 * snapshot that recorded those reads (capture does) and carries no sysfs
 * notes gives the same blocks and iomem.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fx.h"
#include "memscope/fs.h"
#include "memscope/ksysfs.h"
#include "memscope/snapshot.h"

static void load(struct fx_loaded *l, enum fx_variant v, enum fx_sysmem_fault f)
{
	struct fx_kernel_opts o = {
		.variant = v, .levels = 4,
		.sections = fx_machine_sections, .nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
		.sysmem_fault = f,
	};
	struct ms_error *err = fx_loaded_open(&o, l);

	if (err)
		fail_msg("%s", err->msg);
}

static struct ms_fs *dir_fs(const char *root)
{
	struct ms_fs *fs = NULL;

	assert_null(ms_fs_open_dir(root, &fs));
	return fs;
}

static const struct fx_section *fixture_section(uint64_t nr)
{
	for (size_t i = 0; i < fx_machine_nr_sections; i++)
		if (fx_machine_sections[i].nr == nr)
			return &fx_machine_sections[i];
	return NULL;
}

static void blocks_agree(enum fx_variant v)
{
	struct ms_blocks *fs = NULL, *km = NULL;
	struct ms_error *err;
	struct fx_loaded l;

	load(&l, v, FX_SYSMEM_OK);
	struct ms_fs *root = dir_fs(l.k.sysroot);

	err = ms_blocks_load(root, &fs);
	ms_fs_free(root);
	assert_null(err);
	err = ms_kblocks_load(l.t, l.ki, l.sp, &km);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(km->block_size, fs->block_size);
	assert_int_equal(km->nr, 6);
	assert_int_equal(km->nr, fs->nr);
	for (size_t i = 0; i < km->nr; i++) {
		const struct ms_block *a = &km->blocks[i], *b = &fs->blocks[i];
		const struct fx_section *s = fixture_section(a->nr);

		assert_non_null(s);
		assert_int_equal(a->nr, b->nr);
		assert_int_equal(a->start, b->start);
		assert_int_equal(a->size, b->size);
		assert_string_equal(a->state, b->state);
		assert_int_equal(a->nid, b->nid);
		assert_true(a->has_removable && a->removable == b->removable);
		/* an offline block's valid_zones is computed at read time */
		assert_string_equal(a->zones, strcmp(a->state, "online") ? "" : b->zones);
		/* sysfs has no such file: the kernel's own record */
		assert_int_equal(a->memmap_on_memory, s->memmap_on_memory);
	}
	ms_blocks_free(fs);
	ms_blocks_free(km);
	fx_loaded_close(&l);
}

static void test_blocks_6_1(void **state) { blocks_agree(FX_KERNEL_6_1); }
static void test_blocks_6_12(void **state) { blocks_agree(FX_KERNEL_6_12); }
static void test_blocks_7_3(void **state) { blocks_agree(FX_KERNEL_7_3); }

static void test_iomem(void **state)
{
	struct ms_iomem *fs = NULL, *km = NULL;
	struct ms_error *err;
	struct fx_loaded l;
	struct ms_fs *root;

	load(&l, FX_KERNEL_6_12, FX_SYSMEM_OK);
	root = dir_fs(l.k.sysroot);
	assert_null(ms_iomem_load(root, &fs));
	ms_fs_free(root);
	err = ms_kiomem_load(l.t, l.ki, &km);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(km->nr, fx_machine_nr_sections + 2);
	assert_int_equal(km->nr, fs->nr);
	for (size_t i = 0; i < km->nr; i++) {
		assert_int_equal(km->ranges[i].start, fs->ranges[i].start);
		assert_int_equal(km->ranges[i].end, fs->ranges[i].end);
		assert_int_equal(km->ranges[i].depth, fs->ranges[i].depth);
		assert_string_equal(km->ranges[i].name, fs->ranges[i].name);
	}
	assert_string_equal(ms_iomem_owner(km, 40ULL << 27, (41ULL << 27) - 1),
			    "Persistent Memory");
	ms_iomem_free(fs);
	ms_iomem_free(km);
	fx_loaded_close(&l);
}

/* A core's sysroot without the files: kernel memory; live: the error. */
static void test_fallback(void **state)
{
	char empty[320];
	struct ms_sysfs_source src;
	struct ms_blocks *bl = NULL;
	struct ms_iomem *io = NULL;
	struct ms_error *err;
	struct fx_loaded l;
	struct ms_fs *efs;

	load(&l, FX_KERNEL_7_3, FX_SYSMEM_OK);
	snprintf(empty, sizeof(empty), "%s/empty", l.k.dir);
	assert_int_equal(mkdir(empty, 0755), 0);
	efs = dir_fs(empty);
	src = (struct ms_sysfs_source){ .fs = efs, .core = true,
					.t = l.t, .ki = l.ki, .sp = l.sp };
	assert_null(ms_blocks_open(&src, &bl));
	assert_int_equal(bl->nr, 6);
	assert_null(ms_iomem_open(&src, &io));
	assert_int_equal(io->nr, fx_machine_nr_sections + 2);
	ms_blocks_free(bl);
	ms_iomem_free(io);
	/* a core without any sysroot: the same */
	src.fs = NULL;
	assert_null(ms_blocks_open(&src, &bl));
	assert_int_equal(bl->nr, 6);
	ms_blocks_free(bl);
	/* the live system never reads kernel memory for them */
	src = (struct ms_sysfs_source){ .fs = efs, .t = l.t, .ki = l.ki, .sp = l.sp };
	err = ms_blocks_open(&src, &bl);
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOENT);
	assert_null(bl);
	ms_error_free(err);
	ms_fs_free(efs);
	fx_loaded_close(&l);
}

/* Record the kernel reads, write a snapshot without files, read it back. */
static void test_snapshot_without_notes(void **state)
{
	struct ms_snapshot_files fs = { 0 };
	struct ms_blocks *b1 = NULL, *b2 = NULL;
	struct ms_iomem *i1 = NULL, *i2 = NULL;
	struct fx_loaded l;
	struct ms_kinfo_opts ko;
	struct ms_target *t = NULL;
	struct ms_kinfo *ki = NULL;
	struct ms_sparse *sp = NULL;
	struct ms_error *err;
	char snap[320];
	uint64_t size;

	struct fx_kernel_opts o = {
		.variant = FX_KERNEL_6_12, .levels = 4,
		.sections = fx_machine_sections, .nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};

	/* recording from the start, as capture does: kinfo, the model, these */
	memset(&l, 0, sizeof(l));
	assert_int_equal(fx_kernel_build(&o, &l.k), 0);
	ko = (struct ms_kinfo_opts){ .sysroot = l.k.sysroot, .btf_path = l.k.btf };
	assert_null(ms_target_open(l.k.core, &l.t));
	assert_null(ms_target_record(l.t, true));
	assert_null(ms_kinfo_open(l.t, &ko, &l.ki));
	assert_null(ms_sparse_load(l.t, l.ki, &l.sp));
	assert_null(ms_kblocks_load(l.t, l.ki, l.sp, &b1));
	assert_null(ms_kiomem_load(l.t, l.ki, &i1));
	assert_null(ms_target_record(l.t, false));
	snprintf(snap, sizeof(snap), "%s/snap", l.k.dir);
	assert_null(ms_snapshot_write(l.t, snap, &fs, &size));
	/* kallsyms and BTF from the fixture: the snapshot has no files */
	err = ms_target_open(snap, &t);
	if (!err)
		err = ms_kinfo_open(t, &ko, &ki);
	if (!err)
		err = ms_sparse_load(t, ki, &sp);
	if (!err)
		err = ms_kblocks_load(t, ki, sp, &b2);
	if (!err)
		err = ms_kiomem_load(t, ki, &i2);
	if (err)
		fail_msg("%s", err->msg);
	assert_int_equal(b2->nr, b1->nr);
	assert_memory_equal(b2->blocks, b1->blocks, b1->nr * sizeof(*b1->blocks));
	assert_int_equal(i2->nr, i1->nr);
	assert_memory_equal(i2->ranges, i1->ranges, i1->nr * sizeof(*i1->ranges));
	ms_blocks_free(b1);
	ms_blocks_free(b2);
	ms_iomem_free(i1);
	ms_iomem_free(i2);
	ms_sparse_free(sp);
	ms_kinfo_close(ki);
	ms_target_close(t);
	fx_loaded_close(&l);
}

static void refused(enum fx_sysmem_fault f, bool iomem, const char *words)
{
	struct ms_blocks *bl = NULL;
	struct ms_iomem *io = NULL;
	struct ms_error *err;
	struct fx_loaded l;

	load(&l, FX_KERNEL_6_1, f);
	err = iomem ? ms_kiomem_load(l.t, l.ki, &io) :
		      ms_kblocks_load(l.t, l.ki, l.sp, &bl);
	assert_non_null(err);
	if (!strstr(err->msg, words))
		fail_msg("'%s' does not say '%s'", err->msg, words);
	assert_null(bl);
	assert_null(io);
	ms_error_free(err);
	fx_loaded_close(&l);
}

static void test_bad_state(void **state)
{
	refused(FX_SYSMEM_BLOCK_STATE, false, "block 2: state 99");
}

static void test_bad_zone(void **state)
{
	refused(FX_SYSMEM_BLOCK_ZONE, false, "is no zone of any node");
}

static void test_duplicate(void **state)
{
	refused(FX_SYSMEM_BLOCK_DUP, false, "block 0 twice");
}

static void test_xarray_loop(void **state)
{
	refused(FX_SYSMEM_XA_LOOP, false, "memory_blocks: xarray node 0x");
}

static void test_before_memory_dev_init(void **state)
{
	refused(FX_SYSMEM_SPB_ZERO, false, "none registered yet");
}

static void test_resource_cycle(void **state)
{
	refused(FX_SYSMEM_RES_CYCLE, true, "twice (a cycle)");
}

static void test_resource_outside(void **state)
{
	refused(FX_SYSMEM_RES_OUTSIDE, true, "lies outside its parent");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_6_1),
		cmocka_unit_test(test_blocks_6_12),
		cmocka_unit_test(test_blocks_7_3),
		cmocka_unit_test(test_iomem),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_snapshot_without_notes),
		cmocka_unit_test(test_bad_state),
		cmocka_unit_test(test_bad_zone),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_xarray_loop),
		cmocka_unit_test(test_before_memory_dev_init),
		cmocka_unit_test(test_resource_cycle),
		cmocka_unit_test(test_resource_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
