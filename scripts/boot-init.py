#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a configuration's kernel with the probe as init (PID 1).

init is the first user-mode kernel thread to exec. kunit.py cannot show
it reaching user space, since it always shuts the machine down right after
the tests, so this boots the kernel kunit.py built once more, under the
same qemu configuration, with rdinit=/ppc_kthread_probe and KUnit off. The
probe checks its registers and exits; the kernel then reports the exit
code in "Attempted to kill init!", which must be 0.
usage: boot-init.py CONFIG
"""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
RESULTS = Path(os.environ.get('RESULTS', BUILD / 'results'))
TIMEOUT = int(os.environ.get('TIMEOUT') or 120)


def qemu_params(config_file):
    sys.path.insert(0, str(TREE / 'tools/testing/kunit'))
    source = Path(config_file).read_text().replace(
        'from ..qemu_config import', 'from qemu_config import')
    scope = {}
    exec(compile(source, str(config_file), 'exec'), scope)
    return scope['QEMU_ARCH']


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: boot-init.py CONFIG')
    name = sys.argv[1]
    conf = (REPO / 'kunit/configs' / f'{name}.conf').read_text()
    qemu_file = re.search(r'^QEMU_CONFIG=(\S+)', conf, re.M).group(1)
    params = qemu_params(REPO / 'kunit/qemu' / qemu_file)
    out = BUILD / 'out' / name
    kernel = out / params.kernel_path
    if not kernel.exists():
        sys.exit(f'error: {kernel} missing: run the suites of {name} first')
    cmd = (['qemu-system-' + params.qemu_arch, '-nodefaults', '-m', '1024',
            '-kernel', str(kernel), '-append',
            f'{params.kernel_command_line} rdinit=/ppc_kthread_probe '
            'kunit.enable=0 panic=-1',
            '-no-reboot', '-nographic', '-serial', params.serial]
           + params.extra_qemu_params)
    log = out / 'console-init.log'
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors='replace', timeout=TIMEOUT)
        text = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b'').decode(errors='replace') + '\n[timed out]\n'
    log.write_text(text)

    m = re.search(r'Attempted to kill init! exitcode=(0x[0-9a-f]+)', text)
    ran = 'Run /ppc_kthread_probe as init process' in text
    ok = ran and m is not None and int(m.group(1), 16) == 0
    if ok:
        what = 'init (PID 1) ran the probe in user space and exited 0'
    elif not ran:
        what = 'init did not start the probe'
    elif m is None:
        what = 'init did not exit (hang or crash)'
    else:
        what = f'the probe as init failed: exitcode={m.group(1)}'
    verdict = 'PASS' if ok else 'FAIL'
    print(f'{name}-init: {verdict}: {what} (log: {log})')
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f'{name}-init.tsv').write_text(
        f'{name}-init\t{int(ok)}\t{int(not ok)}\t0\t{verdict}\n')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
