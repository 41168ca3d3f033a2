# mk/problems.mk -- the Fashion-MNIST epoch driver and the slow MLP check
# (10 epochs; too slow for `make test` under sanitizers).

MLP_EPOCHS := $(BUILD)/mlp_epochs

$(MLP_EPOCHS): scripts/mlp_epochs.c $(APPLIB) $(KLIB)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(APPLIB) $(KLIB) $(ALL_LDFLAGS) $(LIBS)

.PHONY: check-mlp
## check-mlp: train mlp_fmnist 10 epochs (seed rule, 1 BLAS thread); fails unless test accuracy reaches 0.88 after some epoch
check-mlp: $(MLP_EPOCHS)
	$(MLP_EPOCHS) --problem mlp_fmnist --epochs 10 --threads 1 --min-acc 0.88

# tests/test_problems_list.sh checks the driver's command line.
test-unit: $(MLP_EPOCHS)
