"""Measures what the issue asks of attn_mlir.sdpa on (1, 8, 1024, 64) f32:

- the first call in a process with an empty disk cache (compile + link +
  load + run), and in a second process that finds the library on disk;
- the kernel's own time (its C entry point called directly through ctypes
  with prepared pointers) against attn_mlir.sdpa(q, k, v), interleaved;
- the cost a cached call adds over the kernel: everything sdpa() does but
  the kernel, measured exactly by pointing the cached call at a no-op C
  function of the same signature (built here with clang), so that the
  kernel's run-to-run noise (milliseconds on a shared machine) drops out.

usage: PYTHONPATH=build/python /usr/bin/python3 python/benchmarks/sdpa_overhead.py
       [--shape B,H,S,D] [--iters N] [--threads N]
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

FIRST = r"""
import json, os, sys, time
t0 = time.perf_counter()
import numpy as np
import attn_mlir
t1 = time.perf_counter()
shape = tuple(int(x) for x in sys.argv[1].split(","))
rng = np.random.default_rng(0)
q, k, v = (rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(3))
t2 = time.perf_counter()
o = attn_mlir.sdpa(q, k, v)
t3 = time.perf_counter()
o = attn_mlir.sdpa(q, k, v)
t4 = time.perf_counter()
err = float(np.abs(o - attn_mlir.reference.sdpa(q, k, v)).max())
print(json.dumps({"import_s": t1 - t0, "first_call_s": t3 - t2, "second_call_s": t4 - t3,
                  "max_abs_err": err, **attn_mlir.cache_info()}))
"""


def child(cache, shape):
    env = dict(os.environ, ATTN_MLIR_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", FIRST, shape], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="1,8,1024,64")
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold = child(cache, a.shape)
        warm = child(cache, a.shape)
        print("first call, empty cache : %.3f s (compile + link + load + run; "
              "second call %.2f ms; import %.3f s; max_abs_err %.2e; compiles=%d)"
              % (cold["first_call_s"], cold["second_call_s"] * 1e3, cold["import_s"],
                 cold["max_abs_err"], cold["compiles"]))
        print("first call, 2nd process : %.3f s (disk_hits=%d, compiles=%d)"
              % (warm["first_call_s"], warm["disk_hits"], warm["compiles"]))
        print("  => compile time ~ %.3f s"
              % (cold["first_call_s"] - warm["first_call_s"]))

        os.environ["ATTN_MLIR_CACHE_DIR"] = cache
        import numpy as np
        import attn_mlir
        if a.threads:
            attn_mlir.set_num_threads(a.threads)
        shape = tuple(int(x) for x in a.shape.split(","))
        rng = np.random.default_rng(0)
        q, k, v = (rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(3))
        attn_mlir.sdpa(q, k, v)
        call = attn_mlir._ops._sdpa_memo[next(iter(attn_mlir._ops._sdpa_memo))]
        cfn = call.cfn
        out = np.empty(call.out_shape, np.float32)
        ptrs = (q.ctypes.data, k.ctypes.data, v.ctypes.data, out.ctypes.data)
        for _ in range(5):
            cfn(*ptrs), attn_mlir.sdpa(q, k, v)
        raw, py = [], []
        pc = time.perf_counter
        for _ in range(a.iters):
            t = pc(); cfn(*ptrs); raw.append(pc() - t)
            t = pc(); attn_mlir.sdpa(q, k, v); py.append(pc() - t)
        med = lambda x: float(np.median(x)) * 1e6
        print("kernel (C entry point)  : median %.1f us, min %.1f us"
              % (med(raw), min(raw) * 1e6))
        print("attn_mlir.sdpa, cached  : median %.1f us, min %.1f us  (difference of "
              "medians %.1f us: kernel noise)" % (med(py), min(py) * 1e6, med(py) - med(raw)))

        # The overhead alone: the same cached call with a no-op kernel.
        src = os.path.join(cache, "noop.c")
        with open(src, "w") as f:
            f.write("int noop(const void *a, const void *b, const void *c, void *o)"
                    " { return 0; }\n")
        lib = os.path.join(cache, "noop.so")
        subprocess.run(["/usr/lib/llvm-22/bin/clang", "-O2", "-shared", "-fPIC", src,
                        "-o", lib], check=True)
        noop = ctypes.CDLL(lib).noop
        noop.restype = ctypes.c_int
        noop.argtypes = cfn.argtypes
        real, call.cfn = call.cfn, noop
        over, bare = [], []
        for _ in range(5000):
            t = pc(); attn_mlir.sdpa(q, k, v); over.append(pc() - t)
            t = pc(); noop(*ptrs); bare.append(pc() - t)
        call.cfn = real
        print("overhead of a cached sdpa() call (no-op kernel): median %.2f us, "
              "p90 %.2f us (of which the ctypes call itself %.2f us)"
              % (med(over), float(np.percentile(over, 90)) * 1e6, med(bare)))

if __name__ == "__main__":
    main()
