// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kpfsnap: /proc/kpageflags and /proc/kpagecount read just before and just
 * after one command, by one process that does not change under the reads.
 *
 *   kpfsnap DIR CMD ARGS...
 *
 * writes DIR/kpf-all-before.bin, kpc-all-before.bin, CMD's stdout and
 * stderr to DIR/pages-all.out and .err, its exit status to .rc, then
 * kpf-all-after.bin and kpc-all-after.bin.
 *
 * Why not dd: each dd is a new process whose page tables, stack and buffers
 * come from the per-cpu free lists; the next dd gets the same pages again,
 * so /proc/kpageflags says "page table" at both readings for a pfn that was
 * free while memscope read it (seen on 7.3: 10 pfns, KPF_PGTABLE both times,
 * memscope a free base page).  This reader touches every buffer and maps
 * everything it needs before the first read and keeps it until the last,
 * so its own pages are the same at both readings and while CMD runs; the
 * files are written only after the second reading.
 * Read in chunks: one read() of the whole file fails with EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1u << 20)

static void die(const char *what)
{
	fprintf(stderr, "kpfsnap: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* the file's length in bytes: read to the end once (proc files report 0) */
static size_t file_len(const char *path, char *chunk)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		die(path);
	while ((n = read(fd, chunk, CHUNK)) > 0)
		len += (size_t)n;
	if (n < 0)
		die(path);
	close(fd);
	return len;
}

static void take(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		die(path);
	while (off < len) {
		n = read(fd, buf + off, len - off < CHUNK ? len - off : CHUNK);
		if (n < 0)
			die(path);
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	memset(buf + off, 0, len - off);	/* memory shrank: nothing there */
}

static void save(const char *dir, const char *name, const char *buf, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0)
			die(path);
		buf += n;
		len -= (size_t)n;
	}
	close(fd);
}

static char *buffer(size_t len)
{
	char *p = malloc(len ? len : 1);

	if (!p)
		die("malloc");
	memset(p, 0xff, len);	/* touch every page now, not under the scan */
	return p;
}

static int run(const char *dir, char **argv)
{
	char out[4096], err[4096];
	int status, fo, fe;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/pages-all.out", dir);
	snprintf(err, sizeof(err), "%s/pages-all.err", dir);
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fo < 0 || fe < 0)
		die("output files");
	/* vfork: the child borrows our mm, no page tables are copied */
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fo);
	close(fe);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *flags = "/proc/kpageflags", *count = "/proc/kpagecount";
	char *chunk, *f0, *f1, *c0, *c1, rc[16];
	size_t lf, lc;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: kpfsnap DIR CMD ARGS...\n");
		return 2;
	}
	chunk = buffer(CHUNK);
	lf = file_len(flags, chunk);
	lc = file_len(count, chunk);
	f0 = buffer(lf);
	f1 = buffer(lf);
	c0 = buffer(lc);
	c1 = buffer(lc);
	/* nothing of ours is faulted in, freed or mapped from here on */
	take(flags, f0, lf);
	take(count, c0, lc);
	status = run(argv[1], argv + 2);
	take(flags, f1, lf);
	take(count, c1, lc);
	save(argv[1], "kpf-all-before.bin", f0, lf);
	save(argv[1], "kpc-all-before.bin", c0, lc);
	save(argv[1], "kpf-all-after.bin", f1, lf);
	save(argv[1], "kpc-all-after.bin", c1, lc);
	snprintf(rc, sizeof(rc), "%d\n", status);
	save(argv[1], "pages-all.rc", rc, strlen(rc));
	return 0;
}
