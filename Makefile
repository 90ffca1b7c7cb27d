# cginit: a tiny PID 1 for containers that run sandboxes.
#
#   make            cginit, glibc, dynamic, with debug info
#   make static     cginit-static, musl, static, stripped: the release binary
#   make check      every suite: unit, integration, privdrop, robustness,
#                   examples, vm-check (QEMU), vm-engines (Docker and podman
#                   in QEMU), asan, valgrind, lint, fuzz;
#                   one closing "N passed, N failed" line
#   make size       the weight of the static binary, part by part
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
STATIC_OUT ?= $(BUILD)/cginit-static.unstripped
# make's built-in CC=cc would win over "CC ?= gcc": only replace that one.
ifeq ($(origin CC),default)
CC       := gcc
endif
MUSL_CC  ?= musl-gcc

# The one place of the version is the file VERSION: cginit.h has none of
# its own, and the lint and fuzz scripts read the file too.
VERSION  := $(shell cat VERSION)
GIT      := $(shell git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)

WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2 \
            -Wstrict-prototypes -Wmissing-prototypes -Werror
CPPFLAGS += -D_GNU_SOURCE -DCGINIT_VERSION='"$(VERSION)"' -DCGINIT_GIT='"$(GIT)"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
# The static build: small code, unused sections dropped, no unwind tables.
STATIC_CFLAGS := -std=c11 $(WARN) -Os -ffunction-sections -fdata-sections \
                 -fno-asynchronous-unwind-tables -fno-unwind-tables \
                 -fno-stack-protector
# norelro: musl's static start-up never applies PT_GNU_RELRO (no dynamic
# linker runs), so the page of padding it costs buys no protection here.
STATIC_LDFLAGS := -static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code \
                  -Wl,-z,norelro -s

SRCS     := init.c options.c values.c usage.c reaper.c cgsys.c cgprobe.c cgsetup.c cgkill.c cgcheck.c cgjob.c privdrop.c userdb.c \
            job.c jobproto.c verdict.c broker.c log.c text.c io.c
LIB_SRCS := $(filter-out init.c,$(SRCS))
HDRS     := cginit.h cgsetup.h cgprobe.h cgjob.h job.h

CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -pthread)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
HELPERS    := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/*.c))

.PHONY: all static check check-unit check-integration stress size install clean \
        vm-check bench example check-asan check-asan-unit check-asan-integration \
        check-privdrop check-asan-privdrop check-examples check-robustness \
        check-asan-robustness \
        check-valgrind lint fuzz vm-engines

all: cginit

include mk/libcap.mk

cginit: $(SRCS) $(HDRS) Makefile mk/libcap.mk
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(SRCS) $(LDFLAGS) $(CAP_LIBS)

static: cginit-static

# alloc.c replaces musl's malloc in the static build only (see there).
STATIC_SRCS := $(SRCS) alloc.c

# The musl build, for cginit-static and for its unstripped twin (make size);
# $(1) is the link flags.
STATIC_DEPS := $(STATIC_SRCS) $(HDRS) Makefile $(LIBCAP_MUSL_A)
define static_build
	@command -v $(MUSL_CC) >/dev/null || { echo "musl-gcc not found: apt-get install musl-tools" >&2; exit 1; }
	$(MUSL_CC) $(CPPFLAGS) $(LIBCAP_MUSL_INC) $(STATIC_CFLAGS) -o $@ $(STATIC_SRCS) $(LIBCAP_MUSL_A) $(1)
endef

cginit-static: $(STATIC_DEPS)
	$(call static_build,$(STATIC_LDFLAGS))

# A unit test against the library sources, plain and with the sanitizers;
# $(1) is the extra compiler flags.
UNIT_DEPS := tests/unit/fakecg.h $(LIB_SRCS) $(HDRS) Makefile
define unit_build
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I. $(CFLAGS) $(1) -Wno-missing-prototypes -Wno-format-truncation -o $@ $< $(LIB_SRCS) $(CAP_LIBS) $(CHECK_LIBS)
endef

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_DEPS)
	$(call unit_build,)

$(BUILD)/helpers/%: tests/helpers/%.c $(wildcard tests/helpers/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $<

# Every suite, then one closing "N passed, N failed" line for all of them.
check: cginit cginit-static $(UNIT_TESTS) $(HELPERS)
	@tests/check.sh check-unit check-integration check-privdrop check-robustness \
	  check-examples vm-check vm-engines check-asan check-valgrind lint fuzz

check-unit: $(UNIT_TESTS)
	@tests/run-unit.sh $(UNIT_TESTS)

check-integration: cginit cginit-static $(HELPERS)
	@tests/integration/run.sh $(CURDIR)/cginit $(CURDIR)/cginit-static

# Issue 7's hostile conditions: fd and process limits, no /proc, closed or
# broken stdio, a 1 MB argv, SIGSTOP/SIGCONT and signal storms.
check-robustness: cginit cginit-static $(HELPERS)
	@tests/integration/robustness.sh $(CURDIR)/cginit $(CURDIR)/cginit-static

# examples/, Dockerfile.example, cginit.1 and --help against the binary.
check-examples: cginit
	@tests/examples/check.sh $(CURDIR)/cginit

# --user, --cap-drop, --cap-keep, --no-new-privs: the worker's /proc/self/status.
check-privdrop: cginit cginit-static $(HELPERS)
	@tests/integration/privdrop.sh $(CURDIR)/cginit $(CURDIR)/cginit-static

# ---- hardening: sanitizers, valgrind, static analysis, fuzzing ----------
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_UNIT := $(patsubst $(BUILD)/unit/%,$(BUILD)/asan/%,$(UNIT_TESTS))

$(BUILD)/asan/cginit: $(SRCS) $(HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $(SRCS) $(CAP_LIBS)

$(BUILD)/asan/%: tests/unit/%.c $(UNIT_DEPS)
	$(call unit_build,-O1 $(SAN_FLAGS))

# Unit and host integration tests with ASan and UBSan; any report fails.
check-asan: $(BUILD)/asan/cginit $(ASAN_UNIT) $(HELPERS)
	@ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  tests/check.sh check-asan-unit check-asan-integration check-asan-privdrop \
	  check-asan-robustness

check-asan-unit: $(ASAN_UNIT)
	@tests/run-unit.sh $(ASAN_UNIT)

check-asan-integration: $(BUILD)/asan/cginit $(HELPERS)
	@tests/integration/run.sh $(CURDIR)/$(BUILD)/asan/cginit

check-asan-robustness: $(BUILD)/asan/cginit $(HELPERS)
	@tests/integration/robustness.sh $(CURDIR)/$(BUILD)/asan/cginit

check-asan-privdrop: $(BUILD)/asan/cginit $(HELPERS)
	@tests/integration/privdrop.sh $(CURDIR)/$(BUILD)/asan/cginit

# The unit tests and cginit as PID 1 under valgrind: no error, no leak.
check-valgrind: cginit $(UNIT_TESTS)
	@tests/valgrind.sh $(CURDIR)/cginit $(UNIT_TESTS)

# cppcheck and clang-tidy (config: .clang-tidy), warnings are errors, and
# tests/fmt-lint.py: no format conversion that cg_fmt cannot do.
lint:
	@tests/lint.sh $(STATIC_SRCS)

# libFuzzer harnesses in tests/fuzz/, FUZZ_SECONDS each (default 30).
fuzz:
	@FUZZ_LIBS='$(CAP_LIBS)' tests/fuzz/run.sh $(LIB_SRCS)

stress: cginit cginit-static $(HELPERS)
	@ORPHANS=100000 tests/integration/run.sh --only orphan_storm $(CURDIR)/cginit $(CURDIR)/cginit-static

size: cginit-static
	@tests/size-report.sh cginit-static

# An unstripped twin of cginit-static, for make size's symbol table.
$(STATIC_OUT): $(STATIC_DEPS)
	$(call static_build,$(filter-out -s,$(STATIC_LDFLAGS)))

# The README's first command: both halves of cginit. A worker that leaves
# an orphan and exits 3, then what the cgroup bootstrap would find here.
# Each command is shown as it is run.
EXAMPLE_INIT  := ./cginit -v -w -- sh examples/leave-an-orphan.sh
EXAMPLE_CHECK := ./cginit --check
example: cginit
	@echo '$$ $(EXAMPLE_INIT)'
	@$(EXAMPLE_INIT); echo "cginit exited with $$?, the worker's code"
	@echo; echo '$$ $(EXAMPLE_CHECK)'
	@$(EXAMPLE_CHECK); echo "cginit --check exited with $$?: 0 if --cgroup=require would make the layout here, 1 if not, for the reasons above"

vm-check: cginit-static
	@tests/vm/run.sh $(CURDIR)/cginit-static

# Real Docker and podman from Debian's packages, in QEMU guests of their own
# (tests/vm/README.md, "Docker and podman"); a hard limit of its own.
VM_ENGINES_TIMEOUT ?= 720
vm-engines: cginit-static
	@timeout -k 10 $(VM_ENGINES_TIMEOUT) tests/vm/engines.sh $(CURDIR)/cginit-static || \
	  { rc=$$?; [ $$rc = 124 ] && echo "FAIL: vm-engines: killed after $(VM_ENGINES_TIMEOUT) s" && echo "0 passed, 1 failed"; exit $$rc; }

bench: cginit cginit-static
	@bench/run.sh

install: cginit-static
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 cginit-static $(DESTDIR)$(PREFIX)/bin/cginit
	if [ -f cginit.1 ]; then install -m 0644 cginit.1 $(DESTDIR)$(PREFIX)/share/man/man1/cginit.1; fi

clean:
	rm -rf $(BUILD) cginit cginit-static
