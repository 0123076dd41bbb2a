/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Column tables: each command describes its columns once (name, width hint,
 * alignment, JSON type, help, default or not); the table drives -o parsing,
 * --output-all, the help text, JSON types and headers.
 */
#ifndef MEMSCOPE_CLI_COLUMNS_H
#define MEMSCOPE_CLI_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/*
 * What a column holds decides how every mode renders it, so no command can
 * put "196K" into JSON (issue 11). A cell of a SIZE or PFN column is written
 * as a decimal integer; the table renders it:
 *   NUMBER   a count:            text and JSON: decimal integer
 *   SIZE     bytes:              JSON and -b: decimal; else human (128M)
 *   PFN      a page frame:       JSON: integer; text: hex (0x1a2b)
 *   HEX      an address or a flag word (they exceed 2^53): "0x..." string
 *   BOOLEAN  yes/no:             JSON true/false
 *   STRING   anything else
 */
enum ms_coltype {
	MS_COL_STRING, MS_COL_NUMBER, MS_COL_BOOLEAN, MS_COL_SIZE, MS_COL_PFN,
	MS_COL_HEX,
};

struct ms_coldesc {
	const char *name;
	double whint;
	bool right;		/* right-aligned (numbers) */
	bool is_default;
	enum ms_coltype type;
	const char *help;
};

#define MS_MAX_COLUMNS 32

/* A cell's text without snprintf (for the tables of a million rows). */
void ms_cell_u64(char *buf, size_t len, uint64_t v);
void ms_cell_s64(char *buf, size_t len, int64_t v);
void ms_cell_str(char *buf, size_t len, const char *s);

struct ms_table;

/*
 * Fills a cell of column id (index in the command's table) for row; an
 * empty buf means no value (JSON null). SIZE and PFN cells are decimal.
 */
typedef void (*ms_cell_fn)(const struct ms_cli *c, int id, const void *row,
			   char *buf, size_t len);

/* Creates the table; NULL on a bad -o (already reported, exit 2). */
struct ms_table *ms_table_new(const struct ms_cli *c, const char *name,
			      const struct ms_coldesc *descs, size_t ndescs,
			      ms_cell_fn cell);
void ms_table_add_row(struct ms_table *t, const void *row);
/* Prints and frees the table; returns an exit code. */
int ms_table_print(struct ms_table *t);
void ms_table_free(struct ms_table *t);

/* "number", "string", "boolean": the JSON type help and manuals name */
const char *ms_coltype_name(enum ms_coltype type);
/*
 * The JSON Schema of the document -J prints for a table named name with
 * these columns (--output-all selects them all; any may be null).
 */
void ms_columns_schema(FILE *out, const char *name,
		       const struct ms_coldesc *descs, size_t n);

#endif
