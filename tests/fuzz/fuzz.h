/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harnesses (issue 10): each turns its fuzz bytes into a core
 * file in a memfd and runs what `memscope -c CORE summary`, `sections`,
 * `compound`, `vmemmap` and `devices` run, through the command table, with
 * one shared model, as main() does.
 *
 * Harnesses that fuzz one part of a snapshot (its notes, VMCOREINFO, the
 * kallsyms or BTF file) splice it into a base snapshot: the first fuzz byte
 * picks the base (bits 0-6, modulo the number of bases) and JSON output
 * (bit 7); the rest is the part. The bases are the snapshots listed, one
 * path a line, in $MEMSCOPE_FUZZ_BASES (tests/fuzz/mkcorpus writes them).
 */
#ifndef MEMSCOPE_FUZZ_H
#define MEMSCOPE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuzz_note {
	const char *name;	/* "VMCOREINFO", "MEMSCOPE", NUL or not */
	size_t namesz;		/* as in the note header */
	uint32_t type;
	const uint8_t *desc;
	size_t len;
};

struct fuzz_base {
	const uint8_t *data;	/* the whole snapshot */
	size_t size;
	const uint8_t *loads;	/* its PT_LOAD headers (Elf64_Phdr) */
	size_t nr_loads;
	struct fuzz_note *notes;
	size_t nr_notes;
};

/* Drops root, quietens stdout, loads the bases (if want_bases). */
void fuzz_init(bool want_bases);
/* The base the first fuzz byte picks; NULL when there are none. */
const struct fuzz_base *fuzz_base_pick(uint8_t selector);

/*
 * Writes an ELF core into the harness's memfd: the base's segments and the
 * given notes (one PT_NOTE). Returns the path to open it by.
 */
const char *fuzz_core_build(const struct fuzz_base *b,
			    const struct fuzz_note *notes, size_t nr);
/* The fuzz bytes as the whole file. */
const char *fuzz_core_raw(const uint8_t *data, size_t size);

/* A snapshot file note's path (kind, path, contents), or NULL. */
const char *fuzz_note_file_path(const struct fuzz_note *n);
/* Writes a file note (kind 0, path, contents) into buf; returns its length. */
size_t fuzz_note_file(uint8_t *buf, size_t cap, const char *path,
		      const uint8_t *data, size_t len);

/* Runs summary, sections, compound, vmemmap and devices on core. */
void fuzz_run_commands(const char *core, bool json);

/*
 * For the file harnesses: the base's notes with the file note at path (or,
 * for path NULL, the VMCOREINFO note) replaced by data; runs the commands.
 */
void fuzz_replace_and_run(const uint8_t *data, size_t size, const char *path);

#endif
