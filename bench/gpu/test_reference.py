"""Checks of bench/gpu/cases.py on the CPU (NumPy, no torch, no GPU).

The float64 reference that check_and_time.py runs through PyTorch on the
device machine is run here through NumPy: against brute-force loops, against
its own row chunking, and against the project's oracle
(`attn-run --pipeline=reference`, .npy in and out) on small cases covering
causal alignment (Sq < Sk, Sq > Sk with fully hidden rows), GQA/MQA, i1 and
additive masks, Dv != D, a custom scale, decode, f32/f16/bf16. Every
generated case must parse and verify with attn-opt.

ATTN_MLIR_TEST_BUILD=<build dir> (set by CTest) locates the tools; without
it those tests are skipped.
"""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

BUILD = os.environ.get("ATTN_MLIR_TEST_BUILD")
OPS = cases.NumpyOps()


def brute(q, k, v, mask, causal, scale):
    """One query row at a time, straight from SPEC.md 1.1."""
    B, H, Sq, D = q.shape
    Hkv, Sk, Dv = k.shape[1], k.shape[2], v.shape[3]
    out = np.zeros((B, H, Sq, Dv))
    for b in range(B):
        for h in range(H):
            hk = h // (H // Hkv)
            for i in range(Sq):
                s = []
                for j in range(Sk):
                    x = scale * float(np.dot(q[b, h, i].astype(np.float64),
                                             k[b, hk, j].astype(np.float64)))
                    if mask is not None:
                        m = mask[b % mask.shape[0], h % mask.shape[1], i, j]
                        if mask.dtype == np.bool_:
                            x = x if m else -math.inf
                        else:
                            x += float(m)
                    if causal and j > i + Sk - Sq:
                        x = -math.inf
                    s.append(x)
                mx = max(s)
                if mx == -math.inf:
                    continue
                w = [math.exp(x - mx) for x in s]
                tot = sum(w)
                out[b, h, i] = sum(w[j] * v[b, hk, j].astype(np.float64)
                                   for j in range(Sk)) / tot
    return out


def rand(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("Sq,Sk,causal,H,Hkv,mask", [
    (5, 5, False, 2, 2, None),
    (5, 5, True, 2, 2, None),
    (3, 7, True, 4, 2, None),     # bottom-right: row 0 sees keys 0..4
    (7, 3, True, 4, 1, None),     # rows 0..3 see nothing -> zeros
    (4, 6, False, 2, 2, "i1"),
    (4, 6, True, 2, 1, "add"),
])
def test_reference_matches_brute_force(Sq, Sk, causal, H, Hkv, mask):
    rng = np.random.default_rng(Sq * 100 + Sk)
    B, D, Dv = 2, 8, 5
    q, k, v = rand(rng, (B, H, Sq, D)), rand(rng, (B, Hkv, Sk, D)), \
        rand(rng, (B, Hkv, Sk, Dv))
    m = None
    if mask == "i1":
        m = rng.random((1, H, Sq, Sk)) < 0.6
        m[0, 0, 1, :] = False  # a fully masked row
    elif mask == "add":
        m = rand(rng, (B, 1, Sq, Sk))
    ref = cases.reference(OPS, q, k, v, m, causal, 0.3)
    exp = brute(q, k, v, m, causal, 0.3)
    assert ref.shape == (B, H, Sq, Dv)
    assert np.isfinite(ref).all()
    np.testing.assert_allclose(ref, exp, rtol=1e-12, atol=1e-12)
    if causal and Sq > Sk:
        assert not ref[:, :, :Sq - Sk].any()
    if mask == "i1":
        assert not ref[:, 0, 1].any()


def test_row_chunking_changes_nothing():
    rng = np.random.default_rng(1)
    q, k, v = rand(rng, (1, 4, 37, 16)), rand(rng, (1, 2, 41, 16)), \
        rand(rng, (1, 2, 41, 16))
    m = rng.random((1, 1, 37, 41)) < 0.8
    whole = cases.reference(OPS, q, k, v, m, True)
    chunked = cases.reference(OPS, q, k, v, m, True, max_score_elems=4 * 41 * 5)
    np.testing.assert_array_equal(whole, chunked)


def test_visible_pairs_and_flops():
    for Sq, Sk in ((1, 1), (1, 9), (9, 1), (37, 37), (100, 357), (64, 48)):
        brute_pairs = sum(1 for i in range(Sq) for j in range(Sk)
                          if j <= i + Sk - Sq)
        assert cases.visible_pairs(Sq, Sk, True) == brute_pairs
        assert cases.visible_pairs(Sq, Sk, False) == Sq * Sk
    c = cases.case("x", 4, 16, 4096, 4096, 64, "f16")
    assert cases.flops(c) == 4 * 4 * 16 * 4096 * 4096 * 64
    cc = cases.case("x", 4, 16, 4096, 4096, 64, "f16", causal=True)
    assert cases.flops(cc) == 2 * 4 * 16 * 128 * (4096 * 4097 // 2)


def test_case_list_covers_the_issue():
    names = [c["name"] for c in cases.ALL]
    assert len(names) == len(set(names))
    timed = {(c["B"], c["H"], c["Sq"], c["D"], c["causal"], c["dtype"])
             for c in cases.TIMED}
    for (B, H, S, D) in ((4, 16, 4096, 64), (4, 16, 4096, 128),
                         (1, 16, 16384, 128)):
        for causal in (False, True):
            for dt in ("f16", "bf16"):
                assert (B, H, S, D, causal, dt) in timed
    spread = cases.SPREAD
    assert any(c["Dv"] != c["D"] for c in spread)
    assert any(c["Hkv"] != c["H"] for c in spread)
    assert any(c["Sq"] == 1 for c in spread)
    assert any(c["mask"] == "i1" for c in spread)
    assert any(c["mask"] == "add" for c in spread)
    assert any(c["Sq"] in (37, 1000, 4097) for c in spread)
    assert {c["dtype"] for c in spread if not cases.is_mha(c)} == \
        {"f16", "bf16"}
    assert any(cases.is_mha(c) for c in spread)
    assert any(cases.is_mha(c) for c in cases.TIMED)


def test_mha_flops_count_the_projections():
    c = cases.mha_case("m", 2, 128, 768, 12, "f32")
    attention = 4 * 2 * 12 * 128 * 128 * 64
    projections = 4 * 2 * 2 * 128 * 768 * 768  # q, k, v, o: 2 M N K each
    assert cases.flops(c) == attention + projections


# --- against the project's own oracle -------------------------------------

def bf16_bits(x):
    """float32 -> bf16 bit patterns (round to nearest even)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    r = ((u >> 16) & 1) + 0x7FFF
    return ((u + r) >> 16).astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


ORACLE_CASES = [
    cases.case("o_f32_gqa_sq_lt_sk", 2, 4, 7, 19, 16, "f32", Hkv=2,
               causal=True),
    cases.case("o_f32_sq_gt_sk", 1, 2, 12, 5, 16, "f32", causal=True,
               scale=0.7),
    cases.case("o_f16_mask_i1_causal", 2, 4, 9, 13, 32, "f16", causal=True,
               mask="i1", mask_bh=(1, 4)),
    cases.case("o_bf16_mask_add_dv", 1, 4, 10, 10, 32, "bf16", Dv=16,
               mask="add", mask_bh=(1, 1)),
    cases.case("o_f16_decode_mqa", 2, 8, 1, 33, 64, "f16", Hkv=1),
]


def make_inputs(c, rng):
    """(arrays as stored, arrays as values) for q, k, v and the mask."""
    s = cases.shapes(c)
    stored, values = [], []
    for n in ("q", "k", "v"):
        x = rand(rng, s[n])
        if c["dtype"] == "f16":
            x = x.astype(np.float16)
            stored.append(x), values.append(x)
        elif c["dtype"] == "bf16":
            bits = bf16_bits(x)
            stored.append(bits), values.append(bf16_value(bits))
        else:
            stored.append(x), values.append(x)
    if c["mask"] == "i1":
        m = rng.random(s["mask"]) < 0.7
        m[..., 2, :] = False  # fully masked row in every (b, h)
        stored.append(m), values.append(m)
    elif c["mask"] == "add":
        m = rand(rng, s["mask"]) * 2
        if c["dtype"] == "bf16":
            bits = bf16_bits(m)
            stored.append(bits), values.append(bf16_value(bits))
        else:
            m = m.astype(np.float16 if c["dtype"] == "f16" else np.float32)
            stored.append(m), values.append(m)
    return stored, values


def run_reference_pipeline(c, stored, tmp_path):
    """The case's MLIR through `attn-run --pipeline=reference` on `stored`
    (.npy in and out); returns the output array."""
    mlir = tmp_path / (c["name"] + ".mlir")
    mlir.write_text(cases.to_mlir(c))
    args = [os.path.join(BUILD, "bin", "attn-run"), str(mlir),
            "--pipeline=reference", "--output=@%s" % (tmp_path / "o.npy")]
    for i, a in enumerate(stored):
        p = tmp_path / ("in%d.npy" % i)
        np.save(p, a)
        args.append("--input=@%s" % p)
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return np.load(tmp_path / "o.npy")


@pytest.mark.skipif(not BUILD, reason="ATTN_MLIR_TEST_BUILD not set")
@pytest.mark.parametrize("c", ORACLE_CASES, ids=lambda c: c["name"])
def test_reference_matches_attn_run_reference_pipeline(c, tmp_path):
    rng = np.random.default_rng(7)
    stored, values = make_inputs(c, rng)
    out = run_reference_pipeline(c, stored, tmp_path)
    out = bf16_value(out) if c["dtype"] == "bf16" else out.astype(np.float64)
    ref = cases.reference(OPS, *values[:3],
                          values[3] if len(values) > 3 else None,
                          c["causal"], c["scale"])
    err = cases.error_of(float(np.max(np.abs(out - ref))),
                         float(np.max(np.abs(ref))))
    # attn-run rounds its f32-accumulated result to the element type once.
    tol = {"f32": 1e-5, "f16": 2e-3, "bf16": 1e-2}[c["dtype"]]
    assert err <= tol, "%s: error %.3g > %.3g" % (c["name"], err, tol)
    if c["causal"] and c["Sq"] > c["Sk"]:
        assert not ref[:, :, :c["Sq"] - c["Sk"]].any()
        assert not out[:, :, :c["Sq"] - c["Sk"]].any()


@pytest.mark.skipif(not BUILD, reason="ATTN_MLIR_TEST_BUILD not set")
def test_every_case_verifies(tmp_path):
    cases.main(["--emit", str(tmp_path)])
    opt = os.path.join(BUILD, "bin", "attn-opt")
    bad = []
    for c in cases.ALL:
        r = subprocess.run([opt, str(tmp_path / (c["name"] + ".mlir"))],
                           capture_output=True, text=True)
        if r.returncode != 0:
            bad.append("%s: %s" % (c["name"], r.stderr.strip()))
    assert not bad, "\n".join(bad)


@pytest.mark.skipif(not BUILD, reason="ATTN_MLIR_TEST_BUILD not set")
@pytest.mark.parametrize("c", [
    cases.mha_case("o_mha_f32_gqa_causal", 2, 9, 32, 4, "f32", Hkv=2,
                   causal=True),
    cases.mha_case("o_mha_f32", 1, 6, 24, 3, "f32"),
], ids=lambda c: c["name"])
def test_mha_reference_matches_attn_run_reference_pipeline(c, tmp_path):
    """cases.mha_reference (what the device run checks attn.mha against)
    is the project's oracle on the same layer."""
    rng = np.random.default_rng(11)
    s = cases.shapes(c)
    ins = [rand(rng, s[n]) * 0.5 for n in cases.MHA_OPERANDS]
    out = run_reference_pipeline(c, ins, tmp_path).astype(np.float64)
    ref = cases.mha_reference(OPS, c, *ins)
    assert ref.shape == s["out"]
    err = cases.error_of(float(np.max(np.abs(out - ref))),
                         float(np.max(np.abs(ref))))
    assert err <= 1e-5, "%s: error %.3g" % (c["name"], err)
