#!/usr/bin/python3
"""Extracts the ir_fuzzer's seed corpus from the project's .mlir files.

  fuzz/ir_seeds.py OUT_DIR SRC_DIR...

Every .mlir file under the SRC_DIRs (test/, examples/) is cut at
`// -----` (split-input-file) and `//--- NAME` (split-file) markers; comment
lines (RUN/CHECK lines included) are dropped; pieces that are empty, not
MLIR (split-file parts named *.py, *.c, ...), or larger than the fuzzer's
16 KiB input limit are skipped. Identical pieces are written once, named by
their content hash, so rerunning it is idempotent.
"""
import hashlib
import os
import re
import sys

MAX_BYTES = 16 * 1024


def pieces(text):
    cur, name = [], None
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^//---\s+(\S+)", s)
        if m or s == "// -----":
            yield name, "\n".join(cur)
            cur, name = [], (m.group(1) if m else name)
            continue
        if s.startswith("//"):
            continue
        cur.append(line)
    yield name, "\n".join(cur)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    written = 0
    for src in sys.argv[2:]:
        for root, _, files in os.walk(src):
            for f in sorted(files):
                if not f.endswith(".mlir"):
                    continue
                with open(os.path.join(root, f), errors="replace") as fh:
                    text = fh.read()
                for name, piece in pieces(text):
                    if name and not name.endswith(".mlir"):
                        continue
                    body = piece.strip() + "\n"
                    if len(body) < 8 or len(body.encode()) > MAX_BYTES:
                        continue
                    if "func.func" not in body and "attn." not in body:
                        continue
                    h = hashlib.sha1(body.encode()).hexdigest()[:16]
                    path = os.path.join(out, "seed-" + h + ".mlir")
                    if not os.path.exists(path):
                        with open(path, "w") as fh:
                            fh.write(body)
                        written += 1
    print("ir_seeds: %d new seeds in %s" % (written, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
