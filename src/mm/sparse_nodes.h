/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to src/mm: nodes and zones of the sparse model. */
#ifndef MEMSCOPE_MM_SPARSE_NODES_H
#define MEMSCOPE_MM_SPARSE_NODES_H

#include "memscope/sparse.h"

struct ms_error *ms_sparse_load_nodes(struct ms_target *t, struct ms_sparse *sp);
void ms_sparse_assign_zones(struct ms_sparse *sp);

#endif
