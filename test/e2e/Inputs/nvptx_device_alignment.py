#!/usr/bin/env python3
"""NAME_device refuses device pointers that are not 16-byte aligned.

  nvptx_device_alignment.py LIB.so NAME RUNTIME.so

LIB.so (attn-compile --target=nvptx of one (1,2,128,64) f16 attn.sdpa NAME)
runs under the driver ATTN_CUDA_DRIVER_LIBRARY names (the PTX emulator in
the test). Device buffers come from the runtime's mgpuMemAlloc; each of q,
k, v, out in turn is offset by 2 bytes: the entry must return ATTN_ERR_ALIGN
(5) without launching (the output keeps its poison, no CUDA error is
recorded), where launching would have faulted (16-byte cp.async of K/V).
Then with every pointer aligned it must succeed and write the output.
"""
import ctypes
import sys

import numpy as np

so, name, runtime = sys.argv[1:4]
lib = ctypes.CDLL(so)
rt = ctypes.CDLL(runtime)
rt.attnCudaLastError.restype = ctypes.c_char_p
rt.attnCudaHasError.restype = ctypes.c_int
rt.mgpuMemAlloc.restype = ctypes.c_void_p
rt.mgpuMemAlloc.argtypes = [ctypes.c_int64, ctypes.c_void_p, ctypes.c_bool]
rt.mgpuMemcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                          ctypes.c_void_p]
fn = getattr(lib, "attn_%s_device" % name)
fn.restype = ctypes.c_int

shape = (1, 2, 128, 64)
nbytes = int(np.prod(shape)) * 2
x = np.random.default_rng(0).standard_normal(shape).astype(np.float16)
poison = np.full(shape, np.nan, np.float16)
bases = [rt.mgpuMemAlloc(nbytes + 64, None, False) for _ in range(4)]


def call(offsets):
    ptrs = [b + o for b, o in zip(bases, offsets)]
    for p in ptrs[:3]:
        rt.mgpuMemcpy(p, x.ctypes.data, nbytes, None)
    rt.mgpuMemcpy(ptrs[3], poison.ctypes.data, nbytes, None)
    rc = fn(*[ctypes.c_void_p(p) for p in ptrs])
    out = np.empty(shape, np.float16)
    rt.mgpuMemcpy(out.ctypes.data, ptrs[3], nbytes, None)
    return rc, out


for i, arg in enumerate(("q", "k", "v", "out")):
    offsets = [0, 0, 0, 0]
    offsets[i] = 2
    rc, out = call(offsets)
    print("%s misaligned: rc %d, output untouched %s, cuda error %d"
          % (arg, rc, bool(np.isnan(out).all()), rt.attnCudaHasError()))
rc, out = call([0, 0, 0, 0])
print("aligned: rc %d, finite %s" % (rc, bool(np.isfinite(out).all())))
