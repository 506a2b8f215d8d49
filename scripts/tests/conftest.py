# SPDX-License-Identifier: GPL-2.0
# The harness's own tests: python3 -m pytest -q scripts/tests (make harness-tests).
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1]
# What the Makefile's PYTHONPATH gives every script: each directory of
# scripts/ is a package (qemu, bench, checks, verdict...).
sys.path.insert(0, str(SCRIPTS))


@pytest.fixture
def data():
    return Path(__file__).resolve().parent / 'data'
