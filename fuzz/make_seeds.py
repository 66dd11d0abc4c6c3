#!/usr/bin/python3
"""Writes the checked-in seed corpora of the fuzz targets (run once; the
output is committed under fuzz/corpus/). Needs numpy (/usr/bin/python3).

  fuzz/make_seeds.py [OUT_DIR]   (default: fuzz/corpus next to this file)

npy_fuzzer:  small .npy images of every accepted dtype and header version,
             plus a few near-misses (wrong dtype, Fortran order, big-endian).
bind_fuzzer: inputs in the layout of bind_fuzzer.cpp that bind every
             function of its fixed module with valid shapes (so the fuzzer
             starts past the type checks), some with .npy images.
The ir_fuzzer's seeds are the .mlir files under test/ and examples/, split
by scripts/fuzz.sh at run time.
"""
import io
import os
import struct
import sys

import numpy as np


def npy_bytes(arr, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, arr)
    else:
        np.lib.format.write_array(buf, arr, version=version)
    return buf.getvalue()


def npy_seeds():
    rng = np.random.default_rng(0)
    out = {}
    out["f32_1d.npy"] = npy_bytes(rng.standard_normal(3).astype("<f4"))
    out["f32_4d.npy"] = npy_bytes(rng.standard_normal((1, 2, 3, 4)).astype("<f4"))
    out["f16_2d.npy"] = npy_bytes(rng.standard_normal((2, 3)).astype("<f2"))
    out["bf16_bits.npy"] = npy_bytes(np.arange(6, dtype="<u2").reshape(1, 6))
    out["bool_mask.npy"] = npy_bytes(rng.random((1, 1, 2, 3)) > 0.5)
    out["zero_dim.npy"] = npy_bytes(np.zeros((2, 0, 3), "<f4"))
    out["scalar.npy"] = npy_bytes(np.float32(1.5).reshape(()))
    out["v2.npy"] = npy_bytes(np.ones((2, 2), "<f4"), version=(2, 0))
    out["v3.npy"] = npy_bytes(np.ones((1, 3), "<f2"), version=(3, 0))
    out["f64_rejected.npy"] = npy_bytes(np.ones((2,), "<f8"))
    out["fortran_rejected.npy"] = npy_bytes(np.asfortranarray(np.ones((2, 3), "<f4")))
    out["bigendian_rejected.npy"] = npy_bytes(np.ones((2,), ">f4"))
    return out


# The argument types of bind_fuzzer.cpp's kModule, in order: (dtype, shape)
# with None for a dynamic dim, and the sizes to bind them to.
F32, F16, BF16, I1 = 0, 1, 2, 3
NP = {F32: "<f4", F16: "<f2", BF16: "<u2", I1: "|b1"}
FUNCS = [
    # sdpa_dyn
    [(F32, (2, 4, 5, 16)), (F32, (2, 2, 7, 16)), (F32, (2, 2, 7, 8)), (I1, (1, 4, 5, 7))],
    # sdpa_gqa_f16 (causal, f16 additive mask broadcast over heads)
    [(F16, (1, 4, 3, 8)), (F16, (1, 2, 11, 8)), (F16, (1, 2, 11, 8)), (F16, (1, 1, 3, 11))],
    # sdpa_bf16 (f32 additive mask)
    [(BF16, (1, 3, 2, 4)), (BF16, (1, 1, 5, 4)), (BF16, (1, 1, 5, 2)), (F32, (1, 3, 2, 5))],
    # mha_all
    [(F32, (2, 3, 5)), (F32, (5, 8)), (F32, (5, 4)), (F32, (5, 6)), (F32, (12, 7)),
     (F32, (8,)), (F32, (4,)), (F32, (6,)), (F32, (7,)), (F32, (2, 4, 5)),
     (I1, (2, 2, 3, 4))],
    # mha_residual
    [(F16, (1, 6, 16)), (F16, (16, 16)), (F16, (16, 8)), (F16, (16, 8)), (F16, (16, 16))],
    # chain
    [(F32, (2, 1, 3, 4)), (F32, (2, 1, 3, 4)), (F32, (2, 1, 3, 4))],
]


def bind_seed(fi, use_npy):
    out = bytearray([fi])
    rng = np.random.default_rng(fi)
    for i, (dt, shape) in enumerate(FUNCS[fi]):
        if use_npy and i % 2 == 0:
            if dt == I1:
                arr = rng.random(shape) > 0.3
            elif dt == BF16:
                arr = rng.integers(0, 1 << 16, shape, dtype=np.uint16)
            else:
                arr = rng.uniform(-1, 1, shape).astype(NP[dt])
            img = npy_bytes(arr)
            out += bytes([0]) + struct.pack("<H", len(img)) + img
        else:
            # tag 2: rank, dims, element type (all explicit)
            out += bytes([2, len(shape)]) + bytes(shape) + bytes([dt])
    return bytes(out)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    npy_dir = os.path.join(root, "npy_fuzzer")
    bind_dir = os.path.join(root, "bind_fuzzer")
    os.makedirs(npy_dir, exist_ok=True)
    os.makedirs(bind_dir, exist_ok=True)
    for name, data in npy_seeds().items():
        with open(os.path.join(npy_dir, name), "wb") as f:
            f.write(data)
    for fi in range(len(FUNCS)):
        for use_npy in (False, True):
            name = "f%d_%s" % (fi, "npy" if use_npy else "spec")
            with open(os.path.join(bind_dir, name), "wb") as f:
                f.write(bind_seed(fi, use_npy))
    print("seeds written to", root)


if __name__ == "__main__":
    main()
