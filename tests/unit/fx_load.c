// SPDX-License-Identifier: GPL-2.0-or-later
/* A synthetic kernel built and opened as memscope opens a core (fx.h). */
#include <errno.h>
#include <string.h>

#include "fx.h"

struct fx_kernel_opts fx_machine_opts(enum fx_variant v, int levels)
{
	return (struct fx_kernel_opts){
		.variant = v, .levels = levels,
		.sections = fx_machine_sections,
		.nr_sections = fx_machine_nr_sections,
		.zones = fx_machine_zones, .nr_zones = fx_machine_nr_zones,
	};
}

struct ms_error *fx_kernel_open(const struct fx_kernel *k, struct ms_target **t,
				struct ms_kinfo **ki)
{
	struct ms_kinfo_opts ko = { .sysroot = k->sysroot, .btf_path = k->btf };
	struct ms_error *err;

	*t = NULL;
	*ki = NULL;
	err = ms_target_open(k->core, t);
	if (!err)
		err = ms_kinfo_open(*t, &ko, ki);
	return err;
}

struct ms_error *fx_loaded_open(const struct fx_kernel_opts *o,
				struct fx_loaded *l)
{
	struct ms_error *err;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = fx_kernel_build(o, &l->k);
	if (ret)
		return ms_error_errno(-ret, "building the fixture kernel");
	err = fx_kernel_open(&l->k, &l->t, &l->ki);
	if (!err)
		err = ms_sparse_load(l->t, l->ki, &l->sp);
	return err;
}

void fx_loaded_close(struct fx_loaded *l)
{
	ms_sparse_free(l->sp);
	ms_kinfo_close(l->ki);
	ms_target_close(l->t);
	fx_kernel_remove(&l->k);
}
