# SPDX-License-Identifier: GPL-2.0
"""The KUnit verdict, on a real ppc32 run (two allowed skips) and edits of it."""

import json

import pytest

from harness import results
from verdict.judge_kunit import judge

SUITES = ['powerpc_kthread_softe', 'powerpc_kthread_user_mode', 'powerpc_kthread_spawn',
          'powerpc_kthread_exec', 'powerpc_thread_frames']
SKIPS = ['powerpc_kthread_softe.user_kthread_softe_enabled',
         'powerpc_kthread_softe.kthread_entry_soft_enabled']


@pytest.fixture
def run(data):
    return results.kunit_cases(data / 'ppc32-kunit.json'), (data / 'ppc32-console.log').read_text()


def failures(messages):
    return [m for m in messages if m.startswith('FAIL')]


def test_clean_run_passes(run):
    cases, log = run
    passed, failed, skipped, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS)
    assert (passed, failed, skipped) == (13, 0, 2)
    assert 'skipped powerpc_kthread_softe.kthread_entry_soft_enabled: ppc32 has no ' \
        'PACA soft mask' in messages


def test_unexpected_skip_fails_with_its_reason(run):
    cases, log = run
    _, failed, skipped, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS[:1])
    assert (failed, skipped) == (1, 1)
    assert 'ppc32 has no PACA soft mask' in failures(messages)[0]


@pytest.mark.parametrize('status', ['FAIL', 'CRASHED', 'TIMED_OUT'])
def test_failed_or_crashed_case_fails(run, status):
    cases, log = run
    cases = [(n, status if n.endswith('kthread_arg_identity') else s) for n, s in cases]
    passed, failed, _, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS)
    assert (passed, failed) == (12, 1)
    assert failures(messages) == [f'FAIL powerpc_kthread_spawn.kthread_arg_identity: {status}']


def test_missing_suite_fails(run):
    cases, log = run
    cases = [(n, s) for n, s in cases if not n.startswith('powerpc_kthread_exec.')]
    _, failed, _, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS)
    assert failed == 1
    assert 'suite powerpc_kthread_exec did not run' in failures(messages)[0]


def test_filter_narrows_the_expected_suites(run):
    cases, log = run
    cases = [(n, s) for n, s in cases if n.startswith('powerpc_kthread_spawn.')]
    _, failed, _, _ = judge(cases, log, suites=SUITES, filter_glob='powerpc_kthread_spawn.*')
    assert failed == 0


def test_nothing_ran_fails(run):
    _, log = run
    _, failed, _, messages = judge([], log, suites=[])
    assert failed == 1 and failures(messages) == ['FAIL no test ran']


def test_missing_or_broken_json_reads_as_no_cases(tmp_path):
    (tmp_path / 'broken.json').write_text('{"sub_groups": [')
    assert results.kunit_cases(tmp_path / 'broken.json') == []
    assert results.kunit_cases(tmp_path / 'absent.json') == []


def test_kunit_failure_without_a_failed_case_fails(run):
    cases, log = run
    _, failed, _, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS, kunit_rc=1)
    assert failed == 1 and failures(messages) == ['FAIL kunit.py exited with 1']


def test_expected_failure_passes_and_names_the_register(run):
    cases, log = run
    test = 'powerpc_kthread_exec.user_kthread_exec_regs'
    cases = [(n, 'FAIL' if n == test else s) for n, s in cases]
    log += 'exec_entry: r0 = 0xc001b2fc, want 0\n'
    passed, failed, _, messages = judge(
        cases, log, suites=SUITES, allow_skip=SKIPS, must_fail=[test], kunit_rc=1,
        log_must_match=[r'exec_entry: ((?:r[0-9]+|ctr|xer|lr) = 0x[0-9a-f]+)'])
    assert (passed, failed) == (13, 0)
    assert 'the log shows: exec_entry: r0 = 0xc001b2fc' in messages


def test_expected_failure_that_passes_fails(run):
    cases, log = run
    test = 'powerpc_kthread_exec.user_kthread_exec_regs'
    _, failed, _, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS, must_fail=[test])
    assert failed == 1 and 'but it must fail on this kernel' in failures(messages)[0]


def test_log_must_match_fails_when_absent(run):
    cases, log = run
    _, failed, _, messages = judge(cases, log, suites=SUITES, allow_skip=SKIPS,
                                   log_must_match=[r'NIP.*start_kernel_thread\+'])
    assert failed == 1 and 'no line matching' in failures(messages)[0]


def test_json_fixture_is_kunit_shaped(data):
    doc = json.loads((data / 'ppc32-kunit.json').read_text())
    assert [g['name'] for g in doc['sub_groups']] == SUITES


def test_a_rust_kernel_must_run_the_c_suites_too(run):
    from harness import configs
    cases, log = run
    config = configs.get('ppc32-rust')
    rust = [(f'{s}.case', 'PASS') for s in config.suites if s not in SUITES]
    _, failed, _, messages = judge(rust, log, suites=config.suites, allow_skip=config.allow_skip)
    assert failed == 5
    assert [m.split()[2] for m in failures(messages)] == SUITES
    passed, failed, skipped, _ = judge(cases + rust, log, suites=config.suites,
                                       allow_skip=config.allow_skip)
    assert (passed, failed, skipped) == (13 + len(rust), 0, 2)
