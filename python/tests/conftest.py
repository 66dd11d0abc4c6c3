"""pytest set-up: the package under test and a private kernel cache.

The package is the built copy (PYTHONPATH=<build>/python, as CTest sets it)
or, run by hand from the source tree, python/ with the library found in
build/. Every test session uses a fresh cache directory, so tests never read
or write ~/.cache/attn_mlir.
"""
import os
import sys
import tempfile

import numpy as np
import pytest

_session_cache = tempfile.mkdtemp(prefix="attn_mlir-test-cache-")
os.environ["ATTN_MLIR_CACHE_DIR"] = _session_cache

try:
    import attn_mlir  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import attn_mlir  # noqa: F401

TOL = {np.dtype(np.float32): 2e-4, np.dtype(np.float16): 2e-2, np.dtype(np.uint16): 6e-2}


def to_float(a):
    a = np.asarray(a)
    if a.dtype == np.uint16:
        return attn_mlir.from_bf16(a).astype(np.float64)
    return a.astype(np.float64)


def assert_close(got, ref, dtype):
    """Error relative to the result's scale, max(1, max|ref|), as attn-run --check."""
    got = to_float(got)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    assert np.all(np.isfinite(got))
    err = np.abs(got - ref).max() / max(1.0, np.abs(ref).max()) if ref.size else 0.0
    assert err <= TOL[np.dtype(dtype)], "error %.3e above %.1e" % (err, TOL[np.dtype(dtype)])


def make(rng, shape, dtype, scale=1.0):
    x = rng.uniform(-1, 1, shape) * scale
    if np.dtype(dtype) == np.uint16:
        return attn_mlir.to_bf16(x.astype(np.float32))
    return x.astype(dtype)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def pytest_sessionfinish(session, exitstatus):
    import shutil
    shutil.rmtree(_session_cache, ignore_errors=True)
