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

#include "memscope/syspath.h"
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

struct ms_error *ms_iomem_load(const char *sysroot, struct ms_iomem **out)
{
	char path[4096], line[512];
	struct ms_iomem *io;
	bool all_zero = true;
	size_t cap = 0;
	FILE *f;

	ms_syspath(path, sizeof(path), sysroot, "/proc/iomem");
	f = fopen(path, "re");
	if (!f)
		return ms_error_errno(errno, "opening %s", path);
	io = calloc(1, sizeof(*io));
	if (!io) {
		fclose(f);
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	}
	while (fgets(line, sizeof(line), f)) {
		struct ms_iomem_range r;

		if (parse_line(line, &r))
			continue;
		if (io->nr == cap) {
			void *p;

			cap = cap ? cap * 2 : 128;
			p = realloc(io->ranges, cap * sizeof(*io->ranges));
			if (!p) {
				fclose(f);
				ms_iomem_free(io);
				return ms_error_new(MS_ERR_NOMEM, "out of memory");
			}
			io->ranges = p;
		}
		if (r.end)
			all_zero = false;
		io->ranges[io->nr++] = r;
	}
	fclose(f);
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
