# SPDX-License-Identifier: GPL-2.0
"""make series: how the series is split, and no cover letter without evidence."""

from harness.results import Row
from submit import submissions


def test_three_submissions_the_build_fix_alone_first():
    parts = submissions.submissions()
    assert [name for name, _, _ in parts] == ['bindgen', 'fixes', 'rfc']
    assert len(parts[0][2]) == 1


def test_missing_evidence_is_named_not_written():
    evidence = submissions.Evidence()
    text = submissions.fixes_matrix({}, evidence) + submissions.rfc_matrix({}, evidence)
    assert 'NOT RUN' not in text and 'not run' not in text
    assert 'mainline-ppc32-user-regs-before' in evidence.missing
    assert 'ppc64le-rust' in evidence.missing and 'mainline-ppc64le-rust' in evidence.missing
    assert 'mainline-ppc32-e500-kaslr-before' in evidence.missing
    assert 'mainline-ppc64-be-user-regs-compat-before' in evidence.missing
    assert len(evidence.missing) == len(set(evidence.missing))


def test_a_failed_result_is_named():
    evidence = submissions.Evidence()
    found = {'mainline-ppc32': Row('mainline-ppc32', 3, 1, 0),
             'mainline-ppc32-user-regs-before': Row('mainline-ppc32-user-regs-before', 1, 0, 0)}
    submissions.fixes_matrix(found, evidence)
    assert evidence.failed == ['mainline-ppc32']
    assert 'mainline-ppc32' not in evidence.missing


def test_offsets_are_named_once_with_the_boots():
    text = 'offset 0x1000; offset 0x1000; offset 0x2000'
    assert submissions.offsets(text) == '0x1000 and 0x2000 in 3 boots'
