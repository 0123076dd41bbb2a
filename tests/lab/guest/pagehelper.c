// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pagehelper: makes page states for the lab's struct page scenario, built
 * static on the host (labkit/initramfs.py) and run in the guest.
 *
 *   pagehelper thp N FILE   maps N 2 MiB regions with MADV_HUGEPAGE and
 *                           touches them; registers the first as an
 *                           io_uring fixed buffer (FOLL_PIN on every page);
 *                           writes "thp PFN" per region and "pin PFN" to
 *                           FILE (pfns from /proc/self/pagemap), then
 *                           waits until killed.
 *   pagehelper slab N DIR   creates N files in DIR (dentries and inodes:
 *                           slab pages)
 *   pagehelper huge-ranges  prints pfn ranges to sample from the HugeTLB
 *                           pages /proc/kpageflags shows (KPF_HUGE heads):
 *                           the first two whole, of bigger ones the first
 *                           1024 and the last 512 pfns
 *   pagehelper kcore-read LO HI   for the bench: preads, in 1 MiB pieces,
 *                           every /proc/kcore PT_LOAD byte of kernel
 *                           virtual [LO, HI); prints "bytes seconds"
 *   pagehelper time CMD...  runs CMD, prints its wall time in seconds on
 *                           stderr
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <elf.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define HUGE (2UL << 20)

static uint64_t pfn_of(int pm, void *va)
{
	uint64_t e = 0;

	if (pread(pm, &e, 8, ((uintptr_t)va / 4096) * 8) != 8)
		return 0;
	if (!(e >> 63))
		return 0;			/* not present */
	return e & ((1ULL << 55) - 1);
}

/* io_uring fixed buffers pin with FOLL_PIN on 6.1, 6.12 and 7.x alike */
static int pin(void *buf, size_t len)
{
	struct io_uring_params p;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	int fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0)
		return -errno;
	if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, &iov, 1))
		return -errno;
	return fd;	/* kept open: the pin lasts as long as the ring */
}

/* include/uapi/linux/kernel-page-flags.h: userspace ABI */
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE 17

static int huge_ranges(void)
{
	static uint64_t buf[65536];
	uint64_t pfn = 0, head = 0, len = 0;
	int fd = open("/proc/kpageflags", O_RDONLY), shown = 0;
	ssize_t got;

	if (fd < 0)
		return perror("kpageflags"), 1;
	for (;;) {
		got = read(fd, buf, sizeof(buf));
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got / 8; i++, pfn++) {
			uint64_t f = buf[i];

			if (len && (f >> KPF_COMPOUND_TAIL & 1) && (f >> KPF_HUGE & 1)) {
				len++;
				continue;
			}
			if (len) {
				if (len <= 512 && shown < 2)
					printf("%llu-%llu\n", (unsigned long long)head,
					       (unsigned long long)(head + len - 1)), shown++;
				else if (len > 512)
					printf("%llu-%llu\n%llu-%llu\n",
					       (unsigned long long)head,
					       (unsigned long long)(head + 1023),
					       (unsigned long long)(head + len - 512),
					       (unsigned long long)(head + len - 1));
				len = 0;
			}
			if ((f >> KPF_COMPOUND_HEAD & 1) && (f >> KPF_HUGE & 1)) {
				head = pfn;
				len = 1;
			}
		}
	}
	close(fd);
	return 0;
}

static int slab(unsigned long n, const char *dir)
{
	char path[4096];

	mkdir(dir, 0755);
	for (unsigned long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%lu", dir, i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return perror(path), 1;
		close(fd);
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int kcore_read(uint64_t lo, uint64_t hi)
{
	static char buf[1 << 20];
	int fd = open("/proc/kcore", O_RDONLY);
	uint64_t total = 0;
	Elf64_Ehdr eh;
	double t0;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return perror("kcore"), 1;
	t0 = now();
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint64_t a, b;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			return perror("phdr"), 1;
		if (ph.p_type != PT_LOAD)
			continue;
		a = ph.p_vaddr > lo ? ph.p_vaddr : lo;
		b = ph.p_vaddr + ph.p_memsz < hi ? ph.p_vaddr + ph.p_memsz : hi;
		for (; a < b; ) {
			size_t n = b - a < sizeof(buf) ? b - a : sizeof(buf);
			ssize_t got = pread(fd, buf, n, ph.p_offset + (a - ph.p_vaddr));

			if (got <= 0)
				break;
			total += got;
			a += got;
		}
	}
	printf("%llu %.6f\n", (unsigned long long)total, now() - t0);
	return 0;
}

static int timed(char **argv)
{
	double t0 = now();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	fprintf(stderr, "%.6f\n", now() - t0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	unsigned long n;
	uint8_t *base, *p;
	FILE *out;
	int pm, fd;

	if (argc == 4 && !strcmp(argv[1], "kcore-read"))
		return kcore_read(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc > 2 && !strcmp(argv[1], "time"))
		return timed(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "huge-ranges"))
		return huge_ranges();
	if (argc == 4 && !strcmp(argv[1], "slab"))
		return slab(strtoul(argv[2], NULL, 0), argv[3]);
	if (argc != 4 || strcmp(argv[1], "thp")) {
		fprintf(stderr, "usage: pagehelper thp N FILE | slab N DIR | huge-ranges\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	base = mmap(NULL, (n + 1) * HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return perror("mmap"), 1;
	p = (uint8_t *)(((uintptr_t)base + HUGE - 1) & ~(HUGE - 1));
	if (madvise(p, n * HUGE, MADV_HUGEPAGE))
		return perror("madvise"), 1;
	for (unsigned long i = 0; i < n * HUGE; i += 4096)
		p[i] = 1;
	pm = open("/proc/self/pagemap", O_RDONLY);
	out = fopen(argv[3], "w");
	if (pm < 0 || !out)
		return perror("pagemap"), 1;
	fd = pin(p, HUGE);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "thp %llu\n", (unsigned long long)pfn_of(pm, p + i * HUGE));
	if (fd >= 0)
		fprintf(out, "pin %llu %d\n", (unsigned long long)pfn_of(pm, p), 512);
	else
		fprintf(out, "pin-failed %d\n", fd);
	fclose(out);
	for (;;)
		pause();
}
