#!/usr/bin/env bash
# Runs HERE (the build machine): writes bench/gpu/artefacts for the device run.
#   bench/gpu/prepare.sh [--only REGEX]
# One static-shape .mlir per case (cases.py), then for each
#   attn-compile NAME.mlir --target=nvptx -o obj/NAME.o / obj/NAME.h / obj/NAME.ptx
# the runtime sources (runtime/cuda) beside them, and a size check: what the
# device call carries (working tree + artefacts) must stay under 64 MiB.
set -uo pipefail
cd "$(dirname "$0")/../.."
ATTN_COMPILE=${ATTN_COMPILE:-build/bin/attn-compile}
# The host code runs on the device machine's CPU, whose model is unknown
# here: x86-64-v3 (AVX2, FMA) rather than this machine's -mcpu.
HOST_CPU=${HOST_CPU:-x86-64-v3}
ART=bench/gpu/artefacts
LIMIT=$((64 * 1024 * 1024))
only=()
[ "${1:-}" = "--only" ] && only=(--only "$2")

die() { echo "prepare: error: $*" >&2; exit 1; }
[ -x "$ATTN_COMPILE" ] || die "$ATTN_COMPILE not found: build first (ninja -C build)"

rm -rf "$ART"
mkdir -p "$ART/mlir" "$ART/obj" "$ART/runtime/include/attn"
/usr/bin/python3 bench/gpu/cases.py --emit "$ART/mlir" "${only[@]}" > "$ART/cases.txt" \
  || die "cases.py failed"
mv "$ART/mlir/cases.json" "$ART/cases.json"
cp runtime/cuda/CudaRuntime.cpp "$ART/runtime/"
cp runtime/cuda/include/attn/cuda_runtime.h "$ART/runtime/include/attn/"

failed=0
n=0
for m in "$ART"/mlir/*.mlir; do
  name=$(basename "$m" .mlir)
  n=$((n + 1))
  # Extra attn-compile flags of the case (cases.py compile_flags).
  flags=()
  [ -f "$ART/mlir/$name.flags" ] && read -r -a flags < "$ART/mlir/$name.flags"
  for ext in o h; do
    if ! err=$("$ATTN_COMPILE" "$m" --target=nvptx "${flags[@]}" --cpu="$HOST_CPU" -o "$ART/obj/$name.$ext" 2>&1); then
      echo "prepare: FAIL $name.$ext: $(echo "$err" | tail -n 1)"
      failed=$((failed + 1))
      continue 2
    fi
  done
  # The PTX is only for reading and ptxas on the device; not required.
  "$ATTN_COMPILE" "$m" --target=nvptx "${flags[@]}" -o "$ART/obj/$name.ptx" > /dev/null 2>&1 \
    || rm -f "$ART/obj/$name.ptx"
done

art_bytes=$(du -sb "$ART" | cut -f1)
tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } \
  | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
total=$((art_bytes + tree_bytes))
printf 'prepare: %d cases, %d failed; artefacts %.1f MiB + working tree %.1f MiB = %.1f MiB (limit 64 MiB)\n' \
  "$n" "$failed" "$(echo "$art_bytes / 1048576" | bc -l)" \
  "$(echo "$tree_bytes / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)"
[ "$total" -lt "$LIMIT" ] || die "the device call would carry more than 64 MiB; use --only"
if [ "$failed" -gt 0 ]; then
  die "$failed of $n cases did not compile with --target=nvptx (see above); the device run would report them as failures"
fi
echo "prepare: ready; run bench/gpu/run_on_device.sh on the device machine (see bench/gpu/README.md)"
