"""Float64 numpy reference of SPEC.md's attn.sdpa and attn.mha semantics.

Independent of the compiler (plain numpy); what the tests compare against.
Inputs may be any float arrays (convert bf16 bit patterns with
attn_mlir.from_bf16 first); boolean masks mean True = attend.
"""
import numpy as np


def sdpa(q, k, v, mask=None, causal=False, scale=None):
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    B, H, Sq, D = q.shape
    Hkv, Sk = k.shape[1], k.shape[2]
    g = H // Hkv
    k = np.repeat(k, g, axis=1)
    v = np.repeat(v, g, axis=1)
    s = (np.float64(1.0 / np.sqrt(D)) if scale is None else np.float64(scale)) * \
        np.einsum("bhid,bhjd->bhij", q, k)
    hidden = np.zeros(s.shape, bool)
    if mask is not None:
        m = np.asarray(mask)
        m = m.reshape((1,) * (4 - m.ndim) + m.shape)
        if m.dtype == np.bool_:
            hidden |= ~np.broadcast_to(m, s.shape)
        else:
            s = s + np.broadcast_to(m.astype(np.float64), s.shape)
    if causal:
        i = np.arange(Sq)[:, None]
        j = np.arange(Sk)[None, :]
        hidden |= np.broadcast_to(j > i + Sk - Sq, s.shape)
    s = np.where(hidden, -np.inf, s)
    mx = np.max(s, axis=-1, keepdims=True) if Sk else np.zeros(s.shape[:-1] + (1,))
    mx = np.where(np.isfinite(mx), mx, 0.0)
    p = np.exp(s - mx)
    l = p.sum(axis=-1, keepdims=True)
    p = np.divide(p, l, out=np.zeros_like(p), where=l > 0)
    return np.einsum("bhij,bhjd->bhid", p, v)


def mha(x, wq, wk, wv, wo, bq=None, bk=None, bv=None, bo=None, memory=None,
        mask=None, num_heads=1, num_kv_heads=None, scale=None, causal=False,
        residual=False):
    f = lambda a: None if a is None else np.asarray(a, np.float64)
    x, wq, wk, wv, wo = f(x), f(wq), f(wk), f(wv), f(wo)
    bq, bk, bv, bo, memory = f(bq), f(bk), f(bv), f(bo), f(memory)
    H = num_heads
    Hkv = num_kv_heads or num_heads
    kv = x if memory is None else memory
    B, S, E = x.shape
    Skv = kv.shape[1]
    Dh = wq.shape[1] // H
    Dv = wv.shape[1] // Hkv

    def heads(inp, w, b, n, d):
        y = inp @ w
        if b is not None:
            y = y + b
        return y.reshape(inp.shape[0], inp.shape[1], n, d).transpose(0, 2, 1, 3)

    o = sdpa(heads(x, wq, bq, H, Dh), heads(kv, wk, bk, Hkv, Dh),
             heads(kv, wv, bv, Hkv, Dv), mask=mask, causal=causal, scale=scale)
    y = o.transpose(0, 2, 1, 3).reshape(B, S, H * Dv) @ wo
    if bo is not None:
        y = y + bo
    if residual:
        y = y + x
    return y
