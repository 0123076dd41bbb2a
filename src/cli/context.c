// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model behind the commands, loaded once on first use: target, kinfo
 * and the sparse model; memory blocks and /proc/iomem from the system's
 * files (fs.h): live, --sysroot, or a snapshot's in-memory tree, and for a
 * core file what those lack from kernel memory. Errors become one line on
 * stderr.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memscope/timings.h"
#include "cli.h"
#include "memscope/ksysfs.h"
#include "memscope/privilege.h"
#include "memscope/snapshot.h"

#define LIVE_CORE "/proc/kcore"

int ms_cli_fail(struct ms_error *err)
{
	fprintf(stderr, "memscope: %s\n", err ? err->msg : "unknown error");
	ms_error_free(err);
	return MS_EXIT_FAILURE;
}

/* Beside the failure lines, not in usage.c: the acting commands call it,
 * and usage.c reaches every command through the command table. */
static const char *refusal(const struct ms_cli *c)
{
	if (c->demo)
		return "--demo reads a snapshot";
	if (c->readonly)
		return "--readonly";
	if (c->core_path)
		return "-c reads a core or snapshot, not the live system";
	if (c->sysroot)
		return "--sysroot is not the live system";
	return NULL;
}

int ms_cli_refuse_action(const struct ms_cli *c, const char *name)
{
	const char *why = refusal(c);

	if (!why)
		return 0;
	fprintf(stderr, "memscope: %s changes the system: refused (%s)\n",
		name, why);
	return MS_EXIT_FAILURE;
}

/* The command named on the command line, for its usage errors' hint. */
static const char *usage_command;

void ms_cli_usage_command(const char *name)
{
	usage_command = name;
}

/* "Try 'memscope online --help'" for a command's own usage error, as
 * util-linux points at the command's help, else the global one. */
int ms_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("memscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'memscope %s%s--help' for more information.\n",
		usage_command ? usage_command : "", usage_command ? " " : "");
	return MS_EXIT_USAGE;
}

static bool is_live(const struct ms_cli *c)
{
	return !c->core_path || !strcmp(c->core_path, LIVE_CORE);
}

/* Say what is missing before the kernel refuses with a bare EPERM. */
static struct ms_error *check_live_privilege(void)
{
	struct ms_error *err;
	bool has = false;

	err = ms_priv_has_rawio(&has);
	if (err)
		return err;
	if (!has)
		return ms_error_new(MS_ERR_PERM,
				    "reading /proc/kcore needs CAP_SYS_RAWIO (run as root)");
	return NULL;
}

/* --vmcoreinfo CORE: another core of the same boot lends its note. */
static struct ms_error *borrow_vmcoreinfo(struct ms_cli *c)
{
	struct ms_target *other;
	struct ms_error *err = ms_target_open(c->vmcoreinfo_path, &other);

	if (err)
		return err;
	if (!ms_target_vmcoreinfo(other))
		err = ms_error_new(MS_ERR_FORMAT, "no VMCOREINFO note in %s", c->vmcoreinfo_path);
	else
		err = ms_target_set_vmcoreinfo(c->target, ms_target_vmcoreinfo(other));
	ms_target_close(other);
	return err;
}

/*
 * A snapshot's files become an in-memory tree, checked even when
 * --sysroot wins (tests replay another tree): a bad snapshot is refused.
 */
static struct ms_error *snapshot_fs(struct ms_cli *c)
{
	struct ms_error *err;
	struct ms_fs *tree;

	if (!ms_snapshot_is(c->target))
		return NULL;
	err = ms_snapshot_fs(c->target, &tree);
	if (err)
		return err;
	if (c->sysroot || c->fs)
		ms_fs_free(tree);
	else
		c->fs = tree;
	return NULL;
}

unsigned int ms_cli_privs(const char *command, bool readonly)
{
	static const struct {
		const char *command;
		unsigned int privs;
	} needs[] = {
		{ "online", MS_PRIV_KCORE | MS_PRIV_ADMIN },
		{ "offline", MS_PRIV_KCORE | MS_PRIV_ADMIN },
		{ "hotplug", MS_PRIV_KCORE | MS_PRIV_ADMIN | MS_PRIV_MODULE | MS_PRIV_SCAN },
		{ "unplug", MS_PRIV_KCORE | MS_PRIV_ADMIN },
		{ "pin", MS_PRIV_KCORE | MS_PRIV_ADMIN | MS_PRIV_PIN | MS_PRIV_WRITE },
		/* the TUI acts as online, offline, hotplug and unplug do */
		{ "tui", MS_PRIV_KCORE | MS_PRIV_ADMIN | MS_PRIV_MODULE | MS_PRIV_SCAN },
		{ "capture", MS_PRIV_WRITE },
	};

	for (size_t i = 0; !readonly && i < sizeof(needs) / sizeof(*needs); i++)
		if (!strcmp(command, needs[i].command))
			return needs[i].privs;
	return 0;
}

/*
 * Least privilege: the files whose contents depend on the opener's
 * capabilities are open, so what the command does not need goes, before
 * anything is parsed. A core file needs nothing at all.
 */
static struct ms_error *drop_privs(struct ms_cli *c, unsigned int keep)
{
	/* a dump without --sysroot borrows this machine's kallsyms too */
	if (is_live(c) || !c->sysroot)
		ms_fs_live_preopen();
	return ms_priv_drop(is_live(c) ? keep : 0);
}

struct ms_error *ms_cli_target(struct ms_cli *c)
{
	const char *path = c->core_path ? c->core_path : LIVE_CORE;
	struct ms_error *err;
	int fd;

	if (c->target)
		return NULL;
	if (is_live(c)) {
		err = check_live_privilege();
		if (err)
			return err;
	}
	fd = ms_target_open_file(path, &err);
	if (fd < 0)
		return err;
	err = drop_privs(c, c->privs);
	if (err) {
		close(fd);
		return err;
	}
	err = ms_target_open_fd(fd, path, &c->target);
	if (!err && c->vmcoreinfo_path)
		err = borrow_vmcoreinfo(c);
	if (!err)
		err = snapshot_fs(c);
	if (err && c->target) {
		/* not kept half-open: a second call would read on without
		 * the borrowed note or the snapshot's files (the host's) */
		ms_target_close(c->target);
		c->target = NULL;
	}
	ms_timings_mark("open target");
	return err;
}

struct ms_error *ms_cli_fs(struct ms_cli *c, const struct ms_fs **out)
{
	struct ms_error *err = NULL;

	*out = NULL;
	if (!c->fs && !c->sysroot && !is_live(c)) {
		err = ms_cli_target(c);	/* a snapshot has files */
		if (err)
			return err;
	}
	/* before /proc/kcore is open: keep what opening it needs */
	if (!c->fs && !c->target)
		err = drop_privs(c, c->privs | MS_PRIV_KCORE);
	if (!err && !c->fs && (c->sysroot || is_live(c)))
		err = ms_fs_open_dir(c->sysroot, &c->fs);
	*out = c->fs;
	return err;
}

struct ms_error *ms_cli_kernel(struct ms_cli *c)
{
	struct ms_kinfo_opts opts = {
		.btf_path = c->btf_path,
		.vmlinux_path = c->vmlinux_path,
	};
	const struct ms_fs *fs;
	struct ms_error *err;

	if (c->sparse)
		return NULL;
	err = ms_cli_target(c);
	if (!err)
		err = ms_cli_fs(c, &fs);
	if (err)
		return err;
	/*
	 * A dump without a sysroot borrows this machine's kallsyms and BTF
	 * (kdump: the same kernel); kinfo checks that _stext agrees.
	 */
	opts.fs = fs ? fs : ms_fs_live();
	/* kinfo may be there from a call whose sparse load failed (the TUI
	 * and the fuzzers call again): opening it twice leaked the first */
	if (!c->kinfo) {
		err = ms_kinfo_open(c->target, &opts, &c->kinfo);
		if (err)
			return err;
	}
	err = ms_sparse_load(c->target, c->kinfo, &c->sparse);
	ms_timings_mark("model: sections");
	return err;
}

/*
 * The live system reads its own sysfs; a core file its files (--sysroot, a
 * snapshot's tree) where they have them, else kernel memory (ksysfs.h),
 * which needs the model.
 */
static struct ms_error *sysfs_source(struct ms_cli *c,
				     struct ms_sysfs_source *src)
{
	struct ms_error *err;

	*src = (struct ms_sysfs_source){ .core = !is_live(c) };
	err = ms_cli_fs(c, &src->fs);
	if (!err && src->core)
		err = ms_cli_kernel(c);
	src->t = c->target;
	src->ki = c->kinfo;
	src->sp = c->sparse;
	return err;
}

struct ms_error *ms_cli_blocks(struct ms_cli *c, const struct ms_blocks **out)
{
	struct ms_sysfs_source src;
	struct ms_error *err = NULL;

	if (!c->blocks_tried) {
		c->blocks_tried = true;
		err = sysfs_source(c, &src);
		if (!err)
			err = ms_blocks_open(&src, &c->blocks);
	}
	*out = c->blocks;
	return err;
}

struct ms_error *ms_cli_iomem(struct ms_cli *c, const struct ms_iomem **out)
{
	struct ms_sysfs_source src;
	struct ms_error *err = NULL;

	if (!c->iomem_tried) {
		c->iomem_tried = true;
		err = sysfs_source(c, &src);
		if (!err)
			err = ms_iomem_open(&src, &c->iomem);
	}
	*out = c->iomem;
	return err;
}

struct ms_error *ms_cli_facts(struct ms_cli *c, struct ms_facts *out)
{
	const struct ms_blocks *bl = NULL;
	const struct ms_iomem *io = NULL;
	struct ms_error *err = ms_cli_kernel(c);

	memset(out, 0, sizeof(*out));
	if (!err)
		err = ms_cli_blocks(c, &bl);
	if (!err)
		err = ms_cli_iomem(c, &io);
	if (!err)
		err = ms_facts_build(c->sparse, bl, io, out);
	return err;
}

struct ms_error *ms_cli_facts_any_iomem(struct ms_cli *c, struct ms_facts *out)
{
	const struct ms_iomem *io;
	struct ms_error *err = ms_cli_kernel(c), *ierr = NULL;

	if (!err)
		ierr = ms_cli_iomem(c, &io);
	if (!err)
		err = ms_cli_facts(c, out);
	/*
	 * The failure stays for the next caller that needs iomem (metrics:
	 * without CAP_SYS_ADMIN the device names are missing, exit 64), which
	 * tries again and gets it.
	 */
	if (ierr) {
		ms_error_free(ierr);
		c->iomem_tried = false;
	}
	return err;
}

void ms_cli_release(struct ms_cli *c)
{
	ms_iomem_free(c->iomem);
	ms_blocks_free(c->blocks);
	ms_sparse_free(c->sparse);
	ms_kinfo_close(c->kinfo);
	ms_target_close(c->target);
	ms_fs_free(c->fs);
	c->fs = NULL;
}

void ms_cli_size(const struct ms_cli *c, uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;
	uint64_t whole = bytes;

	if (c->bytes) {
		snprintf(buf, len, "%" PRIu64, bytes);
		return;
	}
	while (whole >= 1024 && u < sizeof(units) - 2) {
		whole /= 1024;
		u++;
	}
	if (u && bytes % (1ULL << (10 * u))) {
		/* one decimal, as lsmem does: 1.5G */
		double v = (double)bytes / (double)(1ULL << (10 * u));

		snprintf(buf, len, "%.1f%c", v, units[u]);
	} else {
		snprintf(buf, len, "%" PRIu64 "%c", whole, units[u]);
	}
}
