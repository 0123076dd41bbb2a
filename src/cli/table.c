// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output tables through libsmartcols: aligned text for people, and for
 * scripts JSON (-J), KEY="value" pairs (-P) and raw (-r). Every JSON
 * document carries "schema", so the table is rendered into memory first
 * and the member is put in front.
 *
 * A table longer than STREAM_PREFIX rows (pages over all memory) is
 * streamed: the prefix is printed as it always was, its column widths
 * become the widths of the rest, which is printed STREAM_CHUNK rows at a
 * time and dropped, so memory stays flat. JSON streams the same way: each
 * chunk is rendered by libsmartcols as a document of its own, whose rows
 * are spliced into the one array (a row's JSON does not depend on other
 * rows), and the array is closed at the end, or when the command fails
 * half-way, so that what was printed still parses. Shorter tables print
 * exactly as before.
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
	bool json_fast;		/* streamed JSON rows written here, not by libsmartcols */
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
 * Cells of the long tables (pages: 14 a row, a million rows a second)
 * without snprintf, whose parsing of its format is most of a cell's cost.
 */
void ms_cell_u64(char *buf, size_t len, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (n >= len) {
		if (len)
			buf[0] = '\0';
		return;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

void ms_cell_s64(char *buf, size_t len, int64_t v)
{
	if (v >= 0 || len < 2) {
		ms_cell_u64(buf, len, v >= 0 ? (uint64_t)v : 0);
		return;
	}
	buf[0] = '-';
	ms_cell_u64(buf + 1, len - 1, -(uint64_t)v);
}

void ms_cell_str(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* A cell that is a decimal integer and nothing else, as strtoull took it. */
static bool cell_number(const char *buf, uint64_t *v)
{
	uint64_t x = 0;

	if (!*buf)
		return false;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9' || x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return true;
}

static void cell_hex(char *buf, size_t len, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	if (n + 3 > len)
		return;		/* left as the decimal it was */
	buf[0] = '0';
	buf[1] = 'x';
	for (size_t i = 0; i < n; i++)
		buf[2 + i] = tmp[n - 1 - i];
	buf[2 + n] = '\0';
}

/*
 * A SIZE or PFN cell arrives as a decimal integer: JSON keeps it, text shows
 * a size for people (unless -b) and a pfn in hex, the one convention of
 * every command and the TUI.
 */
static void render_cell(const struct ms_cli *c, enum ms_coltype type,
			char *buf, size_t len)
{
	uint64_t v;

	if (c->json || (type != MS_COL_SIZE && type != MS_COL_PFN))
		return;
	if (!cell_number(buf, &v))
		return;		/* not a number: shown as written */
	if (type == MS_COL_PFN)
		cell_hex(buf, len, v);
	else if (!c->bytes)
		ms_cli_size(c, v, buf, len);
}

/* libsmartcols' JSON document ends its array of rows so. */
static const char json_tail[] = "\n   ]\n}\n";

/*
 * The rows of a JSON document libsmartcols rendered: from the first row's
 * '{' to the end of the last row (before json_tail); NULL if not so.
 */
static const char *json_rows(const char *doc, size_t *len)
{
	const char *rows = strstr(doc, "[\n"), *end;
	size_t n = strlen(doc);

	if (!rows || n < sizeof(json_tail) - 1 ||
	    strcmp(doc + n - (sizeof(json_tail) - 1), json_tail))
		return NULL;
	end = doc + n - (sizeof(json_tail) - 1);
	rows = strchr(rows, '{');
	if (!rows || rows > end)
		return NULL;
	*len = (size_t)(end - rows);
	return rows;
}

/* A chunk of JSON rows, after the rows already printed. */
static int stream_json(struct ms_table *t)
{
	const char *rows;
	char *doc = NULL;
	size_t len;
	int ret = -1;

	if (scols_print_table_to_string(t->tb, &doc) || !doc)
		return -1;
	rows = json_rows(doc, &len);
	if (rows && fputc(',', stdout) >= 0 && fwrite(rows, 1, len, stdout) == len)
		ret = 0;
	free(doc);
	return ret;
}

/* Prints the lines tb holds, then drops them. */
static void stream_lines(struct ms_table *t)
{
	char *text = NULL;

	if (!t->nr_lines)
		return;
	if (t->cli->json) {
		if (stream_json(t))
			t->failed = 1;
	} else if (scols_table_print_range_to_string(t->tb, NULL, NULL, &text) ||
		   !text || fputs(text, stdout) < 0 || fputc('\n', stdout) < 0) {
		t->failed = 1;
	}
	free(text);
	scols_table_remove_lines(t->tb);
	t->nr_lines = 0;
}

static int print_json(const char *doc);

/* Quoted as libsmartcols quotes JSON strings (fputs_quoted_json()). */
static size_t json_quote(const char *v, char *out, size_t room)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = 0;

	if (room < 3)
		return room;
	out[at++] = '"';
	for (const unsigned char *p = (const unsigned char *)v; *p && at + 8 < room; p++) {
		if (*p == '"' || *p == '\\') {
			out[at++] = '\\';
			out[at++] = (char)*p;
		} else if (*p >= 0x20) {
			out[at++] = (char)*p;
		} else {
			const char *e = *p == '\b' ? "\\b" : *p == '\f' ? "\\f" :
					*p == '\n' ? "\\n" : *p == '\r' ? "\\r" :
					*p == '\t' ? "\\t" : NULL;

			if (e) {
				memcpy(out + at, e, 2);
				at += 2;
			} else {
				memcpy(out + at, "\\u00", 4);
				out[at + 4] = hex[*p >> 4];
				out[at + 5] = hex[*p & 15];
				at += 6;
			}
		}
	}
	out[at++] = '"';
	return at;
}

/*
 * One streamed JSON row, laid out as libsmartcols lays it (the prefix,
 * which libsmartcols printed, shows the same): ",{", one member a line,
 * an empty cell null. Only for tables without BOOLEAN columns, whose
 * spelling is libsmartcols' own; those go through stream_json().
 */
static void stream_json_row(struct ms_table *t, const void *row)
{
	char line[16384], buf[1024];
	size_t at = 0;

	memcpy(line, ",{\n", 3);
	at = 3;
	for (size_t i = 0; i < t->ncols; i++) {
		const struct ms_coldesc *d = &t->descs[t->ids[i]];
		size_t n;

		buf[0] = '\0';
		t->cell(t->cli, t->ids[i], row, buf, sizeof(buf));
		if (at + 64 + 6 * strlen(buf) + 16 > sizeof(line)) {
			t->failed = 1;	/* wider than any row of memscope */
			return;
		}
		memcpy(line + at, "         \"", 10);
		at += 10;
		for (const char *c = d->name; *c; c++)
			line[at++] = *c >= 'A' && *c <= 'Z' ? (char)(*c + 'a' - 'A') : *c;
		memcpy(line + at, "\": ", 3);
		at += 3;
		n = strlen(buf);
		if (!n) {
			memcpy(line + at, "null", 4);
			at += 4;
		} else if (d->type == MS_COL_STRING || d->type == MS_COL_HEX) {
			at += json_quote(buf, line + at, sizeof(line) - at);
		} else {
			memcpy(line + at, buf, n);
			at += n;
		}
		if (i + 1 < t->ncols)
			line[at++] = ',';
		line[at++] = '\n';
	}
	memcpy(line + at, "      }", 7);
	at += 7;
	if (fwrite(line, 1, at, stdout) != at)
		t->failed = 1;
}

/*
 * The prefix of a JSON table: the document as libsmartcols renders it,
 * "schema" first, without the end of its array (ms_table_free() prints it).
 */
static void stream_json_start(struct ms_table *t)
{
	const char *rows;
	char *doc = NULL;
	size_t len;

	if (scols_print_table_to_string(t->tb, &doc) || !doc ||
	    !(rows = json_rows(doc, &len))) {
		t->failed = 1;
	} else {
		doc[rows + len - doc] = '\0';
		if (print_json(doc))
			t->failed = 1;
	}
	free(doc);
	scols_table_remove_lines(t->tb);
	t->nr_lines = 0;
	t->streaming = true;
	t->json_fast = true;
	for (size_t i = 0; i < t->ncols; i++)
		if (t->descs[t->ids[i]].type == MS_COL_BOOLEAN)
			t->json_fast = false;
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
	if (t->streaming && t->json_fast) {
		stream_json_row(t, row);
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
	if (!t->streaming && t->nr_lines == STREAM_PREFIX)
		t->cli->json ? stream_json_start(t) : stream_start(t);
	else if (t->streaming && t->nr_lines == STREAM_CHUNK)
		stream_lines(t);
}

/* Puts "schema": N first in the document libsmartcols rendered. */
static int print_json(const char *doc)
{
	const char *body = strchr(doc, '{');

	if (!body)
		return fputs(doc, stdout) < 0 ? -1 : 0;
	return printf("{\n   \"schema\": %d,%s", MS_JSON_SCHEMA, body + 1) < 0 ? -1 : 0;
}

int ms_table_print(struct ms_table *t)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem;
	int ret = MS_EXIT_OK;

	ms_timings_mark("command");
	if (t->failed && !t->streaming) {
		ms_table_free(t);
		return ms_cli_fail(ms_error_new(MS_ERR_NOMEM, "out of memory holding the table"));
	}
	if (t->streaming) {
		stream_lines(t);
		if (t->failed)
			ret = ms_cli_fail(ms_error_new(MS_ERR_OTHER, "a row of the table could not be held or written"));
		ms_table_free(t);
		ms_timings_mark("output");
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
	ms_timings_mark("output");
	return ret;
}

void ms_table_free(struct ms_table *t)
{
	if (!t)
		return;
	/* the rows printed so far stay one document, even on a failure */
	if (t->streaming && t->cli->json)
		fputs(json_tail, stdout);
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
