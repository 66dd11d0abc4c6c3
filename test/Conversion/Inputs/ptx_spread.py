"""Compiles every attn function of the given .mlir files with
`attn-compile --target=nvptx --gpu-chip=CHIP -o X.ptx`, assembles the PTX with
`ptxas -arch=CHIP -v`, and prints one line per file plus a summary:

  <file>: <n> kernels, tensor-core <t>, spills <bytes>, stack <bytes>
  total: <files> files, <kernels> kernels, <failures> failures

A file fails when attn-compile or ptxas fails, when a kernel spills or has a
stack frame (local memory), or when a tensor-core kernel lacks mma.sync,
ldmatrix or cp.async.
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    compile_tool, ptxas, chip = sys.argv[1:4]
    files = sys.argv[4:]
    total = kernels_total = failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            total += 1
            name = os.path.basename(path)
            ptx = os.path.join(tmp, name + ".ptx")
            r = subprocess.run([compile_tool, path, "--target=nvptx",
                                "--gpu-chip=" + chip, "-o", ptx],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{name}: attn-compile failed: {r.stderr.strip()}")
                failures += 1
                continue
            text = open(ptx).read()
            r = subprocess.run([ptxas, "-arch=" + chip, "-v", ptx, "-o",
                                os.path.join(tmp, name + ".cubin")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{name}: ptxas failed: {r.stderr.strip()}")
                failures += 1
                continue
            info = r.stdout + r.stderr
            kernels = len(re.findall(r"Compiling entry function", info))
            spills = sum(int(a) + int(b) for a, b in re.findall(
                r"(\d+) bytes spill stores, (\d+) bytes spill loads", info))
            stack = sum(int(s) for s in re.findall(r"(\d+) bytes stack frame", info))
            tc = len(re.findall(r"mma\.sync\.aligned\.m16n8k16", text))
            ok = kernels > 0 and spills == 0 and stack == 0
            if tc and not ("ldmatrix.sync.aligned" in text and "cp.async" in text):
                ok = False
            print(f"{name}: {kernels} kernels, tensor-core {'yes' if tc else 'no'}, "
                  f"spills {spills}, stack {stack}{'' if ok else '  FAILED'}")
            kernels_total += kernels
            failures += 0 if ok else 1
    print(f"total: {total} files, {kernels_total} kernels, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
