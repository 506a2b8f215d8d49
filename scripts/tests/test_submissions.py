# SPDX-License-Identifier: GPL-2.0
"""make series: how the series is split, and no cover letter without evidence."""

from submit import submissions


def test_three_submissions_the_build_fix_alone_first():
    parts = submissions.submissions()
    assert [name for name, _, _ in parts] == ['bindgen', 'fixes', 'rfc']
    assert len(parts[0][2]) == 1


def test_missing_evidence_is_named_not_written():
    missing = submissions.Missing()
    text = submissions.fixes_matrix({}, missing) + submissions.rfc_matrix({}, missing)
    assert 'NOT RUN' not in text and 'not run' not in text
    assert 'mainline-ppc32-user-regs-before' in missing
    assert 'ppc64le-rust' in missing and 'mainline-ppc64le-rust' in missing
