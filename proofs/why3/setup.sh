#!/usr/bin/env bash
# proofs/why3/setup.sh OUT -- write a project-local why3 config to OUT:
# `why3 config detect` (z3, cvc4) plus the cvc5 entry why3 1.5.1 lacks and
# z3-nla (z3 with proofs/why3/z3-nla.drv, for pure nonlinear lemmas).
# Run by proofs/prove.sh; use it with WHY3CONFIG=OUT.  Never touches
# ~/.why3.conf.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$out")"
tmp="$out.tmp"
rm -f "$tmp"
WHY3CONFIG="$tmp" why3 config detect >/dev/null 2>&1 || {
    echo "why3 config detect failed (is why3 installed? make deps)" >&2; exit 1; }
[ -x /usr/bin/cvc5 ] || { echo "cvc5 not found at /usr/bin/cvc5 (make deps)" >&2; exit 1; }
sed "s|@DRIVER@|$here/cvc5.drv|" "$here/cvc5.conf.in" | grep -v '^#' >> "$tmp"
[ -x /usr/bin/z3 ] && { echo; sed "s|@DRIVER@|$here/z3-nla.drv|" "$here/z3-nla.conf.in" | grep -v '^#'; } >> "$tmp"
mv "$tmp" "$out"
