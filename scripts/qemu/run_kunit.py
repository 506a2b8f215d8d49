#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build a configuration with the kernel's kunit.py, run its KUnit suites
under qemu, and judge the run (verdict/judge_kunit.py).

usage: run_kunit.py [--build-dir=D] [--tree=T] [--results-dir=R] [--prefix=P] [--timeout=S]
                    [--kernel_args=A]... [--qemu_args=A]... CONFIG [suites|before]
       run_kunit.py build [--tree=T] KERNEL_TREE OUT CONFIG FRAGMENT...

  suites  the configuration's suites (default)
  before  the suites on a tree without the leak fixes: the configuration's
          before_fails must fail, naming the register, and the rest pass
          (with before_passes, all of them pass)
  build   build KERNEL_TREE into OUT with the fragments (kunit/FRAGMENT.kunitconfig)
          instead of the configuration's: the kernels of make bench and stress;
          the initramfs's programs come from --tree's selftest
The options are kunit.py's, and --prefix goes before the stage name; the
kernel is built in BUILD_DIR/out/CONFIG (default build/), from --tree
(BUILD_DIR/linux), its results go to --results-dir (BUILD_DIR/results).
Make variables read: SUITE (a kunit.py filter glob), LLVM, JOBS, TIMEOUT.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from harness import REPO, boot_args, cli, configs, dir_options, dirs_of, progress
from harness.bases import LIBCLANG
from harness.series import prereqs
from verdict import judge_kunit

ENV = os.environ
LLVM = ENV.get('LLVM', '')
ERROR = re.compile(r'ERROR|error:|Error|Missing')


def machine(config, out):
    """kunit.py's arguments for the build directory, qemu and compiler."""
    return ['--build_dir', out, '--qemu_config', REPO / 'kunit/qemu' / config.qemu_config,
            '--cross_compile', config.cross]


def build_args(config, out, fragments, tree):
    """machine(), and what a build needs: the initramfs, whose programs
    scripts/build/initramfs.sh builds from tree, and the fragments."""
    compat = [config.compat] if config.compat else []
    if subprocess.run([REPO / 'scripts/build/initramfs.sh', '--tree', tree, config.cross,
                       out / 'initramfs', *compat]).returncode:
        sys.exit(1)
    return (machine(config, out)
            + ['--jobs', ENV.get('JOBS') or str(len(os.sched_getaffinity(0))),
               '--kconfig_add', f'CONFIG_INITRAMFS_SOURCE="{out}/initramfs/list"']
            + (['--make_options', f'LLVM={LLVM}'] if LLVM else [])
            + [f'--kunitconfig={f}' for f in fragments])


def libclang(tree, llvm=None):
    """The libclang bindgen uses: with LLVM=-N, clang N's, as the C flags it
    parses are clang N's; otherwise the one the base was measured with."""
    version = re.fullmatch(r'-(\d+)', LLVM if llvm is None else llvm)
    return f'/usr/lib/llvm-{version.group(1)}/lib' if version else LIBCLANG[prereqs(tree)]


def kunit_py(tree, command, args, log, label):
    """kunit.py COMMAND in tree, with libclang(); its exit code. On
    failure, the lines of its output that say why (grep -A3, at most 20)."""
    ENV['LIBCLANG_PATH'] = libclang(tree)
    rc = progress.run(label, [sys.executable, 'tools/testing/kunit/kunit.py', command, *args],
                      log, cwd=tree)
    if rc:
        lines = Path(log).read_text(errors='replace').splitlines()
        shown = sorted({j for i, line in enumerate(lines) if ERROR.search(line)
                        for j in range(i, min(i + 4, len(lines)))})
        for j in shown[:20]:
            print(lines[j])
    return rc


def build(tree, out, name, fragments, programs):
    """make bench's and make stress's kernels: tree built in out, the
    initramfs's programs from the tree programs."""
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    args = build_args(configs.get(name), out,
                      [REPO / 'kunit' / f'{f}.kunitconfig' for f in fragments], programs)
    if kunit_py(tree, 'build', args, out / 'build.log', f'building {out}'):
        sys.exit(f'error: building {out} failed (log: {out}/build.log)')
    print(f'==> built {out} in {time.monotonic() - start:.0f} s')


def run(name, mode, opts):
    """Run and judge a configuration's suites; True if they passed. opts:
    boot_args()'s."""
    config = configs.get(name)
    where = dirs_of(opts)
    base = prereqs(where.tree)
    if base not in config.bases:
        raise ValueError(f'{name} builds only on {" ".join(config.bases)}, and {where.tree} is '
                         f'{base} (make mainline CONFIG={name} runs it on mainline)')
    out = where.out(name)
    stage = opts.prefix + out.name
    args = machine(config, out) + ['--timeout', str(opts.timeout or 300)]
    args += [f'--kernel_args={a}' for a in opts.kernel_args]
    args += [f'--qemu_args={a}' for a in opts.qemu_args]
    criteria = {'suites': config.suites, 'allow_skip': config.allow_skip,
                'filter_glob': ENV.get('SUITE', '')}
    args += build_args(config, out, [REPO / 'kunit/kunitconfigs' / f'{k}.kunitconfig'
                                     for k in config.kunitconfigs], where.tree)
    if ENV.get('SUITE'):
        args.append(ENV['SUITE'])
    log, json = 'console.log', 'kunit.json'
    print(f'==> {stage}: {config.description} on qemu {config.machine} (build: {out})')
    if mode == 'before':
        if not config.before:
            raise ValueError(f'{name} has neither before_fails nor before_passes: '
                             'no "before" kernel to judge')
        stage, log, json = f'{stage}-before', 'console-before.log', 'kunit-before.json'
        if config.before_fails:
            criteria.update(must_fail=config.before_fails,
                            log_must_match=['exec_entry: ' + judge_kunit.LEAK.pattern])
            print(f'==> {stage}: without the leak fixes, {" ".join(config.before_fails)} '
                  'must fail')
        else:
            print(f'==> {stage}: without the leak fixes, everything must pass: '
                  'this kernel has no leak')
    log, json, output = out / log, out / json, out / f'kunit-{mode}.out'
    json.unlink(missing_ok=True)
    start = time.monotonic()
    rc = kunit_py(where.tree, 'run', args + [f'--json={json}'], output, stage)
    test_log = out / 'test.log'
    log.write_bytes(test_log.read_bytes() if test_log.exists() else b'')
    for line in output.read_text(errors='replace').splitlines():
        if re.match(r'\[..:..:..\] (Elapsed|Testing complete)', line):
            print(line)
    passed = judge_kunit.report(stage, json, log, where.results, kunit_rc=rc, **criteria)
    print(f'  {stage} took {time.monotonic() - start:.0f} s')
    return passed


def main(argv):
    if argv[1:2] == ['build']:
        parser = dir_options(argparse.ArgumentParser(
            usage=__doc__.split('\n\n')[1].strip().splitlines()[-1].split('usage: ')[-1].strip()))
        for arg in ('kernel_tree', 'out', 'config'):
            parser.add_argument(arg)
        parser.add_argument('fragments', nargs='+')
        opts = parser.parse_args(argv[2:])
        return build(Path(opts.kernel_tree).resolve(), Path(opts.out).resolve(), opts.config,
                     opts.fragments, dirs_of(opts).tree)
    opts = boot_args(argv, __doc__, ('suites', 'before'))
    return 0 if run(opts.config, opts.mode, opts) else 1


if __name__ == '__main__':
    cli(main)
