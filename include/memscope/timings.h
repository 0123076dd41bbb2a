/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MEMSCOPE_TIMINGS=1: each phase of a run (opening the target, VMCOREINFO,
 * kallsyms, BTF, layouts, the model, the command, its output, the TUI's
 * frames) prints one line to stderr with its wall time, so start-up costs
 * can be measured where they are paid. Off (the default) it costs one
 * branch per mark.
 */
#ifndef MEMSCOPE_TIMINGS_H
#define MEMSCOPE_TIMINGS_H

#include <stdbool.h>

/* True when MEMSCOPE_TIMINGS is set to something other than "0". */
bool ms_timings_on(void);
/* Ends the phase that started at the previous mark (or at the first call,
 * which only starts the clock) and names it: "memscope: timing: NAME
 * 12.345 ms (total 56.789 ms)". */
void ms_timings_mark(const char *name);

#endif
