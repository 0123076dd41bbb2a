/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatting of section facts shared by the sections and subsections commands. */
#ifndef MEMSCOPE_CLI_SECTION_FMT_H
#define MEMSCOPE_CLI_SECTION_FMT_H

#include <stddef.h>

#include "memscope/facts.h"
#include "memscope/sparse.h"
#include "memscope/sysfs.h"

uint64_t ms_section_bytes(const struct ms_sparse *sp);
/* A block's state as lsmem prints it: online, offline, on->off. */
const char *ms_block_state_format(const struct ms_block *b);

#endif
