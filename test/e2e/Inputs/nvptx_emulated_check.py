#!/usr/bin/env python3
"""attn-compile --target=nvptx artefacts run on the PTX emulator, checked
against the float64 reference.

For each case (small versions of bench/gpu/cases.py's spread, an f32 and an
odd head size case on the FMA kernel, a dynamic-shape function): writes
NAME.mlir, compiles it with `attn-compile --target=nvptx -o NAME.so`, loads
it with ctypes while ATTN_CUDA_DRIVER_LIBRARY names the emulated driver
(libattn_cuda_emulator.so: device memory is host memory, kernels are
interpreted and every memory access checked), and calls both entry points
as bench/gpu/check_and_time.py does on a GPU: attn_NAME on host arrays and
attn_NAME_device on memory from mgpuMemAlloc (inputs copied in with
mgpuMemcpy), outputs poisoned with NaN before each call, the return code
and attnCudaTakeError() after it, max |out - ref| / max(1, max |ref|)
within 2e-2 (f16), 6e-2 (bf16), 1e-4 (f32) of cases.reference (NumPy,
float64); rows whose keys are all hidden must be exactly zero. Each case
runs in a process of its own (after a fault the emulated context stays
failed, as a GPU's does: it must not fail the cases after it), --jobs at a
time.

Prints `NAME: ok max_err=E (host E1, device E2, T s)` or `NAME: FAIL why`
per case, then `total: N cases, F failures (...)`; exits 1 on any failure.

--fault: instead, calls one case's device entry with host arrays that are
not device memory; the emulated launch must fail (ATTN_ERR_CUDA) with the
emulator's message naming the faulting kernel line. Prints
`fault: detected: MESSAGE` or `fault: FAIL why`. (Separate process: after a
fault the emulated context stays failed, as a GPU's does.)
"""
import argparse
import ctypes
import os
import re
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(SRC_ROOT, "bench", "gpu"))
import cases  # noqa: E402
import check_and_time  # noqa: E402  (imports torch only in its functions)

import numpy as np  # noqa: E402

C = cases.case
ERR_CUDA = 4

# Small versions of the GPU spread (B*H*Sq*Sk*D at most ~5e6: the
# interpreter runs a few 1e8 lane-instructions per second).
CASES = [
    C("e_f16_basic", 1, 2, 64, 64, 64, "f16"),
    C("e_bf16_causal", 2, 2, 64, 64, 64, "bf16", causal=True),
    C("e_f16_d128_causal", 1, 2, 80, 80, 128, "f16", causal=True),
    C("e_bf16_d128", 1, 2, 70, 70, 128, "bf16"),
    C("e_f16_dv128_d64", 1, 2, 64, 96, 64, "f16", Dv=128),
    C("e_bf16_dv64_d128_causal", 1, 2, 72, 72, 128, "bf16", Dv=64,
      causal=True),
    C("e_f16_dv32_d96", 1, 1, 50, 70, 96, "f16", Dv=32),
    C("e_f16_gqa_causal", 1, 4, 96, 96, 64, "f16", Hkv=2, causal=True),
    C("e_bf16_mqa", 1, 4, 40, 150, 64, "bf16", Hkv=1),
    C("e_f16_odd37_causal", 3, 2, 37, 37, 64, "f16", causal=True),
    C("e_f16_prefill_sq100_sk357_causal", 1, 1, 100, 357, 64, "f16",
      causal=True),
    C("e_bf16_sq64_sk48_causal", 1, 2, 64, 48, 64, "bf16", causal=True),
    C("e_f16_sq130_sk20_causal", 1, 1, 130, 20, 64, "f16", causal=True),
    C("e_f16_sq300_sk129_causal_d128", 1, 1, 300, 129, 128, "f16",
      causal=True),
    C("e_bf16_odd200_causal", 1, 2, 200, 200, 64, "bf16", causal=True),
    C("e_f16_scale_half", 1, 2, 64, 64, 64, "f16", scale=0.5),
    # Keys growing along the sequence: row maxima grow by more than the
    # kernel's lazy-rescaling threshold from block to block.
    dict(C("e_f16_growing_keys_d128", 1, 2, 64, 320, 128, "f16"), grow=40),
    dict(C("e_bf16_growing_keys_causal", 1, 2, 200, 256, 64, "bf16",
           causal=True), grow=40),
    # A negative scale: the kernel keeps the scale out of the row maximum.
    C("e_bf16_scale_negative_causal", 1, 2, 100, 130, 64, "bf16", scale=-0.3,
      causal=True),
    C("e_f16_mask_i1", 2, 2, 64, 64, 64, "f16", mask="i1", mask_bh=(1, 1)),
    C("e_bf16_mask_i1_causal_gqa", 2, 4, 48, 80, 128, "bf16", Hkv=2,
      causal=True, mask="i1", mask_bh=(2, 1)),
    C("e_f16_mask_add", 1, 2, 64, 128, 64, "f16", mask="add", mask_bh=(1, 2)),
    C("e_bf16_mask_add_causal", 2, 2, 77, 77, 128, "bf16", causal=True,
      mask="add", mask_bh=(2, 2)),
    C("e_f16_decode", 2, 4, 1, 300, 64, "f16", causal=True),
    C("e_bf16_decode_gqa", 1, 8, 1, 513, 128, "bf16", Hkv=2),
    C("e_f16_decode_gqa_sk1000_d128", 1, 8, 1, 1000, 128, "f16", Hkv=2,
      causal=True),
    # Grouped decode packs a group's heads into rows (the mask too when it
    # has every head); a mask broadcast over heads keeps one CTA per head.
    C("e_f16_decode_gqa_mask_i1", 2, 8, 1, 200, 64, "f16", Hkv=2, mask="i1",
      mask_bh=(1, 8)),
    C("e_bf16_decode_gqa_mask_bcast", 2, 8, 1, 200, 64, "bf16", Hkv=2,
      mask="add", mask_bh=(2, 1)),
    # Heads above 128 on tensor cores: Q from shared memory, 32-key tiles;
    # D 144 leaves a partial round of 16-byte copies (32 x 18 per tile).
    C("e_bf16_d160", 1, 1, 20, 45, 160, "bf16"),
    C("e_f16_d256", 1, 2, 70, 90, 256, "f16"),
    C("e_bf16_d256_causal", 1, 2, 100, 100, 256, "bf16", causal=True),
    C("e_f16_d192_dv128_gqa", 1, 4, 64, 100, 192, "f16", Dv=128, Hkv=2),
    C("e_bf16_d144_causal", 2, 2, 33, 77, 144, "bf16", causal=True),
    C("e_f16_d64_dv256", 1, 2, 64, 64, 64, "f16", Dv=256),
    C("e_f16_d160_mask_add", 1, 2, 40, 50, 160, "f16", mask="add",
      mask_bh=(1, 2)),
    C("e_f16_decode_gqa_d256", 1, 8, 1, 300, 256, "f16", Hkv=2),
    # f32: the tiled SIMT kernel (head sizes multiples of 4, D 16-128,
    # Dv 32-128); Dv 72 leaves lanes without an O column group.
    C("e_f32_gqa_mask_causal", 1, 2, 37, 50, 40, "f32", Hkv=1, causal=True,
      mask="i1", mask_bh=(1, 1)),
    C("e_f32_decode_add", 2, 2, 1, 129, 64, "f32", mask="add",
      mask_bh=(2, 1)),
    C("e_f32_d128_causal", 1, 2, 100, 130, 128, "f32", causal=True),
    C("e_f32_d36_dv72_mask_add", 2, 2, 70, 50, 36, "f32", Dv=72,
      mask="add", mask_bh=(1, 2)),
    C("e_f32_sq130_sk20_causal", 1, 2, 130, 20, 64, "f32", causal=True),
    # The FMA kernel: head sizes neither other kernel takes.
    C("e_f16_d40_causal", 1, 2, 33, 33, 40, "f16", causal=True),
    C("e_bf16_d288", 1, 1, 20, 45, 288, "bf16"),
    C("e_f32_d30", 1, 2, 33, 45, 30, "f32"),
    C("e_f32_d16_dv16_gqa", 1, 4, 40, 40, 16, "f32", Hkv=2),
    # attn.mha layers, whole on the GPU (projection kernels, f32 attention):
    # sizes that leave partial 64 x 64 output tiles and 16-deep slices.
    cases.mha_case("e_mha_f16_gqa_causal", 2, 45, 96, 4, "f16", Hkv=2,
                   causal=True),
    cases.mha_case("e_mha_f32", 1, 70, 72, 2, "f32"),
    cases.mha_case("e_mha_bf16", 1, 33, 40, 5, "bf16"),
    # f16/bf16 intermediates: every projection and the attention on tensor
    # cores.
    cases.mha_case("e_mha_f16_lowp_gqa_causal", 2, 45, 128, 4, "f16", Hkv=2,
                   causal=True, lowp=True),
    cases.mha_case("e_mha_bf16_lowp", 1, 70, 64, 2, "bf16", lowp=True),
    # E not a multiple of 8: the f16 projections fall back to the SIMT
    # kernel (f16 A and W widened on load, f16 C with lowp).
    cases.mha_case("e_mha_f16_e36", 2, 20, 36, 3, "f16"),
    cases.mha_case("e_mha_f16_lowp_e36_causal", 1, 50, 36, 3, "f16",
                   causal=True, lowp=True),
]

# Dynamic B, H, Sq, Sk (D = 64), run at two sets of sizes through one
# library: NAME -> (mlir, [(B, H, Hkv, Sq, Sk), ...]).
DYNAMIC = {
    "e_f16_dynamic_causal": (
        "func.func @e_f16_dynamic_causal(%q: tensor<?x?x?x64xf16>, "
        "%k: tensor<?x?x?x64xf16>, %v: tensor<?x?x?x64xf16>) -> "
        "tensor<?x?x?x64xf16> {\n"
        "  %o = attn.sdpa %q, %k, %v {causal}\n"
        "      : (tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16>, "
        "tensor<?x?x?x64xf16>) -> tensor<?x?x?x64xf16>\n"
        "  return %o : tensor<?x?x?x64xf16>\n"
        "}\n",
        [(1, 2, 2, 45, 70), (2, 2, 1, 70, 33)]),
    # Grouped decode with a dynamic batch and Sk: q, the mask and the result
    # reinterpreted as [B, Hkv, G, .] with a run-time B.
    "e_f16_dynamic_batch_decode_gqa": (
        "func.func @e_f16_dynamic_batch_decode_gqa(%q: tensor<?x8x1x64xf16>, "
        "%k: tensor<?x2x?x64xf16>, %v: tensor<?x2x?x64xf16>, "
        "%m: tensor<?x8x1x?xi1>) -> tensor<?x8x1x64xf16> {\n"
        "  %o = attn.sdpa %q, %k, %v mask %m\n"
        "      : (tensor<?x8x1x64xf16>, tensor<?x2x?x64xf16>, "
        "tensor<?x2x?x64xf16>, tensor<?x8x1x?xi1>) -> tensor<?x8x1x64xf16>\n"
        "  return %o : tensor<?x8x1x64xf16>\n"
        "}\n",
        [(1, 8, 2, 1, 100), (3, 8, 2, 1, 257)]),
}
# Dynamic dimensions (passed after each input's pointer) of the functions
# above: the first three of every input unless listed here.
DYNAMIC_DIMS = {
    "e_f16_dynamic_batch_decode_gqa": [(0,), (0, 2), (0, 2), (0, 3)],
}
DYNAMIC_OPTS = {
    "e_f16_dynamic_batch_decode_gqa": dict(causal=False, mask="i1"),
}

TOLERANCE = dict(cases.TOLERANCE)


#===--- Values ---------------------------------------------------------------===#

def bf16_bits(x):
    """float32 -> bf16 bit patterns, round to nearest even."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    return ((u + (((u >> 16) & 1) + 0x7FFF)) >> 16).astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def stored(x, dtype):
    """float32 values -> (array as the entry point takes it, its values)."""
    if dtype == "f16":
        h = x.astype(np.float16)
        return h, h
    if dtype == "bf16":
        b = bf16_bits(x)
        return b, bf16_value(b)
    x = x.astype(np.float32)
    return x, x


def make_mha_inputs(c, shapes, rng):
    """As check_and_time.make_mha_inputs: x standard normal, weights over
    sqrt(fan-in), biases 0.1 standard normal."""
    fan = dict(x=1, wq=c["E"], wk=c["E"], wv=c["E"], wo=c["H"] * c["D"])
    return [stored(rng.standard_normal(shapes[n], dtype=np.float32) *
                   np.float32(fan[n] ** -0.5 if n in fan else 0.1),
                   c["dtype"]) for n in cases.MHA_OPERANDS]


def make_inputs(c, shapes, rng):
    """[(stored, values)] for q, k, v and the mask, as check_and_time does:
    standard normal values; an i1 mask True with p = 3/4 and fully masked
    rows (cases.masked_rows); an additive mask 2 * standard normal. A case with "grow" scales
    key j by 1 + grow * j / Sk, so that row maxima keep growing along the
    keys (the kernel's lazy rescaling must then move its references)."""
    raw = {n: rng.standard_normal(shapes[n], dtype=np.float32)
           for n in ("q", "k", "v")}
    if c.get("grow"):
        sk = shapes["k"][2]
        ramp = 1 + c["grow"] * np.arange(sk, dtype=np.float32) / sk
        raw["k"] = raw["k"] * ramp[None, None, :, None]
    ins = [stored(raw[n], c["dtype"]) for n in ("q", "k", "v")]
    if c.get("mask") == "i1":
        m = rng.random(shapes["mask"]) < 0.75
        m[cases.masked_rows(c)[0]] = False
        ins.append((m, m))
    elif c.get("mask") == "add":
        ins.append(stored(2 * rng.standard_normal(shapes["mask"],
                                                  dtype=np.float32),
                          c["dtype"]))
    return ins


def out_values(out, dtype):
    if dtype == "bf16":
        return bf16_value(out).astype(np.float64)
    return out.astype(np.float64)


def poisoned(shape, dtype):
    if dtype == "f16":
        return np.full(shape, np.nan, np.float16)
    if dtype == "bf16":
        return np.full(shape, 0x7FC0, np.uint16)
    return np.full(shape, np.nan, np.float32)


def ptr(a):
    return ctypes.c_void_p(a.ctypes.data)


#===--- The runtime ----------------------------------------------------------===#

class Runtime(check_and_time.Runtime):
    """The GPU run's wrapper (error functions, take()) plus the mgpu*
    allocation and copy entry points this check calls for the device
    entries (on the GPU, PyTorch provides device memory)."""

    def __init__(self, path):
        super().__init__(path)
        L = self.lib
        L.mgpuStreamCreate.restype = ctypes.c_void_p
        L.mgpuStreamCreate.argtypes = []
        L.mgpuStreamSynchronize.argtypes = [ctypes.c_void_p]
        L.mgpuStreamDestroy.argtypes = [ctypes.c_void_p]
        L.mgpuMemAlloc.restype = ctypes.c_void_p
        L.mgpuMemAlloc.argtypes = [ctypes.c_int64, ctypes.c_void_p,
                                   ctypes.c_int8]
        L.mgpuMemFree.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        L.mgpuMemcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                 ctypes.c_int64, ctypes.c_void_p]


def call(fn, args):
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p if not isinstance(a, int) else
                   ctypes.c_int64 for a in args]
    return fn(*args)


def with_dims(arrays, dyn_dims):
    """Entry arguments: each array, then its dynamic dimensions (if any);
    the output last, without."""
    args = []
    for a, dims in zip(arrays, dyn_dims):
        args.append(ptr(a))
        args.extend(int(d) for d in dims)
    return args


def run_host(lib, rt, name, ins, out, dyn_dims):
    args = with_dims(ins, dyn_dims) + [ptr(out)]
    rc = call(getattr(lib, "attn_" + name), args)
    return rc, rt.take()


def run_device(lib, rt, name, ins, out, dyn_dims):
    """Inputs copied to mgpuMemAlloc memory, the entry called on it, the
    output (poisoned on the device first) copied back."""
    L = rt.lib
    stream = L.mgpuStreamCreate()
    bufs = []
    try:
        for a in ins + [out]:
            d = L.mgpuMemAlloc(a.nbytes, stream, 0)
            if not d:
                return -1, "mgpuMemAlloc(%d) returned NULL: %s" % (
                    a.nbytes, rt.take())
            bufs.append(d)
            L.mgpuMemcpy(d, a.ctypes.data, a.nbytes, stream)
        L.mgpuStreamSynchronize(stream)
        msg = rt.take()
        if msg:
            return -1, "copy in: " + msg
        dev = [ctypes.c_void_p(b) for b in bufs]
        args = []
        for d, dims in zip(dev[:-1], dyn_dims):
            args.append(d)
            args.extend(int(x) for x in dims)
        rc = call(getattr(lib, "attn_%s_device" % name), args + [dev[-1]])
        msg = rt.take()
        if rc == 0 and not msg:
            L.mgpuMemcpy(out.ctypes.data, bufs[-1], out.nbytes, stream)
            L.mgpuStreamSynchronize(stream)
            msg = rt.take()
        return rc, msg
    finally:
        for b in bufs:
            L.mgpuMemFree(b, stream)
        L.mgpuStreamDestroy(stream)
        rt.take()


#===--- Checking -------------------------------------------------------------===#

def shapes_of(c):
    return cases.shapes(c)


def compare(c, out, ref):
    """(error or None, why): NaN poison left, hidden rows, the error."""
    of = out_values(out, c["dtype"])
    bad = int((~np.isfinite(of)).sum())
    if bad:
        return None, "%d of %d outputs not finite (NaN poison left = " \
            "elements never written)" % (bad, of.size)
    err = cases.error_of(float(np.max(np.abs(of - ref))),
                         float(np.max(np.abs(ref))))
    if c.get("mask") == "i1" and np.any(of[cases.masked_rows(c)[1]] != 0):
        return None, "fully masked row is not zero"
    if c["causal"] and c["Sq"] > c["Sk"]:
        rows = c["Sq"] - c["Sk"]
        if np.any(of[:, :, :rows] != 0):
            return None, "rows with no visible key (causal, Sq > Sk) are " \
                "not zero"
    return err, ""


def check_one(lib, rt, c, seed, dyn=False):
    """One draw of inputs through both entries; returns (worst, detail)."""
    s = shapes_of(c)
    rng = np.random.default_rng(seed)
    if cases.is_mha(c):
        ins = make_mha_inputs(c, s, rng)
        ref = cases.mha_reference(cases.NumpyOps(), c, *[v for _, v in ins])
    else:
        ins = make_inputs(c, s, rng)
        vals = [v for _, v in ins]
        ref = cases.reference(cases.NumpyOps(), vals[0], vals[1], vals[2],
                              vals[3] if len(vals) > 3 else None,
                              c["causal"], c["scale"])
    st = [a for a, _ in ins]
    if dyn:
        idx = DYNAMIC_DIMS.get(c["name"], [(0, 1, 2)] * len(st))
        dyn_dims = [tuple(a.shape[i] for i in ix) for a, ix in zip(st, idx)]
    else:
        dyn_dims = [() for _ in st]
    tol = TOLERANCE[c["dtype"]]
    errs = {}
    for entry, runner in (("host", run_host), ("device", run_device)):
        out = poisoned(s["out"], c["dtype"])
        t0 = time.perf_counter()
        rc, msg = runner(lib, rt, c["name"], st, out, dyn_dims)
        dt = time.perf_counter() - t0
        if rc != 0 or msg:
            return None, "%s entry: rc=%d%s" % (
                entry, rc, (", " + msg) if msg else " with no runtime message")
        err, why = compare(c, out, ref)
        if err is None:
            return None, "%s entry: %s" % (entry, why)
        if err > tol:
            return None, "%s entry: error %.3g > %.0e" % (entry, err, tol)
        errs[entry] = (err, dt)
    return errs, ""


def compile_case(attn_compile, work, name, mlir, flags=()):
    src = os.path.join(work, name + ".mlir")
    so = os.path.join(work, name + ".so")
    with open(src, "w") as f:
        f.write(mlir)
    if os.path.exists(so):
        os.unlink(so)
    p = subprocess.run([attn_compile, src, "--target=nvptx", *flags, "-o",
                        so],
                       capture_output=True, text=True)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return None, "attn-compile failed (%d): %s" % (p.returncode, last)
    return so, ""


def dyn_case(name, B, H, Hkv, Sq, Sk):
    opts = DYNAMIC_OPTS.get(name, dict(causal=True))
    if opts.get("mask"):
        opts = dict(opts, mask_bh=(B, H))
    return cases.case(name, B, H, Sq, Sk, 64, "f16", Hkv=Hkv, **opts)


def all_jobs(only, bench_spread=False):
    if bench_spread:  # bench/gpu's untimed spread at full size, nothing else
        jobs = [(c["name"], cases.to_mlir(c), [c], False)
                for c in cases.SPREAD]
        return [j for j in jobs if not only or re.search(only, j[0])]
    jobs = [(c["name"], cases.to_mlir(c), [c], False) for c in CASES]
    for name, (mlir, sizes) in DYNAMIC.items():
        jobs.append((name, mlir, [dyn_case(name, *sz) for sz in sizes], True))
    if only:
        jobs = [j for j in jobs if re.search(only, j[0])]
    return jobs


def check_job(job, so, rt):
    """Runs one compiled job in this process; returns its result line."""
    name, _, cs, dyn = job
    t0 = time.perf_counter()
    try:
        lib = ctypes.CDLL(so)
        why = rt.take()  # the module is loaded by the library's constructor
        if why:
            return "%s: FAIL module load: %s" % (name, why)
        worst, parts = 0.0, []
        for i, c in enumerate(cs):
            errs, why = check_one(lib, rt, c, seed=1000 + i, dyn=dyn)
            if errs is None:
                if dyn:
                    why = "sizes B=%d H=%d Hkv=%d Sq=%d Sk=%d: %s" % (
                        c["B"], c["H"], c["Hkv"], c["Sq"], c["Sk"], why)
                return "%s: FAIL %s" % (name, why)
            worst = max([worst] + [e for e, _ in errs.values()])
            parts.append("host %.1e, device %.1e" % (errs["host"][0],
                                                     errs["device"][0]))
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        return "%s: FAIL exception: %s" % (name, e)
    return "%s: ok max_err=%.2e (%s, %.1f s)" % (
        name, worst, "; ".join(parts), time.perf_counter() - t0)


def run_child(a, job, so):
    """The job in a fresh process: after a fault the emulated context stays
    failed (as a GPU's does), which must not fail the cases after it."""
    cmd = [sys.executable, os.path.abspath(__file__), "--compiler", a.compiler,
           "--runtime", a.runtime, "--emulator", a.emulator, "--work", a.work,
           "--case", job[0]] + (["--bench-spread"] if a.bench_spread else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    lines = [l for l in p.stdout.splitlines()
             if l.startswith(job[0] + ": ")]
    if p.returncode in (0, 1) and len(lines) == 1:
        return lines[0]
    tail = " | ".join((p.stdout + p.stderr).strip().splitlines()[-3:])
    return "%s: FAIL the checking process exited with %d: %s" % (
        job[0], p.returncode, tail)


def run_checks(a):
    jobs = all_jobs(a.only, a.bench_spread)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        compiled = list(ex.map(
            lambda j: compile_case(a.compiler, a.work, j[0], j[1],
                                   j[2][0].get("compile_flags", ())), jobs))
        t1 = time.perf_counter()
        results = list(ex.map(
            lambda jc: ("%s: FAIL %s" % (jc[0][0], jc[1][1])) if not jc[1][0]
            else run_child(a, jc[0], jc[1][0]), zip(jobs, compiled)))
    failures = 0
    for line in results:
        failures += ": FAIL " in line
        print(line)
    print("total: %d cases, %d failures (compile %.1f s, run %.1f s, %d "
          "jobs)" % (len(jobs), failures, t1 - t0, time.perf_counter() - t1,
                     a.jobs), flush=True)
    return 1 if failures else 0


def run_case(a, rt):
    """--case NAME: the child's side of run_child."""
    jobs = [j for j in all_jobs(None, a.bench_spread) if j[0] == a.case]
    if len(jobs) != 1:
        print("%s: FAIL no such case" % a.case)
        return 1
    line = check_job(jobs[0], os.path.join(a.work, a.case + ".so"), rt)
    print(line, flush=True)
    return 1 if ": FAIL " in line else 0


def run_fault(a, rt):
    """The device entry on host arrays that are not device memory."""
    c = cases.case("e_fault_f16", 1, 2, 64, 64, 64, "f16")
    so, why = compile_case(a.compiler, a.work, c["name"], cases.to_mlir(c))
    if not so:
        print("fault: FAIL %s" % why)
        return 1
    lib = ctypes.CDLL(so)
    why = rt.take()
    if why:
        print("fault: FAIL module load: %s" % why)
        return 1
    s = shapes_of(c)
    rng = np.random.default_rng(0)
    ins = [a for a, _ in make_inputs(c, s, rng)]
    out = poisoned(s["out"], c["dtype"])
    rc = call(getattr(lib, "attn_%s_device" % c["name"]),
              [ptr(x) for x in ins] + [ptr(out)])
    msg = rt.take()
    if rc != ERR_CUDA:
        print("fault: FAIL rc=%d (expected ATTN_ERR_CUDA = %d), message %r"
              % (rc, ERR_CUDA, msg))
        return 1
    if not re.search(r"line \d+", msg):
        print("fault: FAIL the message names no line: %r" % msg)
        return 1
    print("fault: detected: %s" % msg)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compiler", required=True, help="attn-compile")
    ap.add_argument("--runtime", required=True,
                    help="libattn_cuda_runtime.so (the one the .so files "
                    "link against)")
    ap.add_argument("--emulator", required=True,
                    help="libattn_cuda_emulator.so")
    ap.add_argument("--work", required=True, help="directory for artefacts")
    ap.add_argument("--only", help="regex over case names")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel attn-compile processes")
    ap.add_argument("--fault", action="store_true",
                    help="check that a faulting launch is reported")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--bench-spread", action="store_true",
                    help="check bench/gpu/cases.py's untimed spread at full "
                    "size instead (minutes: up to 4097 x 4097)")
    ap.add_argument("--case", help=argparse.SUPPRESS)  # one case, compiled
    a = ap.parse_args()
    if a.list:
        for name, _, cs, _ in all_jobs(a.only, a.bench_spread):
            for c in cs:
                if cases.is_mha(c):
                    print("%-36s %-5s mha x%s heads %d/%d%s" % (
                        name, c["dtype"], cases.shapes(c)["x"], c["H"],
                        c["Hkv"], " causal" if c["causal"] else ""))
                    continue
                print("%-36s %-5s q%s k%s v%s%s%s" % (
                    name, c["dtype"], *[cases.shapes(c)[n] for n in "qkv"],
                    " causal" if c["causal"] else "",
                    " mask %s" % c["mask"] if c["mask"] else ""))
        return 0
    os.makedirs(a.work, exist_ok=True)
    if not a.fault and not a.case:
        return run_checks(a)  # each case in a child process
    # Before the runtime is loaded: it reads the variable on first use.
    os.environ["ATTN_CUDA_DRIVER_LIBRARY"] = os.path.abspath(a.emulator)
    rt = Runtime(a.runtime)
    pending = rt.take()
    if pending:
        print("runtime: message before any case: %s" % pending)
    return run_case(a, rt) if a.case else run_fault(a, rt)


if __name__ == "__main__":
    sys.exit(main())
