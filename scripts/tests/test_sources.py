# SPDX-License-Identifier: GPL-2.0
"""The series' sources and the patches generated from them (series.py)."""

import shutil

import pytest

from harness import PATCHES, REPO, series
from harness.series import disagreements, key, manifest, names, new_file, split


def test_the_sources_are_what_the_committed_patches_hold():
    assert disagreements() == []


def test_every_new_file_of_the_series_has_a_source():
    created = set()
    for name in names(PATCHES / 'series'):
        _, files = split(name, (PATCHES / name).read_text())
        created |= set(files)
    rows = manifest()
    in_series = {key(n) for n in names(PATCHES / 'series')}
    assert created == {path for _, path, k in rows if k in in_series}
    assert all((REPO / src).is_file() for src, _, _ in rows)
    assert any(src.endswith('.rs') and src.startswith('rust/') for src, _, _ in rows)


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """The patches, edits and sources, copied where a test may change them."""
    shutil.copytree(PATCHES, tmp_path / PATCHES.name)
    for src, _, _ in manifest():
        (tmp_path / src).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / src, tmp_path / src)
    monkeypatch.setattr(series, 'REPO', tmp_path)
    monkeypatch.setattr(series, 'PATCHES', tmp_path / PATCHES.name)
    monkeypatch.setattr(series, 'EDITS', tmp_path / PATCHES.name / 'edits')
    monkeypatch.setattr(series, 'NEW_FILES', tmp_path / PATCHES.name / 'new-files')
    return tmp_path


def test_an_edited_source_is_a_disagreement(copy):
    with open(copy / 'rust/thread_setup.rs', 'a') as f:
        f.write('// an edit\n')
    assert series.disagreements() == [
        'rust/thread_setup.rs and 0008-powerpc-Set-up-kernel-thread-frames-in-Rust.patch differ']


def test_an_edited_message_is_a_disagreement(copy):
    edits = next((copy / PATCHES.name / 'edits').glob('0003-*.patch'))
    edits.write_text(edits.read_text().replace('Subject: [PATCH]', 'Subject: [PATCH] x'))
    assert len(series.disagreements()) == 1
    assert 'edits/0003-' in series.disagreements()[0]


def test_a_new_file_without_a_source_is_refused(copy):
    rows = (copy / PATCHES.name / 'new-files').read_text().splitlines()
    (copy / PATCHES.name / 'new-files').write_text(
        '\n'.join(r for r in rows if not r.startswith('rust/thread_setup.rs')) + '\n')
    with pytest.raises(ValueError, match='thread_setup.rs, which .*new-files does not name'):
        series.disagreements()


def test_a_manifest_row_for_a_file_no_patch_creates_is_refused(copy):
    with open(copy / PATCHES.name / 'new-files', 'a') as f:
        f.write('rust/x.rs\tarch/powerpc/kernel/x.rs\t'
                'powerpc-Set-up-kernel-thread-frames-in-Rust.patch\n')
    with pytest.raises(ValueError, match='creates arch/powerpc/kernel/x.rs, but it does not'):
        series.disagreements()


def section(*body):
    return ('diff --git a/f b/f\nnew file mode 100644\nindex 0000000..1111111\n'
            '--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n' + ''.join(b + '\n' for b in body))


def test_new_file_content():
    assert new_file(section('+a', '+b')) == 'a\nb\n'
    assert new_file(section('+a', '+b', '\\ No newline at end of file')) == 'a\nb'
    assert new_file(section('++x')) == '+x\n'
    assert new_file('diff --git a/f b/f\nnew file mode 100644\nindex 0000000..e69de29\n') == ''
    assert new_file('diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n') is None


def test_a_prerequisite_source_must_match_every_base(copy):
    """rust/kernel/kthread.rs is in a prerequisite of both bases: a change to
    it that is not carried to both patches is drift."""
    src = copy / 'rust/kernel/kthread.rs'
    assert series.disagreements() == []
    src.write_text(src.read_text() + '// changed\n')
    found = series.disagreements()
    assert len(found) == 2 and all('rust/kernel/kthread.rs' in f for f in found)
