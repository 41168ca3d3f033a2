#!/usr/bin/env bash
# tests/stage-aarch64.sh -- the portable kernels beyond x86: `make
# cross-aarch64` cross-builds the kernel library and the tests that need
# only it with aarch64-linux-gnu-gcc and runs them under qemu-aarch64.
# A missing cross compiler or qemu is a failure, not a skip
# (scripts/install-deps.sh, which `make test` runs first, installs both).
set -u
cd "$(dirname "$0")/.."
t0=$(date +%s)
make --no-print-directory -j2 cross-aarch64; rc=$?
echo "aarch64 stage: $(( $(date +%s) - t0 )) s"
if [ $rc -ne 0 ] && ! [ -d build/aarch64/tests ]; then
    echo "aarch64: 0 passed, 1 failed"   # no build: run.sh printed no summary
fi
exit $rc
