// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The domains' sub-tables (klayout.h), each resolved on its first use and
 * kept for the kinfo's life: a domain whose types a command never needs
 * (no device memory, no HugeTLB) is never asked for them, and one that
 * failed fails the same way every time without asking again.
 */
#include <stdlib.h>

#include "internal.h"

struct once {
	bool done;
	struct ms_error *err;
};

/* One table and its once per domain; field names make DOMAIN_GET's. */
struct ms_kinfo_domains {
	struct once page_once, pgmap_once, hstate_once, block_once,
		    resource_once, xa_once;
	struct ms_page_layout page;
	struct ms_pgmap_layout pgmap;
	struct ms_hstate_layout hstate;
	struct ms_block_layout block;
	struct ms_resource_layout resource;
	struct ms_xa_layout xa;
};

struct ms_kinfo_domains *ms_kinfo_domains_new(void)
{
	return calloc(1, sizeof(struct ms_kinfo_domains));
}

void ms_kinfo_domains_free(struct ms_kinfo_domains *d)
{
	if (!d)
		return;
	ms_error_free(d->page_once.err);
	ms_error_free(d->pgmap_once.err);
	ms_error_free(d->hstate_once.err);
	ms_error_free(d->block_once.err);
	ms_error_free(d->resource_once.err);
	ms_error_free(d->xa_once.err);
	free(d);
}

/* A copy of the kept error: each caller frees its own. */
static struct ms_error *error_copy(const struct ms_error *e)
{
	struct ms_error *c;

	if (e->code == MS_ERR_FAULT)
		return ms_error_fault(e->addr, "%s", e->msg);
	c = ms_error_new(e->code, "%s", e->msg);
	if (c->code == e->code)		/* not the static out-of-memory one */
		c->errnum = e->errnum;
	return c;
}

/*
 * ms_kinfo_<name>_layout(): resolves the domain the first time, then
 * hands out the kept table, or a copy of the kept error.
 */
#define DOMAIN_GET(name)						\
struct ms_error *ms_kinfo_##name##_layout(const struct ms_kinfo *ki,	\
					  const struct ms_##name##_layout **out) \
{									\
	struct ms_kinfo_domains *d = ms_kinfo_domains(ki);		\
									\
	if (!d->name##_once.done) {					\
		d->name##_once.err = ms_##name##_layout_resolve(ki, &d->name); \
		d->name##_once.done = true;				\
	}								\
	*out = d->name##_once.err ? NULL : &d->name;			\
	return d->name##_once.err ? error_copy(d->name##_once.err) : NULL; \
}

DOMAIN_GET(page)
DOMAIN_GET(pgmap)
DOMAIN_GET(hstate)
DOMAIN_GET(block)
DOMAIN_GET(resource)
DOMAIN_GET(xa)
