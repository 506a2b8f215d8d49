#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Break the Rust helpers on purpose and check that the named test notices.

Each mutant edits arch/powerpc/kernel/thread_setup.rs in the prepared tree,
rebuilds the primary configuration incrementally, runs the suites and
expects its test not to pass (failed, crashed, or never run because the
kernel died). The file is restored afterwards, whatever happens. Prints a
table and exits non-zero if any mutant survives.
"""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from harness import REPO, results

BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
TARGET = 'arch/powerpc/kernel/thread_setup.rs'
CONFIG = 'ppc64le-rust'
REGS = 'regs.__bindgen_anon_1.__bindgen_anon_1'

# name, what it breaks, test that must fail, [(old, new)] edits
MUTANTS = [
    ('softe-masked',
     'softe says interrupts are masked (IRQS_ALL_DISABLED)',
     'powerpc_kthread_softe.user_kthread_softe_enabled',
     [(f'{REGS}.softe = bindings::IRQS_ENABLED as usize;',
       f'{REGS}.softe = 3;')]),
    ('msr-pr',
     'MSR_PR set in the child regs',
     'powerpc_kthread_user_mode.user_kthread_not_user_mode',
     [(f'{REGS}.softe = bindings::IRQS_ENABLED as usize;',
       f'{REGS}.softe = bindings::IRQS_ENABLED as usize;\n'
       f'        {REGS}.msr = 1 << bindings::MSR_PR_LG;')]),
    ('fn-arg-swapped',
     'fn and arg swapped in r14/r15',
     'powerpc_thread_frames.kthread_frames',
     [('regs.gpr[14] = function_entry(entry as *const c_void);',
       'regs.gpr[14] = function_entry(arg as *const c_void);'),
      ('regs.gpr[15] = arg as usize;',
       'regs.gpr[15] = entry as usize;')]),
    ('stale-orig-gpr3',
     'orig_gpr3 left unsanitised (stale stack data)',
     'powerpc_thread_frames.user_kthread_frames',
     [('*slot = MaybeUninit::zeroed();',
       '// SAFETY: mutant, keeps stale bytes on purpose.\n'
       '        let stale = unsafe { slot.assume_init_ref().__bindgen_anon_1.__bindgen_anon_1.orig_gpr3 };\n'
       '        *slot = MaybeUninit::zeroed();'),
      (f'{REGS}.softe = bindings::IRQS_ENABLED as usize;',
       f'{REGS}.softe = bindings::IRQS_ENABLED as usize;\n'
       f'        {REGS}.orig_gpr3 = stale;')]),
]

# Mutants that cannot be told apart from the correct code, and why.
EQUIVALENT = [
    ('softe-left-at-0', 'softe left at 0 after zeroing',
     'IRQS_ENABLED is 0 since the soft-mask rework, so this is the correct '
     'value; softe-masked and stale-orig-gpr3 cover a wrong or stale field'),
]


def status_of(test, json_path):
    """PASS, FAIL, SKIP, CRASHED..., or None if the test never ran."""
    return dict(results.kunit_cases(json_path)).get(test)


def apply(text, edits, name):
    for old, new in edits:
        if text.count(old) != 1:
            sys.exit(f'error: mutant {name}: "{old}" is not in {TARGET} exactly once; '
                     'update scripts/checks/mutants.py to the current source')
        text = text.replace(old, new)
    return text


def main():
    path = TREE / TARGET
    if not path.is_file():
        sys.exit(f'error: {path} missing; run "make tree" first')
    if subprocess.run(['git', 'diff', '--quiet', '--', TARGET], cwd=TREE).returncode:
        sys.exit(f'error: {path} has local changes; refusing to mutate it')
    original = path.read_text()
    for name, _, _, edits in MUTANTS:	# fail early on stale edits
        apply(original, edits, name)

    def restore(*_):
        path.write_text(original)
        sys.exit(1)
    signal.signal(signal.SIGINT, restore)
    signal.signal(signal.SIGTERM, restore)

    rows = []
    out = BUILD / 'mutants'
    out.mkdir(parents=True, exist_ok=True)
    try:
        for name, what, test, edits in MUTANTS:
            print(f'==> mutant {name}: {what}', flush=True)
            path.write_text(apply(original, edits, name))
            env = dict(os.environ, RESULTS=str(out / name), SUITE='')
            log = out / f'{name}.log'
            with open(log, 'w') as f:
                subprocess.run([str(REPO / 'scripts/qemu/run-kunit.sh'), CONFIG],
                               env=env, stdout=f, stderr=subprocess.STDOUT)
            run_out = BUILD / 'out' / CONFIG / 'kunit-suites.out'
            built = 'Starting KUnit Kernel' in run_out.read_text(errors='replace')
            console = BUILD / 'out' / CONFIG / 'console.log'
            if built and console.exists():
                shutil.copyfile(console, out / f'{name}.console.log')
            status = status_of(test, BUILD / 'out' / CONFIG / 'kunit.json')
            if not built:
                # A mutant that does not build proves nothing about the tests.
                rows.append((name, test, 'no build', f'ERROR (see {log})'))
            elif status is None:
                rows.append((name, test, 'not run', 'killed (the kernel died '
                             f'before the test; see {out / (name + ".console.log")})'))
            else:
                rows.append((name, test, status,
                             'killed' if status != 'PASS' else 'SURVIVED'))
    finally:
        path.write_text(original)

    print()
    print(f'{"mutant":<16} {"expected failing test":<54} {"observed":<10} verdict')
    for name, test, observed, verdict in rows:
        print(f'{name:<16} {test:<54} {observed:<10} {verdict}')
    for name, what, why in EQUIVALENT:
        print(f'{name:<16} {"(equivalent mutant, not run)":<54} {"-":<10} {why}')
    survived = [r for r in rows if not r[3].startswith('killed')]
    results.write(os.environ.get('RESULTS', BUILD / 'results'), 'mutants',
                  [results.Row('mutants', len(rows) - len(survived), len(survived))])
    print(f'mutants: {len(rows) - len(survived)} killed, {len(survived)} survived or broken')
    return 1 if survived else 0


if __name__ == '__main__':
    sys.exit(main())
