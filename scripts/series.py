#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep arch-powerpc-patches/ in step with the sources this repo keeps.

Files that the series adds to the kernel tree and that this repo also keeps
as real files (the Rust unit, the tests, the Kconfig, the documentation) are
listed in arch-powerpc-patches/sources. The repo file is the source of truth;
the patch is generated from it:

  series.py regen    rewrite the patches: apply each to the base, replace
                     the listed files with the repo's copies, format-patch
  series.py check    the same into a scratch dir; fail on any difference
  series.py export   write the patches from the tree's commits (base..HEAD),
                     for hunks edited in the tree; then run regen

A 6.12.y base takes the prerequisites in arch-powerpc-patches/6.12.y/
first (see bases.py); they are regenerated and checked the same way.

Patches are made with fixed options and a fixed committer, so the output
only depends on the base and the inputs.
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / 'scripts'))
from bases import prereqs_for  # noqa: E402
PATCHES = REPO / 'arch-powerpc-patches'
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
WORK = BUILD / 'regen'

IDENT = {
    'GIT_COMMITTER_NAME': 'ppc-threads harness',
    'GIT_COMMITTER_EMAIL': 'harness@localhost',
    'GIT_COMMITTER_DATE': '2025-01-01T00:00:00+0000',
}
FORMAT = ['format-patch', '-q', '--no-numbered', '--zero-commit',
          '--no-signature', '--full-index', '--no-renames']


def die(msg):
    sys.exit(f'error: {msg}')


def git(*args, cwd=WORK, check=True):
    env = dict(os.environ, **IDENT)
    proc = subprocess.run(['git', *args], cwd=cwd, env=env, text=True,
                          capture_output=True)
    if check and proc.returncode:
        die(f'git {" ".join(args)}: {proc.stderr.strip() or proc.stdout.strip()}')
    return proc


def series(subdir=''):
    names = [l.strip() for l in (PATCHES / subdir / 'series').read_text().splitlines()]
    return [n for n in names if n and not n.startswith('#')]


def base_prereqs(tree):
    """The prerequisites directory that the base of `tree` needs ('' for none)."""
    version = subprocess.run(['make', '-s', '-C', str(tree), 'kernelversion'],
                             text=True, capture_output=True).stdout.strip()
    try:
        return prereqs_for(version)
    except ValueError as e:
        die(str(e))


def patch_key(name):
    """A patch's name without its number, which changes as patches move."""
    return name.split('-', 1)[1] if name[:4].isdigit() else name


def sources():
    """{patch key: [(tree path, repo path)]} from the sources file."""
    table = {}
    for lineno, line in enumerate((PATCHES / 'sources').read_text().splitlines(), 1):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        if len(line) != 3:
            die(f'{PATCHES / "sources"}:{lineno}: want "patch tree-path repo-path"')
        patch, tree_path, repo_path = line
        if not (REPO / repo_path).is_file():
            die(f'{PATCHES / "sources"}:{lineno}: {repo_path} does not exist')
        table.setdefault(patch_key(patch), []).append((tree_path, repo_path))
    return table


def fresh_worktree():
    if not (TREE / '.git').exists():
        die(f'{TREE} is not prepared; run "make tree" first')
    if git('rev-parse', '-q', '--verify', 'base', cwd=TREE, check=False).returncode:
        die(f'{TREE} has no base tag')
    if not (WORK / '.git').exists():
        shutil.rmtree(WORK, ignore_errors=True)
        git('worktree', 'prune', cwd=TREE)
        git('worktree', 'add', '-q', '-f', '--detach', str(WORK), 'base', cwd=TREE)
    git('am', '--abort', check=False)
    git('checkout', '-q', '-f', '--detach', 'base')
    git('clean', '-q', '-ffdx')


def regen_into(outdir):
    """Write the regenerated patches to outdir; return the prerequisites dir."""
    table = sources()
    fresh_worktree()
    pre = base_prereqs(WORK)
    used = set()
    start = 'base'
    for subdir in ([pre] if pre else []) + ['']:
        for name in series(subdir):
            path = PATCHES / subdir / name
            proc = git('am', '-q', '--keep-cr', str(path), check=False)
            if proc.returncode:
                git('am', '--abort', check=False)
                die(f'{path.relative_to(REPO)} does not apply:\n{proc.stdout}{proc.stderr}')
            overlay = table.get(patch_key(name), [])
            for tree_path, repo_path in overlay:
                dest = WORK / tree_path
                if not dest.exists():
                    die(f'{name} does not add {tree_path}, but sources maps it there')
                shutil.copyfile(REPO / repo_path, dest)
                git('add', '-f', tree_path)
                used.add(patch_key(name))
            if overlay and git('diff', '--cached', '--quiet', check=False).returncode:
                git('commit', '-q', '--amend', '--no-edit', '--no-verify')
        git(*FORMAT, '-o', str(outdir / subdir), f'{start}..HEAD')
        start = git('rev-parse', 'HEAD').stdout.strip()
    for key in set(table) - used:
        die(f'sources names patch {key}, which is not in the series')
    return pre


def differs(a, b, pre):
    for sub in ['', pre] if pre else ['']:
        names_a = sorted(p.name for p in (a / sub).glob('*.patch'))
        names_b = sorted(p.name for p in (b / sub).glob('*.patch'))
        if names_a != names_b:
            return True
        if any(not filecmp.cmp(a / sub / n, b / sub / n, shallow=False)
               for n in names_a):
            return True
    return False


def cmd_check():
    with tempfile.TemporaryDirectory() as tmp:
        pre = regen_into(Path(tmp))
        if not differs(PATCHES, Path(tmp), pre):
            print('series: patches match their sources')
            return 0
        subprocess.run(['diff', '-ru', '-x', 'series', '-x', 'sources',
                        '-x', 'cover-letter-*.txt', '-x', 'submissions',
                        '-x', 'leak-fixes', str(PATCHES), tmp])
        print('error: arch-powerpc-patches/ drifted from the sources; '
              'run "make regen" and commit', file=sys.stderr)
        return 1


def write_series(outdir, pre):
    for sub in ['', pre] if pre else ['']:
        (PATCHES / sub).mkdir(exist_ok=True)
        for old in (PATCHES / sub).glob('*.patch'):
            old.unlink()
        names = sorted(p.name for p in (outdir / sub).glob('*.patch'))
        for n in names:
            shutil.copyfile(outdir / sub / n, PATCHES / sub / n)
        (PATCHES / sub / 'series').write_text(''.join(n + '\n' for n in names))


def cmd_regen():
    with tempfile.TemporaryDirectory() as tmp:
        pre = regen_into(Path(tmp))
        if differs(PATCHES, Path(tmp), pre):
            write_series(Path(tmp), pre)
            print('series: patches regenerated')
        else:
            print('series: patches already up to date')
    return 0


def cmd_export():
    if git('status', '--porcelain', '--untracked-files=no', cwd=TREE).stdout:
        die(f'{TREE} has uncommitted changes; commit them first')
    pre = base_prereqs(TREE)
    commits = git('rev-list', '--reverse', 'base..HEAD', cwd=TREE).stdout.split()
    n_pre = len(series(pre)) if pre else 0
    if len(commits) <= n_pre:
        die(f'{TREE} has {len(commits)} commits on its base, not more than '
            f'the {n_pre} prerequisites')
    series_base = commits[n_pre - 1] if n_pre else 'base'
    with tempfile.TemporaryDirectory() as tmp:
        if pre:
            git(*FORMAT, '-o', str(Path(tmp) / pre), f'base..{series_base}', cwd=TREE)
        git(*FORMAT, '-o', tmp, f'{series_base}..HEAD', cwd=TREE)
        write_series(Path(tmp), pre)
    return cmd_regen()


def main():
    commands = {'regen': cmd_regen, 'check': cmd_check, 'export': cmd_export}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        die(f'usage: {sys.argv[0]} {{{"|".join(commands)}}}')
    return commands[sys.argv[1]]()


if __name__ == '__main__':
    sys.exit(main())
