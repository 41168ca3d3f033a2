# proofs/proofs.mk -- Frama-C WP proofs of the kernels rmsbench compiles
# (included by the Makefile).  The targets are rows of proofs/targets.tsv;
# proofs/prove.sh runs them one at a time and writes $(BUILD)/proofs/; its
# cache is build/proofs-cache/ (proofs/README.md).
PROOFS_DB ?= $(RMS_DB)
RMS_DB    ?= results/rmsbench.db

.PHONY: prove prove-float prove-seed

## prove: Frama-C WP (-wp-rte) on ref64/fused, real + IEEE models, Gappa rounding-error bound; fails unless 100% proved; cached by content (build/proofs-cache); recorded in the DB
prove: $(BIN)
	@mkdir -p $(dir $(PROOFS_DB))
	@proofs/prove.sh --set prove --out $(BUILD)/proofs; rc=$$?; \
	 [ -f $(BUILD)/proofs/summary.tsv ] && { $(BIN) import-proofs $(BUILD)/proofs/summary.tsv --db $(PROOFS_DB) || rc=2; }; \
	 exit $$rc

## prove-seed: prove every target with an empty cache and save the valid per-goal results to proofs/wp-cache (commit it with the kernel change)
prove-seed: $(BIN)
	@rm -rf $(BUILD)/proofs-seed-cache
	@proofs/prove.sh --set prove --out $(BUILD)/proofs-seed --cache $(BUILD)/proofs-seed-cache --save-seed

## prove-float: the IEEE finite model alone (every operation finite under input bounds; part of make prove); fails unless 100%
prove-float: $(BIN)
	@mkdir -p $(dir $(PROOFS_DB))
	@proofs/prove.sh --out $(BUILD)/proofs-float ref64-plain-ieee-finite libm-sqrt-ieee; rc=$$?; \
	 [ -f $(BUILD)/proofs-float/summary.tsv ] && { $(BIN) import-proofs $(BUILD)/proofs-float/summary.tsv --db $(PROOFS_DB) || rc=2; }; \
	 exit $$rc
