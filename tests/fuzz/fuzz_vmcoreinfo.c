// SPDX-License-Identifier: GPL-2.0-or-later
/* VMCOREINFO: the fuzz bytes (after the base selector) are the note's text. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init(true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_replace_and_run(data, size, NULL);
	return 0;
}
