// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory blocks from /sys/devices/system/memory, read the way lsmem reads
 * them so that the two agree: state, valid_zones (names joined by '/'),
 * removable, and the node link.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memscope/array.h"
#include "memscope/fs.h"
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

static int node_entry(void *arg, const char *name, enum ms_fs_kind kind)
{
	int *nid = arg;

	if (strncmp(name, "node", 4) || !isdigit((unsigned char)name[4]))
		return 0;
	*nid = atoi(name + 4);
	return 1;
}

/* The block's node is the name of its nodeN link (never followed). */
static int block_node(const struct ms_fs *fs, const char *dir)
{
	int nid = -1;

	ms_fs_list(fs, dir, node_entry, &nid);
	return nid;
}

static struct ms_error *read_error(const struct ms_fs *fs, const char *path,
				   int ret, const char *why)
{
	char name[4400];

	ms_fs_name(fs, path, name, sizeof(name));
	return ms_error_errno(-ret, "reading %s%s", name, why);
}

static struct ms_error *block_read(const struct ms_fs *fs, uint64_t nr,
				   uint64_t block_size, struct ms_block *b)
{
	char dir[256], path[320], val[256];
	int ret;

	snprintf(dir, sizeof(dir), MEMORY_DIR "/memory%" PRIu64, nr);
	b->nr = nr;
	b->size = block_size;
	snprintf(path, sizeof(path), "%s/phys_index", dir);
	ret = ms_fs_read_text(fs, path, val, sizeof(val));
	if (ret)
		return read_error(fs, path, ret, "");
	b->start = strtoull(val, NULL, 16) * block_size;

	snprintf(path, sizeof(path), "%s/state", dir);
	ret = ms_fs_read_text(fs, path, b->state, sizeof(b->state));
	if (ret)
		return read_error(fs, path, ret, "");

	snprintf(path, sizeof(path), "%s/valid_zones", dir);
	if (!ms_fs_read_text(fs, path, val, sizeof(val)))
		format_zones(val, b->zones, sizeof(b->zones));

	snprintf(path, sizeof(path), "%s/removable", dir);
	if (!ms_fs_read_text(fs, path, val, sizeof(val))) {
		b->has_removable = true;
		b->removable = atoi(val) != 0;
	}
	b->nid = block_node(fs, dir);
	b->memmap_on_memory = -1;
	return NULL;
}

static int block_cmp(const void *a, const void *b)
{
	const struct ms_block *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

struct scan {
	const struct ms_fs *fs;
	struct ms_blocks *bl;
	size_t cap;
	struct ms_error *err;
};

static int block_entry(void *arg, const char *name, enum ms_fs_kind kind)
{
	struct scan *sc = arg;
	struct ms_blocks *bl = sc->bl;
	char *end;
	uint64_t nr;

	if (strncmp(name, "memory", 6) || !isdigit((unsigned char)name[6]))
		return 0;
	nr = strtoull(name + 6, &end, 10);
	if (*end)
		return 0;
	if (bl->nr == sc->cap) {
		void *p = ms_array_grow(bl->blocks, &sc->cap, sizeof(*bl->blocks), 64);

		if (!p) {
			sc->err = ms_error_new(MS_ERR_NOMEM, "out of memory");
			return 1;
		}
		bl->blocks = p;
	}
	memset(&bl->blocks[bl->nr], 0, sizeof(*bl->blocks));
	sc->err = block_read(sc->fs, nr, bl->block_size, &bl->blocks[bl->nr]);
	if (sc->err)
		return 1;
	bl->nr++;
	return 0;
}

static struct ms_error *blocks_scan(const struct ms_fs *fs, struct ms_blocks *bl)
{
	struct scan sc = { .fs = fs, .bl = bl };
	int ret = ms_fs_list(fs, MEMORY_DIR, block_entry, &sc);

	if (sc.err)
		return sc.err;
	if (ret < 0) {
		char name[4400];

		ms_fs_name(fs, MEMORY_DIR, name, sizeof(name));
		return ms_error_errno(-ret, "opening %s", name);
	}
	return NULL;
}

struct ms_error *ms_blocks_load(const struct ms_fs *fs, struct ms_blocks **out)
{
	const char *path = MEMORY_DIR "/block_size_bytes";
	struct ms_blocks *bl;
	struct ms_error *err;
	char val[64], name[4400];
	int ret;

	ret = ms_fs_read_text(fs, path, val, sizeof(val));
	if (ret)
		return read_error(fs, path, ret, " (no memory hotplug support?)");
	bl = calloc(1, sizeof(*bl));
	if (!bl)
		return ms_error_new(MS_ERR_NOMEM, "out of memory");
	bl->block_size = strtoull(val, NULL, 16);
	if (!bl->block_size) {
		free(bl);
		ms_fs_name(fs, path, name, sizeof(name));
		return ms_error_new(MS_ERR_FORMAT, "%s: bad block size '%s'",
				    name, val);
	}
	err = blocks_scan(fs, bl);
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
