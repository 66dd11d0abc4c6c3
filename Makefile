# attn-mlir: two commands set everything up on a fresh Debian 12 machine.
#   make run   - install what is missing, build, run the BERT example checked
#   make test  - install what is missing, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
LLVM_BIN := /usr/lib/llvm-22/bin

.PHONY: all setup configure build run test bench clean
.PHONY: asan-build test-asan fuzz test-differential

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

# --- Reliability: sanitizers, fuzzing, differential testing -------------------
# One sanitizer build serves both: ASan + UBSan on the project's own code,
# libFuzzer coverage instrumentation, the fuzz targets and their replay
# drivers (fuzz/README.md).
ASAN_BUILD ?= build-asan
FUZZ_TIME ?= 60
SEED ?= $(shell date +%s)
N ?= 200

$(ASAN_BUILD)/build.ninja:
	@$(MAKE) --no-print-directory setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja \
	  -DCMAKE_C_COMPILER=$(LLVM_BIN)/clang -DCMAKE_CXX_COMPILER=$(LLVM_BIN)/clang++ \
	  -DCMAKE_BUILD_TYPE=Release -DATTN_SANITIZE=ON -DATTN_BUILD_FUZZERS=ON

asan-build: setup $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j $(JOBS)

# Every CTest entry (lit, GoogleTest, fuzz regression replays, a small
# differential draw) under the sanitizers; any sanitizer report fails it.
test-asan: asan-build
	@./scripts/test-asan.sh $(ASAN_BUILD) $(JOBS)

# Each fuzz target for FUZZ_TIME seconds; any crash, leak or hang fails it.
fuzz: asan-build
	@./scripts/fuzz.sh $(ASAN_BUILD) $(FUZZ_TIME)

# N random configurations, every pipeline against the float64 oracle.
# `make test-differential SEED=7 N=500`; the seed is free by default.
test-differential: build
	/usr/bin/python3 test/differential/run.py --attn-run $(BUILD)/bin/attn-run \
	  --seed $(SEED) -n $(N) -j $(JOBS)
