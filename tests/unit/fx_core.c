// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture: a kcore-like ELF core, written by hand with stdio (not libelf,
 * so the reader is checked against an independent writer). Layout: ELF
 * header, program headers (one PT_NOTE, then the PT_LOADs), the notes, then
 * each segment's data at an offset congruent to its vaddr modulo 4096.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fx.h"

struct fx_seg {
	uint64_t vaddr, paddr, size;
	uint8_t *data;		/* NULL: made by fill() */
	fx_fill_fn fill;
	void *arg;
	size_t chunk;
};

struct fx_core {
	struct fx_seg *segs;
	size_t nr_segs;
	uint8_t *notes;		/* encoded notes, back to back */
	size_t notes_len;
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		perror("fx_core");
		abort();
	}
	return p;
}

struct fx_core *fx_core_new(void)
{
	struct fx_core *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	return c;
}

void fx_core_add_segment(struct fx_core *c, uint64_t vaddr, uint64_t paddr,
			 const void *data, uint64_t size)
{
	struct fx_seg *s;

	c->segs = xrealloc(c->segs, (c->nr_segs + 1) * sizeof(*c->segs));
	s = &c->segs[c->nr_segs++];
	s->vaddr = vaddr;
	s->paddr = paddr;
	s->size = size;
	s->data = xrealloc(NULL, size ? size : 1);
	if (size)
		memcpy(s->data, data, size);
}

void fx_core_add_lazy_segment(struct fx_core *c, uint64_t vaddr, uint64_t paddr,
			      uint64_t size, size_t chunk, fx_fill_fn fill,
			      void *arg)
{
	struct fx_seg *s;

	c->segs = xrealloc(c->segs, (c->nr_segs + 1) * sizeof(*c->segs));
	s = &c->segs[c->nr_segs++];
	*s = (struct fx_seg){ .vaddr = vaddr, .paddr = paddr, .size = size,
			      .fill = fill, .arg = arg, .chunk = chunk };
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* As the kernel writes them: Elf64_Nhdr, name with its NUL, desc, each padded to 4. */
void fx_core_add_note(struct fx_core *c, const char *name, uint32_t type,
		      const void *desc, size_t len)
{
	size_t namesz = strlen(name) + 1;
	size_t size = sizeof(Elf64_Nhdr) + pad4(namesz) + pad4(len);
	Elf64_Nhdr nh = { .n_namesz = namesz, .n_descsz = len, .n_type = type };
	uint8_t *p;

	c->notes = xrealloc(c->notes, c->notes_len + size);
	p = c->notes + c->notes_len;
	memset(p, 0, size);
	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), name, namesz);
	if (len)
		memcpy(p + sizeof(nh) + pad4(namesz), desc, len);
	c->notes_len += size;
}

static int write_at(FILE *f, uint64_t off, const void *p, size_t len)
{
	if (!len)
		return 0;
	if (fseeko(f, (off_t)off, SEEK_SET) || fwrite(p, 1, len, f) != len)
		return -(errno ? errno : EIO);
	return 0;
}

static bool page_zero(const uint8_t *p, size_t len)
{
	return !p[0] && !memcmp(p, p + 1, len - 1);
}

/* fill()'s chunks at off; zero chunks and zero pages stay holes. */
static int write_lazy(FILE *f, uint64_t off, const struct fx_seg *s)
{
	uint8_t *buf = xrealloc(NULL, s->chunk);
	int ret = 0;

	for (uint64_t at = 0; !ret && at < s->size; at += s->chunk) {
		size_t len = s->size - at < s->chunk ? s->size - at : s->chunk;

		if (!s->fill(s->arg, at, buf, len))
			continue;
		for (size_t p = 0; !ret && p < len; p += FX_PAGE_SIZE) {
			size_t n = len - p < FX_PAGE_SIZE ? len - p : FX_PAGE_SIZE;

			if (!page_zero(buf + p, n))
				ret = write_at(f, off + at + p, buf + p, n);
		}
	}
	free(buf);
	return ret;
}

int fx_core_write(struct fx_core *c, const char *path)
{
	size_t nr_ph = c->nr_segs + 1, i;
	uint64_t off = sizeof(Elf64_Ehdr) + nr_ph * sizeof(Elf64_Phdr);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_CORE,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = nr_ph,
	};
	Elf64_Phdr note = {
		.p_type = PT_NOTE,
		.p_offset = off,
		.p_filesz = c->notes_len,
		.p_align = 4,
	};
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = write_at(f, 0, &eh, sizeof(eh));
	if (!ret)
		ret = write_at(f, note.p_offset, c->notes, c->notes_len);
	if (!ret)
		ret = write_at(f, eh.e_phoff, &note, sizeof(note));
	off += c->notes_len;
	for (i = 0; !ret && i < c->nr_segs; i++) {
		struct fx_seg *s = &c->segs[i];
		Elf64_Phdr ph = {
			.p_type = PT_LOAD,
			.p_flags = PF_R | PF_W | PF_X,
			.p_vaddr = s->vaddr,
			.p_paddr = s->paddr,
			.p_filesz = s->size,
			.p_memsz = s->size,
			.p_align = FX_PAGE_SIZE,
		};

		/* p_offset ≡ p_vaddr (mod p_align), as ELF asks. */
		off = (off + FX_PAGE_SIZE - 1) & ~(FX_PAGE_SIZE - 1);
		ph.p_offset = off + (s->vaddr & (FX_PAGE_SIZE - 1));
		off = ph.p_offset + s->size;
		ret = write_at(f, eh.e_phoff + (i + 1) * sizeof(ph), &ph, sizeof(ph));
		if (!ret && s->data)
			ret = write_at(f, ph.p_offset, s->data, s->size);
		else if (!ret)
			ret = write_lazy(f, ph.p_offset, s);
	}
	/* the file ends where the last segment does, hole or not */
	if (!ret && (fflush(f) || ftruncate(fileno(f), (off_t)off)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

void fx_core_free(struct fx_core *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nr_segs; i++)
		free(c->segs[i].data);
	free(c->segs);
	free(c->notes);
	free(c);
}
