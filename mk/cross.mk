# mk/cross.mk -- the kernel library and the tests that need only it, on
# their own and cross-built for aarch64 (run under qemu-user).
#
# KERNEL_TESTS link the kernel library alone (no harness, no SQLite/BLAS),
# so they build for any target; `make cross-aarch64` builds them with
# Debian's aarch64-linux-gnu-gcc into build/aarch64/ and runs them under
# qemu-aarch64 (tests/stage-aarch64.sh, part of `make test`), with
# RMS_TEST_QUICK=1: qemu is ~14x slower, so the largest differential size
# is 65537 there, not 2^20.
KERNEL_TESTS := test_kernels_diff test_kernels_dispatch test_kernels_ulp \
                test_omp_split test_ref64_values
KERNEL_TEST_BIN := $(KERNEL_TESTS:%=$(BUILD)/tests/%)

$(KERNEL_TEST_BIN): $(BUILD)/tests/%: tests/%.c $(KLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(KLIB) $(ALL_LDFLAGS) -lm

.PHONY: kernel-tests cross-aarch64
## kernel-tests: the kernel library and the tests that need only it
kernel-tests: $(KLIB) $(KERNEL_TEST_BIN)

AARCH64_CC   ?= aarch64-linux-gnu-gcc
AARCH64_QEMU ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
## cross-aarch64: cross-build the kernel library and its tests into build/aarch64 and run them under qemu-aarch64
cross-aarch64:
	@command -v $(AARCH64_CC) >/dev/null || { echo "cross-aarch64: $(AARCH64_CC) not found (scripts/install-deps.sh installs gcc-aarch64-linux-gnu)" >&2; exit 1; }
	@command -v $(firstword $(AARCH64_QEMU)) >/dev/null || { echo "cross-aarch64: $(firstword $(AARCH64_QEMU)) not found (scripts/install-deps.sh installs qemu-user)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/aarch64 CC=$(AARCH64_CC) AR=aarch64-linux-gnu-ar kernel-tests
	@RMS_TEST_RUNNER="$(AARCH64_QEMU)" RMS_TEST_C_ONLY=1 RMS_TEST_QUICK=1 tests/run.sh build/aarch64
