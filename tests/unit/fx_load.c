// SPDX-License-Identifier: GPL-2.0-or-later
/* A synthetic kernel built and opened as memscope opens a core (fx.h). */
#include <errno.h>
#include <string.h>

#include "fx.h"

struct ms_error *fx_loaded_open(const struct fx_kernel_opts *o,
				struct fx_loaded *l)
{
	struct ms_kinfo_opts ko;
	struct ms_error *err;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = fx_kernel_build(o, &l->k);
	if (ret)
		return ms_error_errno(-ret, "building the fixture kernel");
	ko = (struct ms_kinfo_opts){ .sysroot = l->k.sysroot, .btf_path = l->k.btf };
	err = ms_target_open(l->k.core, &l->t);
	if (!err)
		err = ms_kinfo_open(l->t, &ko, &l->ki);
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
