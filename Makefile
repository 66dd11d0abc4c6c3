# attn-mlir: two commands set everything up on a fresh Debian 12 machine.
#   make run   - install what is missing, build, run the BERT example checked
#   make test  - install what is missing, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
LLVM_BIN := /usr/lib/llvm-22/bin

.PHONY: all setup configure build run test bench clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD)/build.ninja:
	@$(MAKE) --no-print-directory setup
	cmake -S . -B $(BUILD) -G Ninja \
	  -DCMAKE_C_COMPILER=$(LLVM_BIN)/clang -DCMAKE_CXX_COMPILER=$(LLVM_BIN)/clang++ \
	  $(CMAKE_FLAGS)

configure: setup $(BUILD)/build.ninja

build: configure
	ninja -C $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/attn-run examples/bert_layer.mlir --check --benchmark=5

# CTest's summary line ("N% tests passed, ...") is repeated last so that it
# closes the output even when CTest lists skipped tests after it.
test: build
	@cd $(BUILD) && { ctest --output-on-failure -j $(JOBS) 2>&1; echo $$? > ctest.rc; } \
	  | tee ctest.log; \
	  grep -E '^[0-9]+% tests passed' ctest.log | tail -n 1; \
	  exit $$(cat ctest.rc)

# Speed is measured here, never by tests: FMA peak, bandwidth, fused vs reference.
bench: build
	$(BUILD)/bin/attn-bench examples

clean:
	rm -rf $(BUILD)
