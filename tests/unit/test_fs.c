// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File access (include/memscope/fs.h): the in-memory tree of a snapshot
 * (lookups, listings, and the paths it refuses) and a hostile --sysroot
 * (symlinks out of it, "..", FIFOs), through openat2 and through the
 * per-component walk older kernels get. The oracle for the sysroot cases
 * is the file system itself: a file outside the root must stay unread.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "memscope/fs.h"

extern bool ms_fs_force_walk;	/* src/util/fs.c, for tests */

#define OK(expr) do { struct ms_error *e_ = (expr); \
	if (e_) fail_msg("%s: %s", #expr, e_->msg); } while (0)

struct listing {
	char names[512];
	size_t used;
};

static int collect(void *arg, const char *name, enum ms_fs_kind kind)
{
	struct listing *l = arg;
	static const char kinds[] = "fldo";

	l->used += snprintf(l->names + l->used, sizeof(l->names) - l->used,
			    "%s%s:%c", l->used ? " " : "", name, kinds[kind]);
	return 0;
}

/* The listing of dir, names sorted, as "name:kind ..." (kind f l d o). */
static int list(const struct ms_fs *fs, const char *dir, char *out, size_t len)
{
	struct listing l = { .used = 0 };
	char *words[32], *save = NULL, *w;
	size_t n = 0, used = 0;
	int ret = ms_fs_list(fs, dir, collect, &l);

	l.names[l.used] = '\0';
	for (w = strtok_r(l.names, " ", &save); w && n < 32; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(words[j], words[i]) < 0) {
				w = words[i];
				words[i] = words[j];
				words[j] = w;
			}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += snprintf(out + used, len - used, "%s%s", i ? " " : "", words[i]);
	return ret;
}

static struct ms_fs *sample_tree(void)
{
	struct ms_fs *fs = ms_fs_tree_new("snap");

	assert_non_null(fs);
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/block_size_bytes", MS_FS_FILE, "8000000\n", 8));
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/memory1", MS_FS_DIR, "", 0));
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/memory1/state", MS_FS_FILE, "online\n", 7));
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/memory1/node0", MS_FS_LINK, "../../node/node0", 16));
	/* sorts between memory1 and memory1/..., in plain strcmp order */
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/memory1-x", MS_FS_FILE, "", 0));
	OK(ms_fs_tree_add(fs, "sys/devices/system/memory/memory10/state", MS_FS_FILE, "offline", 7));
	OK(ms_fs_tree_add(fs, "proc/iomem", MS_FS_FILE, "00000000-00000fff : Reserved\n", 29));
	OK(ms_fs_tree_seal(fs));
	return fs;
}

static void test_tree_reads(void **s)
{
	struct ms_fs *fs = sample_tree();
	char buf[256], *data;
	size_t len;

	assert_int_equal(ms_fs_read_text(fs, "/sys/devices/system/memory/memory1/state", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "online");
	assert_int_equal(ms_fs_read(fs, "/proc/iomem", 1 << 20, &data, &len), 0);
	assert_int_equal(len, 29);
	assert_string_equal(data, "00000000-00000fff : Reserved\n");
	free(data);
	assert_int_equal(ms_fs_read(fs, "/proc/iomem", 10, &data, &len), -EFBIG);
	assert_int_equal(ms_fs_read(fs, "/proc/nope", 100, &data, &len), -ENOENT);
	/* a link is a name with a target: never read through */
	assert_int_equal(ms_fs_read(fs, "/sys/devices/system/memory/memory1/node0", 100, &data, &len), -ELOOP);
	assert_int_equal(ms_fs_read(fs, "/sys/devices/system/memory/memory1/node0/x", 100, &data, &len), -ENOENT);
	assert_int_equal(ms_fs_readlink(fs, "/sys/devices/system/memory/memory1/node0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "../../node/node0");
	assert_int_equal(ms_fs_read(fs, "/sys/devices/system/memory/memory1", 100, &data, &len), -EISDIR);
	/* a path that would leave the tree names nothing */
	assert_int_equal(ms_fs_read(fs, "/sys/../proc/iomem", 100, &data, &len), -ENOENT);
	ms_fs_name(fs, "/proc/iomem", buf, sizeof(buf));
	assert_string_equal(buf, "snap:/proc/iomem");
	assert_false(ms_fs_is_live(fs));
	ms_fs_free(fs);
}

static void test_tree_lists(void **s)
{
	struct ms_fs *fs = sample_tree();
	char out[512];

	assert_int_equal(list(fs, "/sys/devices/system/memory", out, sizeof(out)), 0);
	assert_string_equal(out, "block_size_bytes:f memory1-x:f memory10:d memory1:d");
	assert_int_equal(list(fs, "/sys/devices/system/memory/memory1", out, sizeof(out)), 0);
	assert_string_equal(out, "node0:l state:f");
	assert_int_equal(list(fs, "/", out, sizeof(out)), 0);
	assert_string_equal(out, "proc:d sys:d");
	assert_int_equal(list(fs, "/sys/bus/dax/devices", out, sizeof(out)), -ENOENT);
	assert_int_equal(list(fs, "/proc/iomem", out, sizeof(out)), -ENOTDIR);
	ms_fs_free(fs);
}

static void expect_add_refused(const char *path)
{
	struct ms_fs *fs = ms_fs_tree_new("snap");
	struct ms_error *err = ms_fs_tree_add(fs, path, MS_FS_FILE, "x", 1);

	if (!err)
		fail_msg("'%s' was accepted", path);
	assert_int_equal(err->code, MS_ERR_FORMAT);
	ms_error_free(err);
	ms_fs_free(fs);
}

static void expect_seal_refused(const char *a, enum ms_fs_kind ka,
				const char *b, const char *want)
{
	struct ms_fs *fs = ms_fs_tree_new("snap");
	struct ms_error *err;

	OK(ms_fs_tree_add(fs, a, ka, "/etc", 4));
	OK(ms_fs_tree_add(fs, b, MS_FS_FILE, "x", 1));
	err = ms_fs_tree_seal(fs);
	assert_non_null(err);
	assert_int_equal(err->code, MS_ERR_FORMAT);
	if (!strstr(err->msg, want))
		fail_msg("'%s' lacks '%s'", err->msg, want);
	ms_error_free(err);
	ms_fs_free(fs);
}

static void test_tree_refuses(void **s)
{
	expect_add_refused("/etc/passwd");
	expect_add_refused("sys/../../etc/passwd");
	expect_add_refused("sys//x");
	expect_add_refused("sys/./x");
	expect_add_refused("sys/x/");
	expect_add_refused("");
	expect_add_refused("sys/\033[2Jx");
	expect_seal_refused("sys/evil", MS_FS_LINK, "sys/evil/x", "below sys/evil, which is a symlink");
	expect_seal_refused("proc/iomem", MS_FS_FILE, "proc/iomem/x", "not a directory");
	expect_seal_refused("proc/iomem", MS_FS_FILE, "proc/iomem", "given twice");
}

/* A sysroot with ways out: links to a file and a directory outside. */
struct hostile {
	char dir[64], root[96], secret[128];
};

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void hostile_make(struct hostile *h)
{
	char p[256];

	snprintf(h->dir, sizeof(h->dir), "/tmp/ms-fs.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->secret, sizeof(h->secret), "%s/secret", h->dir);
	put(h->secret, "SECRET\n");
	snprintf(h->root, sizeof(h->root), "%s/root", h->dir);
	assert_int_equal(mkdir(h->root, 0700), 0);
	snprintf(p, sizeof(p), "%s/proc", h->root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/proc/iomem", h->root);
	put(p, "00000000-00000fff : Reserved\n");
	snprintf(p, sizeof(p), "%s/proc/kallsyms", h->root);
	assert_int_equal(symlink(h->secret, p), 0);
	snprintf(p, sizeof(p), "%s/proc/rel", h->root);
	assert_int_equal(symlink("iomem", p), 0);	/* even inside: not followed */
	snprintf(p, sizeof(p), "%s/sys", h->root);
	assert_int_equal(symlink(h->dir, p), 0);
	snprintf(p, sizeof(p), "%s/dev", h->root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/dev/kmsg", h->root);
	assert_int_equal(mkfifo(p, 0600), 0);
}

static void hostile_remove(struct hostile *h)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
	assert_int_equal(system(cmd), 0);
}

static void on_alarm(int sig)
{
	fail_msg("an open blocked");
}

static void sysroot_cases(bool walk)
{
	struct hostile h;
	struct ms_fs *fs;
	char *data, out[512];
	size_t len;

	ms_fs_force_walk = walk;
	signal(SIGALRM, on_alarm);
	alarm(5);
	hostile_make(&h);
	OK(ms_fs_open_dir(h.root, &fs));
	assert_int_equal(ms_fs_read(fs, "/proc/iomem", 1 << 20, &data, &len), 0);
	assert_string_equal(data, "00000000-00000fff : Reserved\n");
	free(data);
	assert_int_equal(ms_fs_read(fs, "/proc/kallsyms", 1 << 20, &data, &len), -ELOOP);
	assert_int_equal(ms_fs_read(fs, "/proc/rel", 1 << 20, &data, &len), -ELOOP);
	assert_true(ms_fs_read(fs, "/sys/secret", 1 << 20, &data, &len) < 0);
	assert_true(ms_fs_read(fs, "/proc/../../secret", 1 << 20, &data, &len) < 0);
	assert_true(list(fs, "/sys", out, sizeof(out)) < 0);
	/* a FIFO is refused, and opening it does not wait for a writer */
	assert_int_equal(ms_fs_read(fs, "/dev/kmsg", 1 << 20, &data, &len), -EINVAL);
	assert_int_equal(list(fs, "/proc", out, sizeof(out)), 0);
	assert_string_equal(out, "iomem:f kallsyms:l rel:l");
	assert_int_equal(ms_fs_readlink(fs, "/proc/rel", out, sizeof(out)), 0);
	assert_string_equal(out, "iomem");
	ms_fs_name(fs, "/proc/iomem", out, sizeof(out));
	assert_true(strstr(out, "/root/proc/iomem") != NULL);
	ms_fs_free(fs);
	hostile_remove(&h);
	alarm(0);
	ms_fs_force_walk = false;
}

static void test_sysroot_openat2(void **s) { sysroot_cases(false); }
static void test_sysroot_walk(void **s) { sysroot_cases(true); }

/* -c FIFO, --btf /dev/null: refused at once, not read. */
static void test_open_file(void **s)
{
	char dir[] = "/tmp/ms-fifo.XXXXXX", fifo[64];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(ms_fs_open_file(fifo), -EINVAL);
	assert_int_equal(ms_fs_open_file("/dev/null"), -EINVAL);
	assert_int_equal(ms_fs_open_file(dir), -EISDIR);
	alarm(0);
	fd = ms_fs_open_file("/proc/self/status");
	assert_true(fd >= 0);
	close(fd);
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_reads),
		cmocka_unit_test(test_tree_lists),
		cmocka_unit_test(test_tree_refuses),
		cmocka_unit_test(test_sysroot_openat2),
		cmocka_unit_test(test_sysroot_walk),
		cmocka_unit_test(test_open_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
