// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory blocks from /sys/devices/system/memory, read the way lsmem reads
 * them so that the two agree: state, valid_zones (names joined by '/'),
 * removable, and the node link.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memscope/syspath.h"
#include "memscope/sysfs.h"

#define MEMORY_DIR "/sys/devices/system/memory"

/* lsmem spells zone names this way, whatever case sysfs uses. */
static const char *const zone_spellings[] = {
	"DMA", "DMA32", "Normal", "Highmem", "Movable", "Device", "None",
};

static const char *zone_spelling(const char *word)
{
	for (size_t i = 0; i < sizeof(zone_spellings) / sizeof(*zone_spellings); i++)
		if (!strcasecmp(word, zone_spellings[i]))
			return zone_spellings[i];
	return "Unknown";
}

static void format_zones(const char *valid_zones, char *out, size_t len)
{
	char copy[256], *save = NULL, *word;
	size_t used = 0;

	snprintf(copy, sizeof(copy), "%s", valid_zones);
	out[0] = '\0';
	for (word = strtok_r(copy, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save))
		used += snprintf(out + used, used < len ? len - used : 0,
				 "%s%s", used ? "/" : "", zone_spelling(word));
}

static int block_node(const char *dir)
{
	struct dirent *de;
	int nid = -1;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "node", 4) && isdigit(de->d_name[4])) {
			nid = atoi(de->d_name + 4);
			break;
		}
	}
	closedir(d);
	return nid;
}

static struct ms_error *block_read(const char *root, uint64_t nr,
				   uint64_t block_size, struct ms_block *b)
{
	char dir[4200], path[4400], val[256];
	int ret;

	snprintf(dir, sizeof(dir), "%s/memory%" PRIu64, root, nr);
	b->nr = nr;
	b->size = block_size;
	snprintf(path, sizeof(path), "%s/phys_index", dir);
	ret = ms_read_text(path, val, sizeof(val));
	if (ret)
		return ms_error_errno(-ret, "reading %s", path);
	b->start = strtoull(val, NULL, 16) * block_size;

	snprintf(path, sizeof(path), "%s/state", dir);
	ret = ms_read_text(path, b->state, sizeof(b->state));
	if (ret)
		return ms_error_errno(-ret, "reading %s", path);

	snprintf(path, sizeof(path), "%s/valid_zones", dir);
	if (!ms_read_text(path, val, sizeof(val)))
		format_zones(val, b->zones, sizeof(b->zones));

	snprintf(path, sizeof(path), "%s/removable", dir);
	if (!ms_read_text(path, val, sizeof(val))) {
		b->has_removable = true;
		b->removable = atoi(val) != 0;
	}
	b->nid = block_node(dir);
	b->memmap_on_memory = -1;
	return NULL;
}

static int block_cmp(const void *a, const void *b)
{
	const struct ms_block *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static struct ms_error *blocks_scan(const char *root, struct ms_blocks *bl)
{
	struct ms_error *err = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(root);
	if (!d)
		return ms_error_errno(errno, "opening %s", root);
	while (!err && (de = readdir(d))) {
		char *end;
		uint64_t nr;

		if (strncmp(de->d_name, "memory", 6) || !isdigit(de->d_name[6]))
			continue;
		nr = strtoull(de->d_name + 6, &end, 10);
		if (*end)
			continue;
		if (bl->nr == cap) {
			void *p;

			cap = cap ? cap * 2 : 64;
			p = realloc(bl->blocks, cap * sizeof(*bl->blocks));
			if (!p) {
				err = ms_error_new(MS_ERR_NOMEM, "out of memory");
				break;
			}
			bl->blocks = p;
		}
		memset(&bl->blocks[bl->nr], 0, sizeof(*bl->blocks));
		err = block_read(root, nr, bl->block_size, &bl->blocks[bl->nr]);
		if (!err)
			bl->nr++;
	}
	closedir(d);
	return err;
}

struct ms_error *ms_blocks_load(const char *sysroot, struct ms_blocks **out)
{
	char root[4096], path[4200], val[64];
	struct ms_blocks *bl;
	struct ms_error *err;
	int ret;

	ms_syspath(root, sizeof(root), sysroot, MEMORY_DIR);
	snprintf(path, sizeof(path), "%s/block_size_bytes", root);
	ret = ms_read_text(path, val, sizeof(val));
	if (ret)
		return ms_error_errno(-ret, "reading %s (no memory hotplug support?)",
				      path);
	bl = calloc(1, sizeof(*bl));
	if (!bl)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	bl->block_size = strtoull(val, NULL, 16);
	if (!bl->block_size) {
		free(bl);
		return ms_error_new(MS_ERR_FORMAT, "%s: bad block size '%s'",
				    path, val);
	}
	err = blocks_scan(root, bl);
	if (err) {
		ms_blocks_free(bl);
		return err;
	}
	qsort(bl->blocks, bl->nr, sizeof(*bl->blocks), block_cmp);
	*out = bl;
	return NULL;
}

void ms_blocks_free(struct ms_blocks *bl)
{
	if (!bl)
		return;
	free(bl->blocks);
	free(bl);
}

const struct ms_block *ms_blocks_find(const struct ms_blocks *bl,
				      uint64_t paddr)
{
	size_t lo = 0, hi = bl->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ms_block *b = &bl->blocks[mid];

		if (paddr < b->start)
			hi = mid;
		else if (paddr >= b->start + b->size)
			lo = mid + 1;
		else
			return b;
	}
	return NULL;
}
