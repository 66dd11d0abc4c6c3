#!/usr/bin/env bash
# Runs THERE (the device machine), from the repository root, through the
# `run` tool with carry=["bench/gpu/artefacts"]:
#   bash bench/gpu/run_on_device.sh [check_and_time.py options]
# Builds libattn_cuda_runtime from the carried sources, links each case's
# object, checks and times (bench/gpu/check_and_time.py). Logs and results go
# to $OUT (build.log, log.txt, results.md, results.json, nvidia-smi.txt).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/attn-gpu-out}
mkdir -p "$OUT"
if [ ! -f bench/gpu/artefacts/cases.json ]; then
  echo "run_on_device: error: bench/gpu/artefacts/cases.json missing: run bench/gpu/prepare.sh first and carry bench/gpu/artefacts" >&2
  exit 2
fi
{ nvidia-smi; nvcc --version; g++ --version | head -n 1; python3 --version; } \
  > "$OUT/nvidia-smi.txt" 2>&1
export PYTHONUNBUFFERED=1
python3 bench/gpu/check_and_time.py --artefacts bench/gpu/artefacts --out "$OUT" "$@" 2>&1 \
  | tee "$OUT/log.txt"
exit "${PIPESTATUS[0]}"
