# memscope — see README.md. `make` builds ./memscope; `make check` runs the
# unit, CLI and lab tests; `make demo` boots the lab kernel and runs memscope.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
CC	?= cc
PKGS	:= libelf libdw libbpf ncursesw libndctl libdaxctl libkmod libcap smartcols liblzma libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS	?= -O2 -g
# CFLAGS may be set on the command line (the sanitizer build does); the
# flags every build needs live apart from it.
ALL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude $(PKG_CFLAGS)
LDLIBS	+= $(PKG_LIBS)

B	?= build
LIB_SRCS := $(sort $(wildcard src/*/*.c) $(wildcard views/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FIXTURE_SRCS := $(sort $(wildcard tests/unit/fx_*.c))
FIXTURE_OBJS := $(FIXTURE_SRCS:%.c=$(B)/%.o)

# The manual pages and shell completions are made from the command,
# option and column tables by two small programs linked against the
# library (man/mangen.c, completions/compgen.c); committed are their
# templates and prose (man/*.8.in, completions/*.in).
GENERATED := man/memscope.8 completions/memscope completions/_memscope

all: memscope $(GENERATED)

memscope: $(B)/memscope
	cp $< $@

$(B)/memscope: $(B)/src/main.o $(B)/libmemscope.a
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libmemscope.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c $(wildcard include/memscope/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: $(B)/tests/unit/%.o $(FIXTURE_OBJS) $(B)/libmemscope.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(B)/fxgen: $(B)/tests/cli/fxgen.o $(FIXTURE_OBJS) $(B)/libmemscope.a
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/man/mangen.o $(B)/completions/compgen.o: ALL_CFLAGS += -Isrc

$(B)/mangen: $(B)/man/mangen.o $(B)/libmemscope.a
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/compgen: $(B)/completions/compgen.o $(B)/libmemscope.a
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# one run writes memscope.8 and a memscope-COMMAND.8 per command
man/memscope.8: $(B)/mangen $(wildcard man/*.8.in)
	rm -f man/*.8
	$(B)/mangen man man

completions/memscope: $(B)/compgen completions/memscope.in
	$(B)/compgen bash completions/memscope.in >$@.tmp && mv $@.tmp $@

completions/_memscope: $(B)/compgen completions/_memscope.in
	$(B)/compgen zsh completions/_memscope.in >$@.tmp && mv $@.tmp $@

# bench/bigmachine.sh's synthetic 1-16 TiB machines (a benchmark).
$(B)/bigmachine: $(B)/bench/bigmachine.o $(FIXTURE_OBJS) $(B)/libmemscope.a
	$(CC) $(ALL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench-big: memscope $(B)/bigmachine
	@bench/bigmachine.sh ./memscope $(B)/bigmachine

# bench/guest.py: memscope, /proc/kpageflags, drgn and crash in one lab
# guest per kernel (8 GiB, TCG; about 15 minutes a kernel). A benchmark.
bench-guest: memscope
	@bench/guest.py --memscope ./memscope

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Unit tests run twice: as built, and under ASan/UBSan.
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

unit: $(UNIT_BINS) memscope
	@tests/run-unit $(UNIT_BINS)

unit-asan:
	@$(MAKE) --no-print-directory B=build/asan CFLAGS="$(SAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" build/asan/memscope unit-bins-asan
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)

unit-bins-asan: $(UNIT_BINS)

cli: memscope $(B)/fxgen
	@tests/cli/run ./memscope $(B)/fxgen

# Issue 15: metrics through promtool and a real node_exporter, the SVG map.
fleet: memscope $(B)/fxgen
	@tests/fleet/run ./memscope $(B)/fxgen

# man-page lint, the completions, make install into a DESTDIR
docs: all
	@tests/docs/run ./memscope

lab: memscope
	@tests/lab/lab.py check --memscope ./memscope

# Issue 11: the assertions must catch broken output: each kernel's lab
# results, mutated (labkit/selftest.py), after `make lab` collected them.
lab-selftest:
	@tests/lab/lab.py selftest

# Issue 13: `make demo` on a terminal, driven through tmux (one boot).
lab-demo: memscope
	@tests/lab/demo_check.py

# Issue 6's mid-boot dump: an 8 GiB guest stopped inside deferred init.
lab-dump: memscope
	@tests/lab/deferred_dump.py --memscope ./memscope

# Issue 10: libFuzzer harnesses (tests/fuzz) over the library built by
# clang with ASan/UBSan. `make fuzz` runs each for FUZZ_SECONDS; make check
# replays each corpus and runs each briefly (tests/fuzz/run --check).
FUZZ_CC	?= $(shell command -v clang-14 || command -v clang || echo clang)
FUZZ_B	:= build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_NAMES := core notes vmcoreinfo kallsyms btf
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_B)/bin/fuzz_%)
FUZZ_SECONDS ?= 60

fuzz-lib:
	@$(MAKE) --no-print-directory B=$(FUZZ_B)/obj CC="$(FUZZ_CC)" \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		$(FUZZ_B)/obj/libmemscope.a

$(FUZZ_B)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c tests/fuzz/fuzz.h fuzz-lib
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) -o $@ \
		$< tests/fuzz/fuzz_common.c $(FUZZ_B)/obj/libmemscope.a $(LDLIBS)

fuzz-bins: memscope $(B)/fxgen $(FUZZ_BINS)

fuzz: fuzz-bins
	@tests/fuzz/run --seconds $(FUZZ_SECONDS)

fuzz-check: fuzz-bins
	@tests/fuzz/run --check

check-layers:
	@tests/check-layers
	@tests/check-symbols

check: deps check-layers
	@$(MAKE) --no-print-directory all
	@tests/run-all

deps:
	@scripts/install-deps

# On a terminal the lab guest's console is the terminal: memscope tui on
# its kernel while a scenario changes the map (q quits); elsewhere (CI) the
# one-shot tables on its serial console. Without QEMU (or without the
# packages), the snapshot that ships with memscope stands in for the guest.
demo: memscope
	@if $(MAKE) --no-print-directory deps && command -v qemu-system-x86_64 >/dev/null; then \
		tests/lab/lab.py demo --memscope ./memscope; \
	elif [ -t 0 ] && [ -t 1 ]; then \
		echo "make demo: no QEMU here: memscope --demo tui, a snapshot taken in the lab"; \
		./memscope --demo tui; \
	else \
		echo "make demo: no QEMU here: memscope --demo, a snapshot taken in the lab"; \
		./memscope --demo summary && ./memscope --demo sections && ./memscope --demo deferred; \
	fi

# Where bash-completion looks (its pkg-config file says), under PREFIX.
BASHCOMPDIR ?= $(shell pkg-config --define-variable=prefix=$(PREFIX) \
	--variable=completionsdir bash-completion 2>/dev/null || \
	echo $(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DATADIR ?= $(PREFIX)/share/memscope

install: all
	install -D -m 0755 memscope $(DESTDIR)$(BINDIR)/memscope
	install -D -m 0644 share/memscope/demo-6.12.snap.xz $(DESTDIR)$(DATADIR)/demo-6.12.snap.xz
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 completions/memscope $(DESTDIR)$(BASHCOMPDIR)/memscope
	install -D -m 0644 completions/_memscope $(DESTDIR)$(ZSHCOMPDIR)/_memscope

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memscope $(DESTDIR)$(DATADIR)/demo-6.12.snap.xz
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/memscope $(DESTDIR)$(ZSHCOMPDIR)/_memscope
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build memscope man/*.8 $(GENERATED)

.PHONY: bench-big bench-guest fuzz fuzz-lib fuzz-bins fuzz-check fleet lab-dump lab-demo lab-selftest all uninstall docs unit unit-asan unit-bins-asan cli lab check check-layers deps demo install clean
