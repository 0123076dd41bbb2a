// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/iomem: names what each physical range belongs to (System RAM,
 * Persistent Memory, namespaceX.Y, daxX.Y, hot-added ranges). Without root
 * the kernel prints every address as zero, which is reported rather than
 * silently giving wrong owners.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/array.h"
#include "memscope/sysfs.h"

static int parse_line(const char *line, struct ms_iomem_range *r)
{
	const char *p = line;
	char *end;
	size_t len;

	while (*p == ' ')
		p++;
	r->depth = (int)(p - line) / 2;
	r->start = strtoull(p, &end, 16);
	if (*end != '-')
		return -1;
	r->end = strtoull(end + 1, &end, 16);
	if (strncmp(end, " : ", 3))
		return -1;
	snprintf(r->name, sizeof(r->name), "%s", end + 3);
	len = strlen(r->name);
	if (len && r->name[len - 1] == '\n')
		r->name[len - 1] = '\0';
	return 0;
}

/* /proc/iomem is some 10 KB; a file far larger is not one. */
#define MAX_IOMEM (16u << 20)

struct ms_error *ms_iomem_load(const struct ms_fs *fs, struct ms_iomem **out)
{
	char path[4096], line[512], *text, *next;
	struct ms_iomem *io;
	bool all_zero = true;
	size_t cap = 0, len;
	int ret;

	ms_fs_name(fs, "/proc/iomem", path, sizeof(path));
	ret = ms_fs_read(fs, "/proc/iomem", MAX_IOMEM, &text, &len);
	if (ret)
		return ms_error_errno(-ret, "opening %s", path);
	io = calloc(1, sizeof(*io));
	if (!io) {
		free(text);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	for (char *l = text; *l; l = next) {
		struct ms_iomem_range r;
		size_t n = strcspn(l, "\n");

		next = l[n] ? l + n + 1 : l + n;
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (parse_line(line, &r))
			continue;
		if (io->nr == cap) {
			void *p = ms_array_grow(io->ranges, &cap, sizeof(*io->ranges), 128);

			if (!p) {
				free(text);
				ms_iomem_free(io);
				return ms_error_new(MS_ERR_NOMEM, "out of memory");
			}
			io->ranges = p;
		}
		if (r.end)
			all_zero = false;
		io->ranges[io->nr++] = r;
	}
	free(text);
	if (io->nr && all_zero) {
		ms_iomem_free(io);
		return ms_error_new(MS_ERR_PERM,
				    "%s shows no addresses (run as root)", path);
	}
	*out = io;
	return NULL;
}

void ms_iomem_free(struct ms_iomem *io)
{
	if (!io)
		return;
	free(io->ranges);
	free(io);
}

/*
 * Names that say who owns memory; everything else (Kernel code, Reserved,
 * PCI Bus, ACPI tables, ...) describes a use inside an owner.
 */
static bool owner_name(const char *name)
{
	static const char *const prefixes[] = {
		"System RAM", "Persistent Memory", "namespace", "dax",
		"Soft Reserved", "CXL Window", "region", "Device Memory",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

const char *ms_iomem_owner(const struct ms_iomem *io, uint64_t start,
			   uint64_t end)
{
	const char *best = NULL;
	uint64_t best_overlap = 0;
	int best_depth = -1;

	if (!io)
		return NULL;
	for (size_t i = 0; i < io->nr; i++) {
		const struct ms_iomem_range *r = &io->ranges[i];

		uint64_t overlap;

		if (r->end < start || r->start > end || !owner_name(r->name))
			continue;
		/* deepest wins; at equal depth, the one covering more */
		overlap = (r->end < end ? r->end : end) -
			  (r->start > start ? r->start : start);
		if (r->depth > best_depth ||
		    (r->depth == best_depth && overlap > best_overlap)) {
			best = r->name;
			best_depth = r->depth;
			best_overlap = overlap;
		}
	}
	return best;
}
