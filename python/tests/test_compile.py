"""attn_mlir.compile / attn_mlir.lower on MLIR text."""
import os

import numpy as np
import pytest

import attn_mlir
from attn_mlir import reference
from conftest import assert_close, make

MODULE = """
func.func @dyn(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>,
               %v: tensor<?x2x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %o = attn.sdpa %q, %k, %v {causal}
       : (tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>)
       -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
func.func @layer(%x: tensor<1x6x16xf32>, %wq: tensor<16x16xf32>, %wk: tensor<16x16xf32>,
                 %wv: tensor<16x16xf32>, %wo: tensor<16x16xf32>) -> tensor<1x6x16xf32> {
  %y = attn.mha %x, %wq, %wk, %wv, %wo {num_heads = 2 : i64, residual}
       : (tensor<1x6x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>,
          tensor<16x16xf32>) -> tensor<1x6x16xf32>
  return %y : tensor<1x6x16xf32>
}
"""


def test_compile_dynamic_and_static_functions(rng):
    m = attn_mlir.compile(MODULE)
    assert set(m.functions) == {"dyn", "layer"}
    assert "tensor<?x4x?x16xf32>" in repr(m.dyn)
    for sq, sk in ((3, 8), (5, 5)):          # one library, any sizes
        q = make(rng, (2, 4, sq, 16), np.float32)
        k, v = make(rng, (2, 2, sk, 16), np.float32), make(rng, (2, 2, sk, 16), np.float32)
        assert_close(m.dyn(q, k, v), reference.sdpa(q, k, v, causal=True), np.float32)
    x = make(rng, (1, 6, 16), np.float32)
    w = [make(rng, (16, 16), np.float32, 0.3) for _ in range(4)]
    assert_close(m["layer"](x, *w), reference.mha(x, *w, num_heads=2, residual=True),
                 np.float32)


def test_compile_reference_pipeline(rng):
    m = attn_mlir.compile(MODULE, pipeline="reference")
    q = make(rng, (1, 4, 3, 16), np.float32)
    k = make(rng, (1, 2, 7, 16), np.float32)
    assert_close(m.dyn(q, k, k), reference.sdpa(q, k, k, causal=True), np.float32)


def test_call_errors(rng):
    m = attn_mlir.compile(MODULE)
    q = make(rng, (2, 4, 3, 16), np.float32)
    k = make(rng, (2, 2, 7, 16), np.float32)
    with pytest.raises(ValueError, match=r"@dyn takes 3 arguments \(q, k, v\), got 2"):
        m.dyn(q, k)
    with pytest.raises(ValueError, match=r"argument 1 \(k\) must be a float32 array, got float16"):
        m.dyn(q, k.astype(np.float16), k)
    with pytest.raises(ValueError, match=r"argument 0 \(q\) must have shape \(\?, 4, \?, 16\)"):
        m.dyn(q[:, :2], k, k)
    # Dynamic sizes that break the shape rules: the compiler's own message.
    with pytest.raises(ValueError, match=r"@dyn: .*value dim 2 \(Sk=6\) does not match key dim 2 \(Sk=7\)"):
        m.dyn(q, k, k[:, :, :6])
    with pytest.raises(ValueError, match=r"key dim 0 \(B=1\) does not match query dim 0 \(B=2\)"):
        m.dyn(q, k[:1], k[:1])
    with pytest.raises(TypeError, match="call one by name"):
        m(q, k, k)
    with pytest.raises(KeyError, match="no function @nope"):
        m["nope"]


def test_compile_errors_carry_the_diagnostic():
    with pytest.raises(attn_mlir.CompileError, match=r"<attn_mlir.compile>:1:\d+: "):
        attn_mlir.compile("func.func @f(")
    bad = ("func.func @f(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>) -> tensor<1x3x4x8xf32> {\n"
           "  %o = attn.sdpa %q, %k, %k : (tensor<1x3x4x8xf32>, tensor<1x2x4x8xf32>,"
           " tensor<1x2x4x8xf32>) -> tensor<1x3x4x8xf32>\n"
           "  return %o : tensor<1x3x4x8xf32>\n}\n")
    with pytest.raises(attn_mlir.CompileError,
                       match=r"<attn_mlir.compile>:2:8: 'attn.sdpa' op query dim 1 \(H\) is 3"):
        attn_mlir.compile(bad)
    with pytest.raises(attn_mlir.CompileError, match="expected a ranked tensor of f32"):
        attn_mlir.compile("func.func @f(%a: tensor<4xi32>) -> tensor<4xi32> {\n"
                          "  return %a : tensor<4xi32>\n}\n")
    with pytest.raises(attn_mlir.CompileError, match="unknown CPU 'pentium9'"):
        attn_mlir.compile(MODULE, cpu="pentium9")
    with pytest.raises(ValueError, match="unknown pipeline 'fast'"):
        attn_mlir.compile(MODULE, pipeline="fast")
    with pytest.raises(ValueError, match="expected MLIR text"):
        attn_mlir.compile(42)


def test_lower():
    cpu = attn_mlir.lower(MODULE, "cpu")
    ref = attn_mlir.lower(MODULE, "reference")
    assert "llvm.func @dyn" in cpu and "llvm.func @dyn" in ref
    assert "omp.parallel" in cpu or "__kmpc" in cpu or "omp." in cpu
    assert "attn.sdpa" not in cpu
    with pytest.raises(ValueError, match="unknown pipeline"):
        attn_mlir.lower(MODULE, "fast")
    with pytest.raises(attn_mlir.CompileError):
        attn_mlir.lower("func.func @f(", "cpu")


def test_versions():
    assert attn_mlir.compiler_version().startswith("attn-mlir ")
    n = attn_mlir.get_num_threads()
    assert n >= 1
    attn_mlir.set_num_threads(1)
    assert attn_mlir.get_num_threads() == 1
    attn_mlir.set_num_threads(n)
    with pytest.raises(ValueError):
        attn_mlir.set_num_threads(0)


def _emulator():
    """The build's CUDA driver over the PTX emulator, or None."""
    build = os.environ.get("ATTN_MLIR_TEST_BUILD", "")
    lib = os.path.join(build, "lib", "libattn_cuda_emulator.so")
    return lib if build and os.path.exists(lib) else None


def test_nvvm_pipeline(rng):
    """pipeline="nvvm": the functions run on an NVIDIA GPU; here on the PTX
    emulator (libattn_cuda_runtime loads the driver ATTN_CUDA_DRIVER_LIBRARY
    names, once per process, at the first call)."""
    try:
        text = attn_mlir.lower(MODULE, "nvvm")
    except attn_mlir.CompileError as e:
        pytest.skip("no CUDA toolkit here: %s" % e)
    assert "gpu.binary" in text and "llvm.func @dyn" in text
    emu = _emulator()
    if emu is None:
        pytest.skip("no PTX emulator in this build")
    os.environ["ATTN_CUDA_DRIVER_LIBRARY"] = emu
    m = attn_mlir.compile(MODULE, pipeline="nvvm")
    for sq, sk in ((3, 8), (70, 70)):
        q = make(rng, (2, 4, sq, 16), np.float32)
        k, v = make(rng, (2, 2, sk, 16), np.float32), make(rng, (2, 2, sk, 16), np.float32)
        assert_close(m.dyn(q, k, v), reference.sdpa(q, k, v, causal=True), np.float32)
    x = make(rng, (1, 6, 16), np.float32)
    w = [make(rng, (16, 16), np.float32, 0.3) for _ in range(4)]
    assert_close(m.layer(x, *w), reference.mha(x, *w, num_heads=2, residual=True),
                 np.float32)


def test_ops_on_the_nvvm_pipeline(rng):
    """sdpa(..., pipeline="nvvm") and MultiHeadAttention(..., pipeline="nvvm"):
    the high-level ops on the GPU (here the PTX emulator), the layer whole
    (projection kernels and attention); an unknown pipeline is a ValueError."""
    emu = _emulator()
    if emu is None:
        pytest.skip("no PTX emulator in this build")
    try:
        attn_mlir.lower(MODULE, "nvvm")
    except attn_mlir.CompileError as e:
        pytest.skip("no CUDA toolkit here: %s" % e)
    os.environ["ATTN_CUDA_DRIVER_LIBRARY"] = emu
    q = make(rng, (1, 4, 70, 64), np.float16)
    k, v = make(rng, (1, 2, 90, 64), np.float16), make(rng, (1, 2, 90, 64), np.float16)
    assert_close(attn_mlir.sdpa(q, k, v, causal=True, pipeline="nvvm"),
                 reference.sdpa(q, k, v, causal=True), np.float16)
    layer = attn_mlir.MultiHeadAttention(64, 4, num_kv_heads=2, causal=True,
                                         residual=True, pipeline="nvvm")
    x = make(rng, (2, 33, 64), np.float32)
    ref = reference.mha(x, layer.wq, layer.wk, layer.wv, layer.wo, layer.bq,
                        layer.bk, layer.bv, layer.bo, num_heads=4,
                        num_kv_heads=2, causal=True, residual=True)
    assert_close(layer(x), ref, np.float32)
    with pytest.raises(ValueError, match="unknown pipeline"):
        attn_mlir.sdpa(q, k, v, pipeline="gpu")
    with pytest.raises(ValueError, match="unknown pipeline"):
        attn_mlir.MultiHeadAttention(64, 4, pipeline="cuda")
