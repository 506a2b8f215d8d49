#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run a long step with its output in a log, and every 30 s say how long it
has taken and, from kunit.py's output, what it is doing: a cold build or an
unpack is not silent for minutes.

  progress.py LABEL LOG COMMAND...   the same for a bash script; exits as COMMAND
"""

import re
import subprocess
import sys
import time
from pathlib import Path

# kunit.py starts each step with a time stamp: "[12:34:56] Building ...".
STEP = re.compile(r'^\[\d\d:\d\d:\d\d\] ([A-Z].*)$', re.M)


def run(label, cmd, log, cwd=None, timeout=None, every=30):
    """COMMAND's exit code; None if it ran for timeout seconds and was killed."""
    with open(log, 'w') as f:
        proc = subprocess.Popen(list(map(str, cmd)), cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    start, next_note = time.monotonic(), every
    while True:
        until = next_note if timeout is None else min(next_note, timeout)
        try:
            return proc.wait(timeout=max(until - (time.monotonic() - start), 0))
        except subprocess.TimeoutExpired:
            if timeout is not None and time.monotonic() - start >= timeout:
                proc.kill()
                proc.wait()
                return None
            steps = STEP.findall(Path(log).read_text(errors='replace'))
            print(f'  ... {label}: {next_note // 60}m{next_note % 60:02d}s'
                  + (f', {steps[-1]}' if steps else ''), flush=True)
            next_note += every


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip())
    sys.exit(run(sys.argv[1], sys.argv[3:], sys.argv[2]))
