// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope capture FILE: a snapshot of everything memscope reads. The
 * target records every range the model loaders read; then the snapshot
 * holds those ranges and the files the kinfo and sysfs readers used (see
 * include/memscope/snapshot.h). Reading it back with -c FILE gives every
 * command the same rows, on any machine.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "vm_fmt.h"
#include "page_fmt.h"
#include "page_range.h"
#include "memscope/deferred.h"
#include "memscope/kmsg.h"
#include "memscope/snapshot.h"
#include "memscope/syspath.h"

#define MAX_SYSFS_FILE (64 * 1024)

static struct ms_error *load_blocks(struct ms_cli *c)
{
	const struct ms_blocks *b;

	return ms_cli_blocks(c, &b);
}

static struct ms_error *load_iomem(struct ms_cli *c)
{
	const struct ms_iomem *io;

	return ms_cli_iomem(c, &io);
}

static struct ms_error *load_deferred(struct ms_cli *c)
{
	struct ms_deferred *d;
	struct ms_error *err = ms_cli_deferred_load(c, &d);

	ms_deferred_free(d);
	return err;
}

/*
 * The page-table walk to every section's memmap: `blocks` translates it to
 * tell memmap_on_memory blocks, the vmemmap model walks the same tables.
 */
static struct ms_error *load_memmap_tables(struct ms_cli *c)
{
	struct ms_error *err = ms_cli_kernel(c);

	for (size_t i = 0; !err && i < c->sparse->nr_sections; i++) {
		const struct ms_section *s = &c->sparse->sections[i];
		struct ms_xlate x;

		if (!s->memmap)
			continue;
		/* an unmapped memmap is a fact to keep, not a failure */
		ms_error_free(ms_target_translate(c->target, s->memmap, &x));
	}
	return err;
}

static int keep_page(void *ctx, const struct ms_page *p)
{
	return 0;
}

/*
 * Every struct page the pages, compound and check commands can show (the
 * initialised memmaps), with what decoding them reads (compound heads).
 */
static struct ms_error *load_pages(struct ms_cli *c)
{
	struct ms_page_layout pl;
	struct ms_pfn_range r;
	struct ms_error *err = ms_cli_page_layout(c, &pl);

	if (err)
		return err;
	ms_cli_pfn_all(c, &r);
	return ms_cli_pages_walk(c, &pl, r.start, r.nr, false, keep_page, NULL,
				 NULL, NULL);
}

/* The vmemmap page tables and the pgmaps behind vmemmap and devices. */
static struct ms_error *load_vmemmap(struct ms_cli *c)
{
	struct ms_vm_model m;
	struct ms_error *err = ms_vm_model_load(c, true, &m);

	ms_vm_model_release(&m);
	return err;
}

/*
 * Every model loader, run once with recording on: what they read is what
 * the snapshot holds. A new model adds its loader here, one line.
 */
static const struct {
	const char *name;
	struct ms_error *(*load)(struct ms_cli *c);
} capture_loaders[] = {
	{ "kernel", ms_cli_kernel },	/* kinfo, sparse: sections, nodes, zones */
	{ "memmap page tables", load_memmap_tables },
	{ "memory blocks", load_blocks },
	{ "iomem", load_iomem },
	{ "deferred", load_deferred },
	{ "struct pages", load_pages },	/* pages, compound, check */
	{ "vmemmap and pgmaps", load_vmemmap },	/* vmemmap, devices */
};
#define NR_LOADERS (sizeof(capture_loaders) / sizeof(*capture_loaders))

/*
 * Sysfs trees stored as they are (regular files and symlinks, two levels
 * deep, "power" directories left out): what src/sys reads.
 */
static const char *const capture_trees[] = {
	"/sys/devices/system/memory",
};

static int read_file(const char *path, uint8_t **out, size_t *len, size_t max)
{
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || !buf) {
		int e = fd < 0 ? errno : ENOMEM;

		if (fd >= 0)
			close(fd);
		free(buf);
		return -e;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *p = cap * 2 <= max ? realloc(buf, cap * 2) : NULL;

			if (!p) {
				close(fd);
				free(buf);
				return -EFBIG;
			}
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return -e;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

static struct ms_error *add_file(struct ms_snapshot_files *fs, const char *root,
				 const char *rel, size_t max, bool required)
{
	char path[PATH_MAX];
	struct ms_error *err;
	uint8_t *data;
	size_t len;
	int ret;

	ms_syspath(path, sizeof(path), root, rel);
	ret = read_file(path, &data, &len, max);
	if (ret)
		return required ? ms_error_errno(-ret, "reading %s", path) : NULL;
	err = ms_snapshot_files_add(fs, rel, MS_SNAPSHOT_REGULAR, data, len);
	free(data);
	return err;
}

static struct ms_error *add_tree(struct ms_snapshot_files *fs, const char *root,
				 const char *rel, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX], link[PATH_MAX];
	struct ms_error *err = NULL;
	struct dirent *de;
	DIR *d;

	ms_syspath(path, sizeof(path), root, rel);
	d = opendir(path);
	if (!d)
		return NULL;	/* a tree the kernel does not have */
	while (!err && (de = readdir(d))) {
		struct stat st;
		ssize_t n;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "power"))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		ms_syspath(path, sizeof(path), root, sub);
		if (lstat(path, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0)
				err = ms_snapshot_files_add(fs, sub, MS_SNAPSHOT_SYMLINK, link, (size_t)n);
		} else if (S_ISDIR(st.st_mode)) {
			err = ms_snapshot_files_add(fs, sub, MS_SNAPSHOT_DIR, "", 0);
			if (!err && depth > 0)
				err = add_tree(fs, root, sub, depth - 1);
		} else if (S_ISREG(st.st_mode)) {
			/* write-only attributes (probe, uevent's writes) fail: skip */
			err = add_file(fs, root, sub, MAX_SYSFS_FILE, false);
		}
	}
	closedir(d);
	return err;
}

/*
 * The dax devices' attributes that `devices` reads. /sys/bus/dax/devices/X
 * is a symlink into the device tree, which is not captured, so the
 * attributes are stored under the bus path itself, read through the link.
 */
static struct ms_error *add_dax_devices(struct ms_snapshot_files *fs,
					const char *root)
{
	static const char *const attrs[] = { "align", "size", "resource",
					     "target_node" };
	const char *bus = "/sys/bus/dax/devices";
	char path[PATH_MAX], sub[PATH_MAX];
	struct ms_error *err = NULL;
	struct dirent *de;
	DIR *d;

	ms_syspath(path, sizeof(path), root, bus);
	d = opendir(path);
	if (!d)
		return NULL;	/* no dax devices on this machine */
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", bus, de->d_name);
		err = ms_snapshot_files_add(fs, sub, MS_SNAPSHOT_DIR, "", 0);
		for (size_t i = 0; !err && i < sizeof(attrs) / sizeof(*attrs); i++) {
			snprintf(sub, sizeof(sub), "%s/%s/%s", bus, de->d_name, attrs[i]);
			err = add_file(fs, root, sub, MAX_SYSFS_FILE, false);
		}
	}
	closedir(d);
	return err;
}

static struct ms_error *collect_files(struct ms_cli *c, struct ms_snapshot_files *fs)
{
	const char *btf = ms_kinfo_btf_path(c->kinfo);
	struct ms_error *err = NULL;
	char *text = NULL;
	size_t len;

	if (btf) {
		uint8_t *data;
		int ret = read_file(btf, &data, &len, SIZE_MAX / 2);

		if (ret)
			return ms_error_errno(-ret, "reading %s", btf);
		err = ms_snapshot_files_add(fs, "sys/kernel/btf/vmlinux",
					    MS_SNAPSHOT_REGULAR, data, len);
		free(data);
	}
	if (!err)
		err = ms_kinfo_kallsyms_used(c->kinfo, &text, &len);
	if (!err)
		err = ms_snapshot_files_add(fs, "proc/kallsyms", MS_SNAPSHOT_REGULAR, text, len);
	free(text);
	text = NULL;
	if (!err)
		err = add_file(fs, c->sysroot, "/proc/iomem", MAX_SYSFS_FILE * 16, false);
	for (size_t i = 0; !err && i < sizeof(capture_trees) / sizeof(*capture_trees); i++)
		err = add_tree(fs, c->sysroot, capture_trees[i], 2);
	if (!err)
		err = add_dax_devices(fs, c->sysroot);
	if (!err)
		err = ms_kmsg_grep(c->sysroot, "deferred pages initialised", &text, &len);
	if (!err && len)
		err = ms_snapshot_files_add(fs, "dev/kmsg", MS_SNAPSHOT_REGULAR, text, len);
	free(text);
	return err;
}

int ms_cmd_capture(struct ms_cli *c, int argc, char **argv)
{
	struct ms_snapshot_files fs = { 0 };
	struct ms_error *err;
	uint64_t size = 0;
	char human[32];
	bool partial = false;

	if (argc != 2)
		return ms_cli_usage_error("capture takes one argument, the snapshot FILE");
	err = ms_cli_target(c);
	if (!err)
		err = ms_target_record(c->target, true);
	for (size_t i = 0; !err && i < NR_LOADERS; i++) {
		err = capture_loaders[i].load(c);
		/*
		 * Past the kernel itself, a model that fails here (types this
		 * kernel lacks, an unreadable memmap) fails the same way on the
		 * snapshot; the rest is still worth keeping: partial success.
		 */
		if (i > 0 && err) {
			fprintf(stderr, "memscope: capture: %s left out: %s\n",
				capture_loaders[i].name, err->msg);
			ms_error_free(err);
			err = NULL;
			partial = true;
		}
	}
	if (!err)
		err = ms_target_record(c->target, false);
	if (!err)
		err = collect_files(c, &fs);
	if (!err)
		err = ms_snapshot_write(c->target, argv[1], &fs, &size);
	ms_snapshot_files_free(&fs);
	if (err)
		return ms_cli_fail(err);
	ms_cli_size(c, size, human, sizeof(human));
	printf("%s: snapshot of %s, %s\n", argv[1],
	       ms_kinfo_layout(c->kinfo)->release, human);
	return partial ? MS_EXIT_PARTIAL : MS_EXIT_OK;
}
