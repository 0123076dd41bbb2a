// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memscope map [--svg FILE] [--overlay LIST]: the section map as one
 * self-contained SVG (no scripts, no external references): the TUI's
 * classes, letters and colours (section_class.c) with a legend, under each
 * cell a bar of its active sub-sections (where in the section they lie;
 * the share of them on aggregated cells), white lines where a memory block
 * starts, a black frame and name around each device, the address of every
 * row, and kernel, source and time in the title. Overlays mark cells with
 * the TUI's overlay letters. At most MS_MAP_MAX_CELLS cells (map_cells.c),
 * so the file stays under about a megabyte at 16 TiB. The time is
 * SOURCE_DATE_EPOCH when set (reproducible pictures), else now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "map_cells.h"
#include "memscope/section_marks.h"
#include "vmemmap_fmt.h"

enum { OPT_SVG, OPT_OVERLAY };

const struct ms_cmdopt ms_map_opts[] = {
	[OPT_SVG] = { "svg", true, "write the map as one SVG to FILE (default, or -: stdout)" },
	[OPT_OVERLAY] = { "overlay", true, "mark cells: vmemmap (+), compound (U V T S C), deferred (~), pins (*)" },
	{ NULL, false, NULL },
};

#define CELL 18		/* cell width and height */
#define BAR 4		/* the sub-section bar under a cell */
#define LABEL_ROW 24	/* above each row: device names, on two lines */
#define PITCH (LABEL_ROW + CELL + BAR + 3)
#define LEFT 118	/* address labels */
#define CHAR_W 7	/* an 11px monospace character, near enough */

struct svg {
	FILE *out;
	const struct ms_map *m;
	const char *release, *source;
	unsigned int per_row;
	int top;	/* below the title and the legend */
	int width;
};

/* Text for XML: & < > " escaped, control characters dropped. */
static void xml(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				fputc(*s, out);
		}
	}
}

static void style(FILE *out)
{
	fputs("<style>\n", out);
	for (int k = 0; k < MS_CLASS_NR; k++)
		fprintf(out, ".c%c{fill:#%06x}\n", ms_section_class_info(k)->letter == '.' ?
			'A' : ms_section_class_info(k)->letter,
			ms_section_class_info(k)->rgb);
	fputs(".bar{fill:#303030} .bg{fill:#d8d8d8} .blk{stroke:#ffffff;stroke-width:1}\n"
	      ".dev{fill:none;stroke:#000000;stroke-width:2}\n"
	      "text{font-family:DejaVu Sans Mono,monospace;font-size:11px;fill:#000000}\n"
	      ".cell .ov{fill:#ffffff} .ovb{fill:#b00000}\n"
	      ".t{font-size:14px;font-weight:bold} .l{fill:#ffffff;text-anchor:middle}\n"
	      ".ov{fill:#c00000;font-weight:bold;font-size:9px}\n"
	      "</style>\n", out);
}

/* "cE" for early boot: the class attribute of a class's shapes */
static char class_key(enum ms_section_class k)
{
	char l = ms_section_class_info(k)->letter;

	return l == '.' ? 'A' : l;
}

static void when(char *buf, size_t len)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t now = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void title(struct svg *s)
{
	char t[32];

	when(t, sizeof(t));
	fputs("<title>memscope map: ", s->out);
	xml(s->out, s->release);
	fputs(", ", s->out);
	xml(s->out, s->source);
	fprintf(s->out, ", %s</title>\n", t);
}

static void title_text(struct svg *s)
{
	char t[32], sz[32];

	when(t, sizeof(t));
	fputs("<text class=\"t\" x=\"8\" y=\"18\">memscope map  ", s->out);
	xml(s->out, s->release);
	fputs("  ", s->out);
	xml(s->out, s->source);
	fprintf(s->out, "  <tspan id=\"time\">%s</tspan></text>\n", t);
	ms_size_format(s->m->section_bytes, sz, sizeof(sz));
	fprintf(s->out, "<text x=\"8\" y=\"36\">sections 0-%" PRIu64 ", %s each",
		s->m->nr_sections ? s->m->nr_sections - 1 : 0, sz);
	if (s->m->group > 1) {
		ms_size_format(s->m->section_bytes * s->m->group, sz, sizeof(sz));
		fprintf(s->out, "; a cell is %u sections (%s), coloured by the most common class",
			s->m->group, sz);
	}
	fprintf(s->out, "; %u per row; bar: active sub-sections; white line: a memory block starts</text>\n",
		s->per_row);
}

static void legend(struct svg *s)
{
	static const char *const overlays[] = {
		"+ vmemmap: struct pages on shared vmemmap frames",
		"U V T S C compound pages: HugeTLB, devdax, THP, slab, other",
		"~ deferred: struct pages awaiting deferred init",
		"* pins: a large folio with _pincount > 0",
	};
	int x = 8, y = 44;

	fputs("<g id=\"legend\">\n", s->out);
	for (int k = 0; k < MS_CLASS_NR; k++) {
		const struct ms_section_class_info *in = ms_section_class_info(k);
		char text[64];
		int len = snprintf(text, sizeof(text), "%c %s: %" PRIu64, in->letter,
				   in->name, s->m->counts[k]);

		if (x > 8 && x + CELL + 4 + len * CHAR_W > s->width - 8) {
			x = 8;
			y += CELL + 4;
		}
		fprintf(s->out, "<rect class=\"c%c legend\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
			class_key(k), x, y, CELL, CELL);
		fprintf(s->out, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + CELL + 4,
			y + CELL - 5, text);
		x += CELL + 4 + (len + 3) * CHAR_W;
	}
	y += CELL + 4;
	for (int i = 0; i < 4; i++) {
		if (!(s->m->overlays & (1U << i)))
			continue;
		fprintf(s->out, "<text class=\"ov legend\" x=\"8\" y=\"%d\">overlay %s</text>\n",
			y + 10, overlays[i]);
		y += 14;
	}
	fputs("</g>\n", s->out);
	s->top = y + 4;
}

static int cell_x(const struct svg *s, uint64_t i)
{
	return LEFT + (int)(i % s->per_row) * CELL;
}

static int cell_y(const struct svg *s, uint64_t i)
{
	return s->top + (int)(i / s->per_row) * PITCH + LABEL_ROW;
}

/* Runs of active sub-sections, or the active share on aggregated cells. */
static void bar(struct svg *s, const struct ms_map_cell *c, int x, int y)
{
	unsigned int n = s->m->per_section;

	fprintf(s->out, "<rect class=\"bg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
		x, y, CELL, BAR);
	if (s->m->group > 1 || !n) {
		if (c->active)
			fprintf(s->out, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>",
				x, y, (double)CELL * (double)c->active / (double)c->subsections, BAR);
		return;
	}
	for (unsigned int i = 0; i < n;) {
		unsigned int j = i;
		bool on = c->subsection_map[i / 64] & (1ULL << (i % 64));

		while (j < n && !!(c->subsection_map[j / 64] & (1ULL << (j % 64))) == on)
			j++;
		if (on)
			fprintf(s->out, "<rect class=\"bar\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>",
				x + (double)CELL * i / n, y, (double)CELL * (j - i) / n, BAR);
		i = j;
	}
}

static void overlay_text(struct svg *s, const struct ms_map_cell *c, int x, int y)
{
	char t[8];
	size_t n = 0;

	if ((s->m->overlays & MS_MAP_OV_VMEMMAP) && c->shared)
		t[n++] = '+';
	if ((s->m->overlays & MS_MAP_OV_COMPOUND) && ms_section_mark_compound(c->marks))
		t[n++] = ms_section_mark_compound(c->marks);
	if ((s->m->overlays & MS_MAP_OV_DEFERRED) && c->deferred)
		t[n++] = '~';
	if ((s->m->overlays & MS_MAP_OV_PINS) && (c->marks & MS_MARK_PIN))
		t[n++] = '*';
	t[n] = '\0';
	if (n)
		fprintf(s->out, "<rect class=\"ovb\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"9\"/>"
			"<text class=\"ov\" x=\"%d\" y=\"%d\">%s</text>", x, y,
			(int)n * 6 + 2, x + 1, y + 8, t);
}

static void cell(struct svg *s, uint64_t i)
{
	const struct ms_map_cell *c = &s->m->cells[i];
	const struct ms_section_class_info *in = ms_section_class_info(c->cls);
	uint64_t first = i * s->m->group;
	uint64_t start = first * s->m->section_bytes;
	uint64_t end = start + s->m->group * s->m->section_bytes - 1;
	int x = cell_x(s, i), y = cell_y(s, i);
	bool partial = c->present && c->active < c->subsections;

	fprintf(s->out, "<g class=\"cell\"><title>section%s %" PRIu64, s->m->group > 1 ? "s" : "",
		first);
	if (s->m->group > 1)
		fprintf(s->out, "-%" PRIu64, first + s->m->group - 1);
	fprintf(s->out, " 0x%" PRIx64 "-0x%" PRIx64 " %s", start, end, in->name);
	if (c->present)
		fprintf(s->out, " %" PRIu64 "/%" PRIu64 " sub-sections", c->active,
			c->subsections);
	if (c->block >= 0)
		fprintf(s->out, " block %" PRId64, c->block);
	fprintf(s->out, "</title><rect class=\"c%c\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
		class_key(c->cls), x, y, CELL, CELL);
	if (c->present)
		fprintf(s->out, "<text class=\"l\" x=\"%d\" y=\"%d\">%c</text>", x + CELL / 2,
			y + CELL - 5, partial ? in->letter - 'A' + 'a' : in->letter);
	bar(s, c, x, y + CELL + 1);
	overlay_text(s, c, x, y);
	fputs("</g>\n", s->out);
}

/* A white line where a memory block starts, unless the row starts there. */
static void block_lines(struct svg *s)
{
	fputs("<g id=\"blocks\">\n", s->out);
	for (uint64_t i = 1; i < s->m->nr_cells; i++) {
		const struct ms_map_cell *c = &s->m->cells[i], *p = c - 1;

		if (c->block < 0 || c->block == p->block || i % s->per_row == 0)
			continue;
		fprintf(s->out, "<line class=\"blk\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
			cell_x(s, i), cell_y(s, i), cell_x(s, i), cell_y(s, i) + CELL);
	}
	fputs("</g>\n", s->out);
}

/* A frame per row the device spans, its name over the first. */
static void devices(struct svg *s)
{
	fputs("<g id=\"devices\">\n", s->out);
	for (size_t d = 0; d < s->m->nr_devices; d++) {
		const struct ms_map_device *dev = &s->m->devices[d];

		fputs("<g class=\"device\">", s->out);
		for (uint64_t i = dev->first; i <= dev->last;) {
			uint64_t row_end = (i / s->per_row + 1) * s->per_row - 1;
			uint64_t j = dev->last < row_end ? dev->last : row_end;

			fprintf(s->out, "<rect class=\"dev\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
				cell_x(s, i), cell_y(s, i), (int)(j - i + 1) * CELL, CELL + BAR + 1);
			i = j + 1;
		}
		/* alternate lines, so names of small neighbours do not collide */
		fprintf(s->out, "<text x=\"%d\" y=\"%d\">", cell_x(s, dev->first) + 1,
			cell_y(s, dev->first) - 3 - (d % 2 ? 11 : 0));
		xml(s->out, dev->name);
		fputs("</text></g>\n", s->out);
	}
	fputs("</g>\n", s->out);
}

/*
 * The legend sets the top of the rows, and the height must be known first:
 * the legend is rendered into memory, then the document around it.
 */
static void render(struct svg *s)
{
	uint64_t rows = (s->m->nr_cells + s->per_row - 1) / s->per_row;
	FILE *out = s->out;
	char *leg = NULL;
	size_t len = 0;
	int h;

	s->width = LEFT + (int)s->per_row * CELL + 8;
	if (s->width < 900)
		s->width = 900;
	s->out = open_memstream(&leg, &len);
	if (!s->out)
		s->out = out;	/* no memory: a legend-less top, still valid */
	else
		legend(s);
	if (s->out != out)
		fclose(s->out);
	s->out = out;
	if (!leg)
		s->top = 44;
	h = s->top + (int)rows * PITCH + 8;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		s->width, h, s->width, h);
	title(s);
	style(out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		s->width, h);
	title_text(s);
	if (leg)
		fwrite(leg, 1, len, out);
	free(leg);
	fputs("<g id=\"rows\">\n", out);
	for (uint64_t r = 0; r < rows; r++)
		fprintf(out, "<text x=\"8\" y=\"%d\">0x%012" PRIx64 "</text>\n",
			cell_y(s, r * s->per_row) + CELL - 5,
			r * s->per_row * s->m->group * s->m->section_bytes);
	fputs("</g>\n<g id=\"cells\">\n", out);
	for (uint64_t i = 0; i < s->m->nr_cells; i++)
		cell(s, i);
	fputs("</g>\n", out);
	block_lines(s);
	devices(s);
	fputs("</svg>\n", out);
}

void ms_map_svg_write(FILE *out, const struct ms_map *m, const char *release,
		      const char *source)
{
	struct svg s = { .out = out, .m = m, .release = release,
			 .source = source,
			 .per_row = m->nr_cells > 512 ? 64 : 32 };

	render(&s);
}

/* The file is the user's to name; not through a link left in its place. */
static FILE *open_out(const char *path)
{
	int fd;
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int ms_cmd_map(struct ms_cli *c, int argc, char **argv)
{
	const char *path = c->opt[OPT_SVG];
	FILE *out;
	unsigned int overlays = 0;
	struct ms_error *err;
	struct ms_map m;
	int rc = MS_EXIT_OK;

	if (argc > 1)
		return ms_cli_usage_error("map takes no arguments");
	if (ms_map_overlays_parse(c->opt[OPT_OVERLAY], &overlays))
		return MS_EXIT_USAGE;
	err = ms_map_build(c, overlays, &m);
	if (err)
		return ms_cli_fail(err);
	out = open_out(path);
	if (!out) {
		ms_map_free(&m);
		return ms_cli_fail(ms_error_errno(errno, "%s", path));
	}
	ms_map_svg_write(out, &m, c->sparse->layout->release,
			 ms_target_path(c->target));
	if (out != stdout && (ferror(out) | fclose(out)))
		rc = ms_cli_fail(ms_error_errno(errno, "%s", path));
	ms_map_free(&m);
	return rc;
}
