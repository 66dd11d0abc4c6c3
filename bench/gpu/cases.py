#!/usr/bin/env python3
"""The cases of the GPU check-and-time run, their MLIR, and the reference.

Used on both machines: here (prepare.sh: `cases.py --emit DIR` writes one
static-shape .mlir per case and cases.json) and on the device machine
(check_and_time.py imports it). Only the standard library at import time;
the float64 reference runs over a small array-ops shim, with NumPy here
(test_reference.py) and with PyTorch on the GPU, so that the semantics
checked here are the ones used there.

Semantics, SPEC.md section 1.1: s_j = scale * q.k_j + bias_j, with bias the
additive mask, or -inf where an i1 mask is false or causal hides key j
(bottom-right aligned: query i sees key j iff j <= i + Sk - Sq); query head h
reads kv head h // (H / Hkv); a row whose keys are all hidden gives zeros.
"""
import argparse
import json
import math
import os
import re
import sys


def case(name, B, H, Sq, Sk, D, dtype, Hkv=None, Dv=None, causal=False,
         mask=None, mask_bh=None, scale=None, timed=False):
    """mask: None, 'i1' or 'add' (additive, same dtype); mask_bh: (Bm, Hm)."""
    c = dict(name=name, B=B, H=H, Hkv=Hkv or H, Sq=Sq, Sk=Sk, D=D, Dv=Dv or D,
             dtype=dtype, causal=causal, mask=mask, scale=scale, timed=timed)
    if mask:
        c["mask_bh"] = list(mask_bh or (B, H))
    return c


# The test spread: every dtype, causal and not, D 64/128/192/256, Dv != D,
# GQA/MQA, odd lengths, Sq != Sk both ways (rows with no visible key), masks,
# decode.
SPREAD = [
    case("f16_basic", 2, 8, 128, 128, 64, "f16"),
    case("bf16_causal", 2, 8, 128, 128, 64, "bf16", causal=True),
    case("f16_d128_causal", 1, 8, 256, 256, 128, "f16", causal=True),
    case("bf16_d128", 2, 4, 200, 200, 128, "bf16"),
    case("f16_dv128_d64", 1, 4, 128, 192, 64, "f16", Dv=128),
    case("bf16_dv64_d128_causal", 1, 4, 160, 160, 128, "bf16", Dv=64,
         causal=True),
    case("f16_gqa_causal", 2, 8, 256, 256, 64, "f16", Hkv=2, causal=True),
    case("bf16_mqa", 1, 16, 128, 300, 128, "bf16", Hkv=1),
    case("f16_odd37_causal", 3, 2, 37, 37, 64, "f16", causal=True),
    case("bf16_odd1000", 1, 4, 1000, 1000, 64, "bf16"),
    case("f16_odd4097_causal", 1, 4, 4097, 4097, 64, "f16", causal=True),
    case("bf16_odd4097_d128", 1, 2, 4097, 4097, 128, "bf16"),
    case("f16_prefill_sq100_sk357_causal", 1, 4, 100, 357, 64, "f16",
         causal=True),
    case("bf16_sq64_sk48_causal", 2, 4, 64, 48, 64, "bf16", causal=True),
    case("f16_scale_half", 1, 4, 128, 128, 64, "f16", scale=0.5),
    case("f16_mask_i1", 2, 4, 128, 128, 64, "f16", mask="i1",
         mask_bh=(1, 1)),
    case("bf16_mask_i1_causal_gqa", 2, 8, 96, 160, 128, "bf16", Hkv=4,
         causal=True, mask="i1", mask_bh=(2, 1)),
    case("f16_mask_add", 1, 4, 128, 256, 64, "f16", mask="add",
         mask_bh=(1, 4)),
    case("bf16_mask_add_causal", 2, 2, 77, 77, 128, "bf16", causal=True,
         mask="add", mask_bh=(2, 2)),
    case("f16_d256_causal", 1, 8, 512, 512, 256, "f16", causal=True),
    case("bf16_d192_dv128_gqa", 2, 8, 300, 333, 192, "bf16", Dv=128, Hkv=2),
    case("f16_decode", 4, 16, 1, 1000, 64, "f16", causal=True),
    case("bf16_decode_gqa", 2, 32, 1, 4096, 128, "bf16", Hkv=8),
    case("f16_decode_gqa_d128", 1, 32, 1, 4097, 128, "f16", Hkv=8,
         causal=True),
]

# The shapes of the issue, timed against PyTorch's flash and cuDNN SDPA.
TIMED = [
    case("t_%s_b%dh%ds%dd%d%s" % (dt, B, H, S, D, "_causal" if causal else ""),
         B, H, S, S, D, dt, causal=causal, timed=True)
    for (B, H, S, D) in ((4, 16, 4096, 64), (4, 16, 4096, 128),
                         (1, 16, 16384, 128))
    for causal in (False, True)
    for dt in ("f16", "bf16")
]

# Decode (one query row, GQA): memory-bound; few CTAs unless the keys are
# split (attnCudaSdpaSplits). Timed against PyTorch with enable_gqa.
TIMED += [
    case("t_%s_decode_b%dh%dkv%ds%dd%d" % (dt, B, H, Hkv, Sk, D), B, H, 1, Sk,
         D, dt, Hkv=Hkv, timed=True)
    for (B, H, Hkv, Sk, D) in ((1, 32, 8, 4096, 128), (8, 32, 8, 8192, 128))
    for dt in ("f16",)
]

# Heads of 256 (Q in shared memory, 32-key tiles); PyTorch's flash backend
# takes head sizes up to 256.
TIMED += [
    case("t_f16_b2h16s4096d256%s" % ("_causal" if causal else ""), 2, 16,
         4096, 4096, 256, "f16", causal=causal, timed=True)
    for causal in (False, True)
]

# f32 (our SIMT kernel; PyTorch's efficient backend, flash and cuDNN take
# f16/bf16 only).
TIMED += [
    case("t_f32_b4h16s2048d64", 4, 16, 2048, 2048, 64, "f32", timed=True),
    case("t_f32_b1h16s4096d128_causal", 1, 16, 4096, 4096, 128, "f32",
         causal=True, timed=True),
]


def mha_case(name, B, S, E, H, dtype, Hkv=None, causal=False, timed=False,
             lowp=False):
    """An attn.mha layer (self-attention, biases, residual): x [B,S,E],
    wq [E,H*Dh], wk/wv [E,Hkv*Dh], wo [H*Dh,E] with Dh = E/H. The whole
    layer runs on the GPU (projection kernels, attention); `lowp`: compiled
    with --gpu-mha-lowp-intermediates (f16/bf16 Q, K, V, head outputs)."""
    c = case(name, B, H, S, S, E // H, dtype, Hkv=Hkv, causal=causal,
             timed=timed)
    c.update(kind="mha", S=S, E=E)
    if lowp:
        c["compile_flags"] = ["--gpu-mha-lowp-intermediates"]
    return c


def is_mha(c):
    return c.get("kind") == "mha"


# attn.mha layers: checked (spread) and timed against the same layer in
# PyTorch (F.linear projections, scaled_dot_product_attention per backend).
SPREAD += [
    mha_case("mha_f16_gqa_causal", 2, 100, 256, 8, "f16", Hkv=2,
             causal=True),
    mha_case("mha_f32_bert", 2, 128, 768, 12, "f32"),
    mha_case("mha_bf16_lowp", 2, 200, 512, 8, "bf16", lowp=True),
]
TIMED += [
    mha_case("t_mha_f16_b4s2048e2048h16_causal", 4, 2048, 2048, 16, "f16",
             causal=True, timed=True),
    mha_case("t_mha_f16_lowp_b4s2048e2048h16_causal", 4, 2048, 2048, 16,
             "f16", causal=True, timed=True, lowp=True),
    mha_case("t_mha_f32_b8s512e768h12", 8, 512, 768, 12, "f32", timed=True),
]

ALL = SPREAD + TIMED

# The operands of an attn.mha case, in the op's (and the entry points') order.
MHA_OPERANDS = ("x", "wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo")

C_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def shapes(c):
    """Tensor shapes of q, k, v, mask (or None) and the result; for an mha
    case, of its operands (MHA_OPERANDS) and the result."""
    if is_mha(c):
        B, S, E, H, Hkv, D = (c[x] for x in ("B", "S", "E", "H", "Hkv", "D"))
        return dict(x=(B, S, E), wq=(E, H * D), wk=(E, Hkv * D),
                    wv=(E, Hkv * D), wo=(H * D, E), bq=(H * D,),
                    bk=(Hkv * D,), bv=(Hkv * D,), bo=(E,), out=(B, S, E),
                    mask=None)
    B, H, Hkv, Sq, Sk, D, Dv = (c[x] for x in
                                ("B", "H", "Hkv", "Sq", "Sk", "D", "Dv"))
    s = dict(q=(B, H, Sq, D), k=(B, Hkv, Sk, D), v=(B, Hkv, Sk, Dv),
             out=(B, H, Sq, Dv), mask=None)
    if c.get("mask"):
        Bm, Hm = c["mask_bh"]
        s["mask"] = (Bm, Hm, Sq, Sk)
    return s


def mask_elt(c):
    return "i1" if c["mask"] == "i1" else c["dtype"]


def tensor_type(shape, elt):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), elt)


def mha_to_mlir(c):
    s = shapes(c)
    t = c["dtype"]
    types = ", ".join(tensor_type(s[n], t) for n in MHA_OPERANDS)
    out = tensor_type(s["out"], t)
    attrs = ["num_heads = %d : i64" % c["H"],
             "num_kv_heads = %d : i64" % c["Hkv"], "residual"]
    if c["causal"]:
        attrs.append("causal")
    return (
        "// attn-mlir bench/gpu case %s (generated by bench/gpu/cases.py)\n"
        "func.func @%s(%s) -> %s {\n"
        "  %%y = attn.mha %%x, %%wq, %%wk, %%wv, %%wo bias(%%bq, %%bk, %%bv, %%bo)"
        " {%s}\n"
        "      : (%s) -> %s\n"
        "  return %%y : %s\n"
        "}\n" % (c["name"], c["name"],
                 ", ".join("%%%s: %s" % (n, tensor_type(s[n], t))
                           for n in MHA_OPERANDS),
                 out, ", ".join(attrs), types, out, out))


def to_mlir(c):
    """One func.func @NAME over static shapes around one attn.sdpa (or one
    attn.mha)."""
    if is_mha(c):
        return mha_to_mlir(c)
    s = shapes(c)
    t = c["dtype"]
    args = [("q", s["q"], t), ("k", s["k"], t), ("v", s["v"], t)]
    if s["mask"]:
        args.append(("mask", s["mask"], mask_elt(c)))
    out = tensor_type(s["out"], t)
    attrs = []
    if c["scale"] is not None:
        attrs.append("scale = %r : f32" % float(c["scale"]))
    if c["causal"]:
        attrs.append("causal")
    operands = "%q, %k, %v" + (" mask %mask" if s["mask"] else "")
    return (
        "// attn-mlir bench/gpu case %s (generated by bench/gpu/cases.py)\n"
        "func.func @%s(%s) -> %s {\n"
        "  %%o = attn.sdpa %s%s\n"
        "      : (%s) -> %s\n"
        "  return %%o : %s\n"
        "}\n" % (c["name"], c["name"],
                 ", ".join("%%%s: %s" % (n, tensor_type(sh, e))
                           for n, sh, e in args),
                 out, operands,
                 (" {%s}" % ", ".join(attrs)) if attrs else "",
                 ", ".join(tensor_type(sh, e) for _, sh, e in args), out, out))


def scale_of(c):
    return c["scale"] if c["scale"] is not None else 1.0 / math.sqrt(c["D"])


def visible_pairs(Sq, Sk, causal):
    """(i, j) pairs not hidden by causality (query i sees j <= i + Sk - Sq)."""
    if not causal:
        return Sq * Sk
    total = 0
    for i in range(Sq):
        total += max(0, min(Sk, i + Sk - Sq + 1))
    return total


def flops(c):
    """2*B*H*(D+Dv) per visible pair (= 4*B*H*Sq*Sk*D when D == Dv and not
    causal), as attn-run --benchmark counts."""
    attention = 2.0 * c["B"] * c["H"] * (c["D"] + c["Dv"]) * \
        visible_pairs(c["Sq"], c["Sk"], c["causal"])
    if not is_mha(c):
        return attention
    # Plus the projections (as attn-run --benchmark counts them).
    rows, E = c["B"] * c["S"], c["E"]
    return attention + 2.0 * rows * E * (2 * c["H"] * c["D"] +
                                         2 * c["Hkv"] * c["D"])


def masked_rows(c):
    """The i1 mask's fully masked rows, as index tuples into the mask and
    into the result: row 0 of every (batch, head) when Sq > 1; for decode
    (one row) only the first batch and head of the mask, and the result rows
    that read it (all batches or heads where the mask broadcasts)."""
    if c["Sq"] > 1:
        return (Ellipsis, 0, slice(None)), (Ellipsis, 0, slice(None))
    Bm, Hm = c["mask_bh"]
    out = (slice(None) if Bm == 1 else slice(0, 1),
           slice(None) if Hm == 1 else slice(0, 1), 0, slice(None))
    return (0, 0, 0, slice(None)), out


# Pass criteria: max |out - ref| / max(1, max |ref|).
TOLERANCE = {"f16": 2e-2, "bf16": 6e-2, "f32": 1e-4}


def error_of(max_abs_diff, max_abs_ref):
    return max_abs_diff / max(1.0, max_abs_ref)


#===------------------------------------------------------------------------===#
# The float64 reference over an array-ops shim (NumPy or PyTorch).
#===------------------------------------------------------------------------===#

class NumpyOps:
    def __init__(self):
        import numpy
        self.np = numpy

    def f64(self, x):
        return self.np.asarray(x, dtype=self.np.float64)

    def einsum(self, spec, a, b):
        return self.np.einsum(spec, a, b)

    def amax(self, x, axis):
        return self.np.max(x, axis=axis, keepdims=True)

    def sum(self, x, axis):
        return self.np.sum(x, axis=axis, keepdims=True)

    def exp(self, x):
        return self.np.exp(x)

    def where(self, cond, a, b):
        return self.np.where(cond, a, b)

    def isfinite(self, x):
        return self.np.isfinite(x)

    def arange(self, a, b, like):
        return self.np.arange(a, b)

    def repeat_heads(self, x, g):
        return self.np.repeat(x, g, axis=1)

    def cat_rows(self, parts):
        return self.np.concatenate(parts, axis=2)

    def is_bool(self, x):
        return x.dtype == self.np.bool_

    def split_heads(self, x, n):
        B, S, N = x.shape
        return x.reshape(B, S, n, N // n).transpose(0, 2, 1, 3)

    def merge_heads(self, x):
        B, H, S, D = x.shape
        return x.transpose(0, 2, 1, 3).reshape(B, S, H * D)


class TorchOps:
    def __init__(self):
        import torch
        self.torch = torch

    def f64(self, x):
        return x.to(self.torch.float64)

    def einsum(self, spec, a, b):
        return self.torch.einsum(spec, a, b)

    def amax(self, x, axis):
        return self.torch.amax(x, dim=axis, keepdim=True)

    def sum(self, x, axis):
        return self.torch.sum(x, dim=axis, keepdim=True)

    def exp(self, x):
        return self.torch.exp(x)

    def where(self, cond, a, b):
        t = self.torch
        if not t.is_tensor(a):
            a = t.tensor(a, dtype=t.float64, device=cond.device)
        if not t.is_tensor(b):
            b = t.tensor(b, dtype=t.float64, device=cond.device)
        return t.where(cond, a, b)

    def isfinite(self, x):
        return self.torch.isfinite(x)

    def arange(self, a, b, like):
        return self.torch.arange(a, b, device=like.device)

    def repeat_heads(self, x, g):
        return x.repeat_interleave(g, dim=1)

    def cat_rows(self, parts):
        return self.torch.cat(parts, dim=2)

    def is_bool(self, x):
        return x.dtype == self.torch.bool

    def split_heads(self, x, n):
        B, S, N = x.shape
        return x.reshape(B, S, n, N // n).permute(0, 2, 1, 3)

    def merge_heads(self, x):
        B, H, S, D = x.shape
        return x.permute(0, 2, 1, 3).reshape(B, S, H * D)


def reference(ops, q, k, v, mask=None, causal=False, scale=None,
              max_score_elems=1 << 27):
    """attn.sdpa in float64. q: B,H,Sq,D; k: B,Hkv,Sk,D; v: B,Hkv,Sk,Dv;
    mask: None, bool (True = attend) or additive, B|1 x H|1 x Sq x Sk.
    Rows of queries are processed in chunks of at most max_score_elems
    scores. Returns B,H,Sq,Dv float64."""
    B, H, Sq, D = q.shape
    Hkv, Sk = k.shape[1], k.shape[2]
    if H % Hkv:
        raise ValueError("H=%d is not a multiple of Hkv=%d" % (H, Hkv))
    scale = 1.0 / math.sqrt(D) if scale is None else float(scale)
    q, k, v = ops.f64(q), ops.f64(k), ops.f64(v)
    if Hkv != H:
        k = ops.repeat_heads(k, H // Hkv)
        v = ops.repeat_heads(v, H // Hkv)
    bool_mask = mask is not None and ops.is_bool(mask)
    if mask is not None and not bool_mask:
        mask = ops.f64(mask)
    rows = max(1, min(Sq, max_score_elems // max(1, B * H * Sk)))
    parts = []
    for i0 in range(0, Sq, rows):
        i1 = min(Sq, i0 + rows)
        s = ops.einsum("bhid,bhjd->bhij", q[:, :, i0:i1], k) * scale
        if mask is not None:
            m = mask[:, :, i0:i1]
            s = ops.where(m, s, float("-inf")) if bool_mask else s + m
        if causal:
            i = ops.arange(i0, i1, s)[:, None]
            j = ops.arange(0, Sk, s)[None, :]
            s = ops.where(j <= i + (Sk - Sq), s, float("-inf"))
        mx = ops.amax(s, 3)
        mx = ops.where(ops.isfinite(mx), mx, 0.0)
        p = ops.exp(s - mx)  # exp(-inf) = 0 for hidden keys
        l = ops.sum(p, 3)
        o = ops.einsum("bhij,bhjd->bhid", p, v)
        parts.append(ops.where(l > 0, o / ops.where(l > 0, l, 1.0), 0.0))
    return parts[0] if len(parts) == 1 else ops.cat_rows(parts)


def mha_reference(ops, c, x, wq, wk, wv, wo, bq, bk, bv, bo,
                  max_score_elems=1 << 27):
    """attn.mha (self-attention, biases, residual) in float64, SPEC.md 1.2:
    Q = x wq + bq split into H heads (K, V into Hkv), per-head attention,
    heads concatenated, times wo, plus bo and x. Returns B,S,E float64."""
    x, wq, wk, wv, wo, bq, bk, bv, bo = (
        ops.f64(t) for t in (x, wq, wk, wv, wo, bq, bk, bv, bo))
    q = ops.split_heads(ops.einsum("bse,en->bsn", x, wq) + bq, c["H"])
    k = ops.split_heads(ops.einsum("bse,en->bsn", x, wk) + bk, c["Hkv"])
    v = ops.split_heads(ops.einsum("bse,en->bsn", x, wv) + bv, c["Hkv"])
    o = reference(ops, q, k, v, None, c["causal"], None, max_score_elems)
    return ops.einsum("bsn,ne->bse", ops.merge_heads(o), wo) + bo + x


#===------------------------------------------------------------------------===#
# Command line: emit the .mlir files and the manifest.
#===------------------------------------------------------------------------===#

def select(pattern):
    cs = [c for c in ALL if not pattern or re.search(pattern, c["name"])]
    names = [c["name"] for c in ALL]
    for c in ALL:
        if not C_IDENT.match(c["name"]) or names.count(c["name"]) != 1:
            raise SystemExit("cases.py: error: bad or repeated case name %r" %
                             c["name"])
    return cs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emit", metavar="DIR",
                    help="write DIR/NAME.mlir per case and DIR/cases.json")
    ap.add_argument("--only", metavar="REGEX", help="cases whose name matches")
    ap.add_argument("--list", action="store_true", help="print the cases")
    a = ap.parse_args(argv)
    cs = select(a.only)
    if not cs:
        raise SystemExit("cases.py: error: no case matches %r" % a.only)
    if a.list or not a.emit:
        for c in cs:
            s = shapes(c)
            if is_mha(c):
                print("%-36s %-5s mha x%s heads %d/%d%s%s" % (
                    c["name"], c["dtype"], s["x"], c["H"], c["Hkv"],
                    " causal" if c["causal"] else "",
                    " timed" if c["timed"] else ""))
                continue
            print("%-36s %-5s q%s k%s v%s%s%s%s" % (
                c["name"], c["dtype"], s["q"], s["k"], s["v"],
                " causal" if c["causal"] else "",
                " mask %s%s" % (c["mask"], s["mask"]) if c["mask"] else "",
                " timed" if c["timed"] else ""))
    if a.emit:
        os.makedirs(a.emit, exist_ok=True)
        for c in cs:
            with open(os.path.join(a.emit, c["name"] + ".mlir"), "w") as f:
                f.write(to_mlir(c))
            if c.get("compile_flags"):  # extra attn-compile flags
                with open(os.path.join(a.emit, c["name"] + ".flags"),
                          "w") as f:
                    f.write(" ".join(c["compile_flags"]) + "\n")
        with open(os.path.join(a.emit, "cases.json"), "w") as f:
            json.dump(cs, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
