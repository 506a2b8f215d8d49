# SPDX-License-Identifier: GPL-2.0
"""The verdict of boot_init.py CONFIG load: init loads the test modules in
order (the C suites' kthread_kunit, then the Rust kthread_kunit_rust) and
unloads them in reverse; each must load, every suite of module_suites run
and pass, and no test thread be left. The console's C part is a real run's
KTAP; the Rust module's part is written as KUnit prints a suite, and its
JSON is what kunit.py parse made of it."""

import json

import pytest

from harness import results
from qemu import boot_init
from verdict import judge_boot

CONFIG = 'ppc64le-module'


@pytest.fixture
def load(data, tmp_path, monkeypatch):
    """judge() of the load mode on a console text, each module's cases from
    its kunit.py JSON, or from the one the test passes for it."""
    import harness

    where = harness.dirs(tmp_path)
    monkeypatch.delenv('LLVM', raising=False)
    (tmp_path / 'out' / CONFIG).mkdir(parents=True)

    def judge(text, **jsons):
        def parse(where, out, ktap, name):
            module = name.removeprefix('load-')
            return results.kunit_cases(jsons.get(module, data / f'ppc64le-module-{name}.json'))
        monkeypatch.setattr(judge_boot, 'parse_ktap', parse)
        return boot_init.judge('load', '/module_init', text, CONFIG, where)
    return judge


@pytest.fixture
def console(data):
    return (data / 'ppc64le-module-load.log').read_text()


def test_the_configuration_loads_the_c_module_then_the_rust_one():
    config = boot_init.configs.get(CONFIG)
    assert config.modules == ('kthread_kunit', 'kthread_kunit_rust')
    assert 'powerpc_kthread_rust' in config.module_suites
    assert 'powerpc_kthread_spawn' in config.module_suites


def test_a_clean_load_and_unload_passes(load, console):
    passed, failed, what = load(console)
    assert (passed, failed) == (20, 0), what
    assert what.splitlines() == [
        'kthread_kunit: 16 of 16 cases passed; load_ms 207, unload_ms 15',
        'kthread_kunit_rust: 4 of 4 cases passed; load_ms 41, unload_ms 12',
        'kthread_kunit, kthread_kunit_rust: 20 passed, 0 failed']


def test_each_module_gets_its_own_ktap(load, console, monkeypatch, tmp_path):
    seen = {}

    def parse(where, out, ktap, name):
        seen[name] = ktap
        return []
    monkeypatch.setattr(judge_boot, 'parse_ktap', parse)
    import harness
    judge_boot.judge('load', '/module_init', console, CONFIG, harness.dirs(tmp_path))
    assert list(seen) == ['load-kthread_kunit', 'load-kthread_kunit_rust']
    c, rust = seen['load-kthread_kunit'], seen['load-kthread_kunit_rust']
    assert 'powerpc_kthread_spawn' in c and 'powerpc_kthread_rust' not in c
    assert 'powerpc_kthread_rust' in rust and 'powerpc_kthread_spawn' not in rust
    assert 'module_init:' not in c + rust


def test_a_thread_left_after_an_unload_fails(load, console):
    text = console.replace('module_init: threads_left_after_unload kthread_kunit_rust 0\n',
                           'module_init: thread left: pid 93, ppc_kt_many\n'
                           'module_init: threads_left_after_unload kthread_kunit_rust 1\n'
                           'module_init: error: test threads left running\n')
    passed, failed, what = load(text)
    assert failed == 1, what
    assert 'FAIL test threads left running' in what


def test_a_failed_unload_fails_naming_the_module(load, console):
    text = console.replace('module_init: unload_ms kthread_kunit 15\n',
                           'module_init: delete_module: Resource temporarily unavailable\n'
                           'module_init: error: kthread_kunit did not unload\n')
    passed, failed, what = load(text)
    assert failed == 1 and 'FAIL kthread_kunit did not unload' in what, what


@pytest.mark.parametrize('module, suite', [('kthread_kunit', 'powerpc_kthread_spawn'),
                                           ('kthread_kunit_rust', 'powerpc_kthread_rust')])
def test_a_suite_that_did_not_run_fails(load, console, data, tmp_path, module, suite):
    report = json.loads((data / f'ppc64le-module-load-{module}.json').read_text())
    report['sub_groups'] = [g for g in report['sub_groups'] if g['name'] != suite]
    partial = tmp_path / 'partial.json'
    partial.write_text(json.dumps(report))
    passed, failed, what = load(console, **{module: partial})
    assert failed == 1, what
    assert f'suite {suite} did not run' in what


def test_a_failed_case_of_the_rust_module_fails(load, console, data, tmp_path):
    report = json.loads((data / 'ppc64le-module-load-kthread_kunit_rust.json').read_text())
    report['sub_groups'][0]['test_cases'][1]['status'] = 'FAIL'
    broken = tmp_path / 'broken.json'
    broken.write_text(json.dumps(report))
    passed, failed, what = load(console, kthread_kunit_rust=broken)
    assert (passed, failed) == (19, 1), what
    assert 'FAIL powerpc_kthread_rust.stopped_before_start: FAIL' in what
    assert 'kthread_kunit_rust: 3 of 4 cases passed; load_ms 41, unload_ms 12' in what


def test_a_second_module_that_does_not_load_fails_naming_it(load, console, tmp_path):
    text = console[:console.index('module_init: loading /kthread_kunit_rust.ko')] + (
        'module_init: loading /kthread_kunit_rust.ko\n'
        'module_init: finit_module: Unknown symbol in module\n'
        'module_init: error: kthread_kunit_rust did not load\n'
        'module_init: unload_ms kthread_kunit 15\n'
        'module_init: threads_left_after_unload kthread_kunit 0\n'
        'module_init: FAIL\n'
        'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n')
    passed, failed, what = load(text, kthread_kunit_rust=tmp_path / 'none.json')
    assert passed == 16 and failed >= 2, what
    assert 'FAIL kthread_kunit_rust did not load' in what
    assert 'FAIL suite powerpc_kthread_rust did not run' in what
    assert what.count('did not load') == 1


def test_a_first_module_missing_stops_the_loading(load, console):
    text = console[:console.index('module_init: loading')] + (
        'module_init: error: kthread_kunit is not in the initramfs\n'
        'module_init: FAIL\n'
        'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n')
    passed, failed, what = load(text)
    assert passed == 0, what
    assert 'FAIL kthread_kunit is not in the initramfs' in what
    assert 'FAIL kthread_kunit did not load' not in what
    assert 'FAIL kthread_kunit_rust did not load' in what
    assert 'FAIL no test ran' in what


def test_a_hung_load_fails(load, console):
    text = console[:console.index('module_init: load_ms kthread_kunit ')] + \
        '[timed out after 120 s]\n'
    passed, failed, what = load(text)
    assert failed >= 1, what
    assert '/module_init did not exit (hang or crash), qemu killed after 120 s' in what
    assert 'FAIL kthread_kunit did not load' in what
    assert 'FAIL kthread_kunit_rust did not load' in what


def test_the_initrd_holds_every_module_in_order(tmp_path):
    out = tmp_path / 'out'
    for ko in ('arch/powerpc/kernel/tests/kthread_kunit.ko',
               'arch/powerpc/kernel/tests/kthread_kunit_rust.ko'):
        (out / ko).parent.mkdir(parents=True, exist_ok=True)
        (out / ko).write_text('')
    (out / 'usr').mkdir()
    (out / 'usr/gen_init_cpio').write_text('#!/bin/sh\ncat "$1"\n')
    (out / 'usr/gen_init_cpio').chmod(0o755)
    boot_init.module_initrd(CONFIG, out)
    assert (out / 'module-initrd.cpio').read_text() == (
        f'file /kthread_kunit.ko {out}/arch/powerpc/kernel/tests/kthread_kunit.ko 0644 0 0\n'
        f'file /kthread_kunit_rust.ko {out}/arch/powerpc/kernel/tests/kthread_kunit_rust.ko '
        '0644 0 0\n')
    (out / 'arch/powerpc/kernel/tests/kthread_kunit_rust.ko').unlink()
    with pytest.raises(SystemExit, match='no kthread_kunit_rust.ko'):
        boot_init.module_initrd(CONFIG, out)
