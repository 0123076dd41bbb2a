// SPDX-License-Identifier: GPL-2.0-or-later
/* kallsyms: the fuzz bytes (after the base selector) are proc/kallsyms. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init(true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_replace_and_run(data, size, "proc/kallsyms");
	return 0;
}
