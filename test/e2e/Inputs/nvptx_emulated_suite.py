#!/usr/bin/env python3
"""Every function of the given e2e/example files, compiled by the nvvm
pipeline and run under the PTX emulator, against the same function compiled
by the cpu pipeline.

  nvptx_emulated_suite.py EMULATOR_LIB FILE.mlir...

The attn_mlir package (PYTHONPATH=<build>/python) compiles each module (or
each `//--- name.mlir` section of a split-file test) twice: pipeline "cpu"
and pipeline "nvvm" (attn-compile --target=nvptx). The nvvm library calls
libattn_cuda_runtime, which loads the CUDA driver named by
ATTN_CUDA_DRIVER_LIBRARY: here the emulator, so that the PTX kernels, the
host code that launches them and the runtime all run without a GPU. Inputs
are random; their shapes are those of the file's `attn-run ... --input=`
RUN lines when it has some for the function (dynamic shapes need them),
else the function's static argument shapes. The error measure is the bench's:
max |gpu - cpu| / max(1, max |cpu|), within 2e-3 (f32), 2e-2 (f16), 6e-2
(bf16). One line per function, then `total: N functions, F failures, S
skipped`; exit 1 on a failure.
"""
import os
import re
import sys

EMULATOR = sys.argv[1]
os.environ["ATTN_CUDA_DRIVER_LIBRARY"] = EMULATOR

import numpy as np  # noqa: E402
import attn_mlir as am  # noqa: E402

TOL = {"f32": 2e-3, "f16": 2e-2, "bf16": 6e-2}
INPUT = re.compile(r"--input=((?:\d+x)*)(f32|f16|bf16|i1)=random")


def sections(path):
    """(label, text) of each split-file section, or of the whole file."""
    text = open(path).read()
    parts = re.split(r"^//--- (\S+)\n", text, flags=re.M)
    base = os.path.basename(path)
    if len(parts) == 1:
        return [(base, text, base)]
    out = []
    for i in range(1, len(parts), 2):
        out.append(("%s:%s" % (base, parts[i]), parts[i + 1], parts[i]))
    return out


def run_specs(path):
    """{(section file, function): [(shape, type), ...]} from the RUN lines."""
    specs = {}
    for line in open(path):
        if "RUN:" not in line or "attn-run" not in line:
            continue
        m = re.search(r"attn-run\s+(\S+)", line)
        if not m:
            continue
        target = os.path.basename(m.group(1))
        if target == "%s":
            target = os.path.basename(path)
        fm = re.search(r"--function=(\w+)", line)
        fn = fm.group(1) if fm else None
        ins = INPUT.findall(line)
        if "--input=" in line and len(ins) != line.count("--input="):
            continue  # an .npy input: not reproducible here
        if not ins:
            continue
        shapes = [(tuple(int(d) for d in dims.split("x") if d), t)
                  for dims, t in ins]
        specs.setdefault((target, fn), shapes)
    return specs


def random_input(rng, shape, t):
    if t == "i1":
        return rng.random(shape) > 0.25
    x = rng.standard_normal(shape).astype(np.float32)
    if t == "f16":
        return x.astype(np.float16)
    if t == "bf16":
        return am.to_bf16(x)
    return x


def as_f64(x, t):
    return (am.from_bf16(x) if t == "bf16" else x).astype(np.float64)


def main():
    total = fails = skipped = 0
    rng = np.random.default_rng(7)
    for path in sys.argv[2:]:
        specs = run_specs(path)
        for label, text, secfile in sections(path):
            try:
                cpu = am.compile(text, "cpu")
            except am.CompileError:
                continue  # not a compilable module (a diagnostics test)
            try:
                gpu = am.compile(text, "nvvm")
            except am.CompileError as e:
                total += 1
                fails += 1
                print("%s: FAIL nvvm compile: %s" % (label, str(e)[:300]))
                continue
            for f in cpu:
                name = "%s @%s" % (label, f.name)
                shapes = (specs.get((secfile, f.name)) or
                          specs.get((secfile, None)))
                if shapes is None or len(shapes) != len(f.args):
                    if any(d < 0 for a in f.args for d in a["shape"]):
                        skipped += 1
                        print("%s: skipped (dynamic shapes, no RUN inputs)"
                              % name)
                        continue
                    shapes = [(tuple(a["shape"]), a["type"]) for a in f.args]
                total += 1
                xs = [random_input(rng, s, t) for s, t in shapes]
                try:
                    want = f(*xs)
                    got = gpu[f.name](*xs)
                except (ValueError, RuntimeError) as e:
                    fails += 1
                    print("%s: FAIL %s" % (name, str(e)[:400]))
                    continue
                if not isinstance(want, tuple):
                    want, got = (want,), (got,)
                worst, bad = 0.0, None
                for r, (w, g) in enumerate(zip(want, got)):
                    t = f.results[r]["type"]
                    w64, g64 = as_f64(w, t), as_f64(g, t)
                    if np.isnan(g64).any() and not np.isnan(w64).any():
                        bad = "result %d has NaN" % r
                        break
                    ok = ~np.isnan(w64)
                    diff = np.abs(g64 - w64)[ok]
                    err = (diff.max() if diff.size else 0.0) / max(
                        1.0, np.abs(w64[ok]).max() if ok.any() else 1.0)
                    worst = max(worst, err)
                    if err > TOL[t]:
                        bad = "result %d error %.3g above %g" % (r, err, TOL[t])
                        break
                if bad:
                    fails += 1
                    print("%s: FAIL %s" % (name, bad))
                else:
                    print("%s: ok max_err=%.2e" % (name, worst))
                sys.stdout.flush()
    print("total: %d functions, %d failures, %d skipped"
          % (total, fails, skipped))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
