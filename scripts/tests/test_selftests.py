# SPDX-License-Identifier: GPL-2.0
"""make selftests: the boot verdict on a real kselftest console, and the
table's rule, base against patched."""

import pytest

from harness import configs
from qemu import boot_init
from selftests import table
from verdict import judge_boot

USER_REGS = table.USER_REGS


def kunit_tree():
    import harness

    tree = harness.DEFAULT_BUILD / 'linux'
    if not (tree / 'tools/testing/kunit/kunit.py').is_file():
        pytest.skip(f'{tree} has no kunit.py: make tree makes it (make test does first)')
    return tree


def test_the_runners_tap_is_parsed_by_kunit_py(data, monkeypatch, tmp_path):
    import harness

    # The tree's kunit.py parses the TAP.
    where = harness.dirs(tmp_path, tree=kunit_tree())
    (tmp_path / 'out' / 'ppc32').mkdir(parents=True)
    text = (data / 'ppc32-kselftest-subset.log').read_text()
    passed, failed, what = boot_init.judge('kselftest', '/init', text, 'ppc32', where)
    assert (passed, failed) == (1, 0), what
    assert f'FAIL {USER_REGS}' in what and 'PASS selftests: signal: sas' in what
    assert what.splitlines()[-1] == 'kselftest: 8 programs: 4 passed, 4 failed, 0 skipped'
    # A runner that never printed its end marker: a hang or a crash.
    cut = text[:text.index('KSELFTEST-END')]
    assert boot_init.judge('kselftest', '/init', cut, 'ppc32', where)[1] == 1


STAGES = ['selftests-prereqs-ppc32-kselftest', 'selftests-series-ppc32-kselftest',
          'selftests-ppc32']


def verdicts(tmp_path, base, patched):
    for stage, rows in zip(STAGES, (base, patched)):
        (tmp_path / f'{stage}.txt').write_text(
            ''.join(f'{s} {p}\n' for p, s in rows.items()) + 'kselftest: summary\n')
    return tmp_path


def table_main(results):
    return table.main(['table.py', str(results), 'ppc32', *STAGES])


def test_the_leak_fixed_and_nothing_else_changed_passes(tmp_path, capsys):
    results = verdicts(tmp_path, {USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
                       {USER_REGS: 'PASS', 'selftests: signal: sas': 'PASS'})
    assert table_main(results) == 0
    out = capsys.readouterr().out
    assert 'the leak, fixed' in out and 'selftests ppc32: 2 passed, 0 failed' in out
    # The verdict is a stage of its own, which the summary counts.
    assert (results / 'selftests-ppc32.tsv').read_text() == 'selftests-ppc32\t2\t0\t0\n'


def test_a_stage_with_a_failure_is_recorded_failed(tmp_path):
    results = verdicts(tmp_path, {USER_REGS: 'PASS'}, {USER_REGS: 'PASS'})
    assert table_main(results) == 1
    assert (results / 'selftests-ppc32.tsv').read_text() == 'selftests-ppc32\t0\t1\t0\n'


def test_each_program_has_its_guest_seconds():
    text = '\n'.join([
        'KSELFTEST-START 7.3.0 ppc: run_kselftest.sh', '# KSELFTEST-TIME 10.50',
        'TAP version 13', '1..2', '# selftests: exec: execveat', '# ok 1 something',
        'ok 1 selftests: exec: execveat', '# KSELFTEST-TIME 14.00',
        '# selftests: exec: load_address', 'not ok 2 selftests: exec: load_address # TIMEOUT 45 seconds',
        '# KSELFTEST-TIME 59.25', 'KSELFTEST-END rc=1'])
    assert judge_boot.kselftest_times(text) == [
        'TIME 3.5 selftests: exec: execveat', 'TIME 45.2 selftests: exec: load_address']


@pytest.mark.parametrize('base, patched, why', [
    ({USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
     {USER_REGS: 'PASS', 'selftests: signal: sas': 'FAIL'}, 'passes on the base only'),
    ({USER_REGS: 'FAIL', 'selftests: signal: sas': 'PASS'},
     {USER_REGS: 'PASS'}, 'passes on the base only'),
    ({USER_REGS: 'PASS'}, {USER_REGS: 'PASS'}, 'must fail on the base'),
    ({USER_REGS: 'FAIL'}, {USER_REGS: 'FAIL'}, 'must pass when patched'),
])
def test_a_regression_or_a_leak_not_shown_fails(tmp_path, capsys, base, patched, why):
    assert table_main(verdicts(tmp_path, base, patched)) == 1
    assert why in capsys.readouterr().out


SECCOMP = 'selftests: seccomp: seccomp_bpf'


@pytest.mark.parametrize('base_case, patched_case, fails', [
    ('PASS', 'FAIL', True), ('PASS', 'ERROR', True), ('FAIL', 'PASS', False),
    ('FAIL', 'FAIL', False), ('PASS', 'SKIP', False)])
def test_a_case_that_passes_on_the_base_must_pass_patched(tmp_path, capsys, base_case,
                                                           patched_case, fails):
    # seccomp_bpf fails on both kernels, so only its cases can tell.
    results = verdicts(tmp_path, {USER_REGS: 'FAIL', SECCOMP: 'FAIL'},
                       {USER_REGS: 'PASS', SECCOMP: 'FAIL'})
    for stage, status in zip(STAGES, (base_case, patched_case)):
        with open(results / f'{stage}.txt', 'a') as f:
            f.write(f'CASE {status} {SECCOMP}: TRACE_syscall.seccomp.syscall_faked\n'
                    f'CASE FAIL {SECCOMP}: global.user_notification_basic\n')
    assert table_main(results) == int(fails)
    out = capsys.readouterr().out
    assert ('test cases: 2 on the base, 2 patched, 0 differ' in out) == (base_case == patched_case)
    assert ('passes on the base only' in out) == fails


def test_wall_clock_expectations_are_shown_not_judged(tmp_path, capsys):
    bench = 'selftests: seccomp: seccomp_benchmark'
    results = verdicts(tmp_path, {USER_REGS: 'FAIL', bench: 'PASS'}, {USER_REGS: 'PASS', bench: 'FAIL'})
    for stage, status in zip(STAGES, ('PASS', 'FAIL')):
        with open(results / f'{stage}.txt', 'a') as f:
            f.write(f'CASE {status} {bench}: per-filter (last 2 diff) ≈ per-filter (filters / 4)\n')
    assert table_main(results) == 0
    out = capsys.readouterr().out
    assert 'wall-clock expectations, not judged' in out and 'per-filter' in out


def test_each_programs_own_tap_is_parsed_for_its_cases(tmp_path):
    import harness

    where = harness.dirs(tmp_path, tree=kunit_tree())
    (tmp_path / 'out' / 'ppc32').mkdir(parents=True)
    block = '\n'.join([
        'TAP version 13', '1..2', '# timeout set to 45', f'# {SECCOMP}', '# TAP version 13',
        '# 1..3', '# # Starting 3 tests', '# ok 1 global.kcmp',
        '# not ok 2 TRACE_syscall.seccomp.syscall_faked', '# ok 3 # SKIP unnamedkselftest: Running tests in ptrace',
        '# # Totals: pass:1 fail:1',
        f'not ok 1 {SECCOMP} # exit=1', '# selftests: signal: sas', '# no TAP here',
        'ok 2 selftests: signal: sas', ''])
    assert judge_boot.kselftest_cases(where, 'ppc32', [block]) == [
        (f'{SECCOMP}: global.kcmp', 'PASS'), (f'{SECCOMP}: TRACE_syscall.seccomp.syscall_faked', 'FAIL'),
        (f'{SECCOMP}: unnamed', 'SKIP')]


def test_a_kernel_that_never_leaked_must_pass_on_the_base(tmp_path):
    config = configs.get('ppc64le-powernv')
    rows, problems = table.judge(config, {'base': {USER_REGS: 'PASS'},
                                          'patched': {USER_REGS: 'PASS'}})
    assert not problems
    rows, problems = table.judge(config, {'base': {USER_REGS: 'FAIL'},
                                          'patched': {USER_REGS: 'PASS'}})
    assert problems


def test_a_boot_without_a_verdict_fails(tmp_path, capsys):
    results = verdicts(tmp_path, {USER_REGS: 'FAIL'}, {USER_REGS: 'PASS'})
    (results / f'{STAGES[1]}.txt').unlink()
    assert table_main(results) == 1
    assert 'patched: no verdict' in capsys.readouterr().out


def test_a_tap_document_per_target_is_parsed_whole(data, monkeypatch, tmp_path):
    # 6.12's runner prints one TAP document per target; kunit.py parses one.
    import harness

    # The tree's kunit.py parses the TAP.
    where = harness.dirs(tmp_path, tree=kunit_tree())
    (tmp_path / 'out' / 'ppc32').mkdir(parents=True)
    text = (data / 'ppc32-6.12-kselftest-base.log').read_text()
    passed, failed, what = boot_init.judge('kselftest', '/init', text, 'ppc32', where)
    assert what.splitlines()[-1] == 'kselftest: 38 programs: 28 passed, 9 failed, 1 skipped'
    assert f'FAIL {USER_REGS}' in what and 'PASS selftests: sigaltstack: sas' in what


def test_the_kselftest_kernels_have_what_their_targets_ask_for():
    # Each target's own config (kselftest-merge's input), in the mainline
    # tree make test builds them from; but exec's BPF and BTF, for
    # binfmt_misc_bpf, which needs a BPF toolchain and is not built.
    from harness import DEFAULT_BUILD, REPO
    sel = DEFAULT_BUILD / 'mainline' / 'linux' / 'tools/testing/selftests'
    if not sel.is_dir():
        pytest.skip(f'{sel} missing: make mainline (or make test) fetches it')
    fragment = (REPO / 'kunit/kunitconfigs/kselftests.kunitconfig').read_text().splitlines()
    for name, config in configs.load().items():
        if not config.kselftests:
            continue
        assert 'kselftests' in config.kunitconfigs, name
        for target in config.kselftests:
            wanted = sel / target / 'config'
            if wanted.is_file():
                missing = set(wanted.read_text().splitlines()) - set(fragment) - {''}
                if target == 'exec':
                    missing = {o for o in missing if 'BPF' not in o and 'DEBUG_INFO' not in o}
                assert not missing, f'{name}: {target} needs {missing}'
