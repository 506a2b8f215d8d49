#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one kunit.py run from its JSON and raw console log.

A run passes only if kunit.py succeeded, every expected suite ran, no test
failed or crashed, and every skip is one the configuration allows. Skip
reasons come from the console log, since the JSON does not keep them.
On a kernel without the fixes (--expect-fail), the named tests must fail
instead, and the log must show why (--log-must-match).
Prints one line per suite and appends a row to the results file.
"""

import argparse
import fnmatch
import json
import re
import sys


def cases(group, prefix=''):
    for sub in group.get('sub_groups', []):
        yield from cases(sub, sub['name'] + '.')
    for case in group.get('test_cases', []):
        yield prefix + case['name'], case['status']


def skip_reasons(log_path):
    reasons = {}
    try:
        text = open(log_path, errors='replace').read()
    except OSError:
        return reasons
    for m in re.finditer(r'^\s*ok \d+ (\S+) # SKIP (.*)$', text, re.M):
        reasons[m.group(1)] = m.group(2).strip()
    return reasons


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--name', required=True)
    ap.add_argument('--json', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--kunit-rc', type=int, required=True)
    ap.add_argument('--suites', default='')
    ap.add_argument('--allow-skip', default='')
    ap.add_argument('--filter-glob', default='')
    ap.add_argument('--results', required=True)
    ap.add_argument('--also-fail', action='append', default=[],
                    help='a failed check made outside KUnit, counted as a test')
    ap.add_argument('--expect-fail', default='',
                    help='tests that must fail: they show a bug this kernel has')
    ap.add_argument('--log-must-match', default='',
                    help='a regex the console log must match when --expect-fail is given')
    a = ap.parse_args()

    expected = a.suites.split()
    if a.filter_glob:
        suite_glob = a.filter_glob.split('.', 1)[0]
        expected = [s for s in expected if fnmatch.fnmatch(s, suite_glob)]
    allowed = set(a.allow_skip.split())
    must_fail = set(a.expect_fail.split())

    try:
        with open(a.json) as f:
            results = list(cases(json.load(f)))
    except (OSError, ValueError) as e:
        print(f'{a.name}: no test results ({e}); see {a.log}')
        results = []

    reasons = skip_reasons(a.log)
    passed = failed = skipped = 0
    problems = []
    by_suite = {}
    for name, status in results:
        suite = name.split('.', 1)[0]
        by_suite.setdefault(suite, []).append((name, status))
        if name in must_fail:
            must_fail.discard(name)
            if status == 'FAIL':
                passed += 1
                print(f'  {name} failed, as it must on this kernel')
            else:
                failed += 1
                problems.append(f'{name}: {status}, but it must fail on this kernel')
        elif status == 'PASS':
            passed += 1
        elif status == 'SKIP':
            why = reasons.get(name.split('.')[-1], 'no reason printed')
            if name in allowed:
                skipped += 1
                print(f'  skipped {name}: {why}')
            else:
                failed += 1
                problems.append(f'{name} was skipped ({why}), which this '
                                'configuration does not allow')
        else:
            failed += 1
            problems.append(f'{name}: {status}')

    for suite in expected:
        if suite not in by_suite:
            failed += 1
            problems.append(f'suite {suite} did not run (crash, timeout or '
                            'missing config)')
    for name in sorted(must_fail):
        failed += 1
        problems.append(f'{name} did not run, but it must fail on this kernel')
    if a.expect_fail and a.log_must_match:
        try:
            text = open(a.log, errors='replace').read()
        except OSError:
            text = ''
        found = re.findall(a.log_must_match, text, re.M)
        if found:
            print(f'  the log names it: {"; ".join(sorted(set(found)))}')
        else:
            failed += 1
            problems.append(f'the log has no line matching {a.log_must_match!r}')
    for msg in a.also_fail:
        failed += 1
        problems.append(msg)
    # kunit.py fails a run with a failed test: the expected ones say nothing.
    if a.kunit_rc and not problems and not a.expect_fail:
        failed += 1
        problems.append(f'kunit.py exited with {a.kunit_rc}')
    if not results:
        failed += 1
        problems.append('no test ran')

    for suite, items in sorted(by_suite.items()):
        ok = sum(s == 'PASS' for _, s in items)
        print(f'  {suite}: {ok}/{len(items)} passed')
    for p in problems:
        print(f'  FAIL {p}')
    verdict = 'PASS' if not failed else 'FAIL'
    print(f'{a.name}: {verdict}: {passed} passed, {failed} failed, '
          f'{skipped} skipped (log: {a.log}, json: {a.json})')
    with open(a.results, 'a') as f:
        f.write(f'{a.name}\t{passed}\t{failed}\t{skipped}\t{verdict}\n')
    return 0 if not failed else 1


if __name__ == '__main__':
    sys.exit(main())
