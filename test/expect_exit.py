#!/usr/bin/env python3
"""expect_exit.py N CMD [ARGS...]: run CMD, pass its output through, and exit 0
iff CMD exited with status N (a signal or any other status fails)."""
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        print("usage: expect_exit.py N CMD [ARGS...]", file=sys.stderr)
        return 2
    want = int(sys.argv[1])
    proc = subprocess.run(sys.argv[2:])
    if proc.returncode != want:
        print(f"expect_exit: {sys.argv[2]} exited with {proc.returncode}, expected {want}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
