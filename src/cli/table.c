// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output tables through libsmartcols: aligned text for people, and for
 * scripts JSON (-J), KEY="value" pairs (-P) and raw (-r). Every JSON
 * document carries "schema", so the table is rendered into memory first
 * and the member is put in front.
 *
 * A text table longer than STREAM_PREFIX rows (pages over all memory) is
 * streamed: the prefix is printed as it always was, its column widths
 * become the widths of the rest, which is printed STREAM_CHUNK rows at a
 * time and dropped, so memory stays flat. Shorter tables print exactly
 * as before. JSON is still rendered whole.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols.h>

#include "memscope/timings.h"
#include "columns.h"

struct ms_table {
	const struct ms_cli *cli;
	const struct ms_coldesc *descs;
	ms_cell_fn cell;
	struct libscols_table *tb;
	int ids[MS_MAX_COLUMNS];
	size_t ncols;
	size_t nr_lines;	/* held by tb */
	bool streaming;		/* the prefix went out: tb holds a chunk */
	size_t width[MS_MAX_COLUMNS];	/* the prefix's, when streaming text */
	int failed;		/* a row could not be held or written */
};

#define STREAM_PREFIX 10000
#define STREAM_CHUNK 4096

static int find_column(const struct ms_coldesc *descs, size_t n,
		       const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(descs[i].name) == len &&
		    !strncasecmp(descs[i].name, name, len))
			return (int)i;
	return -1;
}

static int add_id(struct ms_table *t, int id)
{
	if (t->ncols == MS_MAX_COLUMNS)
		return ms_cli_usage_error("too many columns");
	t->ids[t->ncols++] = id;
	return 0;
}

/* "-o A,B" selects A and B; "-o +A" appends A to the defaults. */
static int select_columns(struct ms_table *t, size_t n)
{
	const char *list = t->cli->columns, *p;

	if (t->cli->output_all) {
		for (size_t i = 0; i < n; i++)
			add_id(t, (int)i);
		return 0;
	}
	if (!list || *list == '+')
		for (size_t i = 0; i < n; i++)
			if (t->descs[i].is_default && add_id(t, (int)i))
				return -1;
	if (!list)
		return 0;
	p = *list == '+' ? list + 1 : list;
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = find_column(t->descs, n, p, len);

		if (id < 0)
			return ms_cli_usage_error("unknown column: %.*s",
						  (int)len, p);
		if (add_id(t, id))
			return -1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static char *lower(const char *s)
{
	char *l = strdup(s);

	for (char *p = l; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return l;
}

static int json_type(enum ms_coltype type)
{
	switch (type) {
	case MS_COL_NUMBER:
	case MS_COL_SIZE:
	case MS_COL_PFN:
		return SCOLS_JSON_NUMBER;
	case MS_COL_BOOLEAN:
		return SCOLS_JSON_BOOLEAN;
	default:
		return SCOLS_JSON_STRING;
	}
}

static int make_columns(struct ms_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const struct ms_coldesc *d = &t->descs[t->ids[i]];
		struct libscols_column *cl;
		char *name = t->cli->json ? lower(d->name) : strdup(d->name);

		cl = name ? scols_table_new_column(t->tb, name, d->whint,
					d->right ? SCOLS_FL_RIGHT : 0) : NULL;
		free(name);
		if (!cl)
			return -ENOMEM;
		scols_column_set_json_type(cl, json_type(d->type));
	}
	return 0;
}

struct ms_table *ms_table_new(const struct ms_cli *c, const char *name,
			      const struct ms_coldesc *descs, size_t ndescs,
			      ms_cell_fn cell)
{
	struct ms_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cli = c;
	t->descs = descs;
	t->cell = cell;
	if (select_columns(t, ndescs)) {
		free(t);
		return NULL;
	}
	t->tb = scols_new_table();
	if (!t->tb)
		goto fail;
	scols_table_set_name(t->tb, name);
	scols_table_enable_json(t->tb, c->json);
	scols_table_enable_export(t->tb, c->pairs);
	scols_table_enable_raw(t->tb, c->raw);
	scols_table_enable_noheadings(t->tb, c->noheadings);
	if (make_columns(t))
		goto fail;
	return t;
fail:
	ms_cli_fail(ms_error_new(MS_ERR_NOMEM, "out of memory"));
	ms_table_free(t);
	return NULL;
}

/*
 * A SIZE or PFN cell arrives as a decimal integer: JSON keeps it, text shows
 * a size for people (unless -b) and a pfn in hex, the one convention of
 * every command and the TUI.
 */
static void render_cell(const struct ms_cli *c, enum ms_coltype type,
			char *buf, size_t len)
{
	char *end;
	uint64_t v;

	if (c->json || (type != MS_COL_SIZE && type != MS_COL_PFN))
		return;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return;		/* not a number: shown as written */
	if (type == MS_COL_PFN)
		snprintf(buf, len, "0x%" PRIx64, v);
	else if (!c->bytes)
		ms_cli_size(c, v, buf, len);
}

/* Prints the lines tb holds, then drops them. */
static void stream_lines(struct ms_table *t)
{
	char *text = NULL;

	if (!t->nr_lines)
		return;
	if (scols_table_print_range_to_string(t->tb, NULL, NULL, &text) ||
	    !text || fputs(text, stdout) < 0 || fputc('\n', stdout) < 0)
		t->failed = 1;
	free(text);
	scols_table_remove_lines(t->tb);
	t->nr_lines = 0;
}

/*
 * The prefix is printed (with the header, once: libsmartcols keeps that),
 * and its column widths kept: libsmartcols would size every later chunk
 * by its own rows, so aligned text is laid out here instead, as
 * libsmartcols does it (cells padded to the width, left or right, one
 * space apart, the last left-aligned one not padded). Raw and KEY="value"
 * lines do not depend on other rows: libsmartcols prints those chunks.
 */
static void stream_start(struct ms_table *t)
{
	stream_lines(t);
	for (size_t i = 0; i < t->ncols; i++) {
		struct libscols_column *cl = scols_table_get_column(t->tb, i);

		if (cl)
			t->width[i] = scols_column_get_width(cl);
	}
	t->streaming = true;
}

/* An aligned text row at the prefix's widths, written whole. */
static void stream_text_row(struct ms_table *t, const void *row)
{
	char line[8192], buf[1024];
	size_t at = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		bool right = t->descs[t->ids[i]].right, last = i + 1 == t->ncols;
		size_t w = t->width[i], n, pad;

		buf[0] = '\0';
		t->cell(t->cli, t->ids[i], row, buf, sizeof(buf));
		render_cell(t->cli, t->descs[t->ids[i]].type, buf, sizeof(buf));
		n = strlen(buf);
		if (last && !right)
			w = 0;
		pad = w > n ? w - n : 0;
		if (at + pad + n + 1 > sizeof(line)) {
			t->failed = 1;	/* wider than any column of memscope */
			return;
		}
		if (right) {
			memset(line + at, ' ', pad);
			memcpy(line + at + pad, buf, n);
		} else {
			memcpy(line + at, buf, n);
			memset(line + at + n, ' ', pad);
		}
		at += pad + n;
		line[at++] = last ? '\n' : ' ';
	}
	if (fwrite(line, 1, at, stdout) != at)
		t->failed = 1;
}

static bool plain_text(const struct ms_table *t)
{
	return !t->cli->json && !t->cli->raw && !t->cli->pairs;
}

void ms_table_add_row(struct ms_table *t, const void *row)
{
	struct libscols_line *ln;
	char buf[1024];

	if (t->streaming && plain_text(t)) {
		stream_text_row(t, row);
		return;
	}
	ln = scols_table_new_line(t->tb, NULL);
	if (!ln) {
		t->failed = 1;	/* a row dropped: never a table short of it */
		return;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		buf[0] = '\0';
		t->cell(t->cli, t->ids[i], row, buf, sizeof(buf));
		render_cell(t->cli, t->descs[t->ids[i]].type, buf, sizeof(buf));
		if (buf[0])
			scols_line_set_data(ln, i, buf);
	}
	t->nr_lines++;
	if (t->cli->json)
		return;
	if (!t->streaming && t->nr_lines == STREAM_PREFIX)
		stream_start(t);
	else if (t->streaming && t->nr_lines == STREAM_CHUNK)
		stream_lines(t);
}

/* Puts "schema": N first in the document libsmartcols rendered. */
static int print_json(const char *doc)
{
	const char *body = strchr(doc, '{');

	if (!body)
		return fputs(doc, stdout) < 0 ? -1 : 0;
	printf("{\n   \"schema\": %d,%s", MS_JSON_SCHEMA, body + 1);
	return 0;
}

int ms_table_print(struct ms_table *t)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem;
	int ret = MS_EXIT_OK;

	ms_timing("command");
	if (t->failed && !t->streaming) {
		ms_table_free(t);
		return ms_cli_fail(ms_error_new(MS_ERR_NOMEM, "out of memory holding the table"));
	}
	if (t->streaming) {
		stream_lines(t);
		if (t->failed)
			ret = ms_cli_fail(ms_error_new(MS_ERR_OTHER, "a row of the table could not be held or written"));
		ms_table_free(t);
		ms_timing("output");
		return ret;
	}
	mem = open_memstream(&doc, &len);
	if (!mem) {
		ms_table_free(t);
		return ms_cli_fail(ms_error_errno(errno, "open_memstream"));
	}
	scols_table_set_stream(t->tb, mem);
	scols_print_table(t->tb);
	fclose(mem);
	if (t->cli->json)
		print_json(doc);
	else
		fputs(doc, stdout);
	free(doc);
	ms_table_free(t);
	ms_timing("output");
	return ret;
}

void ms_table_free(struct ms_table *t)
{
	if (!t)
		return;
	scols_unref_table(t->tb);
	free(t);
}

static const char *schema_type(enum ms_coltype type)
{
	switch (type) {
	case MS_COL_NUMBER:
		return "\"type\": [\"integer\", \"null\"]";
	case MS_COL_SIZE:
		return "\"type\": [\"integer\", \"null\"], \"minimum\": 0, \"format\": \"bytes\"";
	case MS_COL_PFN:
		return "\"type\": [\"integer\", \"null\"], \"minimum\": 0, \"format\": \"pfn\"";
	case MS_COL_HEX:
		return "\"type\": [\"string\", \"null\"], \"pattern\": \"^0x[0-9a-f]+$\", \"format\": \"hex\"";
	case MS_COL_BOOLEAN:
		return "\"type\": [\"boolean\", \"null\"]";
	default:
		return "\"type\": [\"string\", \"null\"]";
	}
}

/*
 * The document is {"schema": N, "<table name>": [rows]}; the table name is
 * the command's own (blocks: "memory", as lsmem), so the schema says "one
 * more member, an array of these rows".
 */
void ms_columns_schema(FILE *out, const char *name,
		       const struct ms_coldesc *descs, size_t n)
{
	fprintf(out, "{\n   \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n"
		"   \"title\": \"memscope %s -J\",\n"
		"   \"type\": \"object\",\n"
		"   \"required\": [\"schema\"],\n"
		"   \"minProperties\": 2,\n"
		"   \"maxProperties\": 2,\n"
		"   \"properties\": {\n"
		"      \"schema\": {\"const\": %d}\n"
		"   },\n"
		"   \"additionalProperties\": {\n"
		"      \"type\": \"array\",\n"
		"      \"items\": {\n"
		"         \"type\": \"object\",\n"
		"         \"additionalProperties\": false,\n"
		"         \"properties\": {",
		name, MS_JSON_SCHEMA);
	for (size_t i = 0; i < n; i++) {
		char *l = lower(descs[i].name);

		if (!l)
			return;
		fprintf(out, "%s\n            \"%s\": {%s, \"description\": \"",
			i ? "," : "", l, schema_type(descs[i].type));
		for (const char *p = descs[i].help; *p; p++)
			fprintf(out, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		fputs("\"}", out);
		free(l);
	}
	fputs("\n         }\n      }\n   }\n}\n", out);
}
