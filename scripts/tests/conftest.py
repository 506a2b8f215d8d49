# SPDX-License-Identifier: GPL-2.0
# The harness's own tests: python3 -m pytest -q scripts/tests (make harness-tests).
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(SCRIPTS / 'verdict'))


@pytest.fixture
def data():
    return Path(__file__).resolve().parent / 'data'


@pytest.fixture
def boot_init():
    """scripts/qemu/boot-init.py as a module (its name has a dash)."""
    spec = importlib.util.spec_from_file_location('boot_init', SCRIPTS / 'qemu' / 'boot-init.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
