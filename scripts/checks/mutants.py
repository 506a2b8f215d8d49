#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Break the thread set-up on purpose and check that the named tests notice.

Each mutant edits the Rust unit (thread_setup.rs), the C version it
replaces (process.c) or the fixes' 32-bit syscall entry (entry_32.S) in its
configuration's tree, rebuilds and runs the suites: each of its tests, one
seeing the set-up from outside (a C suite of kthread_kunit.c, which Rust
kernels run too) and one of powerpc_thread_setup_rust, which compares Rust
with C, must not pass (fail, crash or never run); a boot test, the user_regs
selftest as init, must fail the one case the mutant breaks. The file is restored whatever happens. Each mutant names a role
(kunit/configurations.toml): mutants breaks the 64-bit helper, mutants-32bit
the 32-bit one. "mutants.py CONFIG" runs only that configuration's mutants.

usage: mutants.py [--build-dir=D] [--results-dir=R] [CONFIG]   (a configuration
that builds on 6.12.y runs in BUILD_DIR/linux, one that does not in make
mainline's BUILD_DIR/mainline/linux; the row goes to RESULTS_DIR/mutants.tsv)
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys

from harness import REPO, configs, dir_options, dirs_of, kernel_out, results

RUST = 'arch/powerpc/kernel/thread_setup.rs'
C = 'arch/powerpc/kernel/process.c'
ENTRY_32 = 'arch/powerpc/kernel/entry_32.S'
SOFTE = '.write(bindings::IRQS_ENABLED as c_ulong);'
ZERO = 'unsafe { regs.write_bytes(0, 1) };'
NIP = 'addr_of_mut!((*user).nip).write(shim.function().entry());'
R14 = 'addr_of_mut!((*user).gpr[14]).write(thread_fn.entry());'
R15 = 'addr_of_mut!((*user).gpr[15]).write(arg as c_ulong);'

# name, role of its configuration, what it breaks, tests that must fail,
# the file it edits, [(old, new)] edits. The Rust unit's suite compares
# Rust with C on poisoned frames, so it sees a broken C version too.
# powerpc_kthread_rust is no kill test: it tests kernel::kthread::Thread's
# stop and CPU binding, not the registers and frames the helper sets.
RUST_KTHREAD = 'powerpc_thread_setup_rust.kernel_thread_frames_match_c'
RUST_USER = 'powerpc_thread_setup_rust.user_kthread_frames_match_c'
# A test of a boot_init.py mode, "boot MODE CASE": the boot's user_regs must
# report "failure: CASE", its other cases passing.
RESTORE_ALL = 'boot user-regs syscall_restore_all_regs'
MUTANTS = [
    ('softe-masked', 'mutants',
     'softe says interrupts are masked (IRQS_ALL_DISABLED)',
     ('powerpc_kthread_softe.user_kthread_softe_enabled', RUST_USER), RUST,
     [(SOFTE, '.write(3);')]),
    ('msr-pr', 'mutants',
     'MSR_PR set in the child regs',
     ('powerpc_kthread_user_mode.user_kthread_not_user_mode', RUST_USER), RUST,
     [(SOFTE, SOFTE + '\n            addr_of_mut!((*regs).__bindgen_anon_1.user_regs.msr)'
       '.write(1 << bindings::MSR_PR_LG);')]),
    ('fn-arg-swapped', 'mutants',
     'fn and arg swapped in r14/r15',
     ('powerpc_thread_frames.kthread_frames', RUST_KTHREAD), RUST,
     [(R14, 'addr_of_mut!((*user).gpr[14]).write(arg as c_ulong);'),
      (R15, 'addr_of_mut!((*user).gpr[15]).write(thread_fn.entry());')]),
    ('stale-orig-gpr3', 'mutants',
     'orig_gpr3 left unsanitised (stale stack data)',
     ('powerpc_thread_frames.user_kthread_frames', RUST_USER), RUST,
     [(ZERO, '// SAFETY: mutant, keeps stale bytes on purpose.\n'
       '    let stale = unsafe { (*regs).__bindgen_anon_1.user_regs.orig_gpr3 };\n'
       '    ' + ZERO + '\n'
       '    // SAFETY: mutant.\n'
       '    unsafe { (*regs).__bindgen_anon_1.user_regs.orig_gpr3 = stale };')]),
    ('kernel-shim-for-user', 'mutants',
     'a user-mode kernel thread started in start_kernel_thread',
     ('powerpc_thread_frames.user_kthread_frames', RUST_USER), RUST,
     [('Self::User(_) => Shim::UserThread,', 'Self::User(_) => Shim::KernelThread,')]),
    ('entry-is-address', 'mutants',
     'r14 gets the address of fn, not its local entry point',
     ('powerpc_thread_frames.kthread_frames', RUST_KTHREAD), RUST,
     [(R14, 'addr_of_mut!((*user).gpr[14]).write(thread_fn.0 as c_ulong);')]),
    # The C version, which copy_thread() calls when the helpers are off,
    # and which the Rust unit's suite compares with.
    ('c-softe-masked', 'mutants',
     'the C version: softe says interrupts are masked',
     ('powerpc_thread_frames.user_kthread_frames', RUST_USER), C,
     [('\t\tuser_regs->softe = IRQS_ENABLED;', '\t\tuser_regs->softe = IRQS_ALL_DISABLED;')]),
    ('c-r15-missing', 'mutants',
     'the C version: arg not stored in r15',
     ('powerpc_thread_frames.kthread_frames', RUST_KTHREAD), C,
     [('\tswitch_regs->gpr[15] = (unsigned long)arg;\n', '')]),
    # The 32-bit path: no softe, everything else as on 64-bit.
    ('32bit-not-cleared', 'mutants-32bit',
     '32-bit user regs left as the stack had them',
     ('powerpc_thread_frames.user_kthread_frames', RUST_USER), RUST,
     [(ZERO, '#[cfg(CONFIG_PPC64)]\n    ' + ZERO)]),
    # The fixes' entry-side zeroing (patch 4): without it the exit that
    # restores every register loads what the last interrupt left in the
    # slots of r9-r12, CTR and XER. Only the selftest's signal case sees it.
    ('32bit-restore-all-stale', 'mutants-32bit',
     'the 32-bit syscall entry leaves the r9-r12, CTR and XER slots as they were',
     (RESTORE_ALL,), ENTRY_32,
     [('\tli\tr12,0\n\tstw\tr12,GPR9(r1)\n\tstw\tr12,GPR10(r1)\n\tstw\tr12,GPR11(r1)\n'
       '\tstw\tr12,GPR12(r1)\n\tstw\tr12,_CTR(r1)\n\tstw\tr12,_XER(r1)\n', '')]),
    ('32bit-extra-write', 'mutants-32bit',
     'r13 of the switch frame written too on 32-bit (harmless on a zeroed stack)',
     ('powerpc_thread_frames.kthread_frames', RUST_KTHREAD), RUST,
     [(R15, R15 + '\n            #[cfg(not(CONFIG_PPC64))]\n'
       '            addr_of_mut!((*user).gpr[13]).write(0);')]),
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


def boot_status(test, config, build, out):
    """A "boot MODE CASE" test on the mutant's kernel: FAIL if user_regs
    reported that case failed and every other case passed (the mutant seen
    for what it breaks), PASS if all passed, else what the boot showed."""
    _, mode, case = test.split()
    log = out / f'boot-{mode}.log'
    console = kernel_out(config, build) / f'console-{mode}.log'
    console.unlink(missing_ok=True)  # never an earlier boot's verdict
    with open(log, 'w') as f:
        subprocess.run([str(REPO / 'scripts/qemu/boot_init.py'), '--build-dir', str(build),
                        '--tree', str(build / 'linux'), '--results-dir', str(out), config, mode],
                       stdout=f, stderr=subprocess.STDOUT)
    text = console.read_text(errors='replace') if console.exists() else ''
    failed = re.findall(r'^failure: (\w+)', text, re.M)
    passed = re.findall(r'^success: (\w+)', text, re.M)
    if failed == [case]:
        return 'FAIL'
    if case in passed and not failed:
        return 'PASS'
    return f'other ({", ".join(failed) or "no user_regs verdict"}; see {log})'


def apply(text, edits, name, target=RUST):
    for old, new in edits:
        if text.count(old) != 1:
            sys.exit(f'error: mutant {name}: "{old}" is not in {target} exactly once; '
                     'update scripts/checks/mutants.py to the current source')
        text = text.replace(old, new)
    return text


def config_of(role):
    """The configuration a mutant of that role runs on."""
    return configs.role(role)[0]


def build_of(config, build):
    """run_kunit.py's --build-dir: build, with the 6.12.y tree, where the
    configuration builds there (make kunit prepares it), else make
    mainline's build/mainline."""
    return build if '6.12.y' in configs.get(config).bases else build / 'mainline'


def source(config, build, target):
    """The file a configuration's mutants edit, checked before any edit."""
    path = build_of(config, build) / 'linux' / target
    if not path.is_file():
        how = 'make kunit' if build_of(config, build) == build else 'make mainline'
        sys.exit(f'error: {path} missing; run "{how}" first')
    if subprocess.run(['git', 'diff', '--quiet', '--', target],
                      cwd=build_of(config, build) / 'linux').returncode:
        sys.exit(f'error: {path} has local changes; refusing to mutate it')
    return path


def main(argv):
    mutants = [(name, config_of(role), *rest) for name, role, *rest in MUTANTS]
    parser = dir_options(argparse.ArgumentParser(usage=__doc__.split('usage: ')[1].split('\n')[0]))
    parser.add_argument('config', nargs='?', choices=list(dict.fromkeys(m[1] for m in mutants)))
    opts = parser.parse_args(argv[1:])
    where = dirs_of(opts)
    chosen = [m for m in mutants if opts.config in (None, m[1])]
    originals = {}
    for name, config, _, _, target, edits in chosen:	# fail early on stale edits
        path = source(config, where.build, target)
        originals.setdefault(path, path.read_text())
        apply(originals[path], edits, name, target)

    def restore_all():
        for path, text in originals.items():
            path.write_text(text)

    def interrupted(*_):
        restore_all()
        sys.exit(1)
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    rows = []
    out = where.build / 'mutants'
    out.mkdir(parents=True, exist_ok=True)
    try:
        for name, config, what, tests, target, edits in chosen:
            print(f'==> mutant {name} ({config}): {what}', flush=True)
            path = source(config, where.build, target)
            path.write_text(apply(originals[path], edits, name, target))
            build = build_of(config, where.build)
            log = out / f'{name}.log'
            with open(log, 'w') as f:
                subprocess.run([str(REPO / 'scripts/qemu/run_kunit.py'), '--build-dir', str(build),
                                '--tree', str(build / 'linux'),
                                '--results-dir', str(out / name), config],
                               env=dict(os.environ, SUITE=''), stdout=f,
                               stderr=subprocess.STDOUT)
            path.write_text(originals[path])
            run_out = kernel_out(config, build) / 'kunit-suites.out'
            built = 'Starting KUnit Kernel' in run_out.read_text(errors='replace')
            console = kernel_out(config, build) / 'console.log'
            if built and console.exists():
                shutil.copyfile(console, out / f'{name}.console.log')
            for test in tests:
                if not built:
                    status = None
                elif test.startswith('boot '):
                    status = boot_status(test, config, build, out / name)
                else:
                    status = status_of(test, kernel_out(config, build) / 'kunit.json')
                if not built:
                    # A mutant that does not build proves nothing about the tests.
                    rows.append((name, test, 'no build', f'ERROR (see {log})'))
                elif status is None:
                    rows.append((name, test, 'not run', 'killed (the kernel died '
                                 f'before the test; see {out / (name + ".console.log")})'))
                elif test.startswith('boot '):
                    # Only the failure of the case it breaks tells.
                    rows.append((name, test, status.split(' (')[0],
                                 'killed' if status == 'FAIL' else f'SURVIVED: {status}'))
                else:
                    rows.append((name, test, status,
                                 'killed' if status != 'PASS' else 'SURVIVED'))
    finally:
        restore_all()

    print()
    print(f'{"mutant":<20} {"expected failing test":<54} {"observed":<10} verdict')
    for name, test, observed, verdict in rows:
        print(f'{name:<20} {test:<54} {observed:<10} {verdict}')
    for name, what, why in EQUIVALENT:
        print(f'{name:<20} {"(equivalent mutant, not run)":<54} {"-":<10} {why}')
    # A mutant is killed only if every one of its tests noticed it.
    survived = {r[0] for r in rows if not r[3].startswith('killed')}
    killed = len(chosen) - len(survived)
    results.write(where.results, 'mutants',
                  [results.Row('mutants', killed, len(survived))])
    print(f'mutants: {killed} killed by all their tests, {len(survived)} survived a test '
          'or broken')
    return 1 if survived else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
