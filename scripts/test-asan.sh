#!/usr/bin/env bash
# Runs CTest in the sanitizer build (`make test-asan`): the lit suites, the
# GoogleTests, the fuzz regression replays and a small differential draw,
# with every project binary built with -fsanitize=address,undefined.
#
#   scripts/test-asan.sh [BUILD_DIR] [JOBS]
#
# Sanitizer reports are written to BUILD_DIR/sanitizer-logs/ (log_path), not
# to stderr: a report inside a test that expects a failure (`not attn-run`,
# `%expect_exit 2`) would otherwise go unnoticed. Any report fails the run,
# and is printed. Reports also end their process with exit code 86, which no
# tool uses.
#   ASAN_OPTIONS  detect_leaks=1 (LeakSanitizer on; fuzz/lsan.supp explains
#                 why nothing is suppressed), exitcode=86, log_path=...
#   UBSAN_OPTIONS halt_on_error=1 (-fno-sanitize-recover=undefined as well),
#                 print_stacktrace=1, exitcode=86, log_path=...
# Ends with CTest's "N% tests passed, ..." line.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build-asan}
JOBS=${2:-$(nproc)}
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "test-asan: no build directory ${1:-build-asan}"; exit 2; }
LOGS=$BUILD/sanitizer-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$LOGS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$LOGS/ubsan"
export LSAN_OPTIONS="suppressions=$ROOT/fuzz/lsan.supp:print_suppressions=0"

cd "$BUILD"
start=$(date +%s)
ctest --output-on-failure -j "$JOBS" > ctest.log 2>&1
rc=$?
cat ctest.log
secs=$(( $(date +%s) - start ))

reports=("$LOGS"/*)
if [ -e "${reports[0]}" ]; then
  echo
  echo "test-asan: ${#reports[@]} sanitizer report(s):"
  for r in "${reports[@]}"; do
    echo "---- $r"
    head -n 60 "$r"
  done
  rc=1
else
  echo "test-asan: no sanitizer reports (ctest took ${secs}s)"
fi
# CTest's summary line last.
grep -E '^[0-9]+% tests passed' ctest.log | tail -n 1
exit $rc
