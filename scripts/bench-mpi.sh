#!/usr/bin/env bash
# scripts/bench-mpi.sh [DB] -- the MPI figures of docs/mpi.md, recorded in DB
# (default results/rmsbench.db), with --bind-to none (a shared machine: pinned
# ranks cannot move off a busy core; measured 1.1-1.8x slower here): sweep throughput for 1, 2 and 4 ranks with
# the local sweep at --jobs 1 and 2 timed in the same loop (mpi_sweeps), and
# the sharded mlp_fmnist step split into compute / communication / update for
# 1, 2 and 4 ranks, plain and --fixed-order (mpi_steps).  Beyond the core
# count the ranks are oversubscribed: correct, but not a speed figure.
set -eu
cd "$(dirname "$0")/.."
DB=${1:-results/rmsbench.db}
mkdir -p "$(dirname "$DB")"
make --no-print-directory -j2 all mpi >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
build/rmsbench-mpi train --problem logreg --steps 1 --db "$DB" >/dev/null   # creates/migrates $DB
M=build/rmsbench-mpi R=build/rmsbench
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
# the throughput row of a scratch sweep DB (fresh, so every config runs) into
# $DB, with its machine row
MCOLS="fingerprint, cpu_model, cpu_vendor, isa_flags, cores, mem_bytes, os, kernel_release, compiler, cflags, git_commit, hostname"
copy_sweep_row() {
    sqlite3 "$DB" "ATTACH '$1' AS s;
        INSERT OR IGNORE INTO machines ($MCOLS) SELECT $MCOLS FROM s.machines;
        INSERT INTO mpi_sweeps (machine_id, sweep, ranks, hosts, configs, ran, skipped, failed, wall_s, runs_per_s, created_at)
        SELECT (SELECT m.id FROM machines m JOIN s.machines sm ON sm.fingerprint = m.fingerprint
                WHERE sm.id = x.machine_id), sweep, ranks, hosts, configs, ran, skipped, failed, wall_s, runs_per_s, created_at
        FROM s.mpi_sweeps x;"
}
G=(--problems rosenbrock_nd,quadratic --dim 2000 --lr 1e-4:1e-1:6 --seeds 1..4 --steps 2000 --kernels fused)
for rep in 1 2; do
    for np in 1 2 4; do   # a fresh scratch DB each time so every config runs
        mpirun --oversubscribe --bind-to none -np $np $M sweep "${G[@]}" --db "$T/sw$rep$np.db" 2>&1 | grep "mpi sweep grid"
        copy_sweep_row "$T/sw$rep$np.db"
    done
    for j in 1 2; do
        s=$(date +%s%N); $R sweep "${G[@]}" --jobs $j --db "$T/local$rep$j.db" 2>/dev/null
        awk -v j=$j -v ns=$(( $(date +%s%N) - s )) 'BEGIN{printf "local sweep --jobs %d: %.2f s, %.2f runs/s\n", j, ns/1e9, 48/(ns/1e9)}'
    done
done
for fixed in "" --fixed-order; do
    for np in 1 2 4; do
        mpirun --oversubscribe --bind-to none -np $np $M train --problem mlp_fmnist --kernel auto --steps 200 \
            --seed 1 --db "$DB" $fixed
    done
done
sqlite3 -header -column "$DB" "SELECT ranks, round(wall_s, 2) AS wall_s, round(runs_per_s, 2) AS runs_per_s
    FROM mpi_sweeps ORDER BY id DESC LIMIT 6"
sqlite3 -header -column "$DB" "SELECT ranks, fixed_order AS fixed, kernel, steps,
    round(step_ms, 2) AS step_ms, round(compute_ms, 2) AS compute_ms, round(wait_ms, 2) AS wait_ms, round(comm_ms, 2) AS comm_ms,
    round(update_ms, 3) AS update_ms, state_bytes_per_rank, final_loss FROM mpi_steps
    ORDER BY id DESC LIMIT 6"
