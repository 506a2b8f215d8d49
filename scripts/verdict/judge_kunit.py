# SPDX-License-Identifier: GPL-2.0
"""Judge one kunit.py run from its JSON and its raw console log.

A run passes only if kunit.py succeeded, every expected suite ran, no test
failed or crashed, every skip is one the configuration allows, and the log
matches every pattern of log_must_match. On a kernel without the fixes, the
tests in must_fail must fail instead. Skip reasons come from the
console log, since the JSON does not keep them.
"""

import fnmatch
import re
from pathlib import Path

from harness import results

# How the selftest and exec_entry name a register and the value it leaked.
LEAK = re.compile(r'\b((?:r\d+|ctr|xer|lr) = 0x[0-9a-f]+)')


def judge(cases, log, *, suites=(), allow_skip=(), filter_glob='', must_fail=(),
          log_must_match=(), kunit_rc=0):
    """(passed, failed, skipped, messages) for one run.

    cases: [(suite.case, status)] from kunit.py's JSON; log: the console text.
    """
    expected = list(suites)
    if filter_glob:
        suite_glob = filter_glob.split('.', 1)[0]
        expected = [s for s in expected if fnmatch.fnmatch(s, suite_glob)]
    must_fail = set(must_fail)
    expecting_failures = bool(must_fail)
    reasons = dict(re.findall(r'^\s*ok \d+ (\S+) # SKIP (.*?)\s*$', log, re.M))
    passed = failed = skipped = 0
    notes, problems = [], []
    ran = set()
    for name, status in cases:
        ran.add(name.split('.', 1)[0])
        if name in must_fail:
            must_fail.discard(name)
            if status == 'FAIL':
                passed += 1
                notes.append(f'{name} failed, as it must on this kernel')
            else:
                problems.append(f'{name}: {status}, but it must fail on this kernel')
        elif status == 'PASS':
            passed += 1
        elif status == 'SKIP':
            why = reasons.get(name.split('.')[-1], 'no reason printed')
            if name in allow_skip:
                skipped += 1
                notes.append(f'skipped {name}: {why}')
            else:
                problems.append(f'{name} was skipped ({why}), which this '
                                'configuration does not allow')
        else:
            problems.append(f'{name}: {status}')
    problems += [f'suite {s} did not run (crash, timeout or missing config)'
                 for s in expected if s not in ran]
    problems += [f'{n} did not run, but it must fail on this kernel' for n in sorted(must_fail)]
    for pattern in log_must_match:
        found = sorted(set(m.group(0) for m in re.finditer(pattern, log, re.M)))
        if found:
            notes.append(f'the log shows: {"; ".join(found)}')
        else:
            problems.append(f'the log has no line matching {pattern!r}')
    # kunit.py fails a run with a failed test: expected failures say nothing.
    if kunit_rc and not problems and not expecting_failures:
        problems.append(f'kunit.py exited with {kunit_rc}')
    if not cases:
        problems.append('no test ran')
    return passed, failed + len(problems), skipped, notes + [f'FAIL {p}' for p in problems]


def report(name, json_path, log_path, results_dir, **criteria):
    """Judge a run as judge() does, print a line per suite and the verdict,
    and write its row; True if it passed."""
    cases = results.kunit_cases(json_path)
    try:
        log = Path(log_path).read_text(errors='replace')
    except OSError:
        log = ''
    passed, failed, skipped, messages = judge(cases, log, **criteria)
    by_suite = {}
    for case, status in cases:
        by_suite.setdefault(case.split('.', 1)[0], []).append(status)
    for suite, statuses in sorted(by_suite.items()):
        print(f'  {suite}: {statuses.count("PASS")}/{len(statuses)} passed')
    for m in messages:
        print(f'  {m}')
    row = results.Row(name, passed, failed, skipped)
    print(f'{name}: {row.verdict}: {passed} passed, {failed} failed, '
          f'{skipped} skipped (log: {log_path}, json: {json_path})')
    results.write(results_dir, name, [row])
    return not failed
