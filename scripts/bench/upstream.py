#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The figures of the kernel's own powerpc benchmarks on the base and the
patched kernel (scripts/bench/upstream.sh), and their ratio lines.

usage: upstream.py RESULTS_DIR CONFIG BOOTS

Reads RESULTS_DIR/upstream-{prereqs,series}-RUN-CONFIG-upstream.txt, the
verdicts boot_init.py's upstream mode wrote; prints instructions per call
(qemu -icount shift=0: 1 ns of guest time is one instruction), writes
RESULTS_DIR/upstream-CONFIG.json, and exits 1 if a benchmark fails on the
patched kernel but not on the base, a boot left no verdict, or two boots of
one kernel disagree. One that fails on both (a program this CPU cannot run,
such as context_switch, built for VSX, on a G3) is a skip, with its reason.
"""

import json
import re
import sys
from pathlib import Path

KERNELS = {'prereqs': 'base', 'series': 'patched'}
# upstream_init.c's runs, by their arguments, and their names here.
BENCHMARKS = {
    'null_syscall': 'null_syscall',
    'fork --fork': 'fork',
    'fork --vfork': 'vfork',
    'fork --fork --exec': 'fork+exec',
    'fork --vfork --exec': 'vfork+exec',
    'context_switch --process --test=pipe': 'context_switch pipe',
    'context_switch --test=yield': 'context_switch yield',
}
# The ratio lines make bench prints, as issue reviewers quote them.
RATIO_LINES = ('null_syscall', 'fork+exec')
# A verdict line: the program and its options, then --timeout and CPUs, which are left out.
LINE = re.compile(r'^(\S+(?: --[a-z=]+)*?)(?: --timeout=\d+)?(?: \d+)*: exited (\S+): (.*)$', re.M)
NS_PER_SECOND = 1e9


# The figures that must repeat exactly. The per-second counts of the others
# move by a few calls between boots of one kernel (0.05% seen): interrupts
# that qemu's console raises at host times land in different seconds.
EXACT = ('null_syscall', 'fork')
# More than this between boots of one kernel is a broken measurement.
SPREAD_LIMIT = 0.005


def per_call(name, figures):
    """Instructions per call: null_syscall's ns figure, or 10^9 over the mean
    count of the guest seconds after the first, which holds the start."""
    values = [float(f) for f in figures.split()]
    if name == 'null_syscall':
        return values[0]
    counts = values[1:] or values
    return NS_PER_SECOND * len(counts) / sum(counts)


def read(results, config, boots):
    """({kernel: {benchmark: [per call in each boot]}},
    {kernel: {benchmark: why it failed}}, [what is missing])"""
    figures, failed, missing = {}, {}, []
    for kernel in KERNELS:
        for run in range(1, boots + 1):
            f = Path(results) / f'upstream-{kernel}-{run}-{config}-upstream.txt'
            text = f.read_text() if f.is_file() else ''
            if not text:
                missing.append(f'{kernel} boot {run}: no verdict ({f} missing)')
                continue
            seen = set()
            for m in LINE.finditer(text):
                args, _, rest = m.groups()
                name = BENCHMARKS.get(args)
                if name is None:
                    continue
                seen.add(name)
                if rest.startswith('FAIL'):
                    failed.setdefault(kernel, {})[name] = rest[5:]
                else:
                    figures.setdefault(kernel, {}).setdefault(name, []).append(
                        per_call(name, rest))
            missing += [f'{kernel} boot {run}: {n}: did not run'
                        for n in BENCHMARKS.values() if n not in seen]
    return figures, failed, missing


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.split('\n\n')[1])
    results, config, boots = Path(argv[1]), argv[2], int(argv[3])
    figures, failed, missing = read(results, config, boots)
    print(f'==> the kernel\'s powerpc benchmarks on {config}: instructions per call '
          f'(qemu -icount shift=0, {boots} boots)')
    print(f'  {"benchmark":<22} {"base":>12} {"patched":>12} {"patched/base":>13}')
    ratios, means, unstable, varies, problems, skipped = {}, {}, [], [], list(missing), []
    for name in BENCHMARKS.values():
        per = {k: figures.get(k, {}).get(name, []) for k in KERNELS}
        why = {k: failed.get(k, {}).get(name) for k in KERNELS}
        spread = max((max(v) / min(v) - 1 for v in per.values() if v), default=0)
        if spread and (name in EXACT or spread > SPREAD_LIMIT):
            unstable += [f'{k} {name}: {v}' for k, v in per.items() if len(set(v)) > 1]
        elif spread:
            varies.append(f'{name} {100 * spread:.3f}%')
        if why['series'] and not why['prereqs']:
            problems.append(f'{name} fails on the patched kernel only: {why["series"]}')
        elif why['series'] or why['prereqs']:
            # A program this CPU cannot run fails on both kernels alike.
            skipped.append(f'{name} fails without the series too: '
                           f'{why["prereqs"] or why["series"]}')
        if all(per.values()) and not any(why.values()):
            base, patched = (sum(per[k]) / len(per[k]) for k in KERNELS)
            means[name] = {'prereqs': base, 'series': patched}
            ratios[name] = patched / base
            print(f'  {name:<22} {base:12.2f} {patched:12.2f} {ratios[name]:13.4f}')
        else:
            print(f'  {name:<22} {"-":>12} {"-":>12} {"-":>13}')
    print('  (base: the series\' prerequisites only; patched: the whole series; fork and '
          'context_switch: 10^9 over the calls per guest second after the first; '
          f'the mean of {boots} boots)')
    for s in skipped:
        print(f'  SKIP {s}')
    for p in problems:
        print(f'  FAIL {p}')
    if unstable:
        print('  the boots disagree: ' + '; '.join(unstable))
    elif figures:
        print(f'  {" and ".join(EXACT)} are the same in all {boots} boots of each kernel'
              + (f'; between boots the others vary by up to: {", ".join(varies)}'
                 if varies else ', and so is every other figure'))
    for name in RATIO_LINES:
        print(f'{name} patched/base: ' + (f'{ratios[name]:.4f}' if name in ratios else
                                           'not measured'))
    (results / f'upstream-{config}.json').write_text(json.dumps(
        {'config': config, 'boots': boots, 'per_call': figures, 'mean': means, 'ratios': ratios,
         'skipped': skipped, 'failures': problems, 'varies': varies,
         'repeatable': not unstable},
        indent=2) + '\n')
    return 1 if problems or unstable else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
