// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmwalk: an independent walk of the whole vmemmap region of a live x86_64
 * kernel, for the lab to check `memscope vmemmap` against. It shares no
 * code with memscope: it finds init_top_pgt and vmemmap_base in
 * /proc/kallsyms, the paging depth in the VMCOREINFO note, reads physical
 * memory through /proc/kcore's PT_LOADs with p_paddr, walks every present
 * entry of the vmemmap region (an entry per read, simple and slow) and
 * prints the totals:
 *   pages=N frames=N shared=N ro=N pmd=N
 * With two arguments, PHYS_FIRST PHYS_LAST (inclusive, hex), it walks only
 * the struct pages of those physical addresses (64-byte struct pages).
 * Built -static on the host (tests/lab/labkit/vmemmap_lab.py).
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;
static Elf64_Phdr *ph;
static int nph;

static void die(const char *m)
{
	fprintf(stderr, "vmwalk: %s\n", m);
	exit(1);
}

static void rd(uint64_t off, void *buf, size_t len)
{
	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		die("short read of /proc/kcore");
}

static void rd_virt(uint64_t va, void *buf, size_t len)
{
	for (int i = 0; i < nph; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va + len <= ph[i].p_vaddr + ph[i].p_filesz) {
			rd(ph[i].p_offset + (va - ph[i].p_vaddr), buf, len);
			return;
		}
	die("virtual address not in kcore");
}

static uint64_t phys_u64(uint64_t pa)
{
	uint64_t v;

	for (int i = 0; i < nph; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_paddr != (uint64_t)-1 &&
		    ph[i].p_paddr != 0 && pa >= ph[i].p_paddr &&
		    pa + 8 <= ph[i].p_paddr + ph[i].p_filesz) {
			rd(ph[i].p_offset + (pa - ph[i].p_paddr), &v, 8);
			return v;
		}
	die("physical address not in kcore");
	return 0;
}

static uint64_t ksym(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], n[256], t;
	unsigned long long a;

	if (!f)
		die("no /proc/kallsyms");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &t, n) == 3 && !strcmp(n, name)) {
			fclose(f);
			return a;
		}
	die(name);
	return 0;
}

static uint64_t *frames;
static size_t nframes, capframes;
static uint64_t pages, ro, pmd;

static void add(uint64_t pa, int wr, int big)
{
	if (nframes == capframes) {
		capframes = capframes ? capframes * 2 : 65536;
		frames = realloc(frames, capframes * 8);
		if (!frames)
			die("out of memory");
	}
	frames[nframes++] = pa;
	pages++;
	ro += !wr;
	pmd += big;
}

#define ADDR 0x000ffffffffff000ULL

/* shift: of this table's entries; [lo, hi) the part of it to walk */
static void walk(uint64_t table, unsigned int shift, uint64_t base,
		 uint64_t lo, uint64_t hi, int wr, int levels_left)
{
	uint64_t span = 1ULL << shift;

	for (uint64_t i = (lo - base) >> shift; i < 512; i++) {
		uint64_t va = base + i * span, e;

		if (va >= hi)
			break;
		e = phys_u64(table + i * 8);
		if (!(e & 1))
			continue;
		int w = wr && (e & 2);
		if (levels_left == 1 || (e & 0x80)) {
			if (levels_left > 3)
				die("1 GiB or larger leaf in vmemmap");
			for (uint64_t o = 0; o < span; o += 4096)
				add((e & ADDR & ~(span - 1)) + o, w, span > 4096);
			continue;
		}
		walk(e & ADDR, shift - 9, va, va > lo ? va : lo,
		     va + span < hi ? va + span : hi, w, levels_left - 1);
	}
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	char *notes;
	int levels = 4;
	uint64_t pgd_va, vmemmap, pgd = 0, span, distinct = 0, shared = 0;

	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0)
		die("cannot open /proc/kcore");
	rd(0, &eh, sizeof(eh));
	nph = eh.e_phnum;
	ph = calloc(nph, sizeof(*ph));
	rd(eh.e_phoff, ph, nph * sizeof(*ph));
	for (int i = 0; i < nph; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		notes = calloc(1, ph[i].p_filesz + 1);
		rd(ph[i].p_offset, notes, ph[i].p_filesz);
		for (uint64_t k = 0; k + 28 < ph[i].p_filesz; k++)
			if (!memcmp(notes + k, "NUMBER(pgtable_l5_enabled)=1", 28))
				levels = 5;
		free(notes);
	}
	pgd_va = ksym("init_top_pgt");
	rd_virt(ksym("vmemmap_base"), &vmemmap, 8);
	/* the text segment carries p_paddr: translate the pgd through it */
	for (int i = 0; i < nph; i++)
		if (ph[i].p_type == PT_LOAD && pgd_va >= ph[i].p_vaddr &&
		    pgd_va < ph[i].p_vaddr + ph[i].p_filesz &&
		    ph[i].p_paddr != (uint64_t)-1)
			pgd = ph[i].p_paddr + (pgd_va - ph[i].p_vaddr);
	if (!pgd)
		die("init_top_pgt has no physical address in kcore");
	/* MAX_PHYSMEM_BITS 46 or 52, 64-byte struct pages */
	span = 1ULL << ((levels == 5 ? 52 : 46) - 12 + 6);
	{
		unsigned int vbits = levels == 5 ? 57 : 48;
		uint64_t mask = (1ULL << vbits) - 1, lo = vmemmap & mask, hi = lo + span;

		if (argc == 3) {
			uint64_t first = strtoull(argv[1], NULL, 16) >> 12;
			uint64_t last = strtoull(argv[2], NULL, 16) >> 12;

			hi = (lo + (last + 1) * 64 + 4095) & ~4095ULL;
			lo = (lo + first * 64) & ~4095ULL;
		}
		walk(pgd, vbits - 9, 0, lo, hi, 1, levels);
	}
	qsort(frames, nframes, 8, cmp);
	for (size_t i = 0; i < nframes;) {
		size_t j = i;

		while (j < nframes && frames[j] == frames[i])
			j++;
		distinct++;
		shared += j - i > 1;
		i = j;
	}
	printf("pages=%llu frames=%llu shared=%llu ro=%llu pmd=%llu\n",
	       (unsigned long long)pages, (unsigned long long)distinct,
	       (unsigned long long)shared, (unsigned long long)ro,
	       (unsigned long long)pmd);
	return 0;
}
