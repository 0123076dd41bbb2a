// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The snapshot note parsers: the fuzz bytes (after the base selector) are
 * the PT_NOTE segment, every note (version, VMCOREINFO, the file notes).
 * The base's BTF note, too large to be fuzzed here (fuzz_btf does), is
 * added at the end unless the fuzz bytes carry a BTF file note.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define BTF_PATH "sys/kernel/btf/vmlinux"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init(true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_base *b;
	struct fuzz_note *notes = NULL;
	size_t nr = 0, cap = 0, off = 1;
	bool has_btf = false;

	if (size < 1)
		return 0;
	b = fuzz_base_pick(data[0]);
	/* split like an ELF note segment; a torn last note is kept as such */
	while (off + 12 <= size) {
		uint32_t h[3];
		size_t namesz, descsz, name_at, desc_at;

		memcpy(h, data + off, sizeof(h));
		namesz = h[0];
		descsz = h[1];
		name_at = off + 12;
		if (namesz == 0 || namesz > 64 || name_at + namesz > size)
			break;
		desc_at = name_at + ((namesz + 3) & ~3UL);
		if (desc_at > size || descsz > size - desc_at)
			break;
		if (nr == cap) {
			cap = cap ? 2 * cap : 32;
			notes = realloc(notes, (cap + 1) * sizeof(*notes));
			if (!notes)
				abort();
		}
		/* the name as the note spells it, NUL or not */
		notes[nr] = (struct fuzz_note){ (const char *)data + name_at,
						namesz, h[2], data + desc_at,
						descsz };
		if (fuzz_note_file_path(&notes[nr]) &&
		    !strcmp(fuzz_note_file_path(&notes[nr]), BTF_PATH))
			has_btf = true;
		nr++;
		off = desc_at + ((descsz + 3) & ~3UL);
	}
	if (!notes && !(notes = malloc(sizeof(*notes))))
		abort();
	for (size_t i = 0; !has_btf && i < b->nr_notes; i++) {
		const char *p = fuzz_note_file_path(&b->notes[i]);

		if (p && !strcmp(p, BTF_PATH)) {
			notes[nr++] = b->notes[i];
			break;
		}
	}
	fuzz_run_commands(fuzz_core_build(b, notes, nr), data[0] & 0x80);
	free(notes);
	return 0;
}
