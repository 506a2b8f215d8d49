# SPDX-License-Identifier: GPL-2.0
"""make selftests: the boot verdict on a real kselftest console, and the
table's rule, base against patched."""

import pytest

from harness import configs
from qemu import boot_init
from selftests import table

USER_REGS = table.USER_REGS


def test_the_runners_tap_is_parsed_by_kunit_py(data, monkeypatch, tmp_path):
    import harness

    # The tree's kunit.py parses the TAP.
    where = harness.dirs(tmp_path, tree=harness.DEFAULT_BUILD / 'linux')
    (tmp_path / 'out' / 'ppc32').mkdir(parents=True)
    text = (data / 'ppc32-kselftest-subset.log').read_text()
    passed, failed, what = boot_init.judge('kselftest', '/init', text, 'ppc32', where)
    assert (passed, failed) == (1, 0), what
    assert f'FAIL {USER_REGS}' in what and 'PASS selftests: signal: sas' in what
    assert what.splitlines()[-1] == 'kselftest: 8 programs: 4 passed, 4 failed, 0 skipped'
    # A runner that never printed its end marker: a hang or a crash.
    cut = text[:text.index('KSELFTEST-END')]
    assert boot_init.judge('kselftest', '/init', cut, 'ppc32', where)[1] == 1


def verdicts(tmp_path, base, patched):
    for kernel, rows in (('prereqs', base), ('series', patched)):
        (tmp_path / f'selftests-{kernel}-ppc32-kselftest.txt').write_text(
            ''.join(f'{s} {p}\n' for p, s in rows.items()) + 'kselftest: summary\n')
    return tmp_path


def test_the_leak_fixed_and_nothing_else_changed_passes(tmp_path, capsys):
    results = verdicts(tmp_path, {USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
                       {USER_REGS: 'PASS', 'selftests: signal: sas': 'PASS'})
    assert table.main(['table.py', str(results), 'ppc32']) == 0
    out = capsys.readouterr().out
    assert 'the leak, fixed' in out and 'selftests ppc32: 2 passed, 0 failed' in out


@pytest.mark.parametrize('base, patched, why', [
    ({USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
     {USER_REGS: 'PASS', 'selftests: signal: sas': 'FAIL'}, 'passes on the base only'),
    ({USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
     {USER_REGS: 'PASS'}, 'passes on the base only'),
    ({USER_REGS: 'PASS'}, {USER_REGS: 'PASS'}, 'must fail on the base'),
    ({USER_REGS: 'FAIL'}, {USER_REGS: 'FAIL'}, 'must pass when patched'),
])
def test_a_regression_or_a_leak_not_shown_fails(tmp_path, capsys, base, patched, why):
    assert table.main(['table.py', str(verdicts(tmp_path, base, patched)), 'ppc32']) == 1
    assert why in capsys.readouterr().out


def test_a_kernel_that_never_leaked_must_pass_on_the_base(tmp_path):
    config = configs.get('ppc64le-powernv')
    rows, problems = table.judge(config, {'prereqs': {USER_REGS: 'PASS'},
                                          'series': {USER_REGS: 'PASS'}})
    assert not problems
    rows, problems = table.judge(config, {'prereqs': {USER_REGS: 'FAIL'},
                                          'series': {USER_REGS: 'PASS'}})
    assert problems


def test_a_boot_without_a_verdict_fails(tmp_path, capsys):
    results = verdicts(tmp_path, {USER_REGS: 'FAIL'}, {USER_REGS: 'PASS'})
    (results / 'selftests-series-ppc32-kselftest.txt').unlink()
    assert table.main(['table.py', str(results), 'ppc32']) == 1
    assert 'patched: no verdict' in capsys.readouterr().out


def test_a_tap_document_per_target_is_parsed_whole(data, monkeypatch, tmp_path):
    # 6.12's runner prints one TAP document per target; kunit.py parses one.
    import harness

    # The tree's kunit.py parses the TAP.
    where = harness.dirs(tmp_path, tree=harness.DEFAULT_BUILD / 'linux')
    (tmp_path / 'out' / 'ppc32').mkdir(parents=True)
    text = (data / 'ppc32-6.12-kselftest-base.log').read_text()
    passed, failed, what = boot_init.judge('kselftest', '/init', text, 'ppc32', where)
    assert what.splitlines()[-1] == 'kselftest: 38 programs: 28 passed, 9 failed, 1 skipped'
    assert f'FAIL {USER_REGS}' in what and 'PASS selftests: sigaltstack: sas' in what
