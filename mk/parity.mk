# mk/parity.mk -- `make parity`: regenerate the parity fixtures against the
# live PyTorch (python3-torch) and compare them with the committed ones, then
# run test_parity.  Without torch it says so and succeeds: the committed
# fixtures still run in `make test`.

PARITY_PY  := /usr/bin/python3
PARITY_DIR := tests/fixtures/parity
PARITY_NEW := $(BUILD)/parity-fixtures

.PHONY: parity

## parity: regenerate the PyTorch/TF1/Keras/Optax fixtures with live torch, diff them, run test_parity
parity: $(BUILD)/tests/test_parity
	@if $(PARITY_PY) -c 'import torch' >/dev/null 2>&1; then \
	    rm -rf $(PARITY_NEW) && \
	    $(PARITY_PY) scripts/gen_parity.py $(PARITY_NEW) && \
	    $(PARITY_PY) scripts/gen_parity.py --compare $(PARITY_NEW) $(PARITY_DIR) && \
	    RMS_PARITY_DIR=$(PARITY_NEW) $(BUILD)/tests/test_parity; \
	else \
	    echo "parity: SKIPPED (python3-torch not installed)"; \
	fi
