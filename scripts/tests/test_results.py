# SPDX-License-Identifier: GPL-2.0
"""Result rows and the total line make test ends with."""

import pytest

from harness import results
from harness.results import Row


def total(stages, expected=()):
    return results.summary(stages, expected)[0][-1]


def test_rows_round_trip(tmp_path):
    results.write(tmp_path, 'check-series', [Row('check:a', 1, 0), Row('check:b', 0, 1)])
    results.write(tmp_path, 'ppc32', [Row('ppc32', 13, 0, 2)], detail='13 passed\n')
    stages = results.read(tmp_path)
    assert stages['ppc32'] == [Row('ppc32', 13, 0, 2)]
    assert [r.verdict for r in stages['check-series']] == ['PASS', 'FAIL']
    assert results.detail('ppc32', tmp_path) == '13 passed'


def test_total_adds_every_row():
    stages = {'a': [Row('a', 3, 0, 1)], 'b': [Row('b:1', 1, 0), Row('b:2', 0, 2)]}
    assert total(stages) == '4 passed, 2 failed, 1 skipped'


def test_missing_stage_counts_as_failed():
    stages = {'a': [Row('a', 3, 0)]}
    lines, _, failed, _ = results.summary(stages, ['a', 'b'])
    assert failed == 1 and lines[-1] == '3 passed, 1 failed'
    assert 'MISSING' in lines[-2]


def test_nothing_at_all_fails():
    assert total({}) == '0 passed, 1 failed'


def test_first_directory_wins(tmp_path):
    (tmp_path / 'one').mkdir()
    (tmp_path / 'two').mkdir()
    results.write(tmp_path / 'one', 'x', [Row('x', 1, 0)])
    results.write(tmp_path / 'two', 'x', [Row('x', 0, 1)])
    assert results.rows_by_name(tmp_path / 'one', tmp_path / 'two')['x'].failed == 0


def test_a_malformed_row_is_an_error(tmp_path):
    (tmp_path / 'x.tsv').write_text('x\t1\tPASS\n')
    with pytest.raises(ValueError, match='not a result row'):
        results.read(tmp_path)


def test_cli_run_records_the_exit_status(tmp_path):
    assert results.main(['results.py', 'run', str(tmp_path), 'ok', 'true']) == 0
    assert results.main(['results.py', 'run', str(tmp_path), 'bad', 'false']) == 1
    rows = results.rows_by_name(tmp_path)
    assert (rows['ok'].passed, rows['bad'].failed) == (1, 1)
