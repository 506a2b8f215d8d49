#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Results: the one row type, its writer and its reader, and the total.
A stage leaves RESULTS/<stage>.tsv, rows "name passed failed skipped", and may
leave RESULTS/<stage>.txt, one line saying what it found (make series quotes it).
An expected stage that left no file counts as a failure.

  results.py record DIR STAGE PASSED FAILED [SKIPPED]   a stage of one row
  results.py add DIR STAGE ROW PASSED FAILED [SKIPPED]  a row of a stage that has many,
  results.py done DIR STAGE                             then the stage is complete
  results.py run DIR STAGE COMMAND...                   a stage of one row: COMMAND's exit
  results.py summary DIR [EXPECTED_STAGE...]   print the rows and the total;
                                               exit 1 if anything failed
"""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    name: str
    passed: int
    failed: int
    skipped: int = 0

    @property
    def verdict(self):
        return 'PASS' if not self.failed else 'FAIL'


def _line(r):
    return f'{r.name}\t{r.passed}\t{r.failed}\t{r.skipped}\n'


def write(results, stage, rows, detail=None):
    """Write a stage's rows (and its one-line detail) atomically."""
    results = Path(results)
    results.mkdir(parents=True, exist_ok=True)
    if detail is not None:
        (results / f'{stage}.txt').write_text(detail.strip() + '\n')
    tmp = results / f'{stage}.tsv.new'
    tmp.write_text(''.join(map(_line, rows)))
    tmp.rename(results / f'{stage}.tsv')


def read(*dirs):
    """{stage: [Row]} from the directories, the first one winning."""
    stages = {}
    for d in dirs:
        for f in sorted(Path(d).glob('*.tsv')):
            rows = []
            for line in f.read_text().splitlines():
                parts = line.split('\t')
                if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
                    raise ValueError(f'{f}: not a result row: {line!r}')
                rows.append(Row(parts[0], *map(int, parts[1:])))
            stages.setdefault(f.stem, rows)
    return stages


def rows_by_name(*dirs):
    return {r.name: r for rows in read(*dirs).values() for r in rows}


def detail(stage, *dirs):
    files = [Path(d) / f'{stage}.txt' for d in dirs]
    return next((f.read_text().strip() for f in files if f.exists()), '')


def kunit_cases(json_path):
    """[(suite.case, status)] from kunit.py's --json output; [] if it has none."""
    def walk(group, prefix=''):
        for sub in group.get('sub_groups', []):
            yield from walk(sub, sub['name'] + '.')
        for case in group.get('test_cases', []):
            yield prefix + case['name'], case['status']
    try:
        return list(walk(json.loads(Path(json_path).read_text())))
    except (OSError, ValueError, KeyError, TypeError):
        return []


def summary(stages, expected=()):
    """(lines, passed, failed, skipped): every row, the missing stages, the total."""
    passed = failed = skipped = 0
    lines = [f'{"stage":<34} {"passed":>6} {"failed":>6} {"skipped":>7}  verdict']
    for rows in stages.values():
        for r in rows:
            lines.append(f'{r.name:<34} {r.passed:>6} {r.failed:>6} {r.skipped:>7}  {r.verdict}')
            passed += r.passed
            failed += r.failed
            skipped += r.skipped
    for stage in expected:
        if not stages.get(stage):
            lines.append(f'{stage:<34} {"-":>6} {"1":>6} {"-":>7}  MISSING')
            failed += 1
    if not stages:  # a run that tested nothing cannot pass
        failed += 1
    total = f'{passed} passed, {failed} failed'
    if skipped:
        total += f', {skipped} skipped'
    return lines + [total], passed, failed, skipped


def counts(args):
    if len(args) not in (2, 3) or not all(c.isdigit() for c in args):
        sys.exit(f'error: want PASSED FAILED [SKIPPED] as whole numbers: {" ".join(args)}')
    return [int(c) for c in args]


def main(argv):
    if len(argv) >= 4 and argv[1] == 'record':
        write(argv[2], argv[3], [Row(argv[3], *counts(argv[4:]))])
    elif len(argv) >= 5 and argv[1] == 'add':
        row = Row(argv[4], *counts(argv[5:]))
        Path(argv[2]).mkdir(parents=True, exist_ok=True)
        with open(Path(argv[2]) / f'{argv[3]}.tsv.new', 'a') as f:
            f.write(_line(row))
    elif len(argv) == 4 and argv[1] == 'done':
        Path(argv[2], f'{argv[3]}.tsv.new').rename(Path(argv[2], f'{argv[3]}.tsv'))
        return 1 if any(r.failed for r in read(argv[2]).get(argv[3], [])) else 0
    elif len(argv) >= 5 and argv[1] == 'run':
        ok = subprocess.run(argv[4:]).returncode == 0
        write(argv[2], argv[3], [Row(argv[3], int(ok), int(not ok))])
        return 0 if ok else 1
    elif len(argv) >= 3 and argv[1] == 'summary':
        lines, _, failed, _ = summary(read(argv[2]), argv[3:])
        print('\n'.join(lines))
        return 1 if failed else 0
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    from harness import cli
    cli(main)
