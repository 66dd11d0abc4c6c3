#!/usr/bin/env python3
"""Checks libattn_cuda_runtime against the host code MLIR 22 generates.

For each test module and each gpu.binary format (isa: PTX loaded with
mgpuModuleLoadJIT; bin: cubin loaded with mgpuModuleLoad), lowers it with
gpu-lower-to-nvvm-pipeline, translates it to LLVM IR and collects every
`declare ... @mgpu*(...)`. Then checks that
  - runtime/cuda/include/attn/cuda_runtime.h declares each of them with the
    same LLVM signature (the header compiled to LLVM IR by clang; parameter
    attributes such as noundef/signext ignored),
  - the shared and static libraries define each of them,
  - the shared library has no DT_NEEDED entry for libcuda.
Exit 0 when all hold, 1 with one line per problem otherwise.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

DECL = re.compile(r"^declare\s+(?:[a-z_]+\s+)*?(\S+)\s+@(mgpu\w+)\((.*)\)")
ATTRS = {"noundef", "signext", "zeroext", "nonnull", "noalias", "nocapture",
         "readonly", "writeonly", "inreg"}


def normalize(args):
    """'ptr noundef %0, i64 noundef' -> ['ptr', 'i64']"""
    out = []
    for a in [x.strip() for x in args.split(",") if x.strip()]:
        toks = [t for t in a.split() if t not in ATTRS and not t.startswith("%")
                and not t.startswith("align") and not t.isdigit()
                and not t.startswith("captures(")]
        out.append(toks[0] if toks else a)
    return out


def declares(ll_text):
    found = {}
    for line in ll_text.splitlines():
        m = DECL.match(line)
        if m:
            found[m.group(2)] = (m.group(1), normalize(m.group(3)))
    return found


def run(cmd, env=None, stdin=None):
    p = subprocess.run(cmd, env=env, input=stdin, capture_output=True,
                       text=True)
    if p.returncode != 0:
        sys.exit("check_mgpu_abi: error: %s failed (%d): %s" %
                 (os.path.basename(cmd[0]), p.returncode,
                  (p.stderr or p.stdout).strip().splitlines()[-1:]))
    return p.stdout


def lower(args, path, fmt, env):
    with open(path) as f:
        text = f.read()
    m = re.search(r"^// ABI-PIPELINE:(.*)$", text, re.M)
    if not m:
        sys.exit("check_mgpu_abi: error: %s has no '// ABI-PIPELINE:' line" %
                 path)
    prefix = m.group(1).strip()
    nvvm = ("gpu-lower-to-nvvm-pipeline{cubin-chip=sm_90a "
            "cubin-features=+ptx80 cubin-format=%s opt-level=3}" % fmt)
    pipeline = "builtin.module(%s)" % ",".join(x for x in (prefix, nvvm) if x)
    lowered = run([args.mlir_opt, path, "--pass-pipeline=" + pipeline],
                  env=env)
    return run([args.mlir_translate, "--mlir-to-llvmir"], env=env,
               stdin=lowered)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mlir-opt", required=True)
    ap.add_argument("--mlir-translate", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--readelf", required=True)
    ap.add_argument("--cuda-root", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--static", required=True)
    ap.add_argument("modules", nargs="+")
    args = ap.parse_args()

    env = dict(os.environ)
    env["CUDA_ROOT"] = args.cuda_root
    env["PATH"] = os.path.join(args.cuda_root, "bin") + os.pathsep + \
        env.get("PATH", "")

    emitted = {}  # name -> (ret, params, where)
    problems = []
    for path in args.modules:
        for fmt in ("isa", "bin"):
            for name, sig in declares(lower(args, path, fmt, env)).items():
                where = "%s (%s)" % (os.path.basename(path), fmt)
                old = emitted.get(name)
                if old and old[:2] != sig:
                    problems.append("%s declared differently: %s vs %s" %
                                    (name, old, sig))
                emitted.setdefault(name, sig + (where,))
    # The test modules must keep exercising the launch and both loads.
    for must in ("mgpuLaunchKernel", "mgpuModuleLoad", "mgpuModuleLoadJIT",
                 "mgpuMemAlloc", "mgpuMemcpy", "mgpuStreamCreate"):
        if must not in emitted:
            problems.append("the test modules no longer make MLIR emit " +
                            must)

    # The header's signatures, as clang lowers them.
    src = '#include "attn/cuda_runtime.h"\nvoid *attn_abi_refs[] = {\n' + \
        "".join("  (void *)&%s,\n" % n for n in sorted(emitted)) + "};\n"
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "refs.c")
        with open(c, "w") as f:
            f.write(src)
        p = subprocess.run([args.clang, "-S", "-emit-llvm", "-O0", "-std=c11",
                            "-Wall", "-Werror", "-I", args.include, c, "-o",
                            "-"], capture_output=True, text=True)
    if p.returncode != 0:
        errs = [l for l in p.stderr.splitlines() if "error:" in l]
        problems.append("the header does not compile with every emitted "
                        "function: " + "; ".join(errs[:5]))
        header = {}
    else:
        header = declares(p.stdout)
    for name, (ret, params, where) in sorted(emitted.items()):
        if name not in header:
            if p.returncode == 0:
                problems.append("%s (from %s) is not declared in "
                                "cuda_runtime.h" % (name, where))
            continue
        hret, hparams = header[name]
        if (hret, hparams) != (ret, params):
            problems.append("%s: MLIR declares %s(%s), cuda_runtime.h gives "
                            "%s(%s)" % (name, ret, ", ".join(params), hret,
                                        ", ".join(hparams)))

    def defined(lib, dynamic):
        cmd = [args.nm, "--defined-only", "--format=posix"]
        if dynamic:
            cmd.append("-D")
        out = run(cmd + [lib])
        return {l.split()[0] for l in out.splitlines()
                if len(l.split()) >= 2 and l.split()[1] in "TW"}

    for lib, dyn in ((args.shared, True), (args.static, False)):
        syms = defined(lib, dyn)
        for name in sorted(emitted):
            if name not in syms:
                problems.append("%s does not define %s" %
                                (os.path.basename(lib), name))
    needed = run([args.readelf, "-d", args.shared])
    if re.search(r"NEEDED.*libcuda", needed):
        problems.append("%s links libcuda at link time" %
                        os.path.basename(args.shared))

    if problems:
        for pr in problems:
            print("check_mgpu_abi: FAIL: " + pr)
        return 1
    print("check_mgpu_abi: %d mgpu* functions emitted by MLIR (isa and bin "
          "formats), each declared alike in cuda_runtime.h and defined by "
          "both libraries: %s" % (len(emitted), " ".join(sorted(emitted))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
