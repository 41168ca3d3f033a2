# mk/bench.mk -- whole-command timings with hyperfine (SPEC section 6).

## bench: hyperfine on whole rmsbench commands side by side -> results/bench-*.json -> hyperfine table
bench: $(BIN)
	@scripts/bench.sh $(BIN) $(or $(DB),results/rmsbench.db)

## perf-peer: rmsbench perf with the PyTorch peer in the same run (1 thread, n = 1e4..1e7) and the speed-up table
perf-peer: $(BIN)
	$(BIN) perf --sizes 1e4,1e5,1e6,1e7 --threads 1 --peer torch $(PERF_ARGS)

.PHONY: bench perf-peer

## perf-study: every kernel at n = 1e4..2^24 on 1 and all cores, roofs and the PyTorch peer in one run, recorded
perf-study: $(BIN)
	$(BIN) perf --kernel all --sizes 1e4,1e5,1e6,1e7,2^24 --reps 15 --peer auto $(PERF_ARGS)

.PHONY: perf-study

## perf-figures: issue 16's ratio tables in one go (roofs at 2^24/2^26, fast/exact, vs PyTorch per n and per model, scaling; 1 and 2 threads; ~8 min)
perf-figures: $(BIN)
	@scripts/perf-figures.sh $(BIN)

.PHONY: perf-figures

## perf-lowprec: issue 17's state-precision table: bf16/f16/q8 vs f32 at 2^24, 1 thread, with L1 compute times; LP_RUNS runs of LP_REPS reps (3 x 10, ~2 min)
perf-lowprec: $(BIN)
	@RMSBENCH=$(BIN) scripts/perf-lowprec.sh $(or $(LP_REPS),10) $(or $(LP_RUNS),3)

.PHONY: perf-lowprec
