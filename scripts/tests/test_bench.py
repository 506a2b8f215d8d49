# SPDX-License-Identifier: GPL-2.0
"""make bench: the boot verdict and the report's reading of the counts."""
import importlib.util

import pytest

from conftest import SCRIPTS

spec = importlib.util.spec_from_file_location('report', SCRIPTS / 'bench' / 'report.py')
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

RUN = """Run /thread_cost_init as init process
thread_cost: kthread 2000 cycles {k} instructions
thread_cost: umh 200 cycles 300000000 instructions
thread_cost: fork 2000 cycles 400000000 instructions
Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000
"""


def test_bench_boot_passes_with_three_figures(boot_init):
    passed, failed, what = boot_init.judge('bench', '/thread_cost_init', RUN.format(k=60000000))
    assert (passed, failed) == (1, 0)
    assert what.count('cycles') == 3


def test_bench_boot_fails_without_a_figure(boot_init):
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


def getpid_boots(tmp_path, figures):
    (tmp_path / 'results').mkdir()
    for k, per_boot in figures.items():
        for run, figure in enumerate(per_boot, 1):
            (tmp_path / 'results' / f'bench-{k}-{run}-ppc32-cost.txt').write_text(
                f'getpid_cost: {figure} instructions per getpid() (200000 calls)\n')
    return tmp_path


def test_getpid_row_reads_every_boot(tmp_path):
    bench = getpid_boots(tmp_path, {'nozero': ['280.59', '280.59'], 'base': ['292.62', '292.62']})
    assert report.getpid_cost(bench, 2) == {'nozero': [280.59, 280.59], 'base': [292.62, 292.62]}


def test_a_missing_getpid_boot_is_an_error(tmp_path):
    bench = getpid_boots(tmp_path, {'nozero': ['280.59'], 'base': ['292.62']})
    with pytest.raises(SystemExit, match='bench-nozero-2-ppc32-cost.txt: no getpid_cost'):
        report.getpid_cost(bench, 2)
