# mk/bench.mk -- whole-command timings with hyperfine (SPEC section 6).

## bench: hyperfine on whole rmsbench commands side by side -> results/bench-*.json -> hyperfine table
bench: $(BIN)
	@scripts/bench.sh $(BIN) $(or $(DB),results/rmsbench.db)

## perf-peer: rmsbench perf with the PyTorch peer in the same run (1 thread, n = 1e4..1e7) and the speed-up table
perf-peer: $(BIN)
	$(BIN) perf --sizes 1e4,1e5,1e6,1e7 --threads 1 --peer torch $(PERF_ARGS)

.PHONY: bench perf-peer
