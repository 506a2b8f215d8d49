# SPDX-License-Identifier: GPL-2.0
"""make series: how the series is split, no cover letter without evidence, and
b4 prep branches that keep their change-id and revision."""

import json
import os
import subprocess

import pytest

from harness.results import Row
from submit import prep, submissions


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


def _upstream(where, config, ratios, failures=(), skipped=()):
    where.mkdir(parents=True, exist_ok=True)
    mean = {b: {'prereqs': 100.0, 'series': 100.0 * r} for b, r in ratios.items()}
    (where / f'upstream-{config}.json').write_text(json.dumps(
        {'config': config, 'mean': mean, 'ratios': ratios, 'failures': list(failures),
         'skipped': list(skipped), 'repeatable': True}))


def test_the_cost_table_has_a_row_per_configuration_measured(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, 'BUILD', tmp_path)
    assert submissions.upstream_costs() is None
    _upstream(tmp_path / 'mainline/upstream/results', 'ppc32-e500',
              {'fork+exec': 1.001},
              skipped=['null_syscall fails without the series too: SIGILL'])
    # Without the bench-upstream configuration's figures: none quoted.
    assert submissions.upstream_costs() is None
    _upstream(tmp_path / 'upstream/results', 'ppc32', {'null_syscall': 1.0726, 'fork+exec': 1.0})
    text = submissions.upstream_costs()
    rows = text.splitlines()[2:]
    assert rows[0].split() == ['ppc32,', '6.12.y', '100.00', '->', '107.26', '1.0726', '1.0000']
    assert rows[1].split() == ['ppc32-e500,', 'mainline', 'not', 'run', '-', '1.0010']
    assert ' '.join(r.strip() for r in rows[2:]) == (
        'ppc32-e500, mainline: null_syscall fails without the series too: SIGILL')
    assert all(len(r) <= 72 for r in text.splitlines())
    # A pair with the Rust helpers differs from its base in more than the series.
    _upstream(tmp_path / 'mainline/upstream/results', 'ppc32-e500-rust', {'null_syscall': 2.0})
    assert submissions.upstream_costs() == text
    _upstream(tmp_path / 'upstream/results', 'ppc32-44x', {'null_syscall': 1.1},
              failures=['fork fails on the patched kernel only: killed'])
    with pytest.raises(ValueError, match='ppc32-44x.json: fork fails'):
        submissions.upstream_costs()


def test_offsets_are_named_once_with_the_boots():
    text = 'offset 0x1000; offset 0x1000; offset 0x2000'
    assert submissions.offsets(text) == '0x1000 and 0x2000 in 3 boots'


def test_revision_follows_the_changelog_and_refuses_a_later_branch():
    changelog = 'title\n\nChanges since v1:\n- one\n'
    assert submissions.revision('x', 'title\n\nbody\n', 1) == 1
    assert submissions.revision('x', changelog, 1) == 2
    assert submissions.revision('x', changelog, 2) == 2
    assert submissions.revision('x', changelog, 3, forced=2) == 2
    with pytest.raises(SystemExit, match='Changes since v2:.*REVISION=x=2'):
        submissions.revision('x', changelog, 3)


def test_forced_revisions(monkeypatch):
    monkeypatch.setenv('REVISION', 'fixes=3, rfc=v2')
    assert submissions.forced_revisions() == {'fixes': 3, 'rfc': 2}
    monkeypatch.setenv('REVISION', 'fixes')
    with pytest.raises(SystemExit, match='want NAME=N'):
        submissions.forced_revisions()


def test_unfilled_markers_are_found(tmp_path):
    mail = tmp_path / 'm.eml'
    mail.write_text('From: A <a@example.org>\n\nEDITME: cover title\nBased on {mainline_base}.\n'
                    f'Signed-off-by: {submissions.PLACEHOLDER}\n')
    found = ' '.join(submissions.unfilled(mail, ['mainline_base', 'matrix'], 'A <a@example.org>'))
    assert 'EDITME' in found and '{mainline_base}' in found and '{matrix}' not in found
    assert submissions.PLACEHOLDER in found
    assert submissions.PLACEHOLDER not in ' '.join(submissions.unfilled(mail))


def test_a_cover_letter_has_no_sender_marker(monkeypatch):
    monkeypatch.delenv('SENDER', raising=False)
    text = submissions.cover_text('title\n\nBased on {x}.\n', {'x': 'v7.0'})
    assert text == 'title\n\nBased on v7.0.\n'


def test_a_maintainers_section(tmp_path):
    (tmp_path / 'MAINTAINERS').write_text(
        'OTHER\nM:\tO <o@example.org>\n\nTHE UNIT (U)\nM:\tA B <ab@example.org>\n'
        'R:\tC <c@example.org>\nL:\tu@lists.example.org (moderated for non-subscribers)\n'
        'S:\tMaintained\nF:\tlib/u/\n\nNEXT\nL:\tn@example.org\n')
    assert prep.maintainers_section(tmp_path, 'THE UNIT (U)') == [
        'A B <ab@example.org>', 'C <c@example.org>', 'u@lists.example.org']
    with pytest.raises(prep.Error, match='no section "NONE"'):
        prep.maintainers_section(tmp_path, 'NONE')


# b4 itself, on a scratch tree shaped like the mainline one: "base", two
# prerequisites, then three submissions, the last depending on the second.
B4 = submissions.B4_VENV / 'bin' / 'b4'
needs_b4 = pytest.mark.skipif(
    not B4.exists() or not os.access(submissions.SEND_EMAIL, os.X_OK),
    reason=f'no {B4} (make series installs it) or no git send-email')
PARTS = [('one', 'PATCH', ['p1']), ('two', 'PATCH', ['p2', 'p3']),
         ('three', 'PATCH RFC', ['p4', 'p5'])]
TEMPLATES = {'one': 'sub: one\n\nOne, on {base}.\n',
             'two': 'sub: two\n\nTwo.\n\nChanges since v1:\n- More.\n',
             'three': 'sub: three\n\nThree, on top of two.\n'}
SENDER = 'Jane Dev <jane@example.org>'


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME='PPC Kernel Threads',
               GIT_AUTHOR_EMAIL='ppc-kthreads@lists.example.org',
               GIT_COMMITTER_NAME='PPC Kernel Threads',
               GIT_COMMITTER_EMAIL='ppc-kthreads@lists.example.org')
    return subprocess.run(['git', *args], cwd=cwd, env=env, text=True, check=True,
                          capture_output=True).stdout


@pytest.fixture(scope='module')
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp('series')
    tree = root / 'linux'
    (tree / 'scripts').mkdir(parents=True)
    git(tree, 'init', '-q', '-b', 'ppc-threads')
    tool = {'get_maintainer.pl': 'case "$*" in *--nol*) echo "Maint Ainer <m@example.org>";;'
                                 ' *) echo "sub@lists.example.org";; esac',
            'checkpatch.pl': 'exit 0'}
    for name, body in tool.items():
        (tree / 'scripts' / name).write_text(f'#!/bin/sh\n{body}\n')
        (tree / 'scripts' / name).chmod(0o755)
    (tree / 'MAINTAINERS').write_text('THE UNIT (U)\nM:\tU Nit <u@example.org>\n'
                                      'L:\tunit@lists.example.org\n')
    git(tree, 'add', '-A')
    git(tree, 'commit', '-q', '-m', 'Linux')
    git(tree, 'tag', 'base')
    for n in ['pre1', 'pre2'] + [p for _, _, ps in PARTS for p in ps]:
        (tree / n).write_text(f'{n}\n')
        git(tree, 'add', n)
        git(tree, 'commit', '-q', '-m', f'sub: Add {n}', '-m', f'{n} is new.',
            '-m', f'Signed-off-by: {submissions.PLACEHOLDER}')
    return root


@pytest.fixture
def series(scratch, monkeypatch):
    """write_all() on the scratch tree; returns the tracking data it kept."""
    for name, value in (('MAINLINE_TREE', scratch / 'linux'), ('WORK', scratch / 'work'),
                        ('OUT', scratch / 'series'), ('SAVED', scratch / 'saved'),
                        ('DEPENDS', {'three': 'two'}), ('SERIES_CC', {'three': ['THE UNIT (U)']})):
        monkeypatch.setattr(submissions, name, value)
    monkeypatch.delenv('SENDER', raising=False)
    commits = git(scratch / 'linux', 'rev-list', '--reverse', 'base..ppc-threads').split()[2:]
    covers = {n: (t, submissions.cover_text(t, {'base': 'v7.0'})) for n, t in TEMPLATES.items()}

    def write(forced=None):
        submissions.write_all(PARTS, commits, covers, 'v7.0', forced)
        return kept(scratch)
    return write


def kept(scratch):
    """{submission: (change-id, revision)} as the last run kept them, if any."""
    if not (scratch / 'saved').is_dir():
        return {}
    series = {n: json.loads((scratch / 'saved' / f'{n}.json').read_text())['series']
              for n in TEMPLATES}
    return {n: (s['change-id'], s['revision']) for n, s in series.items()}


def mails(scratch, name):
    return [m.read_text() for m in sorted((scratch / 'series' / name).glob('*.eml'))]


@needs_b4
def test_a_rerun_keeps_the_change_ids_and_revisions(scratch, series, capsys):
    first = series()
    again = series()
    assert first == again
    assert [again[n][1] for n in ('one', 'two', 'three')] == [1, 2, 1]
    out = capsys.readouterr().out
    assert out.count('(new)') == 3 and 'b4 prep --check: 2 clean, 0 warnings, 0 errors' in out
    cover = mails(scratch, 'three')[0]
    assert 'Subject: [PATCH RFC 0/2] sub: three' in cover
    assert f'prerequisite-change-id: {again["two"][0]}:v2' in cover
    assert cover.count('prerequisite-patch-id: ') == 2
    assert 'U Nit <u@example.org>' in cover and 'unit@lists.example.org' in cover
    assert 'Subject: [PATCH v2 0/2] sub: two' in mails(scratch, 'two')[0]
    assert 'One, on v7.0.' in mails(scratch, 'one')[0]
    assert 'THESE CANNOT BE SENT' in (scratch / 'series' / 'README').read_text()


@needs_b4
def test_the_sender_through_git(scratch, series, monkeypatch):
    before = kept(scratch) or series()
    monkeypatch.setenv('SENDER', SENDER)
    after = series()
    assert before == after
    text = ''.join(m for n in TEMPLATES for m in mails(scratch, n))
    assert 'ppc-kthreads' not in text
    assert text.count(f'From: {SENDER}') == 7 and text.count(f'Signed-off-by: {SENDER}') == 5
    log = git(scratch / 'linux', 'log', '--format=%an <%ae>', 'submit-prerequisites..submit-three')
    assert log.split('\n')[:-1] == [SENDER] * 5
    assert 'CANNOT' not in (scratch / 'series' / 'README').read_text()


@needs_b4
def test_a_new_tree_keeps_the_change_ids(scratch, series):
    before = kept(scratch) or series()
    tree = scratch / 'linux'
    git(scratch / 'work', 'checkout', '-q', '--detach')
    git(tree, 'branch', '-D', 'submit-one', 'submit-two', 'submit-three')
    assert series() == before


@needs_b4
def test_a_branch_past_its_changelog_is_refused(scratch, series):
    before = kept(scratch) or series()
    written = sorted(p.name for p in (scratch / 'series').iterdir())
    git(scratch / 'work', 'checkout', '-q', 'submit-two')
    subprocess.run([str(B4), 'prep', '--force-revision', '3'], cwd=scratch / 'work',
                   check=True, capture_output=True)
    with pytest.raises(SystemExit, match='two: its b4 branch is at v3'):
        series()
    assert sorted(p.name for p in (scratch / 'series').iterdir()) == written
    assert series({'two': 2}) == before
