#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kselftest verdict: each program's result on the base kernel and on
the patched one, and what differs.

usage: table.py RESULTS_DIR CONFIG BASE PATCHED STAGE

BASE and PATCHED are the stages of the two kselftest boots, whose verdicts
boot_init.py wrote to RESULTS_DIR/BASE.txt and PATCHED.txt: make selftests'
base (the prerequisites) and series, or make mainline's kernels without and
with the fixes. The rule:
  - nothing that passes on the base may fail, or go missing, on the patched
    kernel (a crash or a timeout is a failure): neither a program nor, in a
    program that prints TAP of its own, a test case (seccomp_bpf, which
    fails on both kernels under qemu, has a hundred);
  - powerpc/user_regs must fail on the base where the configuration leaks
    (before_fails) and pass on it where it never did (before_passes), and
    must pass on the patched kernel.
Prints the table, with each program's guest seconds on the patched kernel,
and every difference by name, test cases' too; records the verdict as STAGE
in RESULTS_DIR; exits 1 if the rule fails or a boot left no verdict.
"""

import re
import sys
from pathlib import Path

from harness import cli, configs, results

KERNELS = ('base', 'patched')
LINE = re.compile(r'^(PASS|FAIL|SKIP|SKIPPED|NO_TESTS|ERROR) (selftests: .*)$', re.M)
TIME = re.compile(r'^TIME ([\d.]+) (selftests: .*)$', re.M)
CASE = re.compile(r'^CASE (PASS|FAIL|SKIP|SKIPPED|NO_TESTS|ERROR) (selftests: .*)$', re.M)
USER_REGS = 'selftests: powerpc/user_regs: user_regs'
# Programs whose verdict compares wall-clock times. Under TCG those follow
# the host's load, not the kernel (seccomp_benchmark's "per-filter ≈"
# expectation passed on one of two alike e500 kernels and failed on the
# other): shown with the reason, not judged. The kernel's benchmarks judge
# the cost under -icount, in make bench-upstream.
WALL_CLOCK = {'selftests: seccomp: seccomp_benchmark'}
UNJUDGED = 'wall-clock expectations, not judged'
NOT_PROBLEMS = ('differs', 'the leak, fixed', UNJUDGED)


def read(results_dir, stages):
    """{kernel: {program: status}}, {kernel: {program: seconds}}, [problems],
    {kernel: {program: case: status}}; stages: {kernel: the stage of its boot}."""
    found, times, problems, cases = {}, {}, [], {}
    for kernel, stage in stages.items():
        f = Path(results_dir) / f'{stage}.txt'
        text = f.read_text() if f.is_file() else ''
        if not text:
            problems.append(f'{kernel}: no verdict ({f} missing)')
        for line in re.findall(r'^FAIL the runner .*$', text, re.M):
            problems.append(f'{kernel}: {line[5:]}')
        found[kernel] = {m.group(2): m.group(1) for m in LINE.finditer(text)}
        times[kernel] = {m.group(2): float(m.group(1)) for m in TIME.finditer(text)}
        cases[kernel] = {m.group(2): m.group(1) for m in CASE.finditer(text)}
    return found, times, problems, cases


def judge_cases(cases, patched):
    """[(case, base, patched)] of the test cases that differ, and [problems]:
    a case that passes on the base must pass, or skip, patched where its
    program ran."""
    base, after = cases['base'], cases['patched']
    ran = set(patched)
    rows, problems = [], []
    for case in sorted(set(base) | set(after)):
        b, p = base.get(case, 'missing'), after.get(case, 'missing')
        if b == p:
            continue
        rows.append((case, b, p))
        program = next((r for r in ran if case.startswith(f'{r}: ')), None)
        if program in WALL_CLOCK:
            continue
        # A skip says why (the selftest's own reason); it is not a failure.
        if b == 'PASS' and p not in ('SKIP', 'SKIPPED') and program:
            problems.append(f'{case}: PASS on the base, {p} patched: passes on the base only')
    return rows, problems


def judge(config, found):
    """[(program, base, patched, note)] and [problems] by the rule above."""
    base, patched = found['base'], found['patched']
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
        elif program in WALL_CLOCK:
            note = UNJUDGED if b != p else ''
        elif b == 'PASS' and p != 'PASS':
            note = 'passes on the base only'
        elif b != p:
            note = 'differs'
        if note and note not in NOT_PROBLEMS:
            problems.append(f'{program}: {b} on the base, {p} patched: {note}')
        rows.append((program, b, p, note))
    if USER_REGS not in base and USER_REGS not in patched:
        problems.append(f'{USER_REGS} did not run')
    return rows, problems


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__.split('\n\n')[1])
    results_dir, name, stage = Path(argv[1]), argv[2], argv[5]
    stages = dict(zip(KERNELS, argv[3:5]))
    found, times, problems, cases = read(results_dir, stages)
    rows, more = judge(configs.get(name), found)
    case_rows, case_problems = judge_cases(cases, found['patched'])
    problems += more + case_problems
    width = max([len(r[0]) for r in rows] + [20])
    print(f'==> kselftest on {name}: base {stages["base"]}, patched {stages["patched"]}')
    print(f'  {"program":<{width}} {"base":>8} {"patched":>8} {"seconds":>8}  note')
    for program, b, p, note in rows:
        seconds = times['patched'].get(program)
        shown = f'{seconds:.1f}' if seconds is not None else '-'
        print(f'  {program:<{width}} {b:>8} {p:>8} {shown:>8}  {note}')
    differences = [r for r in rows if r[3]]
    print(f'  {len(rows)} programs, {len(differences)} differences'
          + ''.join(f'; {r[0]}: {r[3]}' for r in differences))
    counted = {k: len(v) for k, v in cases.items()}
    print(f'  test cases: {counted["base"]} on the base, {counted["patched"]} patched, '
          f'{len(case_rows)} differ')
    for case, b, p in case_rows:
        print(f'    {case:<{width}} {b:>8} {p:>8}')
    for kernel in KERNELS:
        if times[kernel]:
            print(f'  {kernel}: {sum(times[kernel].values()):.0f} guest seconds in the programs')
    for p in problems:
        print(f'  FAIL {p}')
    skipped = sum(1 for r in rows if r[1] == r[2] and r[1] in ('SKIP', 'SKIPPED'))
    passed = sum(1 for r in rows if r[3] in ('',) + NOT_PROBLEMS) - skipped
    print(f'selftests {name}: {passed} passed, {len(problems)} failed, {skipped} skipped on both')
    # A table without its programs is no verdict: count it failed.
    row = results.Row(stage, passed, len(problems) or int(not rows), skipped)
    results.write(results_dir, stage, [row],
                  detail='\n'.join(f'{b} {p} {program}' for program, b, p, _ in rows)
                  + f'\n{len(rows)} programs, {len(problems)} problems')
    return 1 if row.failed else 0


if __name__ == '__main__':
    cli(main)
