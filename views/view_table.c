// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The views by id: the frame (tui.c), the keys and the dump find a view
 * here. It names the views and nothing else, so the key table reaches the
 * views without the views reaching back (tests/check-circles).
 */
#include "tui_int.h"

static const struct ms_view *const views[MS_VIEW_NR] = {
	[MS_VIEW_MAP] = &ms_view_map,
	[MS_VIEW_SECTION] = &ms_view_section,
	[MS_VIEW_DEVICES] = &ms_view_devices,
	[MS_VIEW_DEFERRED] = &ms_view_deferred,
	[MS_VIEW_HELP] = &ms_view_help,
	[MS_VIEW_PAGES] = &ms_view_pages,
	[MS_VIEW_VMEMMAP] = &ms_view_vmemmap,
};

const struct ms_view *ms_tui_view(enum ms_view_id id)
{
	return views[id < MS_VIEW_NR ? id : MS_VIEW_MAP];
}
