// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF finder on hostile BTF (issue 10), built with libbpf's writer and
 * then damaged: an enumerator or member name outside the string table
 * (libbpf returns NULL for it), anonymous members of their own type (a
 * cycle), and a wide, deep tree of anonymous members (members^depth work
 * if each type is searched once per path instead of once per lookup).
 * Each must give one MS_ERR_FORMAT or MS_ERR_MISSING answer, fast, and
 * never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "../../src/kinfo/internal.h"

/* Writes b's raw blob to a fresh file; when patch_tail, the 32-bit word
 * patch_tail bytes before the end of the type section becomes patch. */
static void write_btf(struct btf *b, char *path, size_t patch_tail,
		      uint32_t patch)
{
	const struct btf_header *h;
	__u32 size;
	const void *raw = btf__raw_data(b, &size);
	uint8_t *copy;
	int fd;

	assert_non_null(raw);
	copy = malloc(size);
	assert_non_null(copy);
	memcpy(copy, raw, size);
	h = (const struct btf_header *)copy;
	if (patch_tail)
		memcpy(copy + h->hdr_len + h->type_off + h->type_len - patch_tail,
		       &patch, sizeof(patch));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, copy, size), (ssize_t)size);
	close(fd);
	free(copy);
	btf__free(b);
}

/* Opens path; a libbpf that validates names itself may refuse it: that is
 * a right answer too (returns NULL then). */
static struct ms_btf *open_or_refused(const char *path)
{
	struct ms_btf *mb = NULL;
	struct ms_error *err = ms_btf_open_file(path, &mb);

	if (err) {
		assert_int_equal(err->code, MS_ERR_FORMAT);
		ms_error_free(err);
		return NULL;
	}
	return mb;
}

static void expect(struct ms_error *err, enum ms_errcode code, const char *want)
{
	if (!err)
		fail_msg("no error, want \"%s\"", want);
	if (err->code != code || !strstr(err->msg, want))
		fail_msg("got code %d \"%s\", want code %d with \"%s\"",
			 err->code, err->msg, code, want);
	ms_error_free(err);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One changed byte: the last enumerator's name_off points past the strings. */
static void bad_enumerator_name(void **state)
{
	char path[] = "/tmp/memscope-btf-XXXXXX";
	struct btf *b = btf__new_empty();
	struct ms_btf *mb;
	int64_t v;

	assert_non_null(b);
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	assert_true(btf__add_enum(b, "zone_type", 4) > 0);
	assert_int_equal(btf__add_enum_value(b, "ZONE_DMA", 0), 0);
	assert_int_equal(btf__add_enum_value(b, "ZONE_DEVICE", 4), 0);
	/* struct btf_enum { name_off, val }: the last 8 bytes */
	write_btf(b, path, 8, 0x00ffffff);
	mb = open_or_refused(path);
	if (mb) {
		expect(ms_btf_enumerator(mb, "ZONE_DEVICE", &v), MS_ERR_FORMAT,
		       "BTF: enumerator 1 of zone_type (type id 2) has a name outside the string table");
		/* the index remembers: every lookup says so, none crashes */
		expect(ms_btf_enumerator(mb, "ZONE_DMA", &v), MS_ERR_FORMAT,
		       "outside the string table");
		ms_btf_close(mb);
	}
	unlink(path);
}

static void bad_member_name(void **state)
{
	char path[] = "/tmp/memscope-btf-XXXXXX";
	struct btf *b = btf__new_empty();
	struct ms_btf *mb;
	struct ms_member m;
	int ul;

	assert_non_null(b);
	ul = btf__add_int(b, "long unsigned int", 8, 0);
	assert_true(btf__add_struct(b, "mem_section", 16) > 0);
	assert_int_equal(btf__add_field(b, "section_mem_map", ul, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "usage", ul, 64, 0), 0);
	/* struct btf_member { name_off, type, offset }: the last 12 bytes */
	write_btf(b, path, 12, 0x00ffffff);
	mb = open_or_refused(path);
	if (mb) {
		expect(ms_btf_member(mb, MS_TYPE_STRUCT, "mem_section", "usage", &m),
		       MS_ERR_FORMAT,
		       "member 1 of mem_section (type id 2) has a name outside the string table");
		/* a member before the damage is still found */
		assert_null(ms_btf_member(mb, MS_TYPE_STRUCT, "mem_section",
					  "section_mem_map", &m));
		assert_int_equal(m.offset, 0);
		ms_btf_close(mb);
	}
	unlink(path);
}

/* struct loop { struct loop; x 8; long x; }: a cycle, named. */
static void anonymous_cycle(void **state)
{
	char path[] = "/tmp/memscope-btf-XXXXXX";
	struct btf *b = btf__new_empty();
	struct ms_member m;
	struct ms_btf *mb;
	double t0;
	int ul, loop;

	assert_non_null(b);
	ul = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	loop = btf__add_struct(b, "loop", 8);
	assert_true(loop > 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(btf__add_field(b, NULL, loop, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "x", ul, 0, 0), 0);
	write_btf(b, path, 0, 0);
	mb = open_or_refused(path);
	assert_non_null(mb);
	t0 = now();
	expect(ms_btf_member(mb, MS_TYPE_STRUCT, "loop", "y", &m), MS_ERR_FORMAT,
	       "struct loop.y: BTF: loop (type id 2) contains itself through anonymous members");
	expect(ms_btf_member(mb, MS_TYPE_STRUCT, "loop", "x", &m), MS_ERR_FORMAT,
	       "contains itself");
	assert_true(now() - t0 < 1.0);
	ms_btf_close(mb);
	unlink(path);
}

/*
 * deep0 .. deep23, each with 6 anonymous members of the next, the last
 * holding "leaf": 6^23 paths, 24 types. A name that is nowhere must be
 * answered after searching each type once.
 */
#define DEPTH 24
static void anonymous_wide_tree(void **state)
{
	char path[] = "/tmp/memscope-btf-XXXXXX";
	struct btf *b = btf__new_empty();
	struct ms_member m;
	struct ms_btf *mb;
	char name[16];
	int ul, id[DEPTH];
	double t0;

	assert_non_null(b);
	ul = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	/* ids are allocated in order: deep(i) is ul + 1 + i */
	for (int i = 0; i < DEPTH; i++) {
		snprintf(name, sizeof(name), "deep%d", i);
		id[i] = btf__add_struct(b, name, 16);
		assert_int_equal(id[i], ul + 1 + i);
		if (i == DEPTH - 1) {
			assert_int_equal(btf__add_field(b, "pad", ul, 0, 0), 0);
			assert_int_equal(btf__add_field(b, "leaf", ul, 64, 0), 0);
			break;
		}
		for (int j = 0; j < 6; j++)
			assert_int_equal(btf__add_field(b, NULL, ul + 2 + i, 0, 0), 0);
	}
	write_btf(b, path, 0, 0);
	mb = open_or_refused(path);
	assert_non_null(mb);
	t0 = now();
	expect(ms_btf_member(mb, MS_TYPE_STRUCT, "deep0", "nope", &m),
	       MS_ERR_MISSING, "lacks struct deep0.nope");
	assert_null(ms_btf_member(mb, MS_TYPE_STRUCT, "deep0", "leaf", &m));
	assert_int_equal(m.offset, 8);
	assert_int_equal(m.size, 8);
	assert_true(now() - t0 < 1.0);
	ms_btf_close(mb);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_enumerator_name),
		cmocka_unit_test(bad_member_name),
		cmocka_unit_test(anonymous_cycle),
		cmocka_unit_test(anonymous_wide_tree),
	};

	return cmocka_run_group_tests_name("btf", tests, NULL, NULL);
}
