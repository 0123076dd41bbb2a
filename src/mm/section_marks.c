// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-section overlay facts (see section_marks.h). */
#include "memscope/section_marks.h"

bool ms_section_deferred(const struct ms_sparse *sp, const struct ms_section *s)
{
	for (size_t i = 0; i < sp->nr_nodes; i++) {
		const struct ms_node *n = &sp->nodes[i];

		if (n->first_deferred_pfn == UINT64_MAX || n->nid != s->nid)
			continue;
		if (s->start_pfn + s->nr_pages > n->first_deferred_pfn &&
		    s->start_pfn < n->start_pfn + n->spanned)
			return true;
	}
	return false;
}

bool ms_section_vmemmap_shared(const struct ms_vmemmap *vm,
			       const struct ms_section *s)
{
	for (size_t i = 0; vm && i < vm->nr_rows; i++) {
		const struct ms_vmemmap_row *r = &vm->rows[i];

		if (r->c.shared && r->first_pfn < s->start_pfn + s->nr_pages &&
		    r->last_pfn >= s->start_pfn)
			return true;
	}
	return false;
}

/*
 * Small pages keep their pins in _refcount (GUP_PIN_COUNTING_BIAS), which
 * cannot be told from plain references, so only large folios are marked.
 */
void ms_section_mark_page(uint8_t *marks, uint64_t nr_marks,
			  unsigned int pfn_shift, const struct ms_page *p)
{
	uint64_t nr = p->pfn >> pfn_shift;

	if (p->kind != MS_PAGE_HEAD || nr >= nr_marks)
		return;
	marks[nr] |= (uint8_t)(1U << p->ckind);
	if (p->pincount > 0)
		marks[nr] |= MS_MARK_PIN;
}

char ms_section_mark_compound(uint8_t mark)
{
	static const struct { enum ms_compound_kind k; char c; } order[] = {
		{ MS_COMPOUND_HUGETLB, 'U' }, { MS_COMPOUND_DEVDAX, 'V' },
		{ MS_COMPOUND_THP, 'T' }, { MS_COMPOUND_SLAB, 'S' },
		{ MS_COMPOUND_OTHER, 'C' },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++)
		if (mark & (1U << order[i].k))
			return order[i].c;
	return 0;
}
