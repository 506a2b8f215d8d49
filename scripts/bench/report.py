#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The make bench table: what thread set-up costs on each bench kernel.

usage: report.py [--compiler=GCC|LLVM] BENCH_DIR CONFIG CROSS_COMPILE RUNS
       report.py ranges BASE_VMLINUX VMLINUX CROSS_COMPILE

Reads the bench kernels' vmlinux and boot logs under BENCH_DIR (GCC's in
base, c and rust, LLVM's in llvm-base, llvm-c and llvm-rust), prints the
tables, writes BENCH_DIR/bench.json (bench-llvm.json); exits 1 if a boot
gave no figures or two boots disagree on a set-up count. The LLVM lines say so; GCC's are
unlabelled, as submissions.py and README.md read them. "ranges" prints the
insn-ranges.c plugin's arguments for a kernel. README.md, "make bench",
explains the figures.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

# boot_init.py's bench verdict reads the same lines.
from verdict.judge_boot import BENCH_LINE as LINE

KERNELS = {
    'base': 'the fixes only, without the RFC (set-up inline in copy_thread())',
    'c': 'the series, Rust helpers off (the C version)',
    'rust': 'the series, Rust helpers on',
}
ROWS = {
    'kthread': '(a) kthread_run() + first run + kthread_stop()',
    'umh': '(b) user-mode thread + exec of the probe + exit + reap',
    'fork': '(c) fork() + _exit() + waitpid() from user space (control)',
}
SETUP_ROWS = ('kthread', 'umh')
# The ratio columns of the tables, with their widths.
RATIOS = (('c/base', 8), ('rust/base', 9), ('rust/c', 8))
ENTRY = 'copy_thread'
# The Rust set-up's C helper: LLVM with RUST_INLINE_HELPERS inlines it.
HELPER = 'rust_helper_ppc_function_entry'
# {compiler: (prefix of its kernels' directories, JSON, label of its lines)}
COMPILERS = {'GCC': ('', 'bench.json', ''), 'LLVM': ('llvm-', 'bench-llvm.json', 'LLVM ')}
MARK = 'thread_cost_mark'
MARK_LINE = re.compile(r'^insn_ranges: mark((?: [\w.]+=\d+)+)$', re.M)
CALL = re.compile(r'\tbl\s+[0-9a-f]+ <([\w.]+)(?:\+0x[0-9a-f]+)?>')


def output(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def symbols(vmlinux, cross):
    """{name: (address, size in bytes)} of the functions in vmlinux."""
    found = {}
    for parts in map(str.split, output(f'{cross}nm', '-S', str(vmlinux)).splitlines()):
        if len(parts) == 4 and parts[2] in 'tT':
            found[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return found


def calls(vmlinux, cross, function):
    """The functions that function calls (bl), in order, each time."""
    out = output(f'{cross}objdump', '-d', '--no-show-raw-insn', f'--disassemble={function}',
                 str(vmlinux))
    # A call to a local label of the function itself is a branch, not a call.
    return [name for name in CALL.findall(out) if name != function]


def callees(vmlinux, cross, function):
    """The functions that function calls (bl), in order, once each."""
    return list(dict.fromkeys(calls(vmlinux, cross, function)))


def static_cost(vmlinux, cross, base_calls):
    """copy_thread() and the functions it adds to the base's call graph."""
    found = symbols(vmlinux, cross)
    functions, todo = [ENTRY], [ENTRY]
    while todo:
        for name in callees(vmlinux, cross, todo.pop(0)):
            if name not in base_calls and name not in functions and name in found:
                functions.append(name)
                todo.append(name)
    parts = {f: found[f][1] for f in functions}
    # Inlined, the helper is called from nowhere in the set-up.
    helper_calls = sum(calls(vmlinux, cross, f).count(HELPER) for f in functions)
    return {'functions': parts, 'bytes': sum(parts.values()),
            'instructions': sum(parts.values()) // 4,
            'calls_added': functions[1:], 'helper_calls': helper_calls}


def plugin_args(base_vmlinux, vmlinux, cross):
    """range=NAME@ADDR+LEN,...,mark=ADDR for insn-ranges.c."""
    functions = static_cost(vmlinux, cross, set(callees(base_vmlinux, cross, ENTRY)))['functions']
    found = symbols(vmlinux, cross)
    if MARK not in found:
        sys.exit(f'error: {vmlinux} has no {MARK}(): is kunit/bench/thread_cost.c built in?')
    ranges = [f'range={f}@{found[f][0]:#x}+{found[f][1]}' for f in functions]
    return ','.join(ranges + [f'mark={found[MARK][0]:#x}'])


def setup_cost(out, runs, blocks):
    """{row: {'runs', 'per_cycle'}}: the set-up functions' instructions in
    each block of each boot, from the plugin's lines; per cycle, the least
    block's (a block where some other task forked holds more)."""
    rows = {}
    for run in range(1, runs + 1):
        log = out / f'insn-ranges-{run}.log'
        marks = [sum(int(c.split('=')[1]) for c in m.group(1).split())
                 for m in MARK_LINE.finditer(log.read_text(errors='replace'))]
        want = sum(n + 1 for _, n in blocks.values())
        if len(marks) != want:
            sys.exit(f'error: {log} has {len(marks)} marks, not {want}')
        for row, (cycles, n) in blocks.items():
            deltas = [b - a for a, b in zip(marks[:n + 1], marks[1:n + 1])]
            marks = marks[n + 1:]
            rows.setdefault(row, {'cycles': cycles, 'runs': []})['runs'].append(deltas)
    for r in rows.values():
        r['per_cycle'] = min(r['runs'][0]) / r['cycles']
    return rows


def dynamic_cost(out, runs):
    """{row: {'cycles', 'blocks', 'runs', 'per_cycle'}} from the bench boots:
    the counts of each block of cycles in each boot, and per cycle, that of
    the least block of the first boot (the one with the least else in it)."""
    rows = {}
    for run in range(1, runs + 1):
        log = out / f'console-bench-{run}.log'
        found = {}
        for m in LINE.finditer(log.read_text(errors='replace')):
            found.setdefault(m.group(1), []).append((int(m.group(2)), int(m.group(3))))
        for row in ROWS:
            if row not in found:
                sys.exit(f'error: {log} has no "{row}" figure')
            rows.setdefault(row, {'cycles': found[row][0][0], 'runs': []})['runs'].append(
                [count for _, count in found[row]])
    for r in rows.values():
        r['blocks'] = r['runs'][0]
        r['per_cycle'] = min(r['blocks']) / r['cycles']
        r['spread'] = max(r['blocks']) / min(r['blocks']) - 1
    return rows


def ratio_table(title, report, part, unit):
    """Prints one table of the per-cycle figures of report's part; returns its ratios."""
    print(title)
    print(f'  {"row":<60} ' + ' '.join(f'{k:>11}' for k in KERNELS) + ' '
          + ' '.join(f'{q:>{w}}' for q, w in RATIOS))
    ratios = {}
    for row, what in ROWS.items():
        per = {k: report[k][part][row]['per_cycle'] for k in KERNELS}
        ratios[row] = {q: per[q.split('/')[0]] / per[q.split('/')[1]] for q, _ in RATIOS}
        print(f'  {what:<60} ' + ' '.join(f'{per[k]:11.2f}' for k in KERNELS) + ' '
              + ' '.join(f'{ratios[row][q]:{w}.4f}' for q, w in RATIOS))
    print(f'  ({unit})')
    print()
    return ratios


def main(argv):
    compiler = 'GCC'
    if argv[1:2] and argv[1].startswith('--compiler='):
        compiler = argv.pop(1).split('=', 1)[1]
        if compiler not in COMPILERS:
            sys.exit(f'error: --compiler takes {" or ".join(COMPILERS)}, not "{compiler}"')
    if len(argv) != 5:
        sys.exit(__doc__.split('\n\n')[1])
    if argv[1] == 'ranges':
        print(plugin_args(Path(argv[2]), Path(argv[3]), argv[4]))
        return 0
    if not argv[4].isdigit() or int(argv[4]) < 1:
        sys.exit(f'error: RUNS must be a positive number, not "{argv[4]}"')
    bench, config, cross, runs = Path(argv[1]), argv[2], argv[3], int(argv[4])
    prefix, json_name, label = COMPILERS[compiler]
    outs = {k: bench / f'{prefix}{k}' / 'out' / config for k in KERNELS}
    for k, out in outs.items():
        if not (out / 'vmlinux').is_file():
            sys.exit(f'error: {out / "vmlinux"} missing: make bench builds the {prefix}{k} kernel')
    base_calls = set(callees(outs['base'] / 'vmlinux', cross, ENTRY))
    report = {}
    for k, what in KERNELS.items():
        dynamic = dynamic_cost(outs[k], runs)
        blocks = {row: (d['cycles'], len(d['blocks'])) for row, d in dynamic.items()}
        report[k] = {'kernel': what,
                     'static': static_cost(outs[k] / 'vmlinux', cross, base_calls),
                     'setup': setup_cost(outs[k], runs, blocks),
                     'dynamic': dynamic}

    print(f'==> static cost of thread set-up ({config}, {compiler}, from vmlinux)')
    for k, r in report.items():
        st = r['static']
        added = ''.join(f', {f} {n} B' for f, n in st['functions'].items() if f != ENTRY)
        print(f'  {k:<5} {st["bytes"]:5d} bytes {st["instructions"]:4d} instructions: '
              f'{ENTRY} {st["functions"][ENTRY]} B{added}')
    print(f'  bl {HELPER} in the set-up: '
          + ', '.join(f'{k} {r["static"]["helper_calls"]}' for k, r in report.items()))
    print()
    setup = ratio_table(
        f'==> instructions executed in those functions per cycle (qemu plugin, {runs} boots)',
        report, 'setup',
        'exact: the count of the least block; the others hold a fork by some other task')
    whole = ratio_table(
        f'==> all guest instructions per cycle (qemu -icount, {runs} boots)', report, 'dynamic',
        'the least block: they also hold what else the kernel ran, so they differ')
    spread = max(r['dynamic'][row]['spread'] for r in report.values() for row in ROWS)
    print(f'  blocks of one boot differ by up to {100 * spread:.2f}% in all guest instructions')

    def differing(what):
        return [f'{k} {what} {row}: {r[what][row]["runs"]}' for k, r in report.items()
                for row in ROWS if any(c != r[what][row]['runs'][0] for c in r[what][row]['runs'])]
    # The ratios come from the set-up counts, which must repeat exactly; the
    # whole-guest counts are context (on mainline they move between boots).
    unstable, moving = differing('setup'), differing('dynamic')
    if unstable:
        print('  the boots disagree: ' + '; '.join(unstable))
    else:
        print(f'  every set-up count is the same in all {runs} boots of its kernel')
    if moving:
        print('  all guest instructions differ between boots (not a ratio input): '
              + ', '.join(m.split(':')[0].replace(' dynamic', '') for m in moving))

    # What the exact set-up difference is worth against a whole cycle: the
    # whole-cycle rows cannot show it, their blocks differ by more.
    cycle = {}
    for row in SETUP_ROWS:
        per = {k: report[k]['setup'][row]['per_cycle'] for k in KERNELS}
        total = {k: report[k]['dynamic'][row]['per_cycle'] for k in KERNELS}
        cycle[row] = {'rust/c': 1 + (per['rust'] - per['c']) / total['c'],
                      'rust/base': 1 + (per['rust'] - per['base']) / total['base']}
        print(f'  {ROWS[row]}: rust/c {cycle[row]["rust/c"]:.5f}, rust/base '
              f'{cycle[row]["rust/base"]:.5f} of a whole cycle, from the exact set-up difference')
    final = {q: max(setup[row][q] for row in SETUP_ROWS) for q in ('rust/c', 'rust/base')}
    (bench / json_name).write_text(json.dumps(
        {'config': config, 'compiler': compiler, 'boots': runs, 'kernels': report,
         'ratios': {'setup': setup, 'whole': whole, 'cycle_from_setup': cycle},
         'thread_setup_ratio': final, 'repeatable': not unstable,
         'whole_repeatable': not moving}, indent=2) + '\n')
    print(f'  JSON: {bench / json_name}')
    print('  (thread-setup ratio: set-up instructions per cycle, the larger of rows (a) and (b))')
    print(f'{label}rust/c thread-setup instruction ratio: {final["rust/c"]:.4f}')
    print(f'{label}rust/base thread-setup instruction ratio: {final["rust/base"]:.4f}')
    n = report['rust']['static']['helper_calls']
    print(f'{label}rust kernel: {n} bl to {HELPER} in the set-up'
          + (' (inlined)' if n == 0 else ''))
    return 1 if unstable else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
