#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the stages recorded in a results directory and their total.

Each stage leaves one row: name, passed, failed, skipped, verdict. The last
line is "N passed, N failed", which CI reads; stages that were expected but
left no row count as failed, so a run that tested nothing cannot pass.
usage: summary.py RESULTS_DIR [EXPECTED_STAGE...]
"""

import sys
from pathlib import Path


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: summary.py RESULTS_DIR [EXPECTED_STAGE...]')
    rows = {}
    results = Path(sys.argv[1])
    for f in sorted(results.glob('*.tsv')):
        for line in f.read_text().splitlines():
            parts = line.split('\t')
            if len(parts) == 5:
                rows[parts[0]] = parts
    passed = failed = skipped = 0
    print(f'{"stage":<28} {"passed":>6} {"failed":>6} {"skipped":>7}  verdict')
    for name, p, f, s, verdict in rows.values():
        print(f'{name:<28} {p:>6} {f:>6} {s:>7}  {verdict}')
        passed += int(p)
        failed += int(f)
        skipped += int(s)
        if verdict != 'PASS' and int(f) == 0:
            failed += 1
    for stage in sys.argv[2:]:
        if stage not in rows:
            print(f'{stage:<28} {"-":>6} {"1":>6} {"-":>7}  MISSING')
            failed += 1
    if not rows:
        failed += 1
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
