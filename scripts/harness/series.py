#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The series' sources and the patches generated from them (README.md,
"Editing the series"). Each whole new file the series creates is a source
file in this repository (rust/, kunit/, Kconfig, Documentation/), listed in
arch-powerpc-patches/new-files; the commit messages and the edits to
existing kernel files are arch-powerpc-patches/edits/*.patch. The patches in
arch-powerpc-patches/ are generated from both, byte for byte what git
format-patch writes, and committed.

  series.py paths VERSION [--without-leak-fixes]   the patches a base gets, in order
  series.py version TREE    the kernel version of TREE ("make kernelversion")
  series.py state TREE      "current" if TREE's stamp matches its base, the sources
                            and HEAD, else "stale"; fails on commits not exported
  series.py mark TREE       record that TREE's HEAD is the patches applied to its base
  series.py generate TREE [--if-changed]   write the patches from the sources, in a
                            worktree of TREE's base (make generate; make tree
                            runs it when they disagree)
  series.py export TREE     write the sources and the patches from the commits of
                            TREE (make export)
  series.py check TREE      the drift check (make test's stage drift)
"""

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import PATCHES, REPO, cli
from harness.bases import prereqs_for

STAMP = 'ppc-threads.stamp'
NEW_FILES = PATCHES / 'new-files'
EDITS = PATCHES / 'edits'
FORMAT = ['format-patch', '-q', '--no-numbered', '--zero-commit', '--no-signature',
          '--full-index', '--no-renames']


def names(path):
    """The non-comment lines of a list file (series, submissions, leak-fixes)."""
    lines = (line.strip() for line in Path(path).read_text().splitlines())
    return [line for line in lines if line and not line.startswith('#')]


def key(name):
    """A patch's file name without its number, which changes as patches move."""
    return name.split('-', 1)[1] if name[:4].isdigit() else name


def patch_paths(pre, without=()):
    """The prerequisites in pre/ (if any), then the series, leaving out keys in without."""
    dirs = ([PATCHES / pre] if pre else []) + [PATCHES]
    return [d / n for d in dirs for n in names(d / 'series') if key(n) not in without]


def sources():
    """Every file the series is generated from, for the stamp's hash."""
    files = [NEW_FILES] + sorted(EDITS.glob('*.patch'))
    return files + [REPO / row[0] for row in manifest() if (REPO / row[0]).exists()]


def series_hash(pre):
    """Of the patches a base gets and the sources: an edit to a source makes
    the tree stale, and export refuses to write over it."""
    files = patch_paths(pre) + sources()
    return hashlib.sha256(b''.join(p.read_bytes() for p in files)).hexdigest()


def manifest():
    """[(source, kernel path, patch key)]: new-files, the whole new files."""
    rows = []
    for line in names(NEW_FILES):
        parts = line.split('\t')
        if len(parts) != 3:
            raise ValueError(f'{NEW_FILES}: want "source<TAB>kernel path<TAB>patch": {line!r}')
        rows.append((parts[0], parts[1], key(parts[2])))
    return rows


# A patch as git format-patch writes it: the header and message up to
# "---", the diffstat, then one section per file.
DIFF = re.compile(r'^diff --git a/(\S+) b/\S+\n', re.M)


def sections(text):
    """(message, diffstat, [(path, section)]) of a format-patch file."""
    end = text.index('\n---\n') + 5
    starts = [m.start() for m in DIFF.finditer(text, end)]
    if not starts:
        return text[:end], text[end:], []
    parts = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    return text[:end], text[end:starts[0]], [(DIFF.match(p).group(1), p) for p in parts]


def new_file(section):
    """The content a new-file section creates, or None if it edits a file."""
    lines = section.split('\n')
    if not lines[1].startswith('new file mode'):
        return None
    body, out = (lines[6:] if lines[3:4] == ['--- /dev/null'] else []), []
    for line in body:
        if line.startswith('+'):
            out.append(line[1:] + '\n')
        elif line.startswith('\\') and out:
            out[-1] = out[-1][:-1]  # "\ No newline at end of file"
    return ''.join(out)


def split(name, text):
    """(the edits file, {kernel path: content}) of a generated patch: its new
    files and its diffstat taken out (new-files says which files it creates)."""
    message, _, parts = sections(text)
    wanted = {path for _, path, k in manifest() if k == key(name)}
    files, kept = {}, []
    for path, section in parts:
        content = new_file(section)
        if content is None:
            kept.append(section)
        elif path not in wanted:
            raise ValueError(f'{name} creates {path}, which arch-powerpc-patches/new-files '
                             'does not name: add a row giving its source in this repository')
        else:
            files[path] = content
    if missing := sorted(wanted - set(files)):
        raise ValueError(f'new-files says {name} creates {", ".join(missing)}, but it does '
                         'not: fix new-files')
    return message + ''.join(kept), files


def disagreements():
    """Where the committed patches and their sources differ (quick: text only)."""
    found, by_path = [], {path: REPO / src for src, path, _ in manifest()}
    for name in names(PATCHES / 'series'):
        patch, edits = PATCHES / name, EDITS / name
        if not patch.exists():
            found.append(f'{name} is in the series but missing')
            continue
        ours, files = split(name, patch.read_text())
        if not edits.exists() or edits.read_text() != ours:
            found.append(f'{edits.relative_to(REPO)} and {name} differ')
        for path, content in files.items():
            src = by_path[path]
            if not src.exists() or src.read_text() != content:
                found.append(f'{src.relative_to(REPO)} and {name} differ')
    found += prerequisite_disagreements(by_path)
    names_known = set(names(PATCHES / 'series'))
    found += [f'{p.relative_to(REPO)} is no patch of the series' for p in EDITS.glob('*.patch')
              if p.name not in names_known]
    return found


def prerequisite_disagreements(by_path):
    """New files of a prerequisite (kernel::kthread) have a source too: each
    base's copy of that prerequisite must create it as the source has it.
    The prerequisites are made by hand, so a change to the source is
    carried to them by hand: in each base's tree, then format-patch."""
    found, wanted = [], {}
    for _, path, k in manifest():
        wanted.setdefault(k, []).append(path)
    for series in sorted(PATCHES.glob('*/series')):
        for name in names(series):
            if key(name) not in wanted:
                continue
            parts = dict(sections((series.parent / name).read_text())[2])
            for path in wanted[key(name)]:
                src = by_path[path]
                if path not in parts or new_file(parts[path]) != (
                        src.read_text() if src.exists() else None):
                    found.append(f'{src.relative_to(REPO)} and '
                                 f'{series.parent.name}/{name} differ')
    return found


def git(tree, *args):
    proc = subprocess.run(['git', '-C', str(tree), *args], text=True, capture_output=True)
    if proc.returncode:
        raise ValueError(f'git {" ".join(args)}: {proc.stderr.strip() or proc.stdout.strip()}')
    return proc.stdout.strip()


def kernel_version(tree):
    """What "make kernelversion" says in tree (for powerpc, so that a tree
    with only scripts/ and arch/powerpc/ will do): the one reader of a tree's
    version, lib.sh's kernel_version included."""
    return subprocess.run(['make', '-s', '-C', str(tree), 'ARCH=powerpc', 'kernelversion'],
                          text=True, capture_output=True).stdout.strip()


def prereqs(tree):
    return prereqs_for(kernel_version(tree))


def stamp_of(tree):
    f = Path(tree) / '.git' / STAMP
    return f.read_text().split() if f.exists() else []


def current_stamp(tree):
    """What the stamp says when HEAD is the patches applied to base."""
    return [git(tree, 'rev-parse', 'base'), series_hash(prereqs(tree)),
            git(tree, 'rev-parse', 'HEAD')]


def state(tree):
    stamp, head = stamp_of(tree), git(tree, 'rev-parse', 'HEAD')
    if stamp and stamp[-1] != head:
        raise ValueError(f'{tree} has commits that are not exported ({head[:12]}, not '
                         f'{stamp[-1][:12]}): run "make export", or '
                         f'"git -C {tree} reset --hard {stamp[-1][:12]}" to drop them')
    return 'current' if stamp == current_stamp(tree) else 'stale'


def mark(tree):
    (Path(tree) / '.git' / STAMP).write_text(' '.join(current_stamp(tree)) + '\n')


def format_patches(tree, pre, out, split='series-base'):
    """format-patch base..HEAD of tree into out, the commits up to split (a new
    commit under the tag series-base is a new prerequisite) into out/pre."""
    commits = git(tree, 'rev-list', '--reverse', 'base..HEAD').split()
    series_base = git(tree, 'rev-parse', f'{split}^{{commit}}')
    n_pre = commits.index(series_base) + 1 if series_base in commits else 0
    if series_base != git(tree, 'rev-parse', 'base') and not n_pre:
        raise ValueError(f'{tree}: series-base is not between base and HEAD')
    if bool(n_pre) != bool(pre):
        raise ValueError(f'{tree}: {n_pre} prerequisites below series-base, but this base '
                         f'{"has" if pre else "has no"} prerequisites directory')
    if len(commits) == n_pre:
        raise ValueError(f'{tree} has no commits above series-base')
    if pre:
        git(tree, *FORMAT, '-o', str(out / pre), f'base..{series_base}')
    git(tree, *FORMAT, '-o', str(out), f'{series_base}..HEAD')


def differences(out, pre):
    """The patch files that differ between arch-powerpc-patches/ and out."""
    found = []
    for sub in ['', pre] if pre else ['']:
        ours = {p.name: p.read_bytes() for p in (PATCHES / sub).glob('*.patch')}
        theirs = {p.name: p.read_bytes() for p in (out / sub).glob('*.patch')}
        found += [f'{sub}/{n}'.lstrip('/') for n in sorted(set(ours) | set(theirs))
                  if ours.get(n) != theirs.get(n)]
    return found


def misnamed():
    keys = {key(n) for n in names(PATCHES / 'series')}
    return [f'arch-powerpc-patches/{f} names {line.split(chr(9))[-1]}, which is not in '
            'the series' for f in ('submissions', 'leak-fixes') for line in names(PATCHES / f)
            if line.split('\t')[-1] not in keys]


def essence(patch):
    """A patch's message and the lines it adds and removes: nothing base-dependent."""
    text = Path(patch).read_text()
    message = text[text.index('\nSubject: '):text.index('\n---\n')]
    changes = [line for line in text.splitlines()
               if line[:1] in '+-' and not line.startswith(('+++ ', '--- '))]
    return message, changes


def diverged(patches=PATCHES):
    """Prerequisites that several bases carry (one fix, backported) but that
    differ in message or change: each must be edited in every base."""
    copies = {}
    for series in sorted(patches.glob('*/series')):
        for name in names(series):
            copies.setdefault(key(name), []).append(series.parent / name)
    return [f'{" and ".join(str(p.relative_to(patches)) for p in paths)} are one '
            'prerequisite, but differ: make them say and change the same'
            for paths in copies.values()
            if len(paths) > 1 and len({repr(essence(p)) for p in paths}) > 1]


def stray(tree):
    """The error for files in the tree that no commit has, or ''. Debian's
    top-level .gitignore ignores everything, so "git add -A" skips new files."""
    out = git(tree, 'status', '--porcelain', '--ignored', '--untracked-files=all')
    files = [line[3:] for line in out.splitlines() if line[:2] in ('??', '!!')]
    if not files:
        return ''
    return (f'{tree} has files that no commit has: {", ".join(files[:3])}'
            f'{" ..." if len(files) > 3 else ""} (Debian\'s .gitignore hides new files: '
            '"git add -f" them and commit, or remove them)')


def apply_base(tree, scratch, pre):
    """A worktree of tree's base at scratch, the prerequisites applied."""
    git(tree, 'worktree', 'add', '-q', '--detach', str(scratch), 'base')
    for patch in patch_paths(pre)[:len(names(PATCHES / pre / 'series')) if pre else 0]:
        git(scratch, 'am', '-q', '--keep-cr', str(patch))


def generated(tree, pre, tmp):
    """Generate the series from the sources in a worktree of tree's base:
    each edits file applied, its new files copied in from their sources,
    and the result format-patched into tmp/out."""
    scratch = Path(tmp) / 'tree'
    apply_base(tree, scratch, pre)
    try:
        series = names(PATCHES / 'series')
        for name in series:
            if not (EDITS / name).exists():
                raise ValueError(f'{EDITS.relative_to(REPO)}/{name} is missing: the series '
                                 'names it')
            git(scratch, 'am', '-q', '--keep-cr', '--empty=keep', str(EDITS / name))
            rows = [r for r in manifest() if r[2] == key(name)]
            for src, path, _ in rows:
                if not (REPO / src).exists():
                    raise ValueError(f'{src} is missing: new-files names it')
                (scratch / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(REPO / src, scratch / path)
                git(scratch, 'add', '-f', path)
            if rows:
                git(scratch, 'commit', '-q', '--amend', '--no-edit', '--no-verify')
        format_patches(scratch, pre, Path(tmp) / 'out', f'HEAD~{len(series)}')
    finally:
        subprocess.run(['git', '-C', str(tree), 'worktree', 'remove', '--force', str(scratch)])
    return Path(tmp) / 'out'


def written_record():
    """Where generate and export note what they wrote: the repository's .git."""
    git_dir = subprocess.run(['git', '-C', str(REPO), 'rev-parse', '--absolute-git-dir'],
                             capture_output=True, text=True).stdout.strip()
    return Path(git_dir) / 'ppc-threads.generated' if git_dir else None


def note_written():
    """Record the hash of every generated patch as written now."""
    if record := written_record():
        record.write_text(''.join(f'{hashlib.sha256(p.read_bytes()).hexdigest()} {p.name}\n'
                                  for p in sorted(PATCHES.glob('*.patch'))))


def hand_edited(name):
    """Whether a generated patch was changed since generate or export wrote
    it (or, without their record, since the last commit)."""
    record = written_record()
    if record and record.exists():
        known = dict(reversed(line.split(' ', 1)) for line in record.read_text().splitlines())
        return known.get(name) != hashlib.sha256((PATCHES / name).read_bytes()).hexdigest()
    proc = subprocess.run(['git', '-C', str(REPO), 'diff', '--quiet', 'HEAD', '--',
                           str(PATCHES / name)], capture_output=True)
    return proc.returncode == 1


def generate(tree, if_changed=False):
    """Write the patches from the sources; never over a hand edit."""
    if if_changed and not disagreements():
        return 0
    pre = prereqs(tree)
    with tempfile.TemporaryDirectory() as tmp:
        out = generated(tree, pre, tmp)
        changed = [n for n in differences(out, pre) if '/' not in n]
        if lost := [n for n in changed if hand_edited(n)]:
            raise ValueError(f'{", ".join(lost)} changed by hand, but generating writes it from '
                             'edits/ and the sources: move the change there, or "git checkout" '
                             'the patch (nothing was written)')
        for n in changed:
            shutil.copyfile(out / n, PATCHES / n)
    note_written()
    for n in changed:
        print(f'generate: wrote arch-powerpc-patches/{n} from its sources')
    return 0


def check(tree):
    """The drift check (README.md, "What make test runs"); problems go to stderr."""
    problems, pre = misnamed() + diverged(), prereqs(tree)
    try:
        problems += [f'{d} (run make generate)' for d in disagreements()]
        with tempfile.TemporaryDirectory() as tmp:
            out = generated(tree, pre, tmp)
            problems += [f'{n} is not what make generate writes from the sources'
                         for n in differences(out, pre)]
    except ValueError as e:
        problems.append(str(e))
    try:
        state(tree)
    except ValueError as e:
        problems.append(str(e))
    if message := stray(tree):
        problems.append(message)
    for p in problems:
        print(f'error: {p}', file=sys.stderr)
    if not problems:
        print(f'drift: the {len(names(PATCHES / "series"))} patches are what their sources '
              f'generate, and {tree} has nothing unexported')
    return 1 if problems else 0


def export(tree):
    """Write the sources and the patches from tree's commits, never over
    anything unseen."""
    if git(tree, 'status', '--porcelain', '--untracked-files=no'):
        raise ValueError(f'{tree} has uncommitted changes: commit them first (nothing was written)')
    if message := stray(tree):
        raise ValueError(message + ' (nothing was written)')
    pre, stamp = prereqs(tree), stamp_of(tree)
    if stamp and stamp[1] != series_hash(pre):
        raise ValueError(f'arch-powerpc-patches/ or the sources changed since {tree} was made '
                         'from them: exporting would overwrite those changes. Bring the two '
                         'together by hand (nothing was written)')
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        format_patches(tree, pre, out)
        new = sorted(p.name for p in out.glob('*.patch'))
        # Split every patch before writing anything: a new file that
        # new-files does not name stops the export here.
        by_path = {path: src for src, path, _ in manifest()}
        parts = {n: split(n, (out / n).read_text()) for n in new}
        changed = differences(out, pre)
        for sub in ['', pre] if pre else ['']:
            for old in (PATCHES / sub).glob('*.patch'):
                old.unlink()
            subnew = sorted(p.name for p in (out / sub).glob('*.patch'))
            for n in subnew:
                shutil.copyfile(out / sub / n, PATCHES / sub / n)
            (PATCHES / sub / 'series').write_text(''.join(n + '\n' for n in subnew))
        for old in EDITS.glob('*.patch'):
            old.unlink()
        written = []
        for n, (edits, files) in parts.items():
            (EDITS / n).write_text(edits)
            for path, content in files.items():
                src = REPO / by_path[path]
                if not src.exists() or src.read_text() != content:
                    written.append(by_path[path])
                src.parent.mkdir(parents=True, exist_ok=True)
                src.write_text(content)
    note_written()
    mark(tree)  # the tree is what the patches make: prepare.sh must not re-apply
    for line in ([f'export: wrote {n}' for n in changed] + [f'export: wrote {w}' for w in written]
                 + [f'warning: {p}' for p in misnamed()]):
        print(line)
    print(f'export: {len(changed)} patches and {len(written)} sources changed; review with '
          'git diff')
    return 0


def main(argv):
    if len(argv) in (3, 4) and argv[1] == 'paths':
        without = names(PATCHES / 'leak-fixes') if argv[3:] == ['--without-leak-fixes'] else ()
        if len(argv) == 4 and not without:
            raise ValueError(f'unknown option {argv[3]}')
        print('\n'.join(map(str, patch_paths(prereqs_for(argv[2]), without))))
    elif len(argv) == 3 and argv[1] == 'version':
        print(kernel_version(argv[2]))
    elif len(argv) == 3 and argv[1] == 'state':
        print(state(argv[2]))
    elif len(argv) == 3 and argv[1] == 'mark':
        mark(argv[2])
    elif len(argv) == 3 and argv[1] in ('export', 'check'):
        return export(argv[2]) if argv[1] == 'export' else check(argv[2])
    elif len(argv) in (3, 4) and argv[1] == 'generate' and argv[3:] in ([], ['--if-changed']):
        return generate(argv[2], if_changed=len(argv) == 4)
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    cli(main)
