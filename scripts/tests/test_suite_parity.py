# SPDX-License-Identifier: GPL-2.0
"""The KUnit suites are written twice, in C for kernels without Rust and in
Rust: both must have the same suites with the same cases, so that neither
loses or gains a behaviour the other does not test. Read from the patches,
the only source of the series."""

import re

from harness import PATCHES
from harness.series import names


def added_file(path):
    """The text of a file that a patch of the series creates."""
    for patch in names(PATCHES / 'series'):
        text = (PATCHES / patch).read_text()
        m = re.search(rf'^diff --git a/{re.escape(path)} b/.*?\n\+\+\+ .*?\n(.*?)(?=^diff --git|^-- \n|\Z)',
                      text, re.M | re.S)
        if m:
            return '\n'.join(line[1:] for line in m.group(1).splitlines()
                             if line.startswith('+'))
    raise AssertionError(f'no patch of the series creates {path}')


def c_suites(text):
    """{suite: [cases]} of kthread_kunit.c."""
    tables = dict(re.findall(r'static struct kunit_case (\w+)\[\] = \{(.*?)\n\};', text, re.S))
    suites = re.findall(r'\.name = "(\w+)",\s*\.test_cases = (\w+),', text)
    return {name: re.findall(r'(?:KUNIT_CASE(?:_SLOW)?|CHECK_CASE)\((\w+)\)', tables[table])
            for name, table in suites}


def rust_suites(text):
    """{suite: [cases]} of kthread_kunit_rust.rs."""
    parts = re.split(r'^#\[kunit_tests\((\w+)\)\]$', text, flags=re.M)
    return {name: re.findall(r'#\[test\]\s*fn (\w+)\(', body)
            for name, body in zip(parts[1::2], parts[2::2])}


def test_the_c_and_rust_suites_have_the_same_cases():
    c = c_suites(added_file('arch/powerpc/kernel/tests/kthread_kunit.c'))
    rust = rust_suites(added_file('arch/powerpc/kernel/tests/kthread_kunit_rust.rs'))
    assert len(c) == 5 and sum(map(len, c.values())) == 16, c
    assert {s: sorted(v) for s, v in c.items()} == {s: sorted(v) for s, v in rust.items()}


def test_the_parsers_see_a_missing_case():
    c = c_suites(added_file('arch/powerpc/kernel/tests/kthread_kunit.c'))
    text = added_file('arch/powerpc/kernel/tests/kthread_kunit_rust.rs')
    rust = rust_suites(text.replace('fn kthread_stopped_before_run(', 'fn helper('))
    assert sorted(c['powerpc_kthread_spawn']) != sorted(rust['powerpc_kthread_spawn'])
