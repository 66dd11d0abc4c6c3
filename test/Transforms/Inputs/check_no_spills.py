#!/usr/bin/env python3
"""Checks the register-tiled micro-kernel loops of an x86-64 assembly file.

Usage: check_no_spills.py [--min-fma=N] [--min-loops=N] [--comment-prefix=P]
                          [--reg=ymm|zmm] FILE.s (or - for stdin)

With --comment-prefix=P the assembly is taken from the lines `// P: ...` of
FILE (a hand-written sample inside a lit test, to test this checker).

A loop is the instruction range from a label `L:` down to the last backward
conditional or unconditional jump to `L`. A micro-kernel loop is an innermost
such loop (no other loop inside it) holding at least --min-fma (default 12)
packed-single FMAs with ymm (--reg=zmm: zmm) destinations (vfmadd132ps /
213ps / 231ps: which form llc picks depends on register allocation). Its accumulators must all
live in registers, so its body must have

  * no spill / reload code: no `Spill` / `Reload` annotation (llc's verbose
    asm marks every stack-slot access that register allocation introduces,
    whatever base register addresses the slot: %rsp, %rbp, or %rbx when the
    stack is realigned for the 64-byte aligned scratch buffers),
  * no store at all, in particular none to an %rsp/%rbp-relative address:
    the accumulators are written back after the loop.
Loads from the stack are allowed: the kernels' scratch buffers (packed Q,
scores) are allocas, which llc may address off %rsp.

The check does not depend on which registers are picked. Prints one summary
line per function that has micro-kernel loops (`NAME: N micro-kernel loops`),
a total (`micro-kernel loops: N`) and one `FAIL ...` line per problem (at
most 4 per loop, then a count);
exits 1 on a problem or when fewer than --min-loops (default 1) micro-kernel
loops were found.
"""
import re
import sys

LABEL = re.compile(r'^([.\w$]+):')
FUNCTION = re.compile(r'^([.\w$]+):\s+# @')
JUMP = re.compile(r'^\s+(j[a-z]+)\s+([.\w$]+)\s*(#.*)?$')
# Any FMA form (which of 132/213/231 is picked depends on register
# allocation) with ymm destination and multiplicand; the other multiplicand
# may be a folded load.
def fma_pattern(reg):
  return re.compile(r'^\s+vfmadd(132|213|231)ps\s+[^,#]+,\s*%' + reg +
                    r'\d+,\s*%' + reg + r'\d+')


REG = 'ymm'
FMA = fma_pattern(REG)
# Instructions whose last operand is a memory destination but that only read
# memory (AT&T operand order: the destination comes last).
READ_ONLY = re.compile(r'^\s+(cmp|test|bt|ucomis|comis|vucomis|vcomis|vptest|prefetch)')


def instructions(lines):
  """(index, text without comment) of instruction lines."""
  for i, line in enumerate(lines):
    s = line.split('#', 1)[0].rstrip()
    if s.strip() and not LABEL.match(s) and not s.strip().startswith('.'):
      yield i, s


def is_store(text):
  if READ_ONLY.match(text):
    return False
  ops = text.strip().split(None, 1)
  if len(ops) < 2:
    return False
  # The last top-level operand (commas inside parentheses do not split).
  depth, last = 0, ''
  for ch in ops[1]:
    if ch == '(':
      depth += 1
    elif ch == ')':
      depth -= 1
    if ch == ',' and depth == 0:
      last = ''
    else:
      last += ch
  return '(' in last


def main(argv):
  min_fma, min_loops, prefix, paths = 12, 1, None, []
  for a in argv:
    if a.startswith('--comment-prefix='):
      prefix = a.split('=', 1)[1]
    elif a.startswith('--min-fma='):
      min_fma = int(a.split('=', 1)[1])
    elif a.startswith('--min-loops='):
      min_loops = int(a.split('=', 1)[1])
    elif a.startswith('--reg='):
      global FMA, REG
      REG = a.split('=', 1)[1]
      FMA = fma_pattern(REG)
    else:
      paths.append(a)
  if len(paths) != 1:
    print(__doc__, file=sys.stderr)
    return 2
  text = sys.stdin.read() if paths[0] == '-' else open(paths[0]).read()
  lines = text.splitlines()
  if prefix is not None:
    tag = '// %s: ' % prefix
    lines = [l[len(tag):] for l in lines if l.startswith(tag)]

  labels = {}
  for i, line in enumerate(lines):
    m = LABEL.match(line)
    if m:
      labels[m.group(1)] = i
  # Loops: label line -> last backward jump to it.
  loops = {}
  for i, line in enumerate(lines):
    m = JUMP.match(line)
    if m and m.group(2) in labels and labels[m.group(2)] < i:
      start = labels[m.group(2)]
      loops[start] = max(loops.get(start, i), i)
  spans = sorted(loops.items())
  innermost = [
      (s, e) for s, e in spans
      if not any(s < s2 and e2 <= e for s2, e2 in spans if (s2, e2) != (s, e))
  ]

  functions = [(i, FUNCTION.match(l).group(1)) for i, l in enumerate(lines)
               if FUNCTION.match(l)]

  def function_of(line):
    name = '?'
    for i, f in functions:
      if i <= line:
        name = f
    return name

  problems, kernels, per_function = [], 0, {}
  for s, e in innermost:
    body = lines[s:e + 1]
    fmas = sum(1 for l in body if FMA.match(l))
    if fmas < min_fma:
      continue
    kernels += 1
    fn = function_of(s)
    per_function[fn] = per_function.get(fn, 0) + 1
    name = LABEL.match(lines[s]).group(1)
    before = len(problems)
    for i in range(s, e + 1):
      line = lines[i]
      if 'Spill' in line or 'Reload' in line:
        problems.append('FAIL %s: spill code: %s' % (name, line.strip()))
    for i, ins in instructions(lines[s:e + 1]):
      if is_store(ins):
        problems.append('FAIL %s: store: %s' % (name, ins.strip()))
    if len(problems) - before > 4:
      extra = len(problems) - before - 4
      del problems[before + 4:]
      problems.append('FAIL %s: ... and %d more' % (name, extra))
  for _, fn in functions:
    if fn in per_function:
      print('%s: %d micro-kernel loops' % (fn, per_function[fn]))
  print('micro-kernel loops: %d' % kernels)
  for p in problems:
    print(p)
  if kernels < min_loops:
    print('FAIL: fewer than %d micro-kernel loops with >= %d %s FMAs' %
          (min_loops, min_fma, REG))
    return 1
  return 1 if problems else 0


if __name__ == '__main__':
  sys.exit(main(sys.argv[1:]))
