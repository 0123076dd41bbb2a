// SPDX-License-Identifier: GPL-2.0-or-later
/* One growth rule for the arrays the decoders fill (memscope/array.h). */
#include <stdint.h>
#include <stdlib.h>

#include "memscope/array.h"

void *ms_array_grow(void *p, size_t *cap, size_t size, size_t first)
{
	size_t n = *cap ? *cap * 2 : first;
	void *q;

	if (!size || n < *cap || n > SIZE_MAX / size)
		return NULL;
	q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}
