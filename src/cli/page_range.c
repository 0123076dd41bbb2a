// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing of RANGE arguments: see page_range.h for the syntax. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "page_range.h"
#include "section_fmt.h"

/* "A" or "A-B" (B inclusive); 0 on success. */
static int parse_pair(const char *s, uint64_t *lo, uint64_t *hi)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*lo = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	*hi = *lo;
	if (*end == '-') {
		const char *p = end + 1;

		if (!*p || *p == '-')
			return -1;
		*hi = strtoull(p, &end, 0);
		if (errno || end == p || *hi < *lo)
			return -1;
	}
	return *end ? -1 : 0;
}

static struct ms_error *bad(const char *arg, const char *why)
{
	return ms_error_new(MS_ERR_USAGE, "%s '%s': %s", MS_BAD_RANGE, arg, why);
}

static struct ms_error *by_section(struct ms_cli *c, const char *arg,
				   const char *v, struct ms_pfn_range *out)
{
	uint64_t lo, hi;

	if (parse_pair(v, &lo, &hi) || lo != hi)
		return bad(arg, "expected section:N");
	for (size_t i = 0; i < c->sparse->nr_sections; i++) {
		const struct ms_section *s = &c->sparse->sections[i];

		if (s->nr == lo) {
			out->start = s->start_pfn;
			out->nr = s->nr_pages;
			return NULL;
		}
	}
	return ms_error_new(MS_ERR_USAGE, "section %llu is not present",
			    (unsigned long long)lo);
}

static struct ms_error *by_block(struct ms_cli *c, const char *arg,
				 const char *v, struct ms_pfn_range *out)
{
	unsigned int shift = c->sparse->layout->page_shift;
	const struct ms_blocks *bl;
	struct ms_error *err;
	uint64_t lo, hi;

	if (parse_pair(v, &lo, &hi) || lo != hi)
		return bad(arg, "expected block:N");
	err = ms_cli_blocks(c, &bl);
	if (err)
		return err;
	for (size_t i = 0; bl && i < bl->nr; i++) {
		if (bl->blocks[i].nr == lo) {
			out->start = bl->blocks[i].start >> shift;
			out->nr = bl->blocks[i].size >> shift;
			return NULL;
		}
	}
	return ms_error_new(MS_ERR_USAGE, "memory block %llu does not exist",
			    (unsigned long long)lo);
}

static struct ms_error *by_name(struct ms_cli *c, const char *arg,
				struct ms_pfn_range *out)
{
	unsigned int shift = c->sparse->layout->page_shift;
	const struct ms_iomem *io;
	struct ms_error *err;

	err = ms_cli_iomem(c, &io);
	if (err)
		return err;
	for (size_t i = 0; io && i < io->nr; i++) {
		const struct ms_iomem_range *r = &io->ranges[i];

		if (strcmp(r->name, arg))
			continue;
		out->start = r->start >> shift;
		out->nr = (r->end >> shift) - out->start + 1;
		snprintf(out->name, sizeof(out->name), "%s", r->name);
		return NULL;
	}
	return ms_error_new(MS_ERR_USAGE,
			    "%s '%s': not a pfn, pfn:, phys:, section: or block: range, nor a /proc/iomem name",
			    MS_BAD_RANGE, arg);
}

struct ms_error *ms_cli_pfn_range(struct ms_cli *c, const char *arg,
				  struct ms_pfn_range *out)
{
	unsigned int shift = c->sparse->layout->page_shift;
	uint64_t lo, hi;

	memset(out, 0, sizeof(*out));
	if (!strncmp(arg, "section:", 8))
		return by_section(c, arg, arg + 8, out);
	if (!strncmp(arg, "block:", 6))
		return by_block(c, arg, arg + 6, out);
	if (!strncmp(arg, "phys:", 5)) {
		if (parse_pair(arg + 5, &lo, &hi))
			return bad(arg, "expected phys:ADDR or phys:ADDR-ADDR");
		out->start = lo >> shift;
		out->nr = (hi >> shift) - out->start + 1;
		return NULL;
	}
	if (!strncmp(arg, "pfn:", 4)) {
		if (parse_pair(arg + 4, &lo, &hi))
			return bad(arg, "expected pfn:N or pfn:A-B");
	} else if (parse_pair(arg, &lo, &hi)) {
		if ((*arg >= '0' && *arg <= '9') || *arg == '-')
			return bad(arg, "expected N or A-B (pfns)");
		return by_name(c, arg, out);
	}
	if (hi - lo + 1 == 0)
		return bad(arg, "too large");
	out->start = lo;
	out->nr = hi - lo + 1;
	return NULL;
}

void ms_cli_pfn_all(const struct ms_cli *c, struct ms_pfn_range *out)
{
	const struct ms_sparse *sp = c->sparse;

	memset(out, 0, sizeof(*out));
	if (!sp->nr_sections)
		return;
	out->start = sp->sections[0].start_pfn;
	out->nr = sp->sections[sp->nr_sections - 1].start_pfn +
		  sp->sections[sp->nr_sections - 1].nr_pages - out->start;
}

int ms_cli_range_fail(struct ms_error *err)
{
	int rc;

	if (err->code != MS_ERR_USAGE ||
	    strncmp(err->msg, MS_BAD_RANGE, strlen(MS_BAD_RANGE)))
		return ms_cli_fail(err);
	rc = ms_cli_usage_error("%s", err->msg);
	ms_error_free(err);
	return rc;
}
