# SPDX-License-Identifier: GPL-2.0
# progress.run(): the exit code, the log, the notes of a long step, and the
# kill at the time-out that boot_init.py relies on for a hung qemu.
import time

from harness import progress


def test_exit_code_and_log(tmp_path):
    log = tmp_path / 'log'
    assert progress.run('step', ['sh', '-c', 'echo out; echo err >&2; exit 3'], log) == 3
    assert log.read_text().split() == ['out', 'err']


def test_notes_name_the_step(tmp_path, capsys):
    cmd = ['sh', '-c', 'echo "[12:00:00] Building KUnit Kernel ..."; sleep 1.5']
    assert progress.run('building', cmd, tmp_path / 'log', every=1) == 0
    assert capsys.readouterr().out == '  ... building: 0m01s, Building KUnit Kernel ...\n'


def test_timeout_kills(tmp_path):
    start = time.monotonic()
    assert progress.run('qemu', ['sleep', '30'], tmp_path / 'log', timeout=0.5) is None
    assert time.monotonic() - start < 5
