"""attn_mlir.MultiHeadAttention against the float64 reference, and
load_state_dict with PyTorch's and the tutorials' parameter names."""
import numpy as np
import pytest

import attn_mlir
from attn_mlir import reference
from conftest import assert_close, make, to_float


def ref_layer(layer, x, memory=None, mask=None):
    f = lambda a: None if a is None else to_float(a)
    return reference.mha(f(x), f(layer.wq), f(layer.wk), f(layer.wv), f(layer.wo),
                         f(layer.bq), f(layer.bk), f(layer.bv), f(layer.bo),
                         memory=f(memory),
                         mask=None if mask is None else (mask if mask.dtype == bool else f(mask)),
                         num_heads=layer.num_heads, num_kv_heads=layer.num_kv_heads,
                         scale=layer.scale, causal=layer.causal, residual=layer.residual)


def randomize(layer, rng):
    """Non-zero biases so that they are tested."""
    for n in ("bq", "bk", "bv", "bo"):
        if getattr(layer, n) is not None:
            setattr(layer, n, layer._cast(rng.uniform(-0.5, 0.5, getattr(layer, n).shape)))
    return layer


@pytest.mark.parametrize("kw", [
    dict(d_model=32, num_heads=4),
    dict(d_model=32, num_heads=4, bias=False, causal=True),
    dict(d_model=48, num_heads=4, num_kv_heads=2, residual=True),        # GQA
    dict(d_model=32, num_heads=2, d_k=24, d_v=8, causal=True),           # d_k != d_v
    dict(d_model=32, num_heads=4, scale=0.2),
], ids=["basic", "nobias-causal", "gqa-residual", "dk-dv", "scale"])
def test_self_attention(rng, kw):
    layer = randomize(attn_mlir.MultiHeadAttention(**kw, seed=3), rng)
    x = make(rng, (2, 10, kw["d_model"]), np.float32)
    y = layer(x)
    assert y.shape == x.shape and y.dtype == np.float32
    assert_close(y, ref_layer(layer, x), np.float32)


def test_cross_attention_with_mask(rng):
    layer = randomize(attn_mlir.MultiHeadAttention(32, 4, causal=True), rng)
    x = make(rng, (2, 6, 32), np.float32)
    mem = make(rng, (2, 9, 32), np.float32)
    mask = rng.random((2, 1, 6, 9)) < 0.8
    assert_close(layer(x, memory=mem, mask=mask), ref_layer(layer, x, mem, mask), np.float32)
    fmask = make(rng, (6, 9), np.float32)                 # (S, Skv), additive
    assert_close(layer(x, memory=mem, mask=fmask),
                 ref_layer(layer, x, mem, fmask.reshape(1, 1, 6, 9)), np.float32)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_low_precision_layers(rng, dtype):
    layer = randomize(attn_mlir.MultiHeadAttention(32, 4, dtype=dtype, residual=True), rng)
    np_dtype = np.float16 if dtype == "float16" else np.uint16
    assert layer.wq.dtype == np_dtype
    x = make(rng, (1, 8, 32), np_dtype)
    y = layer(x)
    assert y.dtype == np_dtype
    assert_close(y, ref_layer(layer, x), np_dtype)


def test_unbatched_input(rng):
    layer = attn_mlir.MultiHeadAttention(16, 2)
    x = make(rng, (5, 16), np.float32)
    assert_close(layer(x), ref_layer(layer, x[None])[0], np.float32)


# -- load_state_dict ----------------------------------------------------------

def torch_mha_forward(sd, x, num_heads, prefix=""):
    """nn.MultiheadAttention(E, H, batch_first=True)(x, x, x) in numpy float64,
    written from PyTorch's documented math (weights are (out, in))."""
    w = sd[prefix + "in_proj_weight"].astype(np.float64)
    b = sd[prefix + "in_proj_bias"].astype(np.float64)
    E = w.shape[1]
    q, k, v = (x @ w[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E] for i in range(3))
    B, S, _ = x.shape
    dh = E // num_heads
    split = lambda t: t.reshape(B, S, num_heads, dh).transpose(0, 2, 1, 3)
    s = split(q) @ split(k).transpose(0, 1, 3, 2) / np.sqrt(dh)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = (p @ split(v)).transpose(0, 2, 1, 3).reshape(B, S, E)
    return o @ sd[prefix + "out_proj.weight"].T + sd[prefix + "out_proj.bias"]


def test_pytorch_multiheadattention_names(rng):
    E, H = 32, 4
    sd = {"in_proj_weight": rng.normal(0, 0.2, (3 * E, E)).astype(np.float32),
          "in_proj_bias": rng.normal(0, 0.2, (3 * E,)).astype(np.float32),
          "out_proj.weight": rng.normal(0, 0.2, (E, E)).astype(np.float32),
          "out_proj.bias": rng.normal(0, 0.2, (E,)).astype(np.float32)}
    layer = attn_mlir.MultiHeadAttention(E, H).load_state_dict(sd)
    assert np.array_equal(layer.wq, sd["in_proj_weight"][:E].T)       # [in, out]
    x = make(rng, (2, 7, E), np.float32)
    assert_close(layer(x), torch_mha_forward(sd, x.astype(np.float64), H), np.float32)
    # With a module prefix, as in a model's state dict.
    model_sd = {"encoder.layers.0.self_attn." + k: v for k, v in sd.items()}
    layer2 = attn_mlir.MultiHeadAttention(E, H).load_state_dict(model_sd)
    assert np.array_equal(layer2.wo, layer.wo)


def test_tutorial_selfattention_names(rng):
    E, H = 32, 4
    lin = lambda o, i: rng.normal(0, 0.2, (o, i)).astype(np.float32)
    vec = lambda n: rng.normal(0, 0.2, (n,)).astype(np.float32)
    sd = {"w_q.weight": lin(E, E), "w_q.bias": vec(E), "w_k.weight": lin(E, E),
          "w_k.bias": vec(E), "w_v.weight": lin(E, E), "w_v.bias": vec(E),
          "fc_out.weight": lin(E, E), "fc_out.bias": vec(E)}
    layer = attn_mlir.MultiHeadAttention(E, H, causal=True).load_state_dict(sd)
    x = make(rng, (1, 9, E), np.float32)
    f = lambda n: sd[n].astype(np.float64)
    ref = reference.mha(x, f("w_q.weight").T, f("w_k.weight").T, f("w_v.weight").T,
                        f("fc_out.weight").T, f("w_q.bias"), f("w_k.bias"), f("w_v.bias"),
                        f("fc_out.bias"), num_heads=H, causal=True)
    assert_close(layer(x), ref, np.float32)
    # Without biases (nn.Linear(bias=False)) into a layer with bias=False.
    nob = {k: v for k, v in sd.items() if k.endswith("weight")}
    nob["w_o.weight"] = nob.pop("fc_out.weight")
    layer2 = attn_mlir.MultiHeadAttention(E, H, bias=False).load_state_dict(nob)
    assert np.array_equal(layer2.wo, sd["fc_out.weight"].T) and layer2.bo is None


def test_gqa_projection_names(rng):
    E, H, Hkv, dh = 32, 4, 2, 8
    sd = {"q_proj.weight": rng.normal(0, .2, (H * dh, E)), "k_proj.weight": rng.normal(0, .2, (Hkv * dh, E)),
          "v_proj.weight": rng.normal(0, .2, (Hkv * dh, E)), "out_proj.weight": rng.normal(0, .2, (E, H * dh))}
    layer = attn_mlir.MultiHeadAttention(E, H, num_kv_heads=Hkv, bias=False).load_state_dict(sd)
    x = make(rng, (1, 5, E), np.float32)
    assert_close(layer(x), ref_layer(layer, x), np.float32)
    assert layer.wk.shape == (E, Hkv * dh) and layer.wk.dtype == np.float32


@pytest.mark.parametrize("change,pattern", [
    ("missing", "missing bo"),
    ("unexpected", "unexpected keys extra.weight_thing"),
    ("shape", r"wq has shape \(32, 16\), expected \(32, 32\)"),
    ("bias_kv", "add_bias_kv"),
    ("nobias", "given but the layer has bias=False"),
    ("in_proj", r"in_proj_weight has shape \(95, 32\)"),
])
def test_load_state_dict_errors(rng, change, pattern):
    E = 32
    sd = {"in_proj_weight": np.zeros((3 * E, E), np.float32), "in_proj_bias": np.zeros(3 * E, np.float32),
          "out_proj.weight": np.zeros((E, E), np.float32), "out_proj.bias": np.zeros(E, np.float32)}
    layer = attn_mlir.MultiHeadAttention(E, 4)
    if change == "missing":
        del sd["out_proj.bias"]
    elif change == "unexpected":
        sd["extra.weight_thing"] = np.zeros(3)
    elif change == "shape":
        sd = {"wq": np.zeros((E, 16)), "wk": layer.wk, "wv": layer.wv, "wo": layer.wo,
              "bq": layer.bq, "bk": layer.bk, "bv": layer.bv, "bo": layer.bo}
    elif change == "bias_kv":
        sd["bias_k"] = np.zeros((1, 1, E))
    elif change == "nobias":
        layer = attn_mlir.MultiHeadAttention(E, 4, bias=False)
    elif change == "in_proj":
        sd["in_proj_weight"] = np.zeros((95, E))
    before = layer.wq.copy()
    with pytest.raises(ValueError, match=pattern):
        layer.load_state_dict(sd)
    assert np.array_equal(layer.wq, before)       # unchanged on failure


@pytest.mark.parametrize("kw,pattern", [
    (dict(d_model=30, num_heads=4), "not a multiple of num_heads"),
    (dict(d_model=32, num_heads=4, num_kv_heads=3), "multiple of num_kv_heads"),
    (dict(d_model=0, num_heads=4), "d_model must be a positive integer"),
    (dict(d_model=32, num_heads=4, dtype="float64"), "dtype must be"),
])
def test_constructor_errors(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        attn_mlir.MultiHeadAttention(**kw)


def test_call_errors(rng):
    layer = attn_mlir.MultiHeadAttention(32, 4)
    with pytest.raises(ValueError, match="x must be float32"):
        layer(make(rng, (1, 4, 32), np.float16))
    with pytest.raises(ValueError, match=r"x must have shape \(B, S, 32\)"):
        layer(make(rng, (1, 4, 16), np.float32))
    with pytest.raises(ValueError, match="memory must have shape"):
        layer(make(rng, (1, 4, 32), np.float32), memory=make(rng, (2, 4, 32), np.float32))
    with pytest.raises(ValueError, match="mask has shape"):
        layer(make(rng, (1, 4, 32), np.float32), mask=np.ones((1, 1, 4, 5), bool))
    layer.wq = np.zeros((32, 16), np.float32)
    with pytest.raises(ValueError, match="layer parameter wq"):
        layer(make(rng, (1, 4, 32), np.float32))
