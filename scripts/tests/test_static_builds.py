# SPDX-License-Identifier: GPL-2.0
"""busybox.sh and libcap.sh, the static builds of make selftests: bad input
stops them before apt or make."""
import subprocess
from pathlib import Path

import pytest

SELFTESTS = Path(__file__).resolve().parents[1] / 'selftests'


@pytest.mark.parametrize('script', ['busybox.sh', 'libcap.sh'])
@pytest.mark.parametrize('args, want', [
    ([], 'usage: '),
    (['powerpc-linux-gnu'], 'usage: '),
    (['powerpc-linux-gnu', 'OUT'], "CROSS_PREFIX must end in '-'"),
    (['x86_64-linux-gnu-', 'OUT'], 'unsupported cross compiler x86_64-linux-gnu-'),
])
def test_the_static_builds_refuse_a_bad_cross_prefix_before_any_work(tmp_path, script, args, want):
    # Before apt or make: no network, nothing written.
    script = SELFTESTS / script
    args = [str(tmp_path / 'out') if a == 'OUT' else a for a in args]
    proc = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert proc.returncode != 0
    assert want in proc.stderr, proc.stderr
    assert not (tmp_path / 'out').exists()
