#!/usr/bin/env bash
# proofs/results-table.sh [SUMMARY.tsv...] -- print a proofs summary as the
# Markdown table used in proofs/RESULTS.md (target, properties, model,
# proved/total, wall time, provers, open goals).
set -eu
[ $# -gt 0 ] || set -- build/proofs/summary.tsv
echo '| target | properties | model | proved / total | wall (s) | provers | open goals |'
echo '|---|---|---|---|---|---|---|'
awk -F'\t' 'FNR > 1 {
    printf "| %s | %s | %s | %s / %s | %s | %s | %s |\n", $1, ($8 == "" ? "-" : $8), $2, $3, $4, $5, $6, ($7 == "" ? "none" : $7)
    p += $3; t += $4; w += $5
} END { printf "| **total** | | | **%d / %d** | %.0f | | |\n", p, t, w }' "$@"
