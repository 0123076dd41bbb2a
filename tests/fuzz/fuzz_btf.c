// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF finder: the fuzz bytes (after the base selector) are the
 * snapshot's sys/kernel/btf/vmlinux, the types every layout comes from.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init(true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_replace_and_run(data, size, "sys/kernel/btf/vmlinux");
	return 0;
}
