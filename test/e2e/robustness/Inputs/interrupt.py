"""interrupt.py ATTN_RUN WORK_DIR: interrupts attn-run at many points of a
run (parsing, compiling, computing, writing a 64 MiB output, benchmarking)
with SIGINT or SIGTERM and checks after each one that
  - the input files are byte-for-byte unchanged,
  - no temporary file (*.tmp.*) is left next to the outputs,
  - each output is absent or complete: identical to the output of an
    uninterrupted run, and the two outputs are both present or both absent,
  - attn-run ended by the signal or exited normally, never with a crash.
Prints one line per run and a summary."""
import glob
import hashlib
import os
import signal
import subprocess
import sys
import time

import numpy as np

MLIR = """
func.func @main(%q: tensor<1x1x262144x1xf32>, %k: tensor<1x1x1x1xf32>,
                %v: tensor<1x1x1x64xf32>)
    -> (tensor<1x1x262144x64xf32>, tensor<1x1x262144x64xf32>) {
  %o = attn.sdpa %q, %k, %v
       : (tensor<1x1x262144x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x64xf32>)
       -> tensor<1x1x262144x64xf32>
  %c = attn.sdpa %q, %k, %v {scale = 0.5 : f32}
       : (tensor<1x1x262144x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x64xf32>)
       -> tensor<1x1x262144x64xf32>
  return %o, %c : tensor<1x1x262144x64xf32>, tensor<1x1x262144x64xf32>
}
"""


def default_signals():
    """lit's workers ignore SIGINT and children inherit that: restore the
    default dispositions in attn-run, as an interactive shell has them."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, signal.SIG_DFL)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    attn_run, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    prog = os.path.join(work, "wide.mlir")
    with open(prog, "w") as f:
        f.write(MLIR)
    rng = np.random.default_rng(0)
    inputs = []
    for name, shape in (("q", (1, 1, 262144, 1)), ("k", (1, 1, 1, 1)), ("v", (1, 1, 1, 64))):
        p = os.path.join(work, name + ".npy")
        np.save(p, rng.uniform(-1, 1, shape).astype("<f4"))
        inputs.append(p)
    before = {p: digest(p) for p in inputs + [prog]}
    outs = [os.path.join(work, "o0.npy"), os.path.join(work, "o1.npy")]
    base = [attn_run, prog, "--threads=1"] + ["--input=@" + p for p in inputs] + \
           ["--output=@" + o for o in outs]

    # Reference outputs of an uninterrupted run; its duration scales the
    # interrupt times (sanitizer builds and loaded machines are slower).
    t0 = time.time()
    subprocess.run(base, check=True, stdout=subprocess.DEVNULL)
    t_ref = time.time() - t0
    want = [digest(o) for o in outs]
    for o in outs:
        os.rename(o, o + ".want")

    failures = 0
    counts = {"absent": 0, "complete": 0}
    # From early in parsing to well into the benchmark loop (outputs are
    # written after the first call, before the benchmark).
    delays = [t_ref * (0.05 + 0.11 * i) for i in range(10)]
    for n, delay in enumerate(delays):
        sig = signal.SIGTERM if n % 4 == 3 else signal.SIGINT
        for o in outs:
            if os.path.exists(o):
                os.unlink(o)
        proc = subprocess.Popen(base + ["--benchmark=1000000"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, preexec_fn=default_signals)
        time.sleep(delay)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            print("FAIL delay %.2f: attn-run did not stop" % delay)
            failures += 1
            continue
        err = err.decode(errors="replace")
        problems = []
        if proc.returncode not in (0, -sig):
            problems.append("exit status %d" % proc.returncode)
        for bad in ("Stack dump", "PLEASE", "Sanitizer", "LLVM ERROR"):
            if bad in err:
                problems.append("stderr has '%s'" % bad)
        for p, d in before.items():
            if digest(p) != d:
                problems.append("input %s changed" % p)
        tmps = glob.glob(os.path.join(work, "*.tmp.*"))
        if tmps:
            problems.append("temporary files left: %s" % tmps)
            for t in tmps:
                os.unlink(t)
        present = [os.path.exists(o) for o in outs]
        if any(present) and not all(present):
            problems.append("only some outputs written: %s" % present)
        for o, w, p in zip(outs, want, present):
            if p and digest(o) != w:
                problems.append("output %s is incomplete or wrong" % o)
        state = "complete" if all(present) else "absent"
        counts[state] += 1
        print("%s delay %.2f %s: exit %d, outputs %s%s"
              % ("FAIL" if problems else "ok  ", delay, signal.Signals(sig).name,
                 proc.returncode, state, ": " + "; ".join(problems) if problems else ""))
        failures += bool(problems)
    print("uninterrupted run: %.2f s; interrupted %d runs: outputs absent in %d, "
          "complete in %d; %d failed"
          % (t_ref, len(delays), counts["absent"], counts["complete"], failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
