"""attn_mlir: attention kernels compiled by attn-mlir, called on numpy arrays.

    import numpy as np, attn_mlir
    q = np.random.rand(1, 8, 1024, 64).astype(np.float32)
    o = attn_mlir.sdpa(q, q, q, causal=True)          # compiled once, then cached
    layer = attn_mlir.MultiHeadAttention(512, 8)      # load_state_dict(torch_sd)
    y = layer(np.random.rand(2, 128, 512).astype(np.float32))

- sdpa(q, k, v, mask=None, causal=False, scale=None, *, pipeline="cpu")
- MultiHeadAttention(d_model, num_heads, num_kv_heads=None, d_k=None, d_v=None,
                     bias=True, causal=False, residual=False, *, ...,
                     pipeline="cpu")
  (pipeline "nvvm": on an NVIDIA GPU, the layer whole)
- compile(mlir_text) -> module of callables; lower(mlir_text, pipeline) -> str
- float32 / float16 arrays, bf16 as uint16 bit patterns (to_bf16/from_bf16),
  bool masks (True = attend).

Kernels are compiled ahead of time into shared libraries by the same code as
`attn-compile` and cached in memory and on disk (cache_dir():
$ATTN_MLIR_CACHE_DIR, else ~/.cache/attn_mlir; set_cache_dir()). Wrong
dtypes or shapes raise ValueError; compiler diagnostics raise CompileError.
"""
from ._capi import CompileError
from ._kernel import (CompiledModule, Function, cache_dir, cache_info,
                      clear_memory_cache, set_cache_dir)
from ._ops import MultiHeadAttention, from_bf16, sdpa, to_bf16
from . import reference

__version__ = "0.1.0"

__all__ = ["sdpa", "MultiHeadAttention", "compile", "lower", "CompileError",
           "to_bf16", "from_bf16", "cache_dir", "set_cache_dir", "cache_info",
           "clear_memory_cache", "set_num_threads", "get_num_threads",
           "compiler_version", "reference", "CompiledModule", "Function"]

# "nvvm": attn.sdpa and attn.mha run on an NVIDIA GPU (attn-compile --target=nvptx, sm_80)
# through libattn_cuda_runtime; arrays stay numpy arrays in host memory.
PIPELINES = ("cpu", "reference", "nvvm")


def _text(mlir_text):
    if isinstance(mlir_text, bytes):
        mlir_text = mlir_text.decode("utf-8")
    if not isinstance(mlir_text, str):
        raise ValueError("expected MLIR text (str), got %s" % type(mlir_text).__name__)
    return mlir_text


def _pipeline(pipeline):
    if pipeline not in PIPELINES:
        raise ValueError("unknown pipeline %r (expected one of %s)"
                         % (pipeline, ", ".join(PIPELINES)))
    return pipeline


def compile(mlir_text, pipeline="cpu", cpu=None, features=None):
    """Compiles a module of attn functions; returns a CompiledModule whose
    functions (``m.main``, ``m["main"]``, or ``m(...)`` if there is one) take
    and return numpy arrays. Dynamic dimensions are bound from the arguments
    at each call. cpu/features: an LLVM CPU name and +/-features (default:
    this host). Cached in memory and on disk like sdpa's kernels."""
    from ._kernel import load_module
    return load_module(_text(mlir_text), _pipeline(pipeline), cpu, features,
                       source_name="<attn_mlir.compile>")


def lower(mlir_text, pipeline="cpu"):
    """The module after `pipeline` ("cpu": the fused flash pipeline,
    "reference": the unfused oracle lowering, "nvvm": GPU kernels in a PTX
    gpu.binary with their host code), as MLIR text (LLVM dialect)."""
    from ._capi import Module
    return Module(_text(mlir_text), "<attn_mlir.lower>").lower(_pipeline(pipeline))


def set_num_threads(n):
    """OpenMP threads used by compiled kernels in this process."""
    from ._capi import set_num_threads as f
    if int(n) < 1:
        raise ValueError("the number of threads must be positive, got %r" % (n,))
    f(int(n))


def get_num_threads():
    from ._capi import get_max_threads
    return get_max_threads()


def compiler_version():
    """Version of the compiler library ("attn-mlir 0.1.0 (git ..., LLVM ...)")."""
    from ._capi import version
    return version()
