// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLI's model cache (src/cli/context.c): a target that failed to open
 * completely (its --vmcoreinfo lender missing, its snapshot files refused)
 * is not kept, so a second use of the same model (the TUI, the fuzzers)
 * fails again instead of reading on without the borrowed note or the
 * snapshot's files (then the host's /proc/kallsyms and BTF). Found by
 * fuzz_core.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/cli/cli.h"
#include "fx.h"

static void test_failed_target_not_cached(void **state)
{
	char path[] = "/tmp/memscope-test-ctx.XXXXXX";
	static const char vi[] = "OSRELEASE=6.12.0-fx\nPAGESIZE=4096\n";
	uint8_t page[4096] = { 0 };
	struct fx_core *core = fx_core_new();
	struct ms_cli c = { .vmcoreinfo_path = "/nonexistent/memscope-lender.core" };
	struct ms_error *err;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	fx_core_add_note(core, "VMCOREINFO", 0, vi, sizeof(vi) - 1);
	fx_core_add_segment(core, 0xffff888000000000ULL, 0, page, sizeof(page));
	assert_int_equal(fx_core_write(core, path), 0);
	c.core_path = path;

	err = ms_cli_target(&c);
	assert_non_null(err);
	ms_error_free(err);
	assert_null(c.target);
	err = ms_cli_target(&c);	/* used to succeed: the target was kept */
	assert_non_null(err);
	ms_error_free(err);
	err = ms_cli_kernel(&c);
	assert_non_null(err);
	ms_error_free(err);

	ms_cli_release(&c);
	unlink(path);
	fx_core_free(core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_target_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
