// SPDX-License-Identifier: GPL-2.0-or-later
/* The ELF core and snapshot reader (src/target): the fuzz bytes are the file. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init(false);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_commands(fuzz_core_raw(data, size), false);
	return 0;
}
