// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening an ELF core: the live /proc/kcore, a kdump or QEMU dump, or a
 * memscope snapshot. Checks that it is an x86_64 ET_CORE, collects every
 * PT_LOAD as a segment and every PT_NOTE's notes (VMCOREINFO, and the BTF
 * and sysfs notes of snapshots).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "memscope/fs.h"

#define KCORE_PATH "/proc/kcore"
#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"
#define PROC_SUPER_MAGIC 0x9fa0

/*
 * The lockdown file reads "none integrity [confidentiality]": the bracketed
 * word is the current mode. Empty when it cannot be read.
 */
static void lockdown_mode(char *mode, size_t size)
{
	char line[128], *open, *close;
	FILE *f = fopen(LOCKDOWN_PATH, "re");

	mode[0] = '\0';
	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		open = strchr(line, '[');
		close = open ? strchr(open, ']') : NULL;
		if (open && close) {
			*close = '\0';
			snprintf(mode, size, "%s", open + 1);
		}
	}
	fclose(f);
}

static struct ms_error *open_error(const char *path, int errnum)
{
	struct ms_error *err;
	char mode[64];

	if (strcmp(path, KCORE_PATH))
		return ms_error_errno(errnum, "opening %s", path);
	if (errnum == ENOENT) {
		err = ms_error_new(MS_ERR_OS, "no " KCORE_PATH ": this kernel was built without CONFIG_PROC_KCORE (use -c FILE to read a dump or snapshot)");
		err->errnum = errnum;
		return err;
	}
	if (errnum != EPERM && errnum != EACCES)
		return ms_error_errno(errnum, "opening %s", path);
	/*
	 * open_kcore() refuses with EPERM both without CAP_SYS_RAWIO and under
	 * lockdown; the CLI checked the capability before calling us, so say
	 * which lockdown mode is in force when the kernel tells us.
	 */
	lockdown_mode(mode, sizeof(mode));
	if (mode[0] && strcmp(mode, "none"))
		err = ms_error_new(MS_ERR_PERM, "reading " KCORE_PATH " is refused (kernel lockdown: %s)", mode);
	else if (mode[0])
		err = ms_error_new(MS_ERR_PERM, "reading " KCORE_PATH " is refused (lockdown is off: is CAP_SYS_RAWIO missing?)");
	else
		err = ms_error_new(MS_ERR_PERM, "reading " KCORE_PATH " is refused (kernel lockdown?)");
	err->errnum = errnum;
	return err;
}

/*
 * Whether st_size bounds the file's contents. /proc/kcore reports the size
 * of physical memory plus a page while its offsets follow kernel virtual
 * addresses, so for procfs files (whatever path they were reached by) and
 * anything that is not a regular file the bounds checks are skipped.
 */
static bool size_is_trustworthy(int fd, const struct stat *st)
{
	struct statfs sfs;

	if (!S_ISREG(st->st_mode))
		return false;
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
		return false;
	return true;
}

/* Our own look at e_ident first, for precise messages libelf cannot give. */
static struct ms_error *check_ident(struct ms_target *t, uint64_t file_size,
				    bool sized)
{
	unsigned char ident[EI_NIDENT];
	ssize_t n = pread(t->fd, ident, sizeof(ident), 0);

	if (n < 0)
		return ms_error_errno(errno, "reading %s", t->path);
	if (n < SELFMAG || memcmp(ident, ELFMAG, SELFMAG))
		return ms_error_new(MS_ERR_FORMAT, "%s: not an ELF file", t->path);
	if (n < EI_NIDENT || (sized && file_size < sizeof(Elf64_Ehdr)))
		return ms_error_new(MS_ERR_FORMAT, "%s: truncated ELF header", t->path);
	if (ident[EI_CLASS] != ELFCLASS64)
		return ms_error_new(MS_ERR_FORMAT, "%s: not an x86_64 core (ELF class %u, not 64-bit)",
				    t->path, ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB)
		return ms_error_new(MS_ERR_FORMAT, "%s: not an x86_64 core (not little-endian)", t->path);
	return NULL;
}

static struct ms_error *check_ehdr(struct ms_target *t, Elf *elf,
				   uint64_t file_size, bool sized)
{
	GElf_Ehdr ehdr;
	size_t nr_ph;

	if (!gelf_getehdr(elf, &ehdr))
		return ms_error_new(MS_ERR_FORMAT, "%s: bad ELF header: %s", t->path, elf_errmsg(-1));
	if (ehdr.e_machine != EM_X86_64)
		return ms_error_new(MS_ERR_FORMAT, "%s: not an x86_64 core (e_machine %u)",
				    t->path, ehdr.e_machine);
	if (ehdr.e_type != ET_CORE)
		return ms_error_new(MS_ERR_FORMAT, "%s: not an x86_64 core (e_type %u, not ET_CORE)",
				    t->path, ehdr.e_type);
	/*
	 * libelf would only say "invalid data"; name what is cut off. (With
	 * PN_XNUM the count is in section 0, which libelf checks itself.)
	 */
	nr_ph = ehdr.e_phnum == PN_XNUM ? 0 : ehdr.e_phnum;
	if (sized && (ehdr.e_phoff > file_size ||
	     (file_size - ehdr.e_phoff) / sizeof(Elf64_Phdr) < nr_ph))
		return ms_error_new(MS_ERR_FORMAT, "%s: truncated: the program headers run past the end of the file",
				    t->path);
	return NULL;
}

/* Walks one PT_NOTE's contents: namesz, descsz, type, then name and desc, each padded to 4 bytes. */
static struct ms_error *count_notes(struct ms_target *t, const uint8_t *buf,
				    size_t size, size_t phdr, size_t *nr,
				    bool store)
{
	size_t pos = 0;

	while (size - pos >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t name_pad, desc_pad;

		memcpy(&nh, buf + pos, sizeof(nh));
		pos += sizeof(nh);
		name_pad = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		desc_pad = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		if (name_pad > size - pos || desc_pad > size - pos - name_pad)
			return ms_error_new(MS_ERR_FORMAT, "%s: truncated: note %zu of program header %zu runs past the end of its segment",
					    t->path, *nr, phdr);
		if (store) {
			struct target_note *n = &t->notes[t->nr_notes++];

			/* The name's NUL is part of namesz; enforce it. */
			if (nh.n_namesz && buf[pos + nh.n_namesz - 1] != '\0')
				return ms_error_new(MS_ERR_FORMAT, "%s: note %zu of program header %zu has an unterminated name",
						    t->path, *nr, phdr);
			n->name = nh.n_namesz ? (const char *)buf + pos : "";
			n->type = nh.n_type;
			n->desc = buf + pos + name_pad;
			n->len = nh.n_descsz;
		}
		pos += name_pad + desc_pad;
		(*nr)++;
	}
	return NULL;
}

static struct ms_error *load_notes(struct ms_target *t, GElf_Phdr *ph,
				   size_t nr_ph, size_t *ph_index)
{
	struct ms_error *err;
	size_t total = 0, nr = 0, i, pos;

	for (i = 0; i < nr_ph; i++)
		if (ph[i].p_type == PT_NOTE)
			total += ph[i].p_filesz;
	if (!total)
		return NULL;
	/* One buffer for all notes; the index keeps pointers into it. */
	t->note_buf = malloc(total);
	if (!t->note_buf)
		return ms_error_new(MS_ERR_NOMEM, "out of memory reading notes of %s", t->path);
	for (i = 0, pos = 0; i < nr_ph; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		err = target_pread(t, t->note_buf + pos, ph[i].p_filesz,
				   ph[i].p_offset, ph[i].p_offset, "notes");
		if (err)
			return ms_error_wrap(err, "%s: program header %zu", t->path, ph_index[i]);
		err = count_notes(t, t->note_buf + pos, ph[i].p_filesz, ph_index[i], &nr, false);
		if (err)
			return err;
		pos += ph[i].p_filesz;
	}
	t->notes = calloc(nr ? nr : 1, sizeof(*t->notes));
	if (!t->notes)
		return ms_error_new(MS_ERR_NOMEM, "out of memory reading notes of %s", t->path);
	for (i = 0, pos = 0, nr = 0; i < nr_ph; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		err = count_notes(t, t->note_buf + pos, ph[i].p_filesz, ph_index[i], &nr, true);
		if (err)
			return err;
		pos += ph[i].p_filesz;
	}
	return NULL;
}

/* Since 4.19 /proc/kcore carries the VMCOREINFO note (name "VMCOREINFO", type 0). */
static struct ms_error *load_vmcoreinfo(struct ms_target *t)
{
	size_t len;
	const void *desc = ms_target_note(t, "VMCOREINFO", 0, &len);

	if (!desc)
		return NULL;
	t->vmcoreinfo = malloc(len + 1);
	if (!t->vmcoreinfo)
		return ms_error_new(MS_ERR_NOMEM, "out of memory reading VMCOREINFO");
	memcpy(t->vmcoreinfo, desc, len);
	t->vmcoreinfo[len] = '\0';
	return NULL;
}

static int seg_cmp_vaddr(const void *a, const void *b)
{
	const struct ms_segment *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static struct ms_error *check_phdr(struct ms_target *t, const GElf_Phdr *ph,
				   size_t i, uint64_t file_size, bool sized)
{
	if (ph->p_offset + ph->p_filesz < ph->p_offset ||
	    (sized && ph->p_offset + ph->p_filesz > file_size))
		return ms_error_new(MS_ERR_FORMAT, "%s: truncated: program header %zu runs past the end of the file",
				    t->path, i);
	if (ph->p_type == PT_LOAD && ph->p_filesz &&
	    ph->p_vaddr + (ph->p_filesz - 1) < ph->p_vaddr)
		return ms_error_new(MS_ERR_FORMAT, "%s: program header %zu wraps past the end of the address space",
				    t->path, i);
	return NULL;
}

/*
 * Reads the program headers. Segments keep p_paddr: fs/proc/kcore.c sets it
 * to __pa() for KCORE_RAM (direct map) and __pa_symbol() for KCORE_TEXT, and
 * to -1 for everything else (vmalloc, modules, KCORE_VMEMMAP). Segment size
 * is p_filesz: bytes in [p_filesz, p_memsz) are not in the file.
 */
static struct ms_error *load_phdrs(struct ms_target *t, Elf *elf,
				   uint64_t file_size, bool sized)
{
	struct ms_error *err = NULL;
	GElf_Phdr *notes = NULL;
	size_t nr_ph, i, nr_notes = 0, *note_index = NULL;

	if (elf_getphdrnum(elf, &nr_ph))
		return ms_error_new(MS_ERR_FORMAT, "%s: bad program headers: %s", t->path, elf_errmsg(-1));
	t->segs = calloc(nr_ph ? nr_ph : 1, sizeof(*t->segs));
	notes = calloc(nr_ph ? nr_ph : 1, sizeof(*notes));
	note_index = calloc(nr_ph ? nr_ph : 1, sizeof(*note_index));
	if (!t->segs || !notes || !note_index) {
		err = ms_error_new(MS_ERR_NOMEM, "out of memory reading %s", t->path);
		goto out;
	}
	for (i = 0; i < nr_ph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph)) {
			err = ms_error_new(MS_ERR_FORMAT, "%s: truncated: program header %zu runs past the end of the file (%s)",
					   t->path, i, elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		err = check_phdr(t, &ph, i, file_size, sized);
		if (err)
			goto out;
		if (ph.p_type == PT_NOTE) {
			note_index[nr_notes] = i;
			notes[nr_notes++] = ph;
		} else if (ph.p_filesz) {
			t->segs[t->nr_segs++] = (struct ms_segment){
				/* QEMU dumps without paging, snapshots: physical only */
				.vaddr = !ph.p_vaddr && ph.p_paddr != (uint64_t)-1 ?
					 MS_NO_VADDR : ph.p_vaddr,
				.paddr = ph.p_paddr == (uint64_t)-1 ? MS_NO_PADDR : ph.p_paddr,
				.size = ph.p_filesz,
				.offset = ph.p_offset,
			};
		}
	}
	qsort(t->segs, t->nr_segs, sizeof(*t->segs), seg_cmp_vaddr);
	err = target_index_build(&t->vidx, t->segs, t->nr_segs, false);
	if (!err)
		err = target_index_build(&t->pidx, t->segs, t->nr_segs, true);
	if (!err)
		err = load_notes(t, notes, nr_notes, note_index);
out:
	free(notes);
	free(note_index);
	return err;
}

/* Snapshots may be shipped xz-compressed (the demo snapshot is) or zstd. */
static struct ms_error *unpack_if_xz(struct ms_target *t)
{
	unsigned char magic[6];
	ssize_t n = pread(t->fd, magic, sizeof(magic), 0);

	if (n < 0)
		return ms_error_errno(errno, "reading %s", t->path);
	if (target_is_zstd(magic, (size_t)n))
		return target_zstd_unpack(t);
	if (!target_is_xz(magic, (size_t)n))
		return NULL;
	return target_xz_unpack(t);
}

static struct ms_error *target_load(struct ms_target *t)
{
	struct ms_error *err;
	struct stat st;
	Elf *elf;
	bool sized;

	err = unpack_if_xz(t);
	if (err)
		return err;
	if (fstat(t->fd, &st))
		return ms_error_errno(errno, "%s", t->path);
	sized = size_is_trustworthy(t->fd, &st);
	err = check_ident(t, (uint64_t)st.st_size, sized);
	if (err)
		return err;
	/*
	 * ELF_C_READ, not ELF_C_READ_MMAP: /proc/kcore is 128 TiB of address
	 * space, and libelf reads the headers it needs with pread anyway.
	 */
	elf = elf_begin(t->fd, ELF_C_READ, NULL);
	if (!elf)
		return ms_error_new(MS_ERR_FORMAT, "%s: not an ELF file (%s)", t->path, elf_errmsg(-1));
	if (elf_kind(elf) != ELF_K_ELF)
		err = ms_error_new(MS_ERR_FORMAT, "%s: not an ELF file", t->path);
	if (!err)
		err = check_ehdr(t, elf, (uint64_t)st.st_size, sized);
	if (!err)
		err = load_phdrs(t, elf, (uint64_t)st.st_size, sized);
	elf_end(elf);
	if (!err)
		err = load_vmcoreinfo(t);
	return err;
}

struct ms_error *ms_target_open_fd(int fd, const char *path,
				   struct ms_target **out)
{
	struct ms_error *err;
	struct ms_target *t;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		close(fd);
		return ms_error_new(MS_ERR_OTHER, "libelf is too old: %s", elf_errmsg(-1));
	}
	t = calloc(1, sizeof(*t));
	if (t)
		t->path = strdup(path);
	if (!t || !t->path) {
		close(fd);
		free(t);
		return ms_error_new(MS_ERR_NOMEM, "out of memory opening %s", path);
	}
	t->fd = fd;
	err = target_load(t);
	if (err) {
		ms_target_close(t);
		return err;
	}
	*out = t;
	return NULL;
}

int ms_target_open_file(const char *path, struct ms_error **err)
{
	/* a FIFO or a device named by -c must neither block nor be read */
	int fd = ms_fs_open_file(path);

	*err = NULL;
	if (fd == -EINVAL)
		*err = ms_error_new(MS_ERR_USAGE, "%s is not a regular file", path);
	else if (fd < 0)
		*err = open_error(path, -fd);
	return fd;
}

struct ms_error *ms_target_open(const char *path, struct ms_target **out)
{
	struct ms_error *err;
	int fd = ms_target_open_file(path, &err);

	*out = NULL;
	if (fd < 0)
		return err;
	return ms_target_open_fd(fd, path, out);
}

void ms_target_close(struct ms_target *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	free(t->path);
	free(t->segs);
	free(t->vidx.r);
	free(t->pidx.r);
	free(t->note_buf);
	free(t->notes);
	free(t->vmcoreinfo);
	target_record_free(t);
	free(t);
}

const char *ms_target_path(const struct ms_target *t)
{
	return t->path;
}

const char *ms_target_vmcoreinfo(const struct ms_target *t)
{
	return t->vmcoreinfo;
}

struct ms_error *ms_target_set_vmcoreinfo(struct ms_target *t, const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	free(t->vmcoreinfo);
	t->vmcoreinfo = copy;
	return NULL;
}

const void *ms_target_note(const struct ms_target *t, const char *name,
			   uint32_t type, size_t *len)
{
	size_t i;

	for (i = 0; i < t->nr_notes; i++) {
		if (t->notes[i].type == type && !strcmp(t->notes[i].name, name)) {
			if (len)
				*len = t->notes[i].len;
			return t->notes[i].desc;
		}
	}
	return NULL;
}

size_t ms_target_nr_notes(const struct ms_target *t)
{
	return t->nr_notes;
}

const void *ms_target_note_at(const struct ms_target *t, size_t i,
			      const char **name, uint32_t *type, size_t *len)
{
	if (i >= t->nr_notes)
		return NULL;
	*name = t->notes[i].name;
	*type = t->notes[i].type;
	*len = t->notes[i].len;
	return t->notes[i].desc;
}

size_t ms_target_nr_segments(const struct ms_target *t)
{
	return t->nr_segs;
}

const struct ms_segment *ms_target_segment(const struct ms_target *t, size_t i)
{
	return i < t->nr_segs ? &t->segs[i] : NULL;
}

size_t ms_target_nr_reads(const struct ms_target *t)
{
	return t->nr_reads;
}
