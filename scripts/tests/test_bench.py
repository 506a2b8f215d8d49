# SPDX-License-Identifier: GPL-2.0
"""make bench: the boot verdict and the report's reading of the counts."""
import json
from pathlib import Path

import pytest

from bench import report, upstream
from qemu import boot_init

RUN = """Run /thread_cost_init as init process
thread_cost: kthread 2000 cycles {k} instructions
thread_cost: umh 200 cycles 300000000 instructions
thread_cost: fork 2000 cycles 400000000 instructions
Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000
"""


def test_bench_boot_passes_with_three_figures():
    passed, failed, what = boot_init.judge('bench', '/thread_cost_init', RUN.format(k=60000000))
    assert (passed, failed) == (1, 0)
    assert what.count('cycles') == 3


def test_bench_boot_fails_without_a_figure():
    text = RUN.format(k=1).replace('thread_cost: umh 200 cycles 300000000 instructions\n',
                                   'thread_cost: umh failed in cycle 0: -2\n')
    passed, failed, what = boot_init.judge('bench', '/thread_cost_init',
                                           text.replace('exitcode=0x00000000', 'exitcode=0x00000100'))
    assert failed == 1 and 'umh failed' in what


def boots(tmp_path, *kthread_counts):
    for run, k in enumerate(kthread_counts, 1):
        (tmp_path / f'console-bench-{run}.log').write_text(RUN.format(k=k))
    return tmp_path


def test_counts_per_cycle_and_agreement(tmp_path):
    rows = report.dynamic_cost(boots(tmp_path, 60000000, 60000000), 2)
    assert rows['kthread']['per_cycle'] == 30000
    assert rows['kthread']['runs'] == [[60000000], [60000000]]


def test_the_least_block_counts(tmp_path):
    block = 'thread_cost: kthread 2000 cycles 60000000 instructions\n'
    (tmp_path / 'console-bench-1.log').write_text(
        RUN.format(k=61000000).replace(block.replace('60000000', '61000000'),
                                       block.replace('60000000', '61000000') + block))
    rows = report.dynamic_cost(tmp_path, 1)
    assert rows['kthread']['blocks'] == [61000000, 60000000]
    assert rows['kthread']['per_cycle'] == 30000


def test_a_disagreeing_boot_is_kept_for_the_verdict(tmp_path):
    rows = report.dynamic_cost(boots(tmp_path, 60000000, 60000004), 2)
    assert rows['kthread']['runs'][0] != rows['kthread']['runs'][1]


def test_a_missing_row_is_an_error(tmp_path):
    (tmp_path / 'console-bench-1.log').write_text('thread_cost: kthread 1 cycles 5 instructions\n')
    with pytest.raises(SystemExit, match='no "umh" figure'):
        report.dynamic_cost(tmp_path, 1)


def test_calls_are_read_from_objdump():
    line = 'c000000000012345:\tbl      c000000000045678 <ppc_init_kthread_frames+0x8>'
    assert report.CALL.findall(line) == ['ppc_init_kthread_frames']


def test_set_up_counts_come_from_the_marks(tmp_path):
    marks = [0, 100, 200, 290, 1000, 1100, 1205, 2000, 2100, 2200]
    (tmp_path / 'insn-ranges-1.log').write_text(''.join(
        f'insn_ranges: mark copy_thread={m} ppc_init_kthread_frames=0\n' for m in marks))
    rows = report.setup_cost(tmp_path, 1, {'kthread': (10, 3), 'umh': (1, 2), 'fork': (1, 2)})
    assert rows['kthread']['runs'] == [[100, 100, 90]]
    assert rows['kthread']['per_cycle'] == 9
    assert rows['umh']['runs'] == [[100, 105]] and rows['fork']['runs'] == [[100, 100]]


def test_a_missing_mark_is_an_error(tmp_path):
    (tmp_path / 'insn-ranges-1.log').write_text('insn_ranges: mark copy_thread=1\n')
    with pytest.raises(SystemExit, match='1 marks, not 3'):
        report.setup_cost(tmp_path, 1, {'kthread': (1, 2)})


def upstream_boots(tmp_path, null_syscall, forks='1000 1200 1250', boots=2):
    """Verdicts as boot_init.py's upstream mode writes them, for both kernels."""
    for kernel in ('prereqs', 'series'):
        for run in range(1, boots + 1):
            lines = [f'null_syscall: exited 0: {null_syscall[kernel][run - 1]}']
            for args in ('--fork', '--vfork', '--fork --exec', '--vfork --exec'):
                lines.append(f'fork {args} --timeout=3 0: exited 0: {forks}')
            lines.append(f'context_switch --process --test=pipe --timeout=3 0 0: exited 0: {forks}')
            lines.append(f'context_switch --test=yield --timeout=3 0 0: exited 0: {forks}')
            lines.append('upstream benchmarks: 7 ran, 0 failed')
            (tmp_path / f'upstream-{kernel}-{run}-ppc32-upstream.txt').write_text(
                '\n'.join(lines) + '\n')
    return tmp_path


def test_upstream_ratios_per_call(tmp_path, capsys):
    results = upstream_boots(tmp_path, {'prereqs': ['261.65', '261.65'],
                                        'series': ['280.66', '280.66']})
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 0
    out = capsys.readouterr().out
    assert 'null_syscall patched/base: 1.0727' in out
    # fork: 10^9 instructions over the mean of the calls per second after the first.
    assert 'fork+exec patched/base: 1.0000' in out
    figures, failed, missing = upstream.read(results, 'ppc32', 2)
    assert figures['prereqs']['fork+exec'] == [2e9 / 2450] * 2
    assert not failed and not missing


def test_upstream_boots_that_disagree_or_fail_are_named(tmp_path, capsys):
    results = upstream_boots(tmp_path, {'prereqs': ['261.65', '261.66'],
                                        'series': ['280.66', '280.66']})
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 1
    assert 'the boots disagree: prereqs null_syscall' in capsys.readouterr().out
    f = results / 'upstream-series-2-ppc32-upstream.txt'
    f.write_text(f.read_text().replace('exited 0: 280.66', 'exited 0x84: FAIL Illegal instruction'))
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 1
    assert 'FAIL null_syscall fails on the patched kernel only: Illegal' in capsys.readouterr().out
    f.unlink()
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 1
    assert 'series boot 2: no verdict' in capsys.readouterr().out


def test_a_program_the_cpu_cannot_run_is_a_skip_with_its_reason(tmp_path, capsys):
    results = upstream_boots(tmp_path, {'prereqs': ['261.65', '261.65'],
                                        'series': ['280.66', '280.66']})
    for f in results.glob('upstream-*-ppc32-upstream.txt'):
        f.write_text(f.read_text().replace(
            'yield --timeout=3 0 0: exited 0: 1000 1200 1250',
            'yield --timeout=3 0 0: exited 0x4: FAIL illegal instruction (4) at 100004bc'))
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 0
    out = capsys.readouterr().out
    assert 'SKIP context_switch yield fails without the series too: illegal' in out
    assert 'null_syscall patched/base: 1.0727' in out


def test_per_second_counts_may_move_a_little_between_boots(tmp_path, capsys):
    nulls = {'prereqs': ['261.65', '261.65'], 'series': ['280.66', '280.66']}
    results = upstream_boots(tmp_path, nulls)
    f = results / 'upstream-series-2-ppc32-upstream.txt'
    text = f.read_text()
    f.write_text(text.replace('fork --vfork --exec --timeout=3 0: exited 0: 1000 1200 1250',
                              'fork --vfork --exec --timeout=3 0: exited 0: 1000 1200 1251'))
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 0
    assert 'the others vary by up to: vfork+exec 0.041%' in capsys.readouterr().out
    # fork must repeat exactly, and nothing may move by more than 0.5%.
    f.write_text(text.replace('fork --fork --timeout=3 0: exited 0: 1000 1200 1250',
                              'fork --fork --timeout=3 0: exited 0: 1000 1200 1251'))
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 1
    f.write_text(text.replace('fork --vfork --timeout=3 0: exited 0: 1000 1200 1250',
                              'fork --vfork --timeout=3 0: exited 0: 1000 1200 1300'))
    assert upstream.main(['upstream.py', str(results), 'ppc32', '2']) == 1


# Three kernels' vmlinux as nm and objdump see them: base sets up inline,
# c and rust call a set-up function, rust's calls the C helper twice unless
# it was inlined.
CALLS = {'base': {'copy_thread': ['memset']},
         'c': {'copy_thread': ['memset', 'ppc_setup_c']},
         'rust': {'copy_thread': ['memset', 'ppc_setup_rust'],
                  'ppc_setup_rust': [report.HELPER, report.HELPER]}}


def fake_kernels(tmp_path, monkeypatch, prefix, inlined=False):
    """report.main()'s input for the kernels BENCH_DIR/PREFIX{base,c,rust}:
    one boot each, set-up counts base 80, c 100, rust 120 per kthread cycle."""
    calls = {k: dict(v) for k, v in CALLS.items()}
    if inlined:
        calls['rust']['ppc_setup_rust'] = []
    setup = {'base': 80, 'c': 100, 'rust': 120}
    for k in calls:
        out = tmp_path / f'{prefix}{k}' / 'out' / 'ppc64le-rust'
        out.mkdir(parents=True)
        (out / 'vmlinux').write_text(k)
        (out / 'console-bench-1.log').write_text(RUN.format(k=60000000))
        # One block per row: two marks each, kthread 2000 cycles.
        marks = [0, setup[k] * 2000, 10**7, 10**7 + 100, 2 * 10**7, 2 * 10**7 + 100]
        (out / 'insn-ranges-1.log').write_text(''.join(
            f'insn_ranges: mark copy_thread={m}\n' for m in marks))

    def output(tool, *args):
        kernel = calls[Path(args[-1]).read_text()]
        if tool.endswith('nm'):
            names = {n for f, c in kernel.items() for n in [f, *c]} | {report.MARK}
            return ''.join(f'c00000000000{i:04x} 0000000000000040 T {n}\n'
                           for i, n in enumerate(sorted(names)))
        function = args[-2].split('=', 1)[1]
        return ''.join(f'c000000000000000:\tbl      c000000000001000 <{n}>\n'
                       for n in kernel.get(function, []))
    monkeypatch.setattr(report, 'output', output)
    return tmp_path


def test_llvm_report_reads_its_own_kernels_and_labels_its_lines(tmp_path, monkeypatch, capsys):
    bench = fake_kernels(tmp_path, monkeypatch, 'llvm-', inlined=True)
    rc = report.main(['report.py', '--compiler=LLVM', str(bench), 'ppc64le-rust',
                      'powerpc64le-linux-gnu-', '1'])
    out = capsys.readouterr().out
    assert rc == 0
    assert 'LLVM rust/c thread-setup instruction ratio: 1.2000' in out.splitlines()
    assert 'LLVM rust/base thread-setup instruction ratio: 1.5000' in out.splitlines()
    assert f'LLVM rust kernel: 0 bl to {report.HELPER} in the set-up (inlined)' in out
    # GCC's figures, which submissions.py reads, are left alone.
    assert (bench / 'bench-llvm.json').is_file() and not (bench / 'bench.json').exists()
    assert json.loads((bench / 'bench-llvm.json').read_text())['compiler'] == 'LLVM'


def test_gcc_report_keeps_its_lines_and_counts_the_helper_calls(tmp_path, monkeypatch, capsys):
    bench = fake_kernels(tmp_path, monkeypatch, '')
    assert report.main(['report.py', str(bench), 'ppc64le-rust', 'powerpc64le-linux-gnu-', '1']) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 'rust/c thread-setup instruction ratio: 1.2000' in lines
    assert f'rust kernel: 2 bl to {report.HELPER} in the set-up' in lines
    assert f'  bl {report.HELPER} in the set-up: base 0, c 0, rust 2' in lines
    kernels = json.loads((bench / 'bench.json').read_text())['kernels']
    assert kernels['rust']['static']['helper_calls'] == 2


def test_llvm_report_without_llvm_kernels_names_them(tmp_path, monkeypatch):
    bench = fake_kernels(tmp_path, monkeypatch, '')
    with pytest.raises(SystemExit, match='llvm-base/out/ppc64le-rust/vmlinux missing: make bench '
                                         'builds the llvm-base kernel'):
        report.main(['report.py', '--compiler=LLVM', str(bench), 'ppc64le-rust', 'x-', '1'])


@pytest.mark.parametrize('args, error', [
    (['--compiler=clang', 'b', 'ppc64le-rust', 'x-', '1'], '--compiler takes GCC or LLVM, not "clang"'),
    (['b', 'ppc64le-rust', 'x-', 'two'], 'RUNS must be a positive number, not "two"'),
])
def test_report_bad_arguments(args, error):
    with pytest.raises(SystemExit, match=error):
        report.main(['report.py', *args])


def test_only_set_up_counts_must_repeat(tmp_path, monkeypatch, capsys):
    bench = fake_kernels(tmp_path, monkeypatch, 'llvm-')
    args = ['report.py', '--compiler=LLVM', str(bench), 'ppc64le-rust', 'x-', '2']
    for k in ('base', 'c', 'rust'):
        out = bench / f'llvm-{k}' / 'out' / 'ppc64le-rust'
        # A second boot: the same set-up, more of everything else.
        (out / 'console-bench-2.log').write_text(RUN.format(k=60000100))
        (out / 'insn-ranges-2.log').write_text((out / 'insn-ranges-1.log').read_text())
    assert report.main(list(args)) == 0  # main() pops --compiler
    assert 'all guest instructions differ between boots' in capsys.readouterr().out
    ranges = bench / 'llvm-rust' / 'out' / 'ppc64le-rust' / 'insn-ranges-2.log'
    ranges.write_text(ranges.read_text().replace('mark copy_thread=240000', 'mark copy_thread=242000'))
    assert report.main(list(args)) == 1
    assert 'the boots disagree: rust setup kthread' in capsys.readouterr().out


def test_bindgen_parses_with_the_libclang_of_llvm_n(monkeypatch, tmp_path):
    # clang-22's flags are unknown to the base's libclang 19: LLVM=-22 must
    # get libclang 22; LLVM=1 (no version) and GCC keep the base's. The
    # base is read from the tree, faked here: a fresh clone has none.
    from qemu import run_kunit
    monkeypatch.setattr(run_kunit, 'prereqs', lambda tree: tree.name)
    assert run_kunit.libclang(tmp_path / 'mainline', '-22') == '/usr/lib/llvm-22/lib'
    assert run_kunit.libclang(tmp_path / '6.12.y', '') == '/usr/lib/llvm-14/lib'
    assert run_kunit.libclang(tmp_path / 'mainline', '1') == '/usr/lib/llvm-19/lib'


def test_a_benchmark_killed_by_a_signal_says_which():
    console = ('Run /upstream_init as init process\n'
               'upstream_bench: run context_switch --test=yield --timeout=3 0 0\n'
               'upstream_bench: context_switch exited 0x4\n'
               'upstream_bench: done, 1 failed\n'
               'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\n')
    passed, failed, what = boot_init.judge('upstream', '/upstream_init', console)
    assert (passed, failed) == (0, 1)
    assert 'exited 0x4: FAIL killed by signal 4 (SIGILL)' in what
