#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make selftests' verdict: each kselftest program's result on the base and
on the patched kernel (scripts/selftests/run.sh), and what differs.

usage: table.py RESULTS_DIR CONFIG

Reads RESULTS_DIR/selftests-{prereqs,series}-CONFIG-kselftest.txt, the
verdicts boot_init.py's kselftest mode wrote. The rule:
  - nothing that passes on the base may fail, or go missing, on the patched
    kernel (a crash or a timeout is a failure);
  - powerpc/user_regs must fail on the base where the configuration leaks
    (before_fails) and pass on it where it never did (before_passes), and
    must pass on the patched kernel.
Prints the table and every difference by name; exits 1 if the rule fails or
a boot left no verdict.
"""

import re
import sys
from pathlib import Path

from harness import cli, configs

KERNELS = {'prereqs': 'base', 'series': 'patched'}
LINE = re.compile(r'^(PASS|FAIL|SKIP|SKIPPED|NO_TESTS|ERROR) (selftests: .*)$', re.M)
USER_REGS = 'selftests: powerpc/user_regs: user_regs'


def read(results, config):
    """{kernel: {program: status}}, [problems]"""
    found, problems = {}, []
    for kernel in KERNELS:
        f = Path(results) / f'selftests-{kernel}-{config}-kselftest.txt'
        text = f.read_text() if f.is_file() else ''
        if not text:
            problems.append(f'{KERNELS[kernel]}: no verdict ({f} missing)')
        for line in re.findall(r'^FAIL the runner .*$', text, re.M):
            problems.append(f'{KERNELS[kernel]}: {line[5:]}')
        found[kernel] = {m.group(2): m.group(1) for m in LINE.finditer(text)}
    return found, problems


def judge(config, found):
    """[(program, base, patched, note)] and [problems] by the rule above."""
    base, patched = found['prereqs'], found['series']
    rows, problems = [], []
    for program in sorted(set(base) | set(patched)):
        b, p = base.get(program, 'missing'), patched.get(program, 'missing')
        note = ''
        if program == USER_REGS:
            want = 'FAIL' if config.before_fails else 'PASS'
            if b != want:
                note = f'must {want.lower()} on the base'
            if p != 'PASS':
                note = 'must pass when patched'
            if not note and b != p:
                note = 'the leak, fixed'
        elif b == 'PASS' and p != 'PASS':
            note = 'passes on the base only'
        elif b != p:
            note = 'differs'
        if note and note not in ('differs', 'the leak, fixed'):
            problems.append(f'{program}: {b} on the base, {p} patched: {note}')
        rows.append((program, b, p, note))
    if USER_REGS not in base and USER_REGS not in patched:
        problems.append(f'{USER_REGS} did not run')
    return rows, problems


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.split('\n\n')[1])
    results, name = Path(argv[1]), argv[2]
    found, problems = read(results, name)
    rows, more = judge(configs.get(name), found)
    problems += more
    width = max([len(r[0]) for r in rows] + [20])
    print(f'==> kselftest on {name}: base (the prerequisites) and patched (the series)')
    print(f'  {"program":<{width}} {"base":>8} {"patched":>8}  note')
    for program, b, p, note in rows:
        print(f'  {program:<{width}} {b:>8} {p:>8}  {note}')
    differences = [r for r in rows if r[3]]
    print(f'  {len(rows)} programs, {len(differences)} differences'
          + ''.join(f'; {r[0]}: {r[3]}' for r in differences))
    for p in problems:
        print(f'  FAIL {p}')
    passed = sum(1 for r in rows if r[3] in ('', 'differs', 'the leak, fixed'))
    print(f'selftests {name}: {passed} passed, {len(problems)} failed')
    return 1 if problems else 0


if __name__ == '__main__':
    cli(main)
