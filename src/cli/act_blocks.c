// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BLOCK|RANGE operands of online, offline and blockers, as chmem takes
 * them: block numbers ("34", "memory34", "34-36") or a physical range
 * ("0x140000000-0x17fffffff", inclusive, on block boundaries). Every
 * operand is checked against the blocks sysfs has before anything is done;
 * a range skips the holes in it, as lsmem's ranges do (32-199).
 */
#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"

static int parse_u64(const char *s, int base, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || *end ? -1 : 0;
}

/* "a-b" or "a" into [*lo, *hi]; base 0 for addresses, 10 for blocks. */
static int parse_span(const char *arg, int base, uint64_t *lo, uint64_t *hi)
{
	char buf[128], *dash;

	snprintf(buf, sizeof(buf), "%s", arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_u64(buf, base, lo))
		return -1;
	if (!dash)
		*hi = *lo;
	else if (parse_u64(dash + 1, base, hi))
		return -1;
	return *hi < *lo ? -1 : 0;
}

static bool has_block_nr(const struct ms_blockset *s, uint64_t nr)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->nrs[i] == nr)
			return true;
	return false;
}

static struct ms_error *push(uint64_t **v, size_t *n, uint64_t x)
{
	uint64_t *p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	*v = p;
	p[(*n)++] = x;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The blocks sysfs has in [lo, hi], as lsmem's ranges run over holes:
 * the holes between them are recorded to be reported, and only a range
 * with no block at all (or a single block that is not there) is an error.
 * The walk is over the blocks that exist, never over the numbers asked.
 */
static struct ms_error *add_span(struct ms_blockset *s, const struct ms_blocks *bl,
				 uint64_t lo, uint64_t hi, const char *arg)
{
	uint64_t *in = NULL, next = lo;
	size_t n = 0;
	struct ms_error *err = NULL;

	for (size_t i = 0; i < bl->nr && !err; i++)
		if (bl->blocks[i].nr >= lo && bl->blocks[i].nr <= hi)
			err = push(&in, &n, bl->blocks[i].nr);
	if (!err && !n && lo == hi)
		err = ms_error_new(MS_ERR_USAGE, "no memory block %" PRIu64 " (%s)",
				   lo, arg);
	else if (!err && !n)
		err = ms_error_new(MS_ERR_USAGE, "no memory blocks in %" PRIu64
				   "-%" PRIu64 " (%s)", lo, hi, arg);
	if (!err)
		qsort(in, n, sizeof(*in), cmp_u64);
	for (size_t i = 0; i < n && !err; next = in[i++] + 1) {
		if (in[i] > next) {
			err = push(&s->holes, &s->nr_holes, next);
			if (!err)
				err = push(&s->holes, &s->nr_holes, in[i] - 1);
		}
		if (!err && !has_block_nr(s, in[i]))
			err = push(&s->nrs, &s->nr, in[i]);
	}
	if (!err && n && in[n - 1] < hi) {
		err = push(&s->holes, &s->nr_holes, in[n - 1] + 1);
		if (!err)
			err = push(&s->holes, &s->nr_holes, hi);
	}
	free(in);
	return err;
}

static struct ms_error *parse_one(const struct ms_blocks *bl, const char *arg,
				  struct ms_blockset *s)
{
	uint64_t bs = bl->block_size, lo, hi;
	const char *p = arg;

	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2)) {
		if (!bs || parse_span(p, 0, &lo, &hi) || lo % bs || (hi + 1) % bs)
			return ms_error_new(MS_ERR_USAGE,
				"'%s': a range is START-END on %" PRIu64 "M block boundaries",
				arg, bs >> 20);
		lo /= bs;
		hi /= bs;
	} else {
		if (!strncmp(p, "memory", 6))
			p += 6;
		if (parse_span(p, 10, &lo, &hi))
			return ms_error_new(MS_ERR_USAGE,
				"'%s': not a block (34, memory34, 34-36) or a range (0xSTART-0xEND)",
				arg);
	}
	return add_span(s, bl, lo, hi, arg);
}

struct ms_error *ms_blockset_parse(const struct ms_blocks *bl, int argc,
				   char **argv, struct ms_blockset *out)
{
	struct ms_error *err = NULL;

	memset(out, 0, sizeof(*out));
	if (argc < 1)
		return ms_error_new(MS_ERR_USAGE, "which blocks? (BLOCK|RANGE...)");
	for (int i = 0; i < argc && !err; i++)
		err = parse_one(bl, argv[i], out);
	if (err) {
		ms_blockset_free(out);
		return err;
	}
	qsort(out->nrs, out->nr, sizeof(*out->nrs), cmp_u64);
	out->start = out->nrs[0] * bl->block_size;
	out->end = (out->nrs[out->nr - 1] + 1) * bl->block_size;
	return NULL;
}

void ms_blockset_free(struct ms_blockset *s)
{
	free(s->nrs);
	free(s->holes);
	s->nrs = s->holes = NULL;
	s->nr = s->nr_holes = 0;
}

void ms_blockset_say_skipped(const struct ms_blockset *s, const char *cmd)
{
	if (!s->nr_holes)
		return;
	fprintf(stderr, "memscope: %s: skipped", cmd);
	for (size_t i = 0; i + 1 < s->nr_holes; i += 2)
		fprintf(stderr, s->holes[i] == s->holes[i + 1] ? "%s %" PRIu64 :
			"%s %" PRIu64 "-%" PRIu64, i ? "," : "", s->holes[i],
			s->holes[i + 1]);
	fputs(": no such blocks\n", stderr);
}

#define DEFAULT_OFFLINE_TIMEOUT 10

/* --timeout SECONDS (1..3600); 0 when the value is bad. */
unsigned int ms_act_timeout(const struct ms_cli *c)
{
	uint64_t v;

	if (!c->opt[ACT_OPT_TIMEOUT])
		return DEFAULT_OFFLINE_TIMEOUT;
	if (parse_u64(c->opt[ACT_OPT_TIMEOUT], 10, &v) || !v || v > 3600)
		return 0;
	return (unsigned int)v;
}
