# rmsbench -- the front door.  `make help` lists the targets.
#
#   make            build build/rmsbench and build/librmskernels.a
#   make study      the main job: build, run the default study, write the report
#   make test       every test: unit, sanitizers, CLI/DB, fuzz (brief), proofs
#
# CC, CFLAGS, LDFLAGS, PREFIX and DESTDIR work as usual.  Build output goes
# to $(BUILD) (default build/); `make BUILD=build/clang CC=clang` keeps a
# second tree beside the first.

CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif
CFLAGS  ?= -O3 -g
PREFIX  ?= /usr/local
BUILD   ?= build
SAN     ?=

# Flags the program needs whatever the user's CFLAGS: -fno-math-errno lets
# sqrtf vectorise (~8x), -ffp-contract=off keeps naive/fused/omp bit-identical.
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -fno-math-errno \
               -ffp-contract=off -MMD -MP -Ikernels -Iproblems -Iharness
GIT_COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
ifneq ($(SAN),)
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ALL_CFLAGS   = $(BASE_CFLAGS) $(CFLAGS) $(SAN_FLAGS)
LIBS        := -lsqlite3 -lz -lgsl -lopenblas -ljansson -lxxhash -lm
ALL_LDFLAGS  = $(LDFLAGS) $(SAN_FLAGS) -fopenmp

# The compiler's target decides what is built: x86 intrinsics kernels
# (kernels/rms_avx2*.c, kernels/rms_avx512*.c) only on x86-64, with their
# ISA flags; the portable kernels everywhere (`make cross-aarch64`).
TARGET_ARCH := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine 2>/dev/null)))
X86_KERNEL_SRC := $(wildcard kernels/rms_avx2*.c kernels/rms_avx512*.c)

# ISA and OpenMP flags only on the files that need them (BLIS make_defs):
# per-file FLAGS_<name>, and by name for the x86 kernel files.
FLAGS_rms_omp    := -fopenmp
FLAGS_rms_multi  := -fopenmp
FLAGS_rms_lp_omp := -fopenmp
# rms_avx2_lp.c also needs F16C (vcvtps2ph), beside rms_avx2*'s ISA flags
FLAGS_rms_avx2_lp := -mf16c
$(BUILD)/kernels/rms_avx2%: ISA_FLAGS := -mavx2 -mfma
$(BUILD)/kernels/rms_avx512%: ISA_FLAGS := -mavx512f -mavx512vl -mfma

# harness/ sub-folders that make up the program (mpi/ is built only by `make mpi`).
HARNESS_DIRS := harness/cli harness/store harness/run harness/perf harness/report harness/sys harness/stats
KERNEL_SRC  := $(sort $(filter-out $(if $(filter x86_64,$(TARGET_ARCH)),,$(X86_KERNEL_SRC)),$(wildcard kernels/*.c)))
PROBLEM_SRC := $(sort $(wildcard problems/*.c))
HARNESS_SRC := $(sort $(filter-out harness/cli/main.c,$(wildcard $(addsuffix /*.c,$(HARNESS_DIRS)))))
TEST_SRC    := $(sort $(wildcard tests/test_*.c))

KERNEL_OBJ  := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
APP_OBJ     := $(PROBLEM_SRC:%.c=$(BUILD)/%.o) $(HARNESS_SRC:%.c=$(BUILD)/%.o)
TEST_BIN    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

KLIB   := $(BUILD)/librmskernels.a
APPLIB := $(BUILD)/librmsapp.a
BIN    := $(BUILD)/rmsbench

.PHONY: all deps deps-peers test test-unit test-sanitize test-cli study install uninstall clean help
.DEFAULT_GOAL := all

all: $(BIN) $(KLIB)

## deps: install the Debian packages the build, tests and study need
deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ISA_FLAGS) $(FLAGS_$(basename $(notdir $<))) -c $< -o $@

$(BUILD)/harness/sys/machine.o: ALL_CFLAGS += -DRMS_CFLAGS='"$(strip $(CFLAGS))"' -DRMS_GIT_COMMIT='"$(GIT_COMMIT)"'
# machine.o records the commit and CFLAGS with every figure, so it must be
# rebuilt when either changes, not only when machine.c does: the stamp is
# rewritten (and so newer) only when its text differs.
BUILD_STAMP := $(BUILD)/build-id.stamp
$(BUILD)/harness/sys/machine.o: $(BUILD_STAMP)
$(BUILD_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT) $(strip $(CFLAGS))' | cmp -s - $@ || echo '$(GIT_COMMIT) $(strip $(CFLAGS))' > $@
FORCE:
.PHONY: FORCE

$(KLIB): $(KERNEL_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(APPLIB): $(APP_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/harness/cli/main.o $(APPLIB) $(KLIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c $(APPLIB) $(KLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(APPLIB) $(KLIB) $(ALL_LDFLAGS) $(LIBS)

## test: every test (unit, CLI/DB, sanitizers, fuzz brief, proofs); ends "N passed, N failed"
test: deps
	@tests/run-all.sh

## test-unit: the C unit tests and shell tests against $(BUILD)
test-unit: $(BIN) $(TEST_BIN)
	@tests/run.sh $(BUILD)

## test-sanitize: the same tests built with ASan + UBSan (and -Werror) in build/san
test-sanitize:
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 CFLAGS="-O1 -g -Werror" test-unit

## deps-peers: deps plus python3-torch (the PyTorch peer of the study's perf stages)
deps-peers:
	@echo "make study: python3-torch is part of the study (the PyTorch peer): scripts/install-deps.sh --peers"
	@scripts/install-deps.sh --peers

## study: the main job: build, run the default study into results/, write reports/
study: deps-peers all
	@scripts/study.sh

## install: install rmsbench to $(DESTDIR)$(PREFIX)/bin and the kernel library/header
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/rmsbench
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/rmsbench
	install -m 644 $(KLIB) $(DESTDIR)$(PREFIX)/lib/librmskernels.a
	install -m 644 kernels/rms.h kernels/rms_options.def $(DESTDIR)$(PREFIX)/include/rmsbench/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rmsbench $(DESTDIR)$(PREFIX)/lib/librmskernels.a
	rm -rf $(DESTDIR)$(PREFIX)/include/rmsbench

## clean: remove build/ (results/ and reports/ are kept)
clean:
	rm -rf $(BUILD) build

## help: this list
help:
	@echo "rmsbench make targets:"
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /' | sed 's/: /\t/' | expand -t 20

# The proofs (`make prove`, part of `make test`) are defined in
# proofs/proofs.mk, beside the ACSL they check; named here so they are found.
.PHONY: prove prove-float
prove:
prove-float:

# Further targets live beside the code they drive.
-include $(sort $(wildcard mk/*.mk))
-include proofs/proofs.mk

-include $(KERNEL_OBJ:.o=.d) $(APP_OBJ:.o=.d) $(BUILD)/harness/cli/main.d $(TEST_BIN:=.d)

