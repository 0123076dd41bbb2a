// SPDX-License-Identifier: GPL-2.0-or-later
/* Prometheus/OpenMetrics families (see prom.h). */
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "prom.h"

#define MS_PROM_LABELS 512

struct ms_prom_series {
	char labels[MS_PROM_LABELS];	/* node="0",zone="DMA32", escaped */
	double v;
};

/* Label values escape the quote too; HELP text only \\ and newline. */
static void escape(const char *in, char *out, size_t len, bool quote)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\\' || (quote && *in == '"')) {
			out[o++] = '\\';
			out[o++] = *in;
		} else if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

void ms_prom_escape(const char *in, char *out, size_t len)
{
	escape(in, out, len, true);
}

static void format_labels(char *buf, size_t len, va_list ap)
{
	const char *name;
	size_t used = 0;

	buf[0] = '\0';
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		char esc[MS_PROM_LABELS / 2];

		ms_prom_escape(value ? value : "", esc, sizeof(esc));
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s=\"%s\"", used ? "," : "", name, esc);
	}
}

void ms_prom_add(struct ms_prom_family *f, double v, ...)
{
	char labels[MS_PROM_LABELS];
	va_list ap;

	va_start(ap, v);
	format_labels(labels, sizeof(labels), ap);
	va_end(ap);
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->s[i].labels, labels)) {
			f->s[i].v += v;
			return;
		}
	}
	if (f->n == f->cap) {
		struct ms_prom_series *s = ms_array_grow(f->s, &f->cap,
							 sizeof(*s), 16);

		if (!s) {
			f->failed = 1;
			return;
		}
		f->s = s;
	}
	snprintf(f->s[f->n].labels, MS_PROM_LABELS, "%s", labels);
	f->s[f->n++].v = v;
}

static void write_value(FILE *out, double v)
{
	/* counts and bytes print as integers; exact below 2^53 */
	if (v >= 0 && v < 9007199254740992.0 && (double)(uint64_t)v == v)
		fprintf(out, "%.0f\n", v);
	else
		fprintf(out, "%.9g\n", v);
}

void ms_prom_write(FILE *out, const struct ms_prom_family *f)
{
	char help[512];

	if (!f->n || f->failed)
		return;
	escape(f->help, help, sizeof(help), false);
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", f->name, help, f->name);
	for (size_t i = 0; i < f->n; i++) {
		if (f->s[i].labels[0])
			fprintf(out, "%s{%s} ", f->name, f->s[i].labels);
		else
			fprintf(out, "%s ", f->name);
		write_value(out, f->s[i].v);
	}
}

void ms_prom_free(struct ms_prom_family *f)
{
	free(f->s);
	f->s = NULL;
	f->n = f->cap = 0;
}
