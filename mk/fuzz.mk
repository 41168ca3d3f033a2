# mk/fuzz.mk -- libFuzzer target for the option and range parsers.
#   make fuzz             build and fuzz for FUZZ_TIME seconds (default 300)
#   make fuzz-build       only build $(BUILD)/fuzz/fuzz_parse
# The parsers under test are compiled with clang and the fuzzer's
# instrumentation; the rest (kernels, problems) comes from the normal build.

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 300
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC   := harness/cli/config.c harness/cli/range.c harness/cli/cli.c
FUZZ_BIN   := $(FUZZ_DIR)/fuzz_parse

.PHONY: fuzz fuzz-build

$(FUZZ_BIN): tests/fuzz/fuzz_parse.c $(FUZZ_SRC) harness/cli/config.h harness/cli/range.h harness/cli/cli.h $(APPLIB) $(KLIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -MF /dev/null -o $@ tests/fuzz/fuzz_parse.c $(FUZZ_SRC) \
	    $(APPLIB) $(KLIB) $(LIBS) -lgomp

## fuzz-build: build the libFuzzer target for the option/range parsers
fuzz-build: $(FUZZ_BIN)

## fuzz: fuzz the option and range parsers for FUZZ_TIME seconds (default 300)
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=256 $(FUZZ_DIR)/corpus tests/fuzz/corpus
