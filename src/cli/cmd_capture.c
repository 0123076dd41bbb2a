// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope capture FILE: a snapshot of everything memscope reads. The
 * target records every range the model loaders read; then the snapshot
 * holds those ranges and the files the kinfo and sysfs readers used (see
 * include/memscope/snapshot.h). Reading it back with -c FILE gives every
 * command the same rows, on any machine.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "vmemmap_fmt.h"
#include "page_fmt.h"
#include "page_range.h"
#include "progress.h"
#include "memscope/deferred.h"
#include "memscope/kmsg.h"
#include "memscope/ksysfs.h"
#include "memscope/snapshot.h"
#include "memscope/timings.h"

#define MAX_SYSFS_FILE (64 * 1024)

const struct ms_cmdopt ms_capture_opts[] = {
	[CAPTURE_OPT_FORCE] = { "force", false, "replace FILE if it exists" },
	{ NULL, false, NULL },
};

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

/*
 * Memory blocks and iomem as kernel memory holds them (ksysfs.h): the
 * snapshot then stands alone even read without its sysfs notes. The notes
 * stay the primary copy, so a kernel lacking the symbols (no
 * CONFIG_KALLSYMS_ALL) or the types only loses this one.
 */
static struct ms_error *load_kernel_sysfs(struct ms_cli *c)
{
	struct ms_error *err = ms_cli_kernel(c), *ierr;
	struct ms_blocks *b = NULL;
	struct ms_iomem *io = NULL;

	if (err)
		return err;
	err = ms_kblocks_load(c->target, c->kinfo, c->sparse, &b);
	ierr = ms_kiomem_load(c->target, c->kinfo, &io);
	ms_blocks_free(b);
	ms_iomem_free(io);
	if (!err || err->code == MS_ERR_MISSING) {
		ms_error_free(err);
		err = ierr;
	} else {
		ms_error_free(ierr);
	}
	if (err && err->code == MS_ERR_MISSING) {
		ms_error_free(err);
		err = NULL;
	}
	return err;
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
		struct ms_pt_xlate x;

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
	struct ms_vmemmap_model m;
	struct ms_error *err = ms_vmemmap_model_load(c, true, &m);

	ms_vmemmap_model_release(&m);
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
	{ "kernel's memory blocks and iomem", load_kernel_sysfs },
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

static struct ms_error *add_file(struct ms_snapshot_files *fs,
				 const struct ms_fs *root, const char *rel,
				 size_t max, bool required)
{
	char name[PATH_MAX];
	struct ms_error *err;
	char *data;
	size_t len;
	int ret;

	ret = ms_fs_read(root, rel, max, &data, &len);
	if (ret) {
		if (!required)
			return NULL;
		ms_fs_name(root, rel, name, sizeof(name));
		return ms_error_errno(-ret, "reading %s", name);
	}
	err = ms_snapshot_files_add(fs, rel, MS_SNAPSHOT_REGULAR, data, len);
	free(data);
	return err;
}

struct tree_walk {
	struct ms_snapshot_files *fs;
	const struct ms_fs *root;
	const char *rel;
	int depth;
	struct ms_error *err;
};

static struct ms_error *add_tree(struct ms_snapshot_files *fs,
				 const struct ms_fs *root, const char *rel,
				 int depth);

static int tree_entry(void *arg, const char *name, enum ms_fs_kind kind)
{
	struct tree_walk *w = arg;
	char sub[PATH_MAX], link[PATH_MAX];

	if (name[0] == '.' || !strcmp(name, "power"))
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s", w->rel, name);
	if (kind == MS_FS_LINK) {
		if (!ms_fs_readlink(w->root, sub, link, sizeof(link)))
			w->err = ms_snapshot_files_add(w->fs, sub, MS_SNAPSHOT_SYMLINK,
						       link, strlen(link));
	} else if (kind == MS_FS_DIR) {
		w->err = ms_snapshot_files_add(w->fs, sub, MS_SNAPSHOT_DIR, "", 0);
		if (!w->err && w->depth > 0)
			w->err = add_tree(w->fs, w->root, sub, w->depth - 1);
	} else if (kind == MS_FS_FILE) {
		/* write-only attributes (probe, uevent's writes) fail: skip */
		w->err = add_file(w->fs, w->root, sub, MAX_SYSFS_FILE, false);
	}
	return w->err != NULL;
}

static struct ms_error *add_tree(struct ms_snapshot_files *fs,
				 const struct ms_fs *root, const char *rel,
				 int depth)
{
	struct tree_walk w = { .fs = fs, .root = root, .rel = rel, .depth = depth };

	/* a tree the kernel does not have is left out */
	ms_fs_list(root, rel, tree_entry, &w);
	return w.err;
}

/*
 * The dax devices' attributes that `devices` reads. /sys/bus/dax/devices/X
 * is a symlink into the device tree, which is not captured, so the
 * attributes are stored under the bus path itself, read through the link.
 */
static int dax_entry(void *arg, const char *name, enum ms_fs_kind kind)
{
	static const char *const attrs[] = { "align", "size", "resource",
					     "target_node" };
	static const char *const bus = "/sys/bus/dax/devices";
	struct tree_walk *w = arg;
	char sub[PATH_MAX];

	if (name[0] == '.')
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s", bus, name);
	w->err = ms_snapshot_files_add(w->fs, sub, MS_SNAPSHOT_DIR, "", 0);
	for (size_t i = 0; !w->err && i < sizeof(attrs) / sizeof(*attrs); i++) {
		snprintf(sub, sizeof(sub), "%s/%s/%s", bus, name, attrs[i]);
		w->err = add_file(w->fs, w->root, sub, MAX_SYSFS_FILE, false);
	}
	return w->err != NULL;
}

static struct ms_error *collect_files(struct ms_cli *c, struct ms_snapshot_files *fs)
{
	struct tree_walk dax = { .fs = fs };
	const struct ms_fs *root;
	struct ms_error *err;
	const void *btf;
	char *text = NULL;
	size_t len;

	btf = ms_kinfo_btf_raw(c->kinfo, &len);
	err = btf ? ms_snapshot_files_add(fs, "sys/kernel/btf/vmlinux",
					  MS_SNAPSHOT_REGULAR, btf, len) : NULL;
	if (!err)
		err = ms_kinfo_kallsyms_used(c->kinfo, &text, &len);
	if (!err)
		err = ms_snapshot_files_add(fs, "proc/kallsyms", MS_SNAPSHOT_REGULAR, text, len);
	free(text);
	text = NULL;
	if (!err)
		err = ms_cli_fs(c, &root);
	/* a core file without a sysroot: no files of its machine */
	if (err || !root)
		return err;
	err = add_file(fs, root, "/proc/iomem", MAX_SYSFS_FILE * 16, false);
	for (size_t i = 0; !err && i < sizeof(capture_trees) / sizeof(*capture_trees); i++)
		err = add_tree(fs, root, capture_trees[i], 2);
	dax.root = root;
	if (!err)
		ms_fs_list(root, "/sys/bus/dax/devices", dax_entry, &dax);
	err = err ? err : dax.err;
	if (!err)
		err = ms_kmsg_grep(root, "deferred pages initialised", &text, &len);
	if (!err && len)
		err = ms_snapshot_files_add(fs, "dev/kmsg", MS_SNAPSHOT_REGULAR, text, len);
	free(text);
	return err;
}

struct write_progress {
	const struct ms_cli *c;
	struct ms_progress *pr;
	bool started;
};

/* The line starts on the first report, when the total is known. */
static void write_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct write_progress *w = ctx;

	if (!w->started) {
		w->pr = ms_progress_start(w->c, "capture: writing", total, 1, NULL);
		w->started = true;
	}
	ms_progress_set(w->pr, done);
}

static struct ms_error *write_snapshot(struct ms_cli *c, const char *path,
				       const struct ms_snapshot_files *fs,
				       uint64_t *size)
{
	struct write_progress w = { .c = c };
	struct ms_snapshot_wopts o = {
		.replace = c->opt[CAPTURE_OPT_FORCE] != NULL,
		.progress = write_progress,
		.ctx = &w,
	};
	struct ms_error *err = ms_snapshot_write_opts(c->target, path, fs, &o, size);

	ms_progress_end(w.pr);
	return err;
}

int ms_cmd_capture(struct ms_cli *c, int argc, char **argv)
{
	struct ms_snapshot_files fs = { 0 };
	struct ms_error *err;
	uint64_t size = 0;
	char human[32], phase[64];
	bool partial = false;

	if (argc != 2)
		return ms_cli_usage_error("capture takes one argument, the snapshot FILE");
	/* before the work: the rename at the end checks again */
	if (!c->opt[CAPTURE_OPT_FORCE] && !access(argv[1], F_OK))
		return ms_cli_fail(ms_error_new(MS_ERR_USAGE,
				   "%s exists (--force replaces it)", argv[1]));
	err = ms_cli_target(c);
	if (!err)
		err = ms_target_record(c->target, true);
	for (size_t i = 0; !err && i < NR_LOADERS; i++) {
		err = capture_loaders[i].load(c);
		snprintf(phase, sizeof(phase), "capture: %s", capture_loaders[i].name);
		ms_timings_mark(phase);
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
	ms_timings_mark("capture: files");
	if (!err)
		err = write_snapshot(c, argv[1], &fs, &size);
	ms_timings_mark("capture: write, compress");
	ms_snapshot_files_free(&fs);
	if (err)
		return ms_cli_fail(err);
	ms_cli_size(c, size, human, sizeof(human));
	printf("%s: snapshot of %s, %s\n", argv[1],
	       ms_kinfo_layout(c->kinfo)->release, human);
	return partial ? MS_EXIT_PARTIAL : MS_EXIT_OK;
}
