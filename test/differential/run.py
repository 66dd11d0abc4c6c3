#!/usr/bin/python3
"""Differential suite: random valid attn.sdpa / attn.mha configurations,
each run through every pipeline of attn-run with --check (the float64 oracle,
SPEC tolerances: f32 2e-4, f16 2e-2, bf16 6e-2 of the result's scale).

  test/differential/run.py [--attn-run PATH] [--seed S] [-n N] [-j J]
                           [--pipelines cpu,reference] [--only I,J,...]
                           [--work DIR] [--keep] [--list]

Case i of seed S is a pure function of (S, i): `--seed S --only i` rebuilds
it exactly. What is drawn:
  sdpa  B, H = Hkv * G (GQA ratios 1..4, MQA), Sq, Sk from a pool of 1, small
        primes and powers of two (0 rarely; decode steps Sq = 1 with caches of
        up to 2048 keys), D and Dv in
        1..256 (Dv != D sometimes), f32/f16/bf16, scale default or explicit,
        causal (Sq < Sk, Sq = Sk, Sq > Sk all occur), no mask or a mask of
        each kind (i1, f32 additive, element-type additive) broadcast over
        B (Bm = 1 or B) and H (Hm = 1 or H); some masks come from .npy files
        with -inf entries and fully hidden rows.
  mha   B, S, E, H, Hkv, Dh (multiples of 8 take the micro-kernel path,
        others the generic one), Dv, E_out, with or without biases, memory
        (cross-attention, Skv != S), mask, causal, residual, scale.
  Any dimension but the head dims may be dynamic ('?'); shapes are then
  bound with --input=SHAPE=random:SEED. Per-case FLOPs stay small so the
  oracle (plain double loops) and compile time dominate.

Prints each failure with a one-line reproducer, the number of cases and
runs, the worst error per pipeline and dtype, and last a line
"N passed, M failed". Exit status 0 iff every case passed.
"""
import argparse
import concurrent.futures
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

POOL = [1, 1, 2, 3, 4, 5, 7, 8, 11, 13, 16, 17, 23, 31, 32, 37, 48, 61, 64, 97, 128]
HEAD_DIMS = [1, 2, 3, 4, 5, 8, 13, 16, 17, 24, 31, 32, 48, 64, 80, 96, 127, 128, 160, 192, 256]
DTYPES = ["f32", "f16", "bf16"]
MAX_FLOPS = 3e6  # per case, attention FLOPs 2*B*H*Sq*Sk*(D+Dv) (+ projections)


def dim(d):
    return "?" if d is None else str(d)


def ttype(dims, elem):
    return "tensor<" + "x".join(dim(d) for d in dims) + "x" + elem + ">"


class Case:
    """One generated function and how to run it."""

    def __init__(self, seed, index):
        self.seed = seed
        self.index = index
        self.name = "case_%d_%04d" % (seed, index)
        self.rng = random.Random(seed * 1000003 + index)
        self.args = []        # (declared dims with None for '?', elem, concrete dims)
        self.npy = {}         # arg index -> numpy array writer (callable)
        self.desc = ""
        self.text = ""
        self.threads = self.rng.choice([1, 2])
        if self.rng.random() < 0.72:
            self.gen_sdpa()
        else:
            self.gen_mha()

    # -- helpers -----------------------------------------------------------
    def pick(self, pool):
        return self.rng.choice(pool)

    def maybe_dyn(self, dims, p, static=()):
        """Declared dims: each non-head dim dynamic with probability p."""
        return [None if (i not in static and self.rng.random() < p) else d
                for i, d in enumerate(dims)]

    def add_arg(self, concrete, elem, p_dyn, static=()):
        self.args.append((self.maybe_dyn(concrete, p_dyn, static), elem, list(concrete)))
        return len(self.args) - 1

    def seq(self):
        r = self.rng.random()
        if r < 0.02:
            return 0
        return self.pick(POOL)

    # -- attn.sdpa ---------------------------------------------------------
    def gen_sdpa(self):
        rng = self.rng
        elem = self.pick(DTYPES)
        B = self.pick([1, 1, 2, 3])
        Hkv = self.pick([1, 1, 2, 3])
        G = self.pick([1, 1, 2, 3, 4])
        H = Hkv * G
        D = self.pick(HEAD_DIMS)
        Dv = D if rng.random() < 0.6 else self.pick(HEAD_DIMS)
        Sq, Sk = self.seq(), self.seq()
        if rng.random() < 0.15:  # decode step, possibly on a longer cache
            Sq = 1
            if rng.random() < 0.5:
                Sk = self.pick([200, 257, 509, 1031, 2048])
        # Keep the case small: shrink the sequence lengths first.
        while 2.0 * B * H * Sq * Sk * (D + Dv) > MAX_FLOPS and max(Sq, Sk) > 1:
            if Sq >= Sk:
                Sq = max(1, Sq // 2)
            else:
                Sk = max(1, Sk // 2)
        while 2.0 * B * H * Sq * Sk * (D + Dv) > MAX_FLOPS and B * H > 1:
            if B > 1:
                B -= 1
            else:
                G = max(1, G // 2); H = Hkv * G
                if 2.0 * B * H * Sq * Sk * (D + Dv) > MAX_FLOPS and Hkv > 1:
                    Hkv -= 1; H = Hkv * G
        causal = rng.random() < 0.45
        scale = None if rng.random() < 0.6 else round(rng.uniform(0.05, 1.5), 4)
        mask_kind = self.pick(["none", "none", "i1", "f32", "elem"])
        p_dyn = self.pick([0.0, 0.0, 0.3, 0.6, 1.0])

        q = self.add_arg([B, H, Sq, D], elem, p_dyn, static=(3,))
        k = self.add_arg([B, Hkv, Sk, D], elem, p_dyn, static=(3,))
        v = self.add_arg([B, Hkv, Sk, Dv], elem, p_dyn, static=(3,))
        margs = []
        Bm = Hm = None
        if mask_kind != "none":
            Bm = B if rng.random() < 0.5 else 1
            Hm = H if rng.random() < 0.5 else 1
            melem = {"i1": "i1", "f32": "f32", "elem": elem}[mask_kind]
            m = self.add_arg([Bm, Hm, Sq, Sk], melem, p_dyn)
            margs = [m]
            if rng.random() < 0.35:
                self.npy[m] = ("mask", melem)
        out_dims = self.maybe_dyn([B, H, Sq, Dv], p_dyn, static=(3,))
        out_t = ttype(out_dims, elem)

        attrs = []
        if scale is not None:
            attrs.append("scale = %r : f32" % scale)
        if causal:
            attrs.append("causal")
        attr = (" {" + ", ".join(attrs) + "}") if attrs else ""
        types = [ttype(a[0], a[1]) for a in self.args]
        names = ["%q", "%k", "%v", "%m"][:len(self.args)]
        sig = ", ".join("%s: %s" % (n, t) for n, t in zip(names, types))
        mask = " mask %m" if margs else ""
        self.text = (
            "func.func @%s(%s) -> %s {\n"
            "  %%o = attn.sdpa %%q, %%k, %%v%s%s\n"
            "       : (%s) -> %s\n"
            "  return %%o : %s\n"
            "}\n" % (self.name, sig, out_t, mask, attr, ", ".join(types), out_t, out_t))
        self.desc = ("sdpa %s B=%d H=%d Hkv=%d Sq=%d Sk=%d D=%d Dv=%d%s%s mask=%s%s dyn=%.1f"
                     % (elem, B, H, Hkv, Sq, Sk, D, Dv, " causal" if causal else "",
                        "" if scale is None else " scale=%g" % scale, mask_kind,
                        "" if mask_kind == "none" else "(Bm=%d,Hm=%d%s)" % (
                            Bm, Hm, ",npy" if margs and margs[0] in self.npy else ""),
                        p_dyn))

    # -- attn.mha ----------------------------------------------------------
    def gen_mha(self):
        rng = self.rng
        elem = self.pick(DTYPES)
        B = self.pick([1, 1, 2, 3])
        S = self.pick([1, 2, 3, 5, 7, 8, 13, 16, 17, 31])
        Hkv = self.pick([1, 1, 2])
        H = Hkv * self.pick([1, 2, 3])
        Dh = self.pick([8, 8, 16, 32, 4, 5, 12])
        Dv = Dh if rng.random() < 0.7 else self.pick([8, 16, 6, 24])
        E = self.pick([8, 16, 24, 32, 48, 64, 13])
        residual = rng.random() < 0.3
        Eout = E if residual or rng.random() < 0.6 else self.pick([8, 16, 20, 32])
        memory = rng.random() < 0.3
        Skv = self.pick([1, 3, 7, 11, 16, 29]) if memory else S
        bias = rng.random() < 0.4
        causal = rng.random() < 0.4
        scale = None if rng.random() < 0.7 else round(rng.uniform(0.05, 1.0), 4)
        mask_kind = self.pick(["none", "none", "i1", "f32", "elem"])
        p_dyn = self.pick([0.0, 0.0, 0.3, 1.0])

        # Dims that must stay static: wq/wk/wv dim 1, wo dim 0 (head dims).
        x = self.add_arg([B, S, E], elem, p_dyn)
        self.add_arg([E, H * Dh], elem, p_dyn, static=(1,))
        self.add_arg([E, Hkv * Dh], elem, p_dyn, static=(1,))
        self.add_arg([E, Hkv * Dv], elem, p_dyn, static=(1,))
        self.add_arg([H * Dv, Eout], elem, p_dyn, static=(0,))
        names = ["%x", "%wq", "%wk", "%wv", "%wo"]
        groups = ""
        if bias:
            for n, size in (("%bq", H * Dh), ("%bk", Hkv * Dh), ("%bv", Hkv * Dv), ("%bo", Eout)):
                self.add_arg([size], elem, p_dyn)
                names.append(n)
            groups += " bias(%bq, %bk, %bv, %bo)"
        if memory:
            self.add_arg([B, Skv, E], elem, p_dyn)
            names.append("%mem")
            groups += " memory %mem"
        Bm = Hm = None
        if mask_kind != "none":
            Bm = B if rng.random() < 0.5 else 1
            Hm = H if rng.random() < 0.5 else 1
            melem = {"i1": "i1", "f32": "f32", "elem": elem}[mask_kind]
            m = self.add_arg([Bm, Hm, S, Skv], melem, p_dyn)
            names.append("%m")
            groups += " mask %m"
            if rng.random() < 0.3:
                self.npy[m] = ("mask", melem)
        out_dims = self.maybe_dyn([B, S, Eout], p_dyn)
        out_t = ttype(out_dims, elem)
        attrs = ["num_heads = %d : i64" % H]
        if Hkv != H or rng.random() < 0.3:
            attrs.append("num_kv_heads = %d : i64" % Hkv)
        if scale is not None:
            attrs.append("scale = %r : f32" % scale)
        if causal:
            attrs.append("causal")
        if residual:
            attrs.append("residual")
        types = [ttype(a[0], a[1]) for a in self.args]
        sig = ", ".join("%s: %s" % (n, t) for n, t in zip(names, types))
        self.text = (
            "func.func @%s(%s) -> %s {\n"
            "  %%y = attn.mha %s%s {%s}\n"
            "       : (%s) -> %s\n"
            "  return %%y : %s\n"
            "}\n" % (self.name, sig, out_t, ", ".join(names[:5]), groups, ", ".join(attrs),
                     ", ".join(types), out_t, out_t))
        self.desc = ("mha %s B=%d S=%d E=%d H=%d Hkv=%d Dh=%d Dv=%d Eout=%d%s%s%s%s%s mask=%s dyn=%.1f"
                     % (elem, B, S, E, H, Hkv, Dh, Dv, Eout, " bias" if bias else "",
                        " memory(Skv=%d)" % Skv if memory else "", " causal" if causal else "",
                        " residual" if residual else "",
                        "" if scale is None else " scale=%g" % scale, mask_kind, p_dyn))

    # -- files and command lines ---------------------------------------------
    def write(self, work):
        path = os.path.join(work, self.name + ".mlir")
        with open(path, "w") as f:
            f.write("// " + self.desc + "\n")
            f.write("// regenerate: test/differential/run.py --seed %d --only %d\n"
                    % (self.seed, self.index))
            f.write(self.text)
        inputs = []
        for i, (decl, elem, conc) in enumerate(self.args):
            if i in self.npy:
                npy_path = os.path.join(work, "%s_arg%d.npy" % (self.name, i))
                write_mask_npy(npy_path, conc, elem, self.seed * 7919 + self.index * 31 + i)
                inputs.append("--input=@" + npy_path)
            else:
                shape = "x".join(str(d) for d in conc)
                inputs.append("--input=%sx%s=random:%d" % (shape, elem, self.seed * 1000 + self.index))
        return path, inputs

    def command(self, attn_run, path, inputs, pipeline):
        return ([attn_run, path, "--function=" + self.name, "--pipeline=" + pipeline,
                 "--threads=%d" % self.threads, "--check"] + inputs)


def write_mask_npy(path, shape, elem, seed):
    """A mask with hidden entries: i1 false, or -inf additive entries; every
    third row (if any) fully hidden."""
    import numpy as np
    rng = np.random.default_rng(seed)
    shape = tuple(shape)
    if elem == "i1":
        arr = rng.random(shape) < 0.7
        if len(shape) == 4 and shape[2] > 0:
            arr[..., ::3, :] = False
        np.save(path, arr)
        return
    vals = rng.uniform(-1.0, 1.0, shape)
    vals[rng.random(shape) < 0.25] = -np.inf
    if len(shape) == 4 and shape[2] > 0:
        vals[..., ::3, :] = -np.inf
    if elem == "f32":
        np.save(path, vals.astype("<f4"))
    elif elem == "f16":
        np.save(path, vals.astype("<f2"))
    else:  # bf16 bit patterns, round to nearest even
        f = vals.astype("<f4").view("<u4").astype(np.uint64)
        bits = ((f + 0x7FFF + ((f >> 16) & 1)) >> 16).astype("<u2")
        np.save(path, bits)


def run_case(case, attn_run, work, pipelines, timeout):
    path, inputs = case.write(work)
    results = []
    for p in pipelines:
        cmd = case.command(attn_run, path, inputs, p)
        t0 = time.time()
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, timeout=timeout)
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = "timeout", "", "timed out after %ds" % timeout
        m = re.search(r"max_rel_err=(\S+)", out)
        rel = float(m.group(1)) if m else None
        ok = rc == 0 and "check=pass" in out
        if ok:
            reason = ""
        elif rc == 1:
            reason = "above tolerance: " + (m.group(0) if m else out.strip()[-200:])
        elif rc == 2:
            reason = "refused a valid case: " + err.strip()[-300:]
        elif isinstance(rc, int) and rc < 0:
            reason = "killed by signal %d: %s" % (-rc, err.strip()[-300:])
        else:
            reason = "exit %s: %s" % (rc, err.strip()[-300:])
        results.append((p, ok, reason, rel, time.time() - t0, cmd))
    return case, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--attn-run", default=os.path.join(ROOT, "build", "bin", "attn-run"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", type=int, default=200, help="number of cases")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1, help="parallel attn-run processes")
    ap.add_argument("--pipelines", default="cpu,reference")
    ap.add_argument("--only", default="", help="comma-separated case indices")
    ap.add_argument("--work", default="", help="directory for the cases (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per attn-run call")
    ap.add_argument("--list", action="store_true", help="print the cases, run nothing")
    a = ap.parse_args()

    indices = [int(i) for i in a.only.split(",") if i] if a.only else list(range(a.n))
    cases = [Case(a.seed, i) for i in indices]
    if a.list:
        for c in cases:
            print("%5d  %s" % (c.index, c.desc))
        return 0
    if not os.access(a.attn_run, os.X_OK):
        print("differential: no attn-run at %s (build first, or --attn-run)" % a.attn_run)
        return 2
    pipelines = [p for p in a.pipelines.split(",") if p]
    work = a.work or tempfile.mkdtemp(prefix="attn-differential-")
    os.makedirs(work, exist_ok=True)
    attn_run = os.path.abspath(a.attn_run)
    print("differential: seed=%d cases=%d pipelines=%s jobs=%d work=%s"
          % (a.seed, len(cases), ",".join(pipelines), a.j, work), flush=True)

    t0 = time.time()
    failed_cases = []
    worst = {}
    runs = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as ex:
        futs = [ex.submit(run_case, c, attn_run, work, pipelines, a.timeout) for c in cases]
        for fut in concurrent.futures.as_completed(futs):
            case, results = fut.result()
            bad = False
            for p, ok, reason, rel, secs, cmd in results:
                runs += 1
                dt = case.desc.split()[1]
                key = (p, dt)
                if rel is not None and rel == rel:  # not NaN
                    worst[key] = max(worst.get(key, 0.0), rel)
                if not ok:
                    bad = True
                    print("FAIL %s [%s]: %s\n  config: %s\n  reproduce: %s\n  regenerate: %s"
                          % (case.name, p, reason, case.desc,
                             " ".join(shlex.quote(c) for c in cmd),
                             "test/differential/run.py --seed %d --only %d --pipelines %s --keep"
                             % (case.seed, case.index, p)), flush=True)
            if bad:
                failed_cases.append(case)

    elapsed = time.time() - t0
    if failed_cases or a.keep or a.work:
        print("differential: cases kept in %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("differential: %d cases, %d attn-run calls in %.1f s" % (len(cases), runs, elapsed))
    for (p, dt) in sorted(worst):
        print("  worst max_rel_err %-9s %-4s %.3e" % (p, dt, worst[(p, dt)]))
    print("%d passed, %d failed" % (len(cases) - len(failed_cases), len(failed_cases)))
    return 1 if failed_cases else 0


if __name__ == "__main__":
    sys.exit(main())
