// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TUI's data: the sparse model, memory blocks and /proc/iomem, reloaded
 * on each refresh, and one map cell per section number up to the last
 * present one (memory proportional to sections, never to pages). Cells
 * that changed since the previous refresh are marked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/ksysfs.h"
#include "tui_int.h"

const int ms_cell_roles[MS_CELL_NR] = {
	[MS_CELL_EARLY] = MS_ROLE_EARLY,
	[MS_CELL_HOTADDED] = MS_ROLE_HOTADDED,
	[MS_CELL_KMEM] = MS_ROLE_HOTADDED,
	[MS_CELL_ONLINE] = MS_ROLE_ONLINE,
	[MS_CELL_OFFLINE] = MS_ROLE_OFFLINE,
	[MS_CELL_DEVICE] = MS_ROLE_DEVICE,
	[MS_CELL_ABSENT] = MS_ROLE_ABSENT,
};

const struct ms_section *ms_tui_section(const struct ms_tui_data *d,
					uint64_t nr)
{
	if (!d->sp || nr >= d->nr_cells || d->cells[nr].idx < 0)
		return NULL;
	return &d->sp->sections[d->cells[nr].idx];
}

const struct ms_section_facts *ms_tui_facts(const struct ms_tui_data *d,
					    uint64_t nr)
{
	const struct ms_section *s = ms_tui_section(d, nr);

	return s ? ms_facts_section(&d->facts, s) : NULL;
}

/* The class is decided in one place for the CLI and the TUI (facts.c);
 * a map cell is its class. */
static struct ms_error *build_cells(struct ms_tui_data *d,
				    const struct ms_facts *f)
{
	const struct ms_sparse *sp = f->sp;
	uint64_t n = sp->nr_sections ? sp->sections[sp->nr_sections - 1].nr + 1 : 0;
	struct ms_cell *cells = calloc(n ? n : 1, sizeof(*cells));

	if (!cells)
		return ms_error_new(MS_ERR_NOMEM, "map of %llu sections",
				    (unsigned long long)n);
	for (uint64_t i = 0; i < n; i++)
		cells[i] = (struct ms_cell){ MS_CELL_ABSENT, 0, 0, -1 };
	for (size_t i = 0; i < sp->nr_sections; i++) {
		const struct ms_section *s = &sp->sections[i];

		cells[s->nr].state = (enum ms_cell_state)f->sections[i].cls;
		cells[s->nr].active = s->active;
		cells[s->nr].idx = (int32_t)i;
	}
	memset(d->counts, 0, sizeof(d->counts));
	d->nr_partial = d->nr_changed = 0;
	d->per_section = sp->layout->subsections_per_section;
	for (uint64_t i = 0; i < n; i++) {
		struct ms_cell *c = &cells[i];

		d->counts[c->state]++;
		if (c->idx >= 0 && c->active < d->per_section)
			d->nr_partial++;
		/* a first load has nothing to compare with */
		if (d->cells) {
			const struct ms_cell *o = i < d->nr_cells ? &d->cells[i] : NULL;

			c->changed = o ? o->state != c->state || o->active != c->active :
					 c->state != MS_CELL_ABSENT;
			d->nr_changed += c->changed;
		}
	}
	free(d->cells);
	d->cells = cells;
	d->nr_cells = n;
	return NULL;
}

/*
 * The Devices view does without pgmaps (it says why); the vmemmap overlay
 * cannot, so there a failure fails the refresh.
 */
static struct ms_error *load_pgmaps(struct ms_tui_data *d,
				    const struct ms_tui_opts *o,
				    const struct ms_sparse *sp,
				    const struct ms_blocks *bl,
				    struct ms_pgmaps **pm)
{
	struct ms_error *err = ms_pgmap_load(o->target, o->kinfo, sp, pm);

	if (!err && ms_pgmaps_missing(sp, bl, *pm)) {
		err = ms_error_new(MS_ERR_FORMAT, "the source holds no pgmaps for its %zu ZONE_DEVICE sections (a snapshot taken before pgmap capture?)",
				   ms_pgmaps_missing(sp, bl, *pm));
		ms_pgmaps_free(*pm);
		*pm = NULL;
	}
	d->pgmap_msg[0] = '\0';
	if (!err || d->want_vmemmap)
		return err;
	snprintf(d->pgmap_msg, sizeof(d->pgmap_msg), "%.*s",
		 (int)sizeof(d->pgmap_msg) - 1, err->msg);
	ms_error_free(err);
	return NULL;
}

/*
 * The Deferred view reads each node's deferrable zone of struct pages (what
 * the deferred command reads); a failure is said in the view.
 */
static void load_deferred(struct ms_tui_data *d, const struct ms_tui_opts *o,
			  const struct ms_sparse *sp, struct ms_deferred **df)
{
	struct ms_error *err = ms_deferred_load(o->target, o->kinfo, sp, NULL, df);

	d->deferred_msg[0] = '\0';
	if (!err)
		return;
	snprintf(d->deferred_msg, sizeof(d->deferred_msg), "%.*s",
		 (int)sizeof(d->deferred_msg) - 1, err->msg);
	ms_error_free(err);
}

/*
 * Blocks and iomem come from sysfs, or for a core file from kernel memory
 * where its files lack them.
 * On any failure the previous data stays and the error is returned for
 * the status bar.
 */
struct ms_error *ms_tui_data_reload(struct ms_tui_data *d,
				    const struct ms_tui_opts *o,
				    struct ms_sparse *sp)
{
	struct ms_sysfs_source src = {
		.fs = o->fs, .core = o->core,
		.t = o->target, .ki = o->kinfo,
	};
	struct ms_blocks *bl = NULL;
	struct ms_iomem *io = NULL;
	struct ms_pgmaps *pm = NULL;
	struct ms_vmemmap *vm = NULL;
	struct ms_deferred *df = NULL;
	struct ms_facts facts = { 0 };
	struct ms_error *err = NULL;

	if (!sp)
		err = ms_sparse_load(o->target, o->kinfo, &sp);
	src.sp = sp;
	if (!err)
		err = ms_blocks_open(&src, &bl);
	/* iomem only names ranges: without it the views still work, and say why */
	if (!err) {
		struct ms_error *ierr = ms_iomem_open(&src, &io);

		d->iomem_msg[0] = '\0';
		if (ierr)
			snprintf(d->iomem_msg, sizeof(d->iomem_msg), "%.*s",
				 (int)sizeof(d->iomem_msg) - 1, ierr->msg);
		ms_error_free(ierr);
	}
	/* the vmemmap walk is the costly part: only while an overlay shows it */
	if (!err && (d->want_vmemmap || d->want_pgmaps))
		err = load_pgmaps(d, o, sp, bl, &pm);
	if (!err && d->want_vmemmap)
		err = ms_vmemmap_load(o->target, o->kinfo, sp, pm, &vm);
	if (!err && d->want_deferred)
		load_deferred(d, o, sp, &df);
	if (!err)
		err = ms_facts_build(sp, bl, io, &facts);
	if (!err)
		err = build_cells(d, &facts);
	if (err) {
		ms_facts_release(&facts);
		ms_sparse_free(sp);
		ms_blocks_free(bl);
		ms_iomem_free(io);
		ms_vmemmap_free(vm);
		ms_pgmaps_free(pm);
		ms_deferred_free(df);
		return err;
	}
	ms_tui_data_drop(d);
	d->sp = sp;
	d->blocks = bl;
	d->iomem = io;
	d->pgmaps = pm;
	d->vm = vm;
	d->deferred = df;
	d->facts = facts;
	return NULL;
}

/* Frees the models, keeps the cells (the next refresh compares with them). */
void ms_tui_data_drop(struct ms_tui_data *d)
{
	ms_facts_release(&d->facts);
	ms_sparse_free(d->sp);
	ms_blocks_free(d->blocks);
	ms_iomem_free(d->iomem);
	ms_vmemmap_free(d->vm);
	ms_pgmaps_free(d->pgmaps);
	ms_deferred_free(d->deferred);
	d->deferred = NULL;
	d->sp = NULL;
	d->blocks = NULL;
	d->iomem = NULL;
	d->vm = NULL;
	d->pgmaps = NULL;
}

void ms_tui_data_free(struct ms_tui_data *d)
{
	ms_tui_data_drop(d);
	free(d->marks);
	free(d->cells);
	memset(d, 0, sizeof(*d));
}
