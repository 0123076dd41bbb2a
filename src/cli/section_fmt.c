// SPDX-License-Identifier: GPL-2.0-or-later
/* Formatting of section facts (see section_fmt.h). */
#include <stdio.h>
#include <string.h>

#include "section_fmt.h"

uint64_t ms_section_bytes(const struct ms_sparse *sp)
{
	return 1ULL << sp->layout->section_size_bits;
}

const char *ms_block_state_format(const struct ms_block *b)
{
	return !strcmp(b->state, "going-offline") ? "on->off" : b->state;
}
