#!/usr/bin/env bash
# tests/stage-aarch64.sh -- the portable kernels beyond x86: `make
# cross-aarch64` cross-builds the kernel library and the tests that need
# only it with aarch64-linux-gnu-gcc and runs them under qemu-aarch64.
# A missing cross compiler or qemu is a failure, not a skip
# (scripts/install-deps.sh, which `make test` runs first, installs both).
set -u
cd "$(dirname "$0")/.."
t0=$(date +%s)
log=$(mktemp); trap 'rm -f "$log"' EXIT
make --no-print-directory -j2 cross-aarch64 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
echo "aarch64 stage: $(( $(date +%s) - t0 )) s"
if ! grep -Eq '[0-9]+ passed, [0-9]+ failed' "$log"; then
    echo "aarch64: 0 passed, 1 failed (nothing ran: exit $rc)"
    [ $rc -ne 0 ] || rc=1
fi
exit $rc
