// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every harness shares: dropping root (snapshot files now live in an
 * in-memory tree, but a fuzzer finds what was missed: as nobody a crafted
 * input can write only where anybody can), the base snapshots, the ELF
 * core written into a memfd, and the commands run over it.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "../../src/cli/cli.h"

#define MAX_BASES	16
/*
 * A base's segments sit at this offset of its memfd, written once; the
 * headers and notes in front are rewritten on every run (the memfd is
 * sparse, the gap costs nothing).
 */
#define LOADS_AT	(64ULL << 20)
#define NOBODY		65534

static struct fuzz_base bases[MAX_BASES];
static int base_fd[MAX_BASES];
static size_t nr_bases;
static int raw_fd = -1;
static char fd_path[MAX_BASES + 1][32];
static uint8_t *scratch;	/* headers and notes of one core */
static size_t scratch_cap;

static void die(const char *what)
{
	perror(what);
	abort();
}

static void drop_root(void)
{
	if (geteuid() != 0 || getenv("MEMSCOPE_FUZZ_KEEP_ROOT"))
		return;
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		die("fuzz: dropping root");
}

static uint8_t *slurp(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *p;

	if (fd < 0 || fstat(fd, &st))
		die(path);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die(path);
	close(fd);
	*size = (size_t)st.st_size;
	return p;
}

/* The bases are ours (mkcorpus wrote them): checked only enough to abort. */
static void base_parse(struct fuzz_base *b, const char *path)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	size_t i, cap = 0;

	b->data = slurp(path, &b->size);
	eh = (const void *)b->data;
	if (b->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > b->size) {
		fprintf(stderr, "fuzz: %s is not an uncompressed snapshot\n", path);
		abort();
	}
	ph = (const void *)(b->data + eh->e_phoff);
	b->loads = (const void *)(ph + 1);
	b->nr_loads = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		const uint8_t *p, *end;

		if (ph[i].p_type == PT_LOAD) {
			b->nr_loads++;
			continue;
		}
		if (ph[i].p_type != PT_NOTE)
			continue;
		if (i != 0) {
			fprintf(stderr, "fuzz: %s: PT_NOTE is not first\n", path);
			abort();
		}
		p = b->data + ph[i].p_offset;
		end = p + ph[i].p_filesz;
		while (p + 12 <= end) {
			const Elf64_Nhdr *nh = (const void *)p;
			struct fuzz_note *n;

			if (b->nr_notes == cap) {
				cap = cap ? 2 * cap : 64;
				b->notes = realloc(b->notes, cap * sizeof(*n));
				if (!b->notes)
					die("fuzz: notes");
			}
			n = &b->notes[b->nr_notes++];
			n->name = (const char *)(p + 12);
			n->namesz = nh->n_namesz;
			n->type = nh->n_type;
			n->desc = p + 12 + ((nh->n_namesz + 3) & ~3U);
			n->len = nh->n_descsz;
			p = n->desc + ((n->len + 3) & ~3UL);
		}
	}
}

static int new_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		die("fuzz: memfd_create");
	return fd;
}

static void pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			die("fuzz: pwrite");
		p += n;
		len -= (size_t)n;
		off += n;
	}
}

/* The base's segments, once, at LOADS_AT of its own memfd. */
static void base_write_loads(size_t i)
{
	const struct fuzz_base *b = &bases[i];
	const Elf64_Phdr *ph = (const void *)b->loads;
	size_t j;

	base_fd[i] = new_memfd("fuzz-base");
	for (j = 0; j < b->nr_loads; j++)
		if (ph[j].p_type == PT_LOAD && ph[j].p_filesz)
			pwrite_all(base_fd[i], b->data + ph[j].p_offset,
				   ph[j].p_filesz,
				   (off_t)(LOADS_AT + ph[j].p_offset));
	snprintf(fd_path[i], sizeof(fd_path[i]), "/proc/self/fd/%d", base_fd[i]);
}

void fuzz_init(bool want_bases)
{
	const char *list = getenv("MEMSCOPE_FUZZ_BASES");
	char line[4096];
	FILE *f;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* the tables go nowhere, but are formatted all the same */
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		die("fuzz: /dev/null");
	close(null);
	raw_fd = new_memfd("fuzz-core");
	snprintf(fd_path[MAX_BASES], sizeof(fd_path[0]), "/proc/self/fd/%d", raw_fd);
	if (want_bases) {
		if (!list || !(f = fopen(list, "re"))) {
			fprintf(stderr, "fuzz: set MEMSCOPE_FUZZ_BASES to the list of base snapshots (tests/fuzz/mkcorpus)\n");
			abort();
		}
		while (nr_bases < MAX_BASES && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!*line)
				continue;
			base_parse(&bases[nr_bases], line);
			base_write_loads(nr_bases);
			nr_bases++;
		}
		fclose(f);
		if (!nr_bases) {
			fprintf(stderr, "fuzz: no base snapshot in %s\n", list);
			abort();
		}
	}
	drop_root();
}

const struct fuzz_base *fuzz_base_pick(uint8_t selector)
{
	return nr_bases ? &bases[(selector & 0x7f) % nr_bases] : NULL;
}

static uint8_t *scratch_get(size_t len)
{
	if (len > scratch_cap) {
		free(scratch);
		scratch = malloc(len);
		if (!scratch)
			die("fuzz: scratch");
		scratch_cap = len;
	}
	return scratch;
}

const char *fuzz_core_build(const struct fuzz_base *b,
			    const struct fuzz_note *notes, size_t nr)
{
	size_t i = (size_t)(b - bases), phnum = 1 + b->nr_loads, len, off;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	uint8_t *p;

	len = sizeof(*eh) + phnum * sizeof(*ph);
	for (size_t j = 0; j < nr; j++)
		len += 12 + ((notes[j].namesz + 3) & ~3UL) +
		       ((notes[j].len + 3) & ~3UL);
	if (len > LOADS_AT)
		return NULL;
	p = scratch_get(len);
	memset(p, 0, len);
	eh = (void *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = (Elf64_Half)phnum;
	ph = (void *)(p + sizeof(*eh));
	memcpy(ph + 1, b->loads, b->nr_loads * sizeof(*ph));
	for (size_t j = 1; j < phnum; j++)
		ph[j].p_offset += LOADS_AT;
	off = sizeof(*eh) + phnum * sizeof(*ph);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = off;
	ph[0].p_filesz = len - off;
	for (size_t j = 0; j < nr; j++) {
		Elf64_Nhdr *nh = (void *)(p + off);
		size_t namesz = notes[j].namesz;

		nh->n_namesz = (Elf64_Word)namesz;
		nh->n_descsz = (Elf64_Word)notes[j].len;
		nh->n_type = notes[j].type;
		off += 12;
		memcpy(p + off, notes[j].name, namesz);
		off += (namesz + 3) & ~3UL;
		memcpy(p + off, notes[j].desc, notes[j].len);
		off += (notes[j].len + 3) & ~3UL;
	}
	pwrite_all(base_fd[i], p, len, 0);
	return fd_path[i];
}

const char *fuzz_core_raw(const uint8_t *data, size_t size)
{
	if (ftruncate(raw_fd, 0))
		die("fuzz: ftruncate");
	if (size)
		pwrite_all(raw_fd, data, size, 0);
	return fd_path[MAX_BASES];
}

const char *fuzz_note_file_path(const struct fuzz_note *n)
{
	if (n->namesz != sizeof("MEMSCOPE") ||
	    memcmp(n->name, "MEMSCOPE", sizeof("MEMSCOPE")) || n->type != 2 || n->len < 5 ||
	    !memchr(n->desc + 4, '\0', n->len - 4))
		return NULL;
	return (const char *)n->desc + 4;
}

size_t fuzz_note_file(uint8_t *buf, size_t cap, const char *path,
		      const uint8_t *data, size_t len)
{
	size_t plen = strlen(path) + 1;

	if (4 + plen + len > cap)
		return 0;
	memset(buf, 0, 4);
	memcpy(buf + 4, path, plen);
	memcpy(buf + 4 + plen, data, len);
	return 4 + plen + len;
}

void fuzz_run_commands(const char *core, bool json)
{
	static const char *const names[] = {
		"summary", "sections", "compound", "vmemmap", "devices",
	};
	struct ms_cli cli = { .core_path = core, .json = json };

	if (!core)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const struct ms_command *cmd = ms_command_find(names[i]);
		char *argv[] = { (char *)names[i], NULL };

		if (!cmd)
			abort();
		memset(cli.opt, 0, sizeof(cli.opt));
		cmd->run(&cli, 1, argv);
	}
	ms_cli_release(&cli);
	fflush(stdout);
}

void fuzz_replace_and_run(const uint8_t *data, size_t size, const char *path)
{
	const struct fuzz_base *b;
	struct fuzz_note *notes;
	uint8_t *desc = NULL;
	bool replaced = false;

	if (size < 1)
		return;
	b = fuzz_base_pick(data[0]);
	notes = malloc((b->nr_notes + 1) * sizeof(*notes));
	if (path)
		desc = malloc(4 + strlen(path) + 1 + size);
	if (!notes || (path && !desc))
		die("fuzz: notes");
	memcpy(notes, b->notes, b->nr_notes * sizeof(*notes));
	for (size_t i = 0; i < b->nr_notes; i++) {
		const char *p = fuzz_note_file_path(&notes[i]);
		bool hit = path ? p && !strcmp(p, path) :
			   notes[i].namesz == sizeof("VMCOREINFO") &&
			   !memcmp(notes[i].name, "VMCOREINFO", sizeof("VMCOREINFO")) &&
			   notes[i].type == 0;

		if (!hit)
			continue;
		if (path) {
			notes[i].desc = desc;
			notes[i].len = fuzz_note_file(desc, 4 + strlen(path) + 1 + size,
						      path, data + 1, size - 1);
		} else {
			notes[i].desc = data + 1;
			notes[i].len = size - 1;
		}
		replaced = true;
	}
	if (replaced)
		fuzz_run_commands(fuzz_core_build(b, notes, b->nr_notes),
				  data[0] & 0x80);
	free(desc);
	free(notes);
}
