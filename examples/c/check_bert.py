"""Compares the C example's result with a float64 numpy reference.

usage: check_bert.py DIR   (DIR holds the .npy files bert_layer_c wrote)
Exit 0 if max |out - ref| / max(1, max |ref|) <= 2e-4 (f32), else 1.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))
from attn_mlir import reference  # noqa: E402  (plain numpy, needs no build)

d = sys.argv[1]
a = {n: np.load(os.path.join(d, n + ".npy")) for n in
     ("x", "wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo", "mask", "out")}
ref = reference.mha(a["x"], a["wq"], a["wk"], a["wv"], a["wo"], a["bq"], a["bk"],
                    a["bv"], a["bo"], mask=a["mask"], num_heads=12, residual=True)
out = a["out"]
err = np.abs(out.astype(np.float64) - ref).max() / max(1.0, np.abs(ref).max())
print("max_rel_err=%.3e (tolerance 2e-4) %s" % (err, "pass" if err <= 2e-4 else "FAIL"))
sys.exit(0 if np.isfinite(err) and err <= 2e-4 else 1)
