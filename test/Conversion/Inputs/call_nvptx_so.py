"""Loads a --target=nvptx shared library and calls both entry points of
@causal on host buffers; prints each status and the runtime's message."""
import ctypes
import sys

import numpy as np

lib = ctypes.CDLL(sys.argv[1])
rt = ctypes.CDLL(sys.argv[2])
rt.attnCudaLastError.restype = ctypes.c_char_p
q = np.ones((2, 8, 200, 64), np.uint16)
k = np.ones((2, 2, 300, 64), np.uint16)
out = np.full_like(q, 0x7E00)  # NaN: a failed call must not look computed
p = lambda a: a.ctypes.data_as(ctypes.c_void_p)
print("host:", lib.attn_causal(p(q), p(k), p(k), p(out)))
print("device:", lib.attn_causal_device(p(q), p(k), p(k), p(out)))
print("null:", lib.attn_causal(None, p(k), p(k), p(out)))
print("message:", rt.attnCudaLastError().decode())
