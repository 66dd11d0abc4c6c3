#!/usr/bin/env python3
"""Device side of bench/gpu: check and time the attn-compile --target=nvptx
artefacts against a float64 reference and PyTorch's SDPA.

Run on the device machine from the repository root, by run_on_device.sh:
  python3 bench/gpu/check_and_time.py --artefacts bench/gpu/artefacts --out $OUT

For each case of artefacts/cases.json (written by prepare.sh):
  1. links artefacts/obj/NAME.o with libattn_cuda_runtime (built here from
     the carried runtime sources) into NAME.so and loads it with ctypes;
  2. checks: fresh random inputs per check (torch, on the GPU), the output
     poisoned with NaN before each call, the return code and
     attnCudaLastError() after each call, both entries (attn_NAME on host
     copies, attn_NAME_device on device pointers), max |out - ref| /
     max(1, max |ref|) within 2e-2 (f16) / 6e-2 (bf16) of a float64
     reference (cases.reference through PyTorch);
  3. times (timed cases): attn_NAME_device against
     torch.nn.functional.scaled_dot_product_attention under the flash,
     efficient and cuDNN backends (a backend that refuses is reported as
     such; an attn.mha case against the whole layer in PyTorch, F.linear
     projections around SDPA under each backend): median of
     per-call times (each call followed by torch.cuda.synchronize(), host
     clock; our entry synchronizes before it returns) after warm-up,
     rotating among input sets so that small shapes do not run from L2.
Prints a markdown table last; results.json, results.md and the full log go
to --out.
"""
import argparse
import ctypes
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402

ERR_CUDA = 4


def log(msg=""):
    print(msg, flush=True)


def sh(cmd, logf):
    p = subprocess.run(cmd, capture_output=True, text=True)
    logf.write("$ %s\n%s%s(rc=%d)\n" % (" ".join(cmd), p.stdout, p.stderr,
                                         p.returncode))
    logf.flush()
    return p


#===--- Building ------------------------------------------------------------===#

def build_runtime(art, work, logf):
    src = os.path.join(art, "runtime")
    if not os.path.isfile(os.path.join(src, "CudaRuntime.cpp")):
        src = os.path.join(HERE, "..", "..", "runtime", "cuda")
    cuda = os.environ.get("CUDA_HOME", "/usr/local/cuda")
    lib = os.path.join(work, "libattn_cuda_runtime.so")
    p = sh(["g++", "-std=c++17", "-O2", "-fPIC", "-shared",
            "-fvisibility=hidden", "-I", os.path.join(src, "include"),
            "-I", os.path.join(cuda, "include"),
            os.path.join(src, "CudaRuntime.cpp"), "-o", lib, "-ldl"], logf)
    if p.returncode != 0:
        raise SystemExit("check_and_time: error: building the CUDA runtime "
                         "failed: %s" % p.stderr.strip().splitlines()[-1:])
    return lib


def link_case(art, work, name, logf):
    obj = os.path.join(art, "obj", name + ".o")
    so = os.path.join(work, name + ".so")
    if not os.path.isfile(obj):
        return None, "no artefact %s" % obj
    p = sh(["g++", "-shared", "-o", so, obj, "-L", work, "-lattn_cuda_runtime",
            "-ldl", "-lm", "-Wl,-rpath," + work], logf)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return None, "link failed: " + last
    return so, None


def header_params(art, name, entry):
    """Parameter count of `int ENTRY(...)` in artefacts/obj/NAME.h."""
    path = os.path.join(art, "obj", name + ".h")
    try:
        text = open(path).read()
    except OSError:
        return None
    m = re.search(r"\bint\s+%s\s*\(([^)]*)\)" % re.escape(entry), text)
    if not m:
        return None
    return len([p for p in m.group(1).split(",") if p.strip()])


#===--- Runtime errors ------------------------------------------------------===#

class Runtime:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        self.lib.attnCudaLastError.restype = ctypes.c_char_p
        self.lib.attnCudaHasError.restype = ctypes.c_int
        self.lib.attnCudaTakeError.restype = ctypes.c_int
        self.lib.attnCudaTakeError.argtypes = [ctypes.c_char_p, ctypes.c_size_t]

    def take(self):
        buf = ctypes.create_string_buffer(4096)
        if self.lib.attnCudaTakeError(buf, len(buf)):
            return buf.value.decode(errors="replace")
        return ""


#===--- Inputs and the reference --------------------------------------------===#

def torch_dtype(torch, dt):
    return {"f16": torch.float16, "bf16": torch.bfloat16,
            "f32": torch.float32}[dt]


def make_inputs(torch, c, gen):
    s = cases.shapes(c)
    dt = torch_dtype(torch, c["dtype"])
    dev = "cuda"
    q, k, v = (torch.randn(s[n], generator=gen, device=dev, dtype=torch.float32)
               .to(dt) for n in ("q", "k", "v"))
    mask = None
    if c["mask"] == "i1":
        mask = torch.rand(s["mask"], generator=gen, device=dev) < 0.75
        mask[cases.masked_rows(c)[0]] = False  # fully masked: zeros expected
    elif c["mask"] == "add":
        mask = (torch.randn(s["mask"], generator=gen, device=dev) * 2).to(dt)
    return q, k, v, mask


def make_mha_inputs(torch, c, gen):
    """x standard normal; weights scaled by 1/sqrt(fan-in) (outputs stay
    O(1)); biases 0.1 standard normal; in MHA_OPERANDS order."""
    s = cases.shapes(c)
    dt = torch_dtype(torch, c["dtype"])
    fan = dict(x=1, wq=c["E"], wk=c["E"], wv=c["E"], wo=c["H"] * c["D"])

    def draw(n):
        t = torch.randn(s[n], generator=gen, device="cuda",
                        dtype=torch.float32)
        return (t * (fan[n] ** -0.5 if n in fan else 0.1)).to(dt)
    return [draw(n) for n in cases.MHA_OPERANDS]


def inputs_and_reference(torch, c, gen):
    """(the entry points' inputs in order, the float64 reference)."""
    if cases.is_mha(c):
        ins = make_mha_inputs(torch, c, gen)
        with torch.no_grad():
            ref = cases.mha_reference(cases.TorchOps(), c, *ins,
                                      max_score_elems=1 << 27)
        return ins, ref
    q, k, v, mask = make_inputs(torch, c, gen)
    return ([q, k, v] + ([mask] if mask is not None else []),
            reference(torch, c, q, k, v, mask))


def reference(torch, c, q, k, v, mask):
    ops = cases.TorchOps()
    with torch.no_grad():
        return cases.reference(ops, q, k, v, mask, c["causal"], c["scale"],
                               max_score_elems=1 << 27)


def ptr(t):
    return ctypes.c_void_p(t.data_ptr())


#===--- Checks --------------------------------------------------------------===#

def call_entry(fn, rt, args):
    rc = fn(*args)
    msg = rt.take()
    return rc, msg


def check_case(torch, c, lib, rt, n_checks, seed):
    """Returns (ok, detail) after n_checks draws on each entry."""
    name = c["name"]
    dev_fn = getattr(lib, "attn_%s_device" % name)
    host_fn = getattr(lib, "attn_%s" % name)
    for fn in (dev_fn, host_fn):
        fn.restype = ctypes.c_int
    tol = cases.TOLERANCE[c["dtype"]]
    worst = 0.0
    for i in range(n_checks):
        gen = torch.Generator(device="cuda")
        gen.manual_seed(seed + 1000 * i)
        ins, ref = inputs_and_reference(torch, c, gen)
        ref_max = float(ref.abs().max())
        for entry in ("device", "host"):
            out = torch.full(cases.shapes(c)["out"], float("nan"),
                             dtype=ins[0].dtype, device="cuda")
            if entry == "device":
                torch.cuda.synchronize()
                rc, msg = call_entry(dev_fn, rt, [ptr(t) for t in ins] +
                                     [ptr(out)])
            else:
                hins = [t.cpu().contiguous() for t in ins]
                hout = out.cpu().contiguous()
                rc, msg = call_entry(host_fn, rt, [ptr(t) for t in hins] +
                                     [ptr(hout)])
                out = hout.cuda()
            if rc != 0 or msg:
                return False, "%s entry: rc=%d%s" % (
                    entry, rc, (", " + msg) if msg else
                    " with no runtime message")
            of = out.to(torch.float64)
            nan = int((~torch.isfinite(of)).sum())
            if nan:
                return False, "%s entry: %d of %d outputs not finite (NaN " \
                    "poison left = elements never written)" % (
                        entry, nan, of.numel())
            err = cases.error_of(float((of - ref).abs().max()), ref_max)
            worst = max(worst, err)
            if err > tol:
                return False, "%s entry, draw %d: error %.3g > %.3g" % (
                    entry, i, err, tol)
            if c["mask"] == "i1" and \
                    float(of[cases.masked_rows(c)[1]].abs().max()) != 0:
                return False, "%s entry: fully masked row is not zero" % entry
    return True, "max error %.2e (tolerance %.0e)" % (worst, tol)


#===--- Timing --------------------------------------------------------------===#

def time_calls(torch, fn, n_sets, warmup, min_iters, max_iters, budget_s):
    """Median and min per-call seconds; fn(i) runs on input set i % n_sets."""
    for i in range(warmup):
        fn(i % n_sets)
    torch.cuda.synchronize()
    times = []
    t_end = time.perf_counter() + budget_s
    i = 0
    while i < max_iters and (i < min_iters or time.perf_counter() < t_end):
        t0 = time.perf_counter()
        fn(i % n_sets)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        i += 1
    return statistics.median(times), min(times), len(times)


def mha_layer(torch, F, c, x, wqT, wkT, wvT, woT, bq, bk, bv, bo):
    """The attn.mha case in PyTorch as a model would run it: F.linear with
    [out, in] weights, heads as views, scaled_dot_product_attention."""
    B, S, _ = x.shape
    H, Hkv, D = c["H"], c["Hkv"], c["D"]

    def heads(t, n):
        return t.view(B, S, n, D).transpose(1, 2)
    q = heads(F.linear(x, wqT, bq), H)
    k = heads(F.linear(x, wkT, bk), Hkv)
    v = heads(F.linear(x, wvT, bv), Hkv)
    o = F.scaled_dot_product_attention(q, k, v, is_causal=c["causal"],
                                       enable_gqa=Hkv != H)
    return F.linear(o.transpose(1, 2).reshape(B, S, H * D), woT, bo) + x


def time_case(torch, c, lib, rt, budget_s):
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel
    s = cases.shapes(c)
    mha = cases.is_mha(c)
    names = cases.MHA_OPERANDS + ("out",) if mha else ("q", "k", "v", "out")
    elem_bytes = 4 if c["dtype"] == "f32" else 2
    bytes_per_set = elem_bytes * sum(math.prod(s[n]) for n in names)
    n_sets = max(2, min(8, (1 << 29) // max(1, bytes_per_set)))
    gen = torch.Generator(device="cuda")
    gen.manual_seed(12345)
    sets, argsets = [], []
    for _ in range(n_sets):
        if mha:
            ins = make_mha_inputs(torch, c, gen)
        else:
            ins = [t for t in make_inputs(torch, c, gen) if t is not None]
        out = torch.empty(s["out"], dtype=ins[0].dtype, device="cuda")
        argsets.append([ptr(t) for t in ins] + [ptr(out)])
        if mha:  # PyTorch's weights are [out, in]
            x, wq, wk, wv, wo = ins[:5]
            ins = [x] + [w.t().contiguous() for w in (wq, wk, wv, wo)] + \
                ins[5:]
        sets.append((ins, out))
    dev_fn = getattr(lib, "attn_%s_device" % c["name"])
    dev_fn.restype = ctypes.c_int
    failures = []

    def ours(i):
        if dev_fn(*argsets[i]) != 0:
            failures.append(rt.take())

    res = {}
    med, mn, n = time_calls(torch, ours, n_sets, 5, 10, 500, budget_s)
    res["ours"] = None if failures else (med, mn, n)
    if failures:
        res["ours_error"] = failures[0]
    scale = cases.scale_of(c)
    for label, backend in (("flash", SDPBackend.FLASH_ATTENTION),
                           ("efficient", SDPBackend.EFFICIENT_ATTENTION),
                           ("cudnn", SDPBackend.CUDNN_ATTENTION)):
        def theirs(i, backend=backend):
            ins = sets[i][0]
            with sdpa_kernel(backend):
                if mha:
                    mha_layer(torch, F, c, *ins)
                    return
                q, k, v = ins[:3]
                if c["Hkv"] != c["H"]:
                    F.scaled_dot_product_attention(
                        q, k, v, is_causal=c["causal"], scale=scale,
                        enable_gqa=True)
                else:
                    F.scaled_dot_product_attention(
                        q, k, v, is_causal=c["causal"], scale=scale)
        try:
            med, mn, n = time_calls(torch, theirs, n_sets, 5, 10, 500,
                                    budget_s)
            res[label] = (med, mn, n)
        except Exception as e:  # the backend refused this shape/dtype
            res[label] = None
            res[label + "_error"] = str(e).strip().splitlines()[0][:200]
    return res


#===--- Device information --------------------------------------------------===#

def device_info(torch):
    p = torch.cuda.get_device_properties(0)
    info = dict(name=torch.cuda.get_device_name(0),
                sm_count=p.multi_processor_count,
                memory_gib=round(p.total_memory / 2**30, 1),
                capability="%d.%d" % (p.major, p.minor),
                torch=torch.__version__, cuda=torch.version.cuda,
                cudnn=torch.backends.cudnn.version())
    l2 = getattr(p, "L2_cache_size", None)
    if l2:
        info["l2_mib"] = round(l2 / 2**20, 1)
    # Two ceilings, measured (METHOD.md): device-to-device copy bandwidth and
    # a bf16 matrix product.
    n = 1 << 28
    a = torch.empty(n, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    for _ in range(3):
        b.copy_(a)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(20):
        b.copy_(a)
    torch.cuda.synchronize()
    info["copy_tb_s"] = round(2 * n * 20 / (time.perf_counter() - t0) / 1e12, 2)
    del a, b
    m = 8192
    x = torch.randn(m, m, device="cuda", dtype=torch.bfloat16)
    y = torch.randn(m, m, device="cuda", dtype=torch.bfloat16)
    for _ in range(3):
        x @ y
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(10):
        x @ y
    torch.cuda.synchronize()
    info["bf16_gemm_tflops"] = round(2 * m**3 * 10 /
                                     (time.perf_counter() - t0) / 1e12)
    return info


#===--- Main ----------------------------------------------------------------===#

def fmt_t(r):
    return "n/a" if not r else "%.3f" % (r[0] * 1e3)


def fmt_tf(r, fl):
    return "n/a" if not r else "%.0f" % (fl / r[0] / 1e12)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--artefacts", default=os.path.join(HERE, "artefacts"))
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/attn-gpu-out"))
    ap.add_argument("--work", default="/tmp/attn-gpu-work")
    ap.add_argument("--only", help="regex over case names")
    ap.add_argument("--checks", type=int, default=2,
                    help="random draws per check of a small case (large: 1)")
    ap.add_argument("--no-time", action="store_true")
    ap.add_argument("--time-budget", type=float, default=1.0,
                    help="seconds of timed calls per implementation and case")
    a = ap.parse_args()
    import torch

    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)
    logf = open(os.path.join(a.out, "build.log"), "w")
    manifest = os.path.join(a.artefacts, "cases.json")
    if not os.path.isfile(manifest):
        raise SystemExit("check_and_time: error: %s missing: run "
                         "bench/gpu/prepare.sh and carry bench/gpu/artefacts"
                         % manifest)
    all_cases = json.load(open(manifest))
    if a.only:
        all_cases = [c for c in all_cases if re.search(a.only, c["name"])]

    info = device_info(torch)
    log("device: %s" % json.dumps(info))
    rt = Runtime(build_runtime(a.artefacts, a.work, logf))
    pending = rt.take()
    if pending:
        log("runtime: message before any case: %s" % pending)

    results = []
    for c in all_cases:
        name = c["name"]
        r = dict(case=c, check=None, detail="", timing=None)
        results.append(r)
        so, why = link_case(a.artefacts, a.work, name, logf)
        if not so:
            r["check"], r["detail"] = False, why
            log("FAIL %-36s %s" % (name, why))
            continue
        n_in = len(cases.MHA_OPERANDS) if cases.is_mha(c) else \
            4 if c["mask"] else 3
        for entry in ("attn_%s" % name, "attn_%s_device" % name):
            n = header_params(a.artefacts, name, entry)
            if n is not None and n != n_in + 1:
                why = "header declares %s with %d parameters, expected %d" % (
                    entry, n, n_in + 1)
        try:
            lib = ctypes.CDLL(so)
        except OSError as e:
            r["check"], r["detail"] = False, "dlopen: %s" % e
            log("FAIL %-36s %s" % (name, r["detail"]))
            continue
        load_msg = rt.take()  # module load runs in the library's constructor
        if load_msg or why:
            r["check"], r["detail"] = False, load_msg or why
            log("FAIL %-36s %s" % (name, r["detail"]))
            continue
        big = math.prod(cases.shapes(c)["x" if cases.is_mha(c) else "q"]) \
            > (1 << 24)
        try:
            ok, detail = check_case(torch, c, lib, rt,
                                    1 if big else a.checks, seed=len(results))
        except Exception as e:
            ok, detail = False, "exception: %s" % e
            traceback.print_exc(file=logf)
        r["check"], r["detail"] = ok, detail
        log("%s %-36s %s" % ("PASS" if ok else "FAIL", name, detail))
        torch.cuda.empty_cache()
        if c["timed"] and ok and not a.no_time:
            try:
                r["timing"] = time_case(torch, c, lib, rt, a.time_budget)
            except Exception as e:
                r["timing"] = {"error": str(e)}
                traceback.print_exc(file=logf)
            t = r["timing"]
            log("     %-36s ours %s ms, flash %s ms, efficient %s ms, "
                "cudnn %s ms%s" % (
                name, fmt_t(t.get("ours")), fmt_t(t.get("flash")),
                fmt_t(t.get("efficient")), fmt_t(t.get("cudnn")),
                ("  (ours: %s)" % t["ours_error"]) if t.get("ours_error")
                else ""))
            torch.cuda.empty_cache()

    n_pass = sum(1 for r in results if r["check"])
    lines = ["", "## attn-mlir GPU check and timing", "",
             "%s, %d SMs, torch %s, CUDA %s, %s UTC" % (
                 info["name"], info["sm_count"], info["torch"], info["cuda"],
                 datetime.datetime.now(datetime.timezone.utc)
                 .strftime("%Y-%m-%d %H:%M")),
             "measured ceilings: copy %.2f TB/s, bf16 GEMM %d TFLOP/s" % (
                 info["copy_tb_s"], info["bf16_gemm_tflops"]),
             "", "checks: %d of %d passed" % (n_pass, len(results))]
    for r in results:
        if not r["check"]:
            lines.append("- FAIL %s: %s" % (r["case"]["name"], r["detail"]))
    lines += ["", "| shape (B,H,S,D) | dtype | causal | ours ms | ours TFLOP/s "
              "| flash ms | flash TFLOP/s | efficient ms | efficient TFLOP/s "
              "| cudnn ms | cudnn TFLOP/s | ours/flash | ours/best |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c, t = r["case"], r["timing"]
        if not c["timed"]:
            continue
        fl = cases.flops(c)
        if cases.is_mha(c):  # the whole layer, projections included
            shape = "mha(%d,%d,E=%d,%d/%d)" % (c["B"], c["S"], c["E"],
                                               c["H"], c["Hkv"])
        elif c["Sq"] == c["Sk"] and c["H"] == c["Hkv"]:
            shape = "(%d,%d,%d,%d)" % (c["B"], c["H"], c["Sq"], c["D"])
        else:  # decode / GQA: heads/kv heads, Sq x Sk
            shape = "(%d,%d/%d,%dx%d,%d)" % (c["B"], c["H"], c["Hkv"],
                                             c["Sq"], c["Sk"], c["D"])
        if not t or "error" in t:
            why = r["detail"] if not r["check"] else (t or {}).get(
                "error", "not timed")
            lines.append("| %s | %s | %s | %s | | | | | | | | | |" % (
                shape, c["dtype"], "yes" if c["causal"] else "no",
                "check failed" if not r["check"] else why))
            continue
        ratio = best = "n/a"
        if t.get("ours") and t.get("flash"):
            ratio = "%.2f" % (t["flash"][0] / t["ours"][0])
        theirs = [t[k][0] for k in ("flash", "efficient", "cudnn")
                  if t.get(k)]
        if t.get("ours") and theirs:
            best = "%.2f" % (min(theirs) / t["ours"][0])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                     "| %s | %s |" % (
            shape, c["dtype"], "yes" if c["causal"] else "no",
            fmt_t(t.get("ours")), fmt_tf(t.get("ours"), fl),
            fmt_t(t.get("flash")), fmt_tf(t.get("flash"), fl),
            fmt_t(t.get("efficient")), fmt_tf(t.get("efficient"), fl),
            fmt_t(t.get("cudnn")), fmt_tf(t.get("cudnn"), fl), ratio, best))
    lines.append("")
    lines.append("ours/flash = flash time / our time (above 1: ours faster); "
                 "ours/best = the fastest PyTorch backend's time / ours. "
                 "Times: median per call incl. synchronize, host clock.")
    table = "\n".join(lines)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(dict(device=info, results=results), f, indent=1,
                  default=str)
    log(table)
    return 0 if n_pass == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
