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

enum ms_coltype { MS_COL_STRING, MS_COL_NUMBER, MS_COL_BOOLEAN };

struct ms_coldesc {
	const char *name;
	double whint;
	bool right;		/* right-aligned (numbers) */
	bool is_default;
	enum ms_coltype type;
	const char *help;
};

#define MS_MAX_COLUMNS 32

struct ms_table;

/*
 * Fills a cell of column id (index in the command's table) for row; an
 * empty buf means no value (JSON null).
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

#endif
