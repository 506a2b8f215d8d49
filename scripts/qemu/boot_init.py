#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a configuration's kernel once more, with a program of its initramfs
as init, and judge it: kunit.py shuts the machine down right after the
tests, so it can show neither init in user space nor a user-space test.

usage: boot_init.py [--build-dir=D] [--tree=T] [--results-dir=R] [--prefix=P] [--timeout=S]
                    [--kernel_args=A]... [--qemu_args=A]... CONFIG [MODE]

  init              /exec_entry checks the registers exec gave it (exit 0)
  user-regs         /user_regs, the selftest, must pass
  user-regs-before  without the fixes, it must fail naming a register (or
                    pass, for a configuration with before_passes)
  user-regs-compat[-before]  the same with /compat/user_regs, the selftest
                    built 32-bit: a compat task of a 64-bit kernel
  bench             /thread_cost_init: make bench's counts
  upstream          /upstream_init runs the kernel's powerpc benchmarks from
                    the initrd that --qemu_args gives (scripts/bench/upstream.sh)
  kselftest         /init runs the kernel's kselftest runner from the initrd
                    that --qemu_args gives (scripts/selftests/run.sh); kunit.py
                    parses its TAP, a line per test program in the verdict
  kselftest-before  the same, on the kernel without the fixes (make mainline)
  stress            /stress_init for make stress: exit 0 and no splat
  load              /module_init loads the test modules in order and unloads
                    them in reverse: each must load, their suites pass, and
                    no test thread may be left
  kaslr-before      without the fixes, /ctr_probe finds a kernel symbol's
                    run-time address in CTR, off its System.map address by
                    a KASLR offset that differs between two boots
  kaslr             with them, /ctr_probe finds 0 in CTR
  lkdtm             /provoke_crash writes LKDTM's PPC_KTHREAD_RETURN to
                    provoke-crash: the returning kernel thread must hit the
                    trap in start_kernel_thread, and the kernel go on
The options are run_kunit.py's: the kernel is BUILD_DIR/out/CONFIG's, --tree
the kernel tree it was built from (its kunit.py), and the verdict is also
kept in RESULTS_DIR/<stage>.txt, for make series.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

from harness import REPO, boot_args, configs, dirs_of, progress, results
from verdict.judge_boot import judge, judge_kaslr, kaslr_offset

# make bench's counts must not move: one vCPU, the guest clock counting
# instructions without waiting in real time when idle, and the same
# address-space layout on every boot.
BENCH = (['-icount', 'shift=0,sleep=off', '-smp', '1'], ['norandmaps'])
# mode (also the stage suffix): (init program, extra qemu arguments, extra
# kernel arguments)
MODES = {
    'init': ('/exec_entry', [], []),
    'user-regs': ('/user_regs', [], []),
    'user-regs-before': ('/user_regs', [], []),
    'user-regs-compat': ('/compat/user_regs', [], []),
    'user-regs-compat-before': ('/compat/user_regs', [], []),
    'bench': ('/thread_cost_init', *BENCH),
    'upstream': ('/upstream_init', *BENCH),
    'kselftest': ('/init', [], []),
    'kselftest-before': ('/init', [], []),
    'stress': ('/stress_init', ['-smp', '4', '-m', '2048'], []),
    # Built-in suites run at boot too.
    'load': ('/module_init', [], ['kunit.enable=1']),
    'kaslr-before': ('/ctr_probe', [], []),
    'kaslr': ('/ctr_probe', [], []),
    'lkdtm': ('/provoke_crash', [], ['crashtype=PPC_KTHREAD_RETURN']),
}
# Boots of kaslr-before, until two of them show different offsets (the
# chance of a third with the same offset again is small: 1 in 8 or less).
KASLR_BOOTS = 4
# qemu cannot find the guest's firmware (SLOF for pseries, OpenBIOS for the
# Macs), which Debian ships in qemu-system-data.
NO_FIRMWARE = re.compile(r"^qemu-system-\w+: (?:Could not find LPAR firmware|could not load "
                         r"PowerPC bios) '([^']*)'", re.M)


def qemu_params(config_file, tree):
    kunit_tool = tree / 'tools/testing/kunit'
    if not (kunit_tool / 'qemu_config.py').is_file():
        sys.exit(f'error: {tree} has no {kunit_tool.relative_to(tree)}: --tree must be the '
                 'kernel tree of the build')
    sys.path.insert(0, str(kunit_tool))
    source = Path(config_file).read_text().replace(
        'from ..qemu_config import', 'from qemu_config import')
    scope = {}
    exec(compile(source, str(config_file), 'exec'), scope)
    return scope['QEMU_ARCH']


def boot(where, name, program, extra, kernel_args, log, timeout):
    """The console of one boot, also kept in log; where: harness.Dirs."""
    params = qemu_params(REPO / 'kunit/qemu' / configs.get(name).qemu_config, where.tree)
    kernel = where.out(name) / params.kernel_path
    if not kernel.exists():
        sys.exit(f'error: {kernel} missing: run the suites of {name} first')
    cmd = (['qemu-system-' + params.qemu_arch, '-nodefaults', '-m', '1024',
            '-kernel', str(kernel), '-append',
            ' '.join([params.kernel_command_line, f'rdinit={program}',
                      'kunit.enable=0', 'panic=-1', *kernel_args]),
            '-no-reboot', '-nographic', '-serial', params.serial]
           + params.extra_qemu_params + extra)
    rc = progress.run(f'booting {name} with {program}', cmd, log, timeout=timeout)
    text = log.read_text(errors='replace')
    firmware = NO_FIRMWARE.search(text)
    if firmware:
        sys.exit(f'error: qemu has no firmware {firmware.group(1)} '
                 '(apt-get install qemu-system-data)')
    if rc is None:
        text += f'\n[timed out after {timeout} s]\n'
        log.write_text(text)
    return text


def module_initrd(name, out):
    """An initrd with the configuration's test modules (built in out), each as
    /MODULE.ko."""
    config = configs.get(name)
    if not config.modules:
        sys.exit(f'error: {name} builds no test module (no "modules" in its configuration)')
    gen_init_cpio = out / 'usr/gen_init_cpio'
    lines = []
    for module in config.modules:
        kos = sorted(out.glob(f'**/{module}.ko'))
        if not kos or not gen_init_cpio.exists():
            sys.exit(f'error: no {module}.ko or usr/gen_init_cpio in {out}: run the suites '
                     f'of {name} first (its configuration builds the modules)')
        lines.append(f'file /{module}.ko {kos[0]} 0644 0 0\n')
    listing = out / 'module-initrd.list'
    listing.write_text(''.join(lines))
    initrd = out / 'module-initrd.cpio'
    with initrd.open('wb') as f:
        subprocess.run([str(gen_init_cpio), str(listing)], stdout=f, check=True)
    return initrd


def system_map(out):
    """{symbol: link-time address} from the System.map of the build in out."""
    link = {}
    for line in (out / 'System.map').read_text().splitlines():
        addr, _, symbol = line.split(maxsplit=2)
        link.setdefault(symbol, int(addr, 16))
    return link



def main():
    opts = boot_args(sys.argv, __doc__, list(MODES))
    name, mode = opts.config, opts.mode
    program, extra, kernel_args = MODES[mode]
    extra = extra + [a for args in opts.qemu_args for a in shlex.split(args)]
    kernel_args = kernel_args + opts.kernel_args
    stage = f'{opts.prefix}{name}-{mode}'
    where = dirs_of(opts)
    out = where.out(name)
    try:
        configs.get(name)
    except ValueError as e:
        sys.exit(f'error: {e}')
    if mode == 'load':
        extra = [*extra, '-initrd', str(module_initrd(name, out))]
        # init gets the list as its environment variable "modules".
        kernel_args = [*kernel_args, f'modules={",".join(configs.get(name).modules)}']
    log = out / f'console-{mode}.log'
    if mode.startswith('kaslr'):
        texts = []
        for old in out.glob(f'console-{mode}-[0-9]*.log'):
            old.unlink()
        for n in range(1, KASLR_BOOTS + 1 if mode == 'kaslr-before' else 2):
            log = out / f'console-{mode}-{n}.log'
            texts.append(boot(where, name, program, extra, kernel_args, log,
                              opts.timeout or 120))
            # Done when it passes, or when a boot that showed nothing fails it.
            if (n >= 2 and judge_kaslr(mode, program, texts, system_map(out))[0]
                    or kaslr_offset(program, texts[-1], system_map(out))[0] is None):
                break
        passed, failed, what = judge_kaslr(mode, program, texts, system_map(out))
    else:
        text = boot(where, name, program, extra, kernel_args, log, opts.timeout or 120)
        passed, failed, what = judge(mode, program, text, name, where)
    row = results.Row(stage, passed, failed)
    for line in what.splitlines()[:-1] if mode in ('load', 'upstream') else []:
        print(f'  {line}')
    print(f'{stage}: {row.verdict}: {what.splitlines()[-1]} (log: {log})')
    results.write(where.results, stage, [row], detail=what)
    return 0 if not row.failed else 1


if __name__ == '__main__':
    sys.exit(main())
