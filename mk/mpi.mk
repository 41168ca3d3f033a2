# mk/mpi.mk -- build/rmsbench-mpi, the Open MPI front end (harness/mpi/:
# distributed sweep and sharded data-parallel training).  Only `make mpi`
# builds it, with mpicc; the plain build never needs MPI.
MPICC    ?= mpicc
MPI_SRC  := $(sort $(wildcard harness/mpi/*.c))
MPI_OBJ  := $(MPI_SRC:%.c=$(BUILD)/%.o)
MPI_BIN  := $(BUILD)/rmsbench-mpi

.PHONY: mpi

## mpi: build/rmsbench-mpi with mpicc (mpirun -np N build/rmsbench-mpi sweep|train ...)
mpi: $(MPI_BIN)

$(BUILD)/harness/mpi/%.o: harness/mpi/%.c
	@command -v $(MPICC) >/dev/null || { echo "make mpi: $(MPICC) not found (scripts/install-deps.sh installs libopenmpi-dev)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(MPICC) $(ALL_CFLAGS) -c $< -o $@

$(MPI_BIN): $(MPI_OBJ) $(APPLIB) $(KLIB)
	$(MPICC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

-include $(MPI_OBJ:.o=.d)
