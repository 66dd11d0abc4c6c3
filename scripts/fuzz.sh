#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time (`make fuzz`).
#
#   scripts/fuzz.sh [BUILD_DIR] [SECONDS_EACH] [TARGET...]
#
# BUILD_DIR (default build-asan) must be configured with -DATTN_BUILD_FUZZERS=ON
# and built. Each target starts from its checked-in seeds (fuzz/corpus/NAME),
# its regression inputs (fuzz/regressions/NAME) and, for ir_fuzzer, the .mlir
# files under test/ and examples/ (fuzz/ir_seeds.py); what it learns is kept
# in BUILD_DIR/fuzz/work/NAME across local runs. Any crash, leak, timeout
# (-timeout, default 30 s per input), out-of-memory (-rss_limit_mb, default
# 4096) or sanitizer report fails the target; the input is saved as
# BUILD_DIR/fuzz/artifacts/NAME-<kind>-<sha1>, and the script says how to
# replay it and how to keep it as a regression test.
#
# Environment: FUZZ_TIMEOUT (seconds per input), FUZZ_RSS_MB, FUZZ_ARGS
# (extra libFuzzer flags, e.g. "-seed=1 -jobs=2").
# Ends with a line "N passed, M failed"; exit status 1 if any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build-asan}
SECONDS_EACH=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
TARGETS=("$@")
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "fuzz: no build directory ${1:-build-asan}"; exit 2; }
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(npy_fuzzer bind_fuzzer ir_fuzzer)
  # The PTX emulator's target exists where cuda.h was found.
  if grep -q '^ATTN_CUDA_RUNTIME:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null; then
    TARGETS+=(ptx_fuzzer)
  fi
fi
PY=/usr/bin/python3
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-22/bin/llvm-symbolizer}
# libFuzzer reports through stderr; leaks are checked (detect_leaks=1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/fuzz/lsan.supp:print_suppressions=0}
TIMEOUT=${FUZZ_TIMEOUT:-30}
RSS=${FUZZ_RSS_MB:-4096}

mkdir -p "$BUILD/fuzz/work" "$BUILD/fuzz/artifacts" "$BUILD/fuzz/logs" "$BUILD/fuzz/seeds"
passed=0
failed=0
for t in "${TARGETS[@]}"; do
  bin=$BUILD/bin/$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $t: no $bin (configure with -DATTN_BUILD_FUZZERS=ON and build)"
    failed=$((failed + 1))
    continue
  fi
  work=$BUILD/fuzz/work/$t
  mkdir -p "$work"
  dirs=("$work")
  for d in "$ROOT/fuzz/corpus/$t" "$ROOT/fuzz/regressions/$t"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  flags=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb="$RSS"
         -print_final_stats=1 -artifact_prefix="$BUILD/fuzz/artifacts/$t-")
  [ -f "$ROOT/fuzz/$t.dict" ] && flags+=(-dict="$ROOT/fuzz/$t.dict")
  if [ "$t" = ir_fuzzer ]; then
    seeds=$BUILD/fuzz/seeds/ir_fuzzer
    $PY "$ROOT/fuzz/ir_seeds.py" "$seeds" "$ROOT/test" "$ROOT/examples" >/dev/null
    dirs+=("$seeds")
    flags+=(-max_len=16384)
  fi
  log=$BUILD/fuzz/logs/$t.log
  start=$(date +%s)
  # shellcheck disable=SC2086
  "$bin" "${flags[@]}" ${FUZZ_ARGS:-} "${dirs[@]}" > "$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+' || true)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t: ok, ${runs:-?} inputs in ${secs}s (${cov:-cov: ?}), corpus $work"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz: $t: FAILED (exit $rc) after ${secs}s; log $log"
    grep -E 'ERROR: |runtime error|contract violation|SUMMARY' "$log" | head -n 8 | sed 's/^/  /'
    art=$(grep -oE "Test unit written to .*" "$log" | tail -n 1 | sed 's/Test unit written to //')
    if [ -n "$art" ]; then
      echo "  input:      $art"
      echo "  replay:     $BUILD/bin/$t-replay $art"
      echo "  keep it:    cp $art fuzz/regressions/$t/<what-it-is>   (replayed by CTest: fuzz-replay-$t)"
    fi
  fi
done
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
