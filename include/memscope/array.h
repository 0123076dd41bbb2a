/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growing an array that is filled one element at a time: the capacity
 * doubles (from `first`) so n pushes cost O(n) copies, and a size that
 * would overflow is refused rather than wrapped.
 */
#ifndef MEMSCOPE_ARRAY_H
#define MEMSCOPE_ARRAY_H

#include <stddef.h>

/*
 * The array p of *cap elements of `size` bytes, reallocated to twice its
 * capacity (or `first` elements when it has none). Returns the new array
 * and sets *cap; on failure returns NULL and leaves p and *cap as they
 * were (p is still the caller's to free).
 */
void *ms_array_grow(void *p, size_t *cap, size_t size, size_t first);

#endif
