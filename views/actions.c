// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Actions from the TUI: hotplug/unplug the dax device over the cursor's
 * section, online/offline its memory block. Each asks first (y confirms,
 * any other key cancels) and is refused under --readonly (and --demo,
 * which is read-only). The action itself is the CLI's command, run by the
 * event loop with the screen suspended (opts->act), so the TUI changes
 * the system exactly as `memscope hotplug dax0.0` would, and shows its
 * report before returning to the map.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui_int.h"

/* The dax device whose /proc/iomem range covers the cursor's section. */
static bool cursor_dax(const struct ms_tui *t, char *buf, size_t len)
{
	const struct ms_section *s = ms_tui_section(&t->data, t->cursor);
	const struct ms_layout *l;
	uint64_t start, end;

	if (!s || !t->data.iomem)
		return false;
	l = t->data.sp->layout;
	start = s->start_pfn << l->page_shift;
	end = start + (s->nr_pages << l->page_shift) - 1;
	for (size_t i = 0; i < t->data.iomem->nr; i++) {
		const struct ms_iomem_range *r = &t->data.iomem->ranges[i];

		if (r->start <= end && r->end >= start && !strncmp(r->name, "dax", 3)) {
			snprintf(buf, len, "%s", r->name);
			return true;
		}
	}
	return false;
}

/* The memory block holding the cursor's section (the Section view's). */
static bool cursor_block(const struct ms_tui *t, char *buf, size_t len)
{
	const struct ms_section_facts *f = ms_tui_facts(&t->data, t->cursor);

	if (!f || !f->block)
		return false;
	snprintf(buf, len, "%" PRIu64, f->block->nr);
	return true;
}

static const struct {
	int key;
	const char *verb;
	bool dax;		/* acts on a dax device, else on a block */
} verbs[] = {
	{ 'H', "hotplug", true }, { 'U', "unplug", true },
	{ 'o', "online", false }, { 'O', "offline", false },
};

int ms_tui_act_ask(struct ms_tui *t, int key)
{
	const char *verb = NULL;
	bool dax = false, found;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		if (verbs[i].key == key) {
			verb = verbs[i].verb;
			dax = verbs[i].dax;
		}
	if (!verb)
		return MS_REDRAW_NONE;
	if (t->opts->readonly) {
		ms_tui_message(t, true, "%s refused: read-only (%s)", verb,
			       t->opts->demo ? "--demo" : "--readonly");
		return MS_REDRAW_STATUS;
	}
	if (!t->opts->act) {
		ms_tui_message(t, true, "%s: no actions on a core file", verb);
		return MS_REDRAW_STATUS;
	}
	found = dax ? cursor_dax(t, t->act_target, sizeof(t->act_target)) :
		      cursor_block(t, t->act_target, sizeof(t->act_target));
	if (!found) {
		ms_tui_message(t, true, "%s: no %s at section %" PRIu64, verb,
			       dax ? "dax device" : "memory block", t->cursor);
		return MS_REDRAW_STATUS;
	}
	snprintf(t->act_verb, sizeof(t->act_verb), "%s", verb);
	t->confirming = true;
	ms_tui_message(t, false, "%s %s%s? y: yes, any other key: no", verb,
		       dax ? "" : "block ", t->act_target);
	return MS_REDRAW_STATUS;
}

int ms_tui_act_answer(struct ms_tui *t, int key)
{
	t->confirming = false;
	if (key != 'y' && key != 'Y') {
		ms_tui_message(t, false, "%s %s cancelled", t->act_verb, t->act_target);
		return MS_REDRAW_STATUS;
	}
	ms_tui_message(t, false, "%s %s ...", t->act_verb, t->act_target);
	return MS_REDRAW_ACT;
}
