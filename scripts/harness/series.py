#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The patches in arch-powerpc-patches/ are the only source of the series
(README.md, "One source of truth" and "Editing the series").

  series.py paths VERSION [--without-leak-fixes]   the patches a base gets, in order
  series.py version TREE the kernel version of TREE ("make kernelversion")
  series.py state TREE   "current" if TREE's stamp matches its base, the patches and
                         HEAD, else "stale"; fails on commits that were not exported
  series.py mark TREE    record that TREE's HEAD is the patches applied to its base
  series.py export       write the patches from the commits of $TREE (make export)
  series.py check        the drift check (make test's stage drift)
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import PATCHES, TREE, cli
from harness.bases import prereqs_for

STAMP = 'ppc-threads.stamp'
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


def series_hash(pre):
    return hashlib.sha256(b''.join(p.read_bytes() for p in patch_paths(pre))).hexdigest()


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


def check(tree):
    """The drift check (README.md, "What make test runs"); problems go to stderr."""
    problems, pre = misnamed() + diverged(), prereqs(tree)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / 'tree'
        git(tree, 'worktree', 'add', '-q', '--detach', str(scratch), 'base')
        try:
            for patch in patch_paths(pre):
                git(scratch, 'am', '-q', '--keep-cr', str(patch))
            split = f'HEAD~{len(names(PATCHES / "series"))}'  # where series-base would be
            format_patches(scratch, pre, Path(tmp) / 'out', split)
        finally:
            subprocess.run(['git', '-C', str(tree), 'worktree', 'remove', '--force', str(scratch)])
        problems += [f'{n} is not what make export writes (edit the tree and export, '
                     'rather than the patch)' for n in differences(Path(tmp) / 'out', pre)]
    try:
        state(tree)
    except ValueError as e:
        problems.append(str(e))
    if message := stray(tree):
        problems.append(message)
    for p in problems:
        print(f'error: {p}', file=sys.stderr)
    if not problems:
        print(f'drift: the {len(names(PATCHES / "series"))} patches are as export writes '
              f'them, and {tree} has nothing unexported')
    return 1 if problems else 0


def export(tree):
    """Write the patches from tree's commits, never over anything unseen."""
    if git(tree, 'status', '--porcelain', '--untracked-files=no'):
        raise ValueError(f'{tree} has uncommitted changes: commit them first (nothing was written)')
    if message := stray(tree):
        raise ValueError(message + ' (nothing was written)')
    pre, stamp = prereqs(tree), stamp_of(tree)
    if stamp and stamp[1] != series_hash(pre):
        raise ValueError(f'arch-powerpc-patches/ changed since {tree} was made from it: '
                         'exporting would overwrite those changes. Bring the two together '
                         'by hand (nothing was written)')
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        format_patches(tree, pre, out)
        changed = differences(out, pre)
        for sub in ['', pre] if pre else ['']:
            for old in (PATCHES / sub).glob('*.patch'):
                old.unlink()
            new = sorted(p.name for p in (out / sub).glob('*.patch'))
            for n in new:
                shutil.copyfile(out / sub / n, PATCHES / sub / n)
            (PATCHES / sub / 'series').write_text(''.join(n + '\n' for n in new))
    mark(tree)  # the tree is what the patches make: prepare.sh must not re-apply
    for line in [f'export: wrote {n}' for n in changed] + [f'warning: {p}' for p in misnamed()]:
        print(line)
    print(f'export: {len(changed)} patches changed; review with git diff {PATCHES.name}/')
    return 0


def main(argv):
    tree = TREE
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
    elif argv[1:] in (['export'], ['check']):
        return export(tree) if argv[1] == 'export' else check(tree)
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    cli(main)
