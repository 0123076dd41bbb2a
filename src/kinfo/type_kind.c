// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a type kind is spelt before its name ("struct page"), for the
 * messages of the BTF and DWARF finders and of kinfo.c. A file of its own
 * so that btf.c and dwarf.c need not call back into kinfo.c, which calls
 * them (tests/check-circles).
 */
#include "internal.h"

const char *ms_type_kind_prefix(enum ms_type_kind kind)
{
	switch (kind) {
	case MS_TYPE_STRUCT:
		return "struct ";
	case MS_TYPE_UNION:
		return "union ";
	case MS_TYPE_ENUM:
		return "enum ";
	case MS_TYPE_TYPEDEF:
		break;
	}
	return "";
}
