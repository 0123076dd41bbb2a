/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The struct page decoder, private to mm/: the readers (page_read.c,
 * page_dedup.c) decode through it; other layers get decoded pages from
 * ms_pages_read() and friends (memscope/page.h).
 */
#ifndef MEMSCOPE_MM_PAGE_DECODE_H
#define MEMSCOPE_MM_PAGE_DECODE_H

#include <stdint.h>

#include "memscope/page.h"

/*
 * Decodes one struct page. raw is its bytes (layout->size), next_raw
 * page[1]'s or NULL (then a head's order is unknown: 0). Pure: no reads.
 * ckind is set for heads when next_raw is given; devdax needs the zone,
 * which comes from the flags word.
 */
void ms_page_decode(const struct ms_page_layout *pl, const uint8_t *raw,
		    uint64_t pfn, const uint8_t *next_raw, int zone_device_idx,
		    struct ms_page *out);

#endif
