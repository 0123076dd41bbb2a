// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing a snapshot (include/memscope/snapshot.h): an x86_64 ET_CORE with
 * one PT_NOTE (VMCOREINFO, the format version, the files) and one PT_LOAD
 * per merged range that the model read. The data is read again from the
 * target with recording off. Written as a stream (snapshot_out.c), so that
 * an ".xz" or ".zst" path is compressed on the way out.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/snapshot.h"
#include "internal.h"
#include "snapshot_out.h"

#define CHUNK (1u << 20)
/* e_phnum beyond this needs PN_XNUM and a section header; we refuse instead. */
#define MAX_PHDRS 0xfff0

struct out {
	struct snap_out *s;
	uint64_t written;	/* bytes of the ELF image */
	uint64_t total;		/* of the memory ranges, for progress */
	uint64_t ranges_done;
	const struct ms_snapshot_wopts *opts;
};

static struct ms_error *out_write(struct out *o, const void *p, size_t len)
{
	o->written += len;
	return len ? snap_out_write(o->s, p, len) : NULL;
}

static struct ms_error *out_zeros(struct out *o, size_t len)
{
	static const uint8_t zero[8];
	struct ms_error *err = NULL;

	while (!err && len) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);

		err = out_write(o, zero, n);
		len -= n;
	}
	return err;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t note_size(const char *name, size_t desc_len)
{
	return sizeof(Elf64_Nhdr) + pad4(strlen(name) + 1) + pad4(desc_len);
}

static struct ms_error *note_write(struct out *o, const char *name,
				   uint32_t type, const void *d1, size_t l1,
				   const void *d2, size_t l2)
{
	Elf64_Nhdr nh = {
		.n_namesz = (Elf64_Word)(strlen(name) + 1),
		.n_descsz = (Elf64_Word)(l1 + l2),
		.n_type = type,
	};
	struct ms_error *err;

	err = out_write(o, &nh, sizeof(nh));
	if (!err)
		err = out_write(o, name, nh.n_namesz);
	if (!err)
		err = out_zeros(o, pad4(nh.n_namesz) - nh.n_namesz);
	if (!err)
		err = out_write(o, d1, l1);
	if (!err)
		err = out_write(o, d2, l2);
	if (!err)
		err = out_zeros(o, pad4(l1 + l2) - (l1 + l2));
	return err;
}

/* A file note's header: kind, then the NUL-terminated path. */
static size_t file_head(const struct ms_snapshot_file *f, uint8_t *buf,
			size_t cap)
{
	uint32_t kind = f->kind;
	size_t plen = strlen(f->path) + 1;

	if (sizeof(kind) + plen > cap)
		return 0;
	memcpy(buf, &kind, sizeof(kind));
	memcpy(buf + sizeof(kind), f->path, plen);
	return sizeof(kind) + plen;
}

static struct ms_error *notes_write(struct out *o, const char *vmcoreinfo,
				    const struct ms_snapshot_files *fs)
{
	uint32_t version = MS_SNAPSHOT_VERSION;
	struct ms_error *err;
	uint8_t head[4200];

	err = note_write(o, "VMCOREINFO", 0, vmcoreinfo, strlen(vmcoreinfo), NULL, 0);
	if (!err)
		err = note_write(o, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_VERSION,
				 &version, sizeof(version), NULL, 0);
	for (size_t i = 0; !err && i < fs->nr; i++) {
		size_t hl = file_head(&fs->f[i], head, sizeof(head));

		err = note_write(o, MS_SNAPSHOT_NOTE, MS_SNAPSHOT_NT_FILE, head, hl,
				 fs->f[i].data, fs->f[i].len);
	}
	return err;
}

static uint64_t notes_size(const char *vmcoreinfo,
			   const struct ms_snapshot_files *fs)
{
	uint64_t n = note_size("VMCOREINFO", strlen(vmcoreinfo)) +
		     note_size(MS_SNAPSHOT_NOTE, sizeof(uint32_t));

	for (size_t i = 0; i < fs->nr; i++)
		n += note_size(MS_SNAPSHOT_NOTE, sizeof(uint32_t) +
			       strlen(fs->f[i].path) + 1 + fs->f[i].len);
	return n;
}

static struct ms_error *headers_write(struct out *o, const struct ms_range *r,
				      size_t nr, uint64_t note_bytes)
{
	uint64_t off = sizeof(Elf64_Ehdr) + (nr + 1) * sizeof(Elf64_Phdr);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_CORE,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = (Elf64_Half)(nr + 1),
	};
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = off,
			  .p_filesz = note_bytes, .p_align = 4 };
	struct ms_error *err;

	err = out_write(o, &eh, sizeof(eh));
	if (!err)
		err = out_write(o, &ph, sizeof(ph));
	off += note_bytes;
	for (size_t i = 0; !err && i < nr; i++) {
		ph = (Elf64_Phdr){
			.p_type = PT_LOAD,
			.p_flags = PF_R,
			.p_offset = off,
			.p_vaddr = r[i].vaddr == MS_NO_VADDR ? 0 : r[i].vaddr,
			.p_paddr = r[i].paddr == MS_NO_PADDR ? (uint64_t)-1 : r[i].paddr,
			.p_filesz = r[i].len,
			.p_memsz = r[i].len,
		};
		err = out_write(o, &ph, sizeof(ph));
		off += r[i].len;
	}
	return err;
}

static struct ms_error *range_write(struct out *o, struct ms_target *t,
				    const struct ms_range *r, uint8_t *buf)
{
	struct ms_error *err = NULL;

	for (uint64_t done = 0; !err && done < r->len;) {
		size_t n = r->len - done < CHUNK ? (size_t)(r->len - done) : CHUNK;

		if (r->vaddr != MS_NO_VADDR)
			err = ms_target_read(t, r->vaddr + done, buf, n);
		else
			err = ms_target_read_phys(t, r->paddr + done, buf, n);
		if (!err)
			err = out_write(o, buf, n);
		done += n;
		o->ranges_done += n;
		if (o->opts && o->opts->progress)
			o->opts->progress(o->opts->ctx, o->ranges_done, o->total);
	}
	return err;
}

static struct ms_error *image_write(struct out *o, struct ms_target *t,
				    const struct ms_range *r, size_t nr,
				    const struct ms_snapshot_files *fs)
{
	const char *vi = ms_target_vmcoreinfo(t);
	struct ms_error *err;
	uint8_t *buf;

	if (!vi)
		return ms_error_new(MS_ERR_FORMAT, "%s has no VMCOREINFO note to keep",
				    ms_target_path(t));
	if (nr + 1 > MAX_PHDRS)
		return ms_error_new(MS_ERR_OTHER, "%zu ranges are too many for one snapshot", nr);
	err = headers_write(o, r, nr, notes_size(vi, fs));
	if (!err)
		err = notes_write(o, vi, fs);
	buf = malloc(CHUNK);
	if (!buf)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; !err && i < nr; i++)
		err = range_write(o, t, &r[i], buf);
	free(buf);
	return err;
}

struct ms_error *ms_snapshot_write_opts(struct ms_target *t, const char *path,
					const struct ms_snapshot_files *fs,
					const struct ms_snapshot_wopts *opts,
					uint64_t *size)
{
	struct out o = { .opts = opts };
	struct ms_range *r = NULL;
	struct ms_error *err;
	size_t nr = 0;
	bool was = t->recording;

	err = ms_target_recorded(t, &r, &nr);
	t->recording = false;
	for (size_t i = 0; !err && i < nr; i++)
		o.total += r[i].len;
	if (!err)
		err = snap_out_open(path, opts && opts->replace, &o.s);
	if (!err)
		err = snap_out_close(o.s, image_write(&o, t, r, nr, fs), size);
	t->recording = was;
	free(r);
	return err;
}

struct ms_error *ms_snapshot_write(struct ms_target *t, const char *path,
				   const struct ms_snapshot_files *fs,
				   uint64_t *size)
{
	const struct ms_snapshot_wopts opts = { .replace = true };

	return ms_snapshot_write_opts(t, path, fs, &opts, size);
}
