# SPDX-License-Identifier: GPL-2.0
"""Every Python file of scripts/ is a module that tests and scripts import by
its name (scripts/ is on PYTHONPATH), with no importlib by path."""

import importlib

import pytest

from conftest import SCRIPTS

PYTHON = sorted(p for p in SCRIPTS.rglob('*.py') if '__pycache__' not in p.parts)


def test_every_python_file_has_an_importable_name():
    bad = [str(p.relative_to(SCRIPTS)) for p in PYTHON
           if not all(part.isidentifier() for part in p.relative_to(SCRIPTS).with_suffix('').parts)]
    assert not bad, f'rename with underscores: {bad}'


@pytest.mark.parametrize('module', ['qemu.run_kunit', 'qemu.boot_init', 'checks.mutants',
                                    'bench.report', 'bench.upstream', 'selftests.table'])
def test_the_scripts_import_as_modules(module):
    assert callable(importlib.import_module(module).main)
