# SPDX-License-Identifier: GPL-2.0
"""The verdict of boot_init.py CONFIG load: the test module loaded by init,
its suites, and no test thread left before or after its unload."""

import json

import pytest

from harness import results
from qemu import boot_init
from verdict import judge_boot

CONFIG = 'ppc64le-module'


@pytest.fixture
def load(data, tmp_path, monkeypatch):
    """judge() of the load mode on a console text, with the cases of the
    real run's kunit.py JSON, or of the one the test passes."""
    import harness

    where = harness.dirs(tmp_path)
    monkeypatch.delenv('LLVM', raising=False)
    (tmp_path / 'out' / CONFIG).mkdir(parents=True)
    real = data / 'ppc64le-module-load.json'

    def judge(text, json_path=real):
        monkeypatch.setattr(judge_boot, 'parse_ktap',
                            lambda where, out, ktap: results.kunit_cases(json_path))
        return boot_init.judge('load', '/module_init', text, CONFIG, where)
    return judge


@pytest.fixture
def console(data):
    return (data / 'ppc64le-module-load.log').read_text()


def test_a_clean_load_and_unload_passes(load, console):
    passed, failed, what = load(console)
    assert (passed, failed) == (16, 0), what
    assert what.splitlines()[-1] == ('kthread_kunit_rust: 16 passed, 0 failed; '
                                     'load_ms 207, unload_ms 15')


def test_a_thread_left_after_the_unload_fails(load, console):
    text = console.replace('module_init: threads_left_after_unload 0\n',
                           'module_init: thread left: pid 93, ppc_kt_many\n'
                           'module_init: threads_left_after_unload 1\n'
                           'module_init: error: test threads left running\n')
    passed, failed, what = load(text)
    assert failed == 1, what
    assert 'FAIL test threads left running' in what


def test_a_failed_unload_fails(load, console):
    text = console.replace('module_init: unload_ms 15\n',
                           'module_init: delete_module: Resource temporarily unavailable\n'
                           'module_init: error: rmmod failed\n')
    passed, failed, what = load(text)
    assert failed == 1 and 'FAIL rmmod failed' in what, what


def test_a_suite_that_did_not_run_fails(load, console, data, tmp_path):
    report = json.loads((data / 'ppc64le-module-load.json').read_text())
    report['sub_groups'] = [g for g in report['sub_groups']
                            if g['name'] != 'powerpc_kthread_spawn']
    partial = tmp_path / 'partial.json'
    partial.write_text(json.dumps(report))
    passed, failed, what = load(console, partial)
    assert failed >= 1
    assert 'suite powerpc_kthread_spawn did not run' in what


def test_a_module_that_does_not_load_fails(load, console):
    text = console[:console.index('module_init: loading')] + (
        'module_init: finit_module: Unknown symbol in module\n'
        'module_init: error: the module did not load\n'
        'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n')
    passed, failed, what = load(text)
    assert passed == 0 and failed >= 1, what
    assert 'FAIL the module did not load' in what
    assert 'FAIL no test ran' in what


def test_a_hung_load_fails(load, console):
    text = console[:console.index('module_init: load_ms')] + '[timed out after 120 s]\n'
    passed, failed, what = load(text)
    assert failed >= 1, what
    assert '/module_init did not exit (hang or crash), qemu killed after 120 s' in what
