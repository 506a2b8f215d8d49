#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make series: the submission in git format-patch form, in build/series.

Numbered patches from the prepared tree (series-base..ppc-threads: the
base's prerequisites are not part of the submission), To/Cc from
the tree's scripts/get_maintainer.pl, and a cover letter made from
arch-powerpc-patches/cover-letter.txt with the base, the test matrix of
the last "make test" and its checkpatch and mutant results. The same
inputs give byte-identical output. Then git send-email --dry-run must
accept it.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
OUT = BUILD / 'series'
MAINLINE_TREE = BUILD / 'mainline' / 'linux'
RESULTS = BUILD / 'results'
CONFIGS = ['ppc64le-rust', 'ppc64le-c', 'ppc64-be', 'ppc32']
MAINLINE_CONFIG = 'ppc64le-rust'
SEND_EMAIL = '/usr/lib/git-core/git-send-email'


def die(msg):
    sys.exit(f'error: {msg}')


AUTHOR = {'GIT_COMMITTER_NAME': 'PPC Kernel Threads',
          'GIT_COMMITTER_EMAIL': 'ppc-kthreads@lists.example.org'}


def run(*args, cwd=TREE):
    proc = subprocess.run(args, cwd=cwd, text=True, capture_output=True,
                          env=dict(os.environ, **AUTHOR))
    if proc.returncode:
        die(f'{" ".join(args)}: {proc.stderr.strip()}')
    return proc.stdout


def rows():
    found = {}
    for f in sorted(RESULTS.glob('*.tsv')):
        for line in f.read_text().splitlines():
            parts = line.split('\t')
            if len(parts) == 5:
                found[parts[0]] = parts
    return found


def conf(name):
    values = {}
    for line in (REPO / 'kunit/configs' / f'{name}.conf').read_text().splitlines():
        m = re.match(r'(\w+)="?([^"]*)"?$', line)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def matrix(found):
    wanted = [('6.12.y, ' + conf(n)['DESCRIPTION'], n, n) for n in CONFIGS]
    wanted.append(('mainline, ' + conf(MAINLINE_CONFIG)['DESCRIPTION'],
                   MAINLINE_CONFIG, f'mainline-{MAINLINE_CONFIG}'))
    table = [('base, configuration', 'qemu', 'KUnit (passed/failed/skipped)', 'oops test')]
    for label, config, stage in wanted:
        r = found.get(stage)
        o = found.get(f'{stage}-oops')
        kunit = f'{r[4]} ({r[1]}/{r[2]}/{r[3]})' if r else 'not run'
        table.append((label, conf(config)['MACHINE'], kunit, o[4] if o else 'not run'))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = []
    for n, row in enumerate(table):
        lines.append('  ' + ' '.join(f'{c:<{w}}' for c, w in zip(row, widths)) + ' ' + row[3])
        if n == 0:
            lines.append('  ' + ' '.join('-' * w for w in widths) + ' ' + '-' * len(row[3]))
    return '\n'.join(lines)


def maintainers(patches):
    # The series goes to mainline: ask mainline's MAINTAINERS when it is here.
    tree = MAINLINE_TREE if (MAINLINE_TREE / 'MAINTAINERS').is_file() else TREE
    print(f'series: To/Cc from {tree}/scripts/get_maintainer.pl')
    out = run('perl', 'scripts/get_maintainer.pl', '--no-git',
              '--no-git-fallback', '--no-keywords', *map(str, patches), cwd=tree)
    to, cc = [], []
    for line in out.splitlines():
        # Names may hold parentheses too: the address ends at its <...>.
        m = re.match(r'(.*?(?:<[^>]+>|[^\s<>]+@[^\s<>]+)) \((.*)\)$', line)
        if not m:
            continue
        addr, role = m.groups()
        if 'POWERPC' in role and (role.startswith(('supporter', 'maintainer',
                                                   'open list'))):
            to.append(addr)
        else:
            cc.append(addr)
    return to, cc


def main():
    if not (TREE / '.git').is_dir():
        die(f'{TREE} is not prepared; run "make tree"')
    found = rows()
    missing = [c for c in CONFIGS if c not in found]
    if missing:
        print(f'warning: no results for {", ".join(missing)}; run "make test" '
              'first for a filled-in test matrix', file=sys.stderr)

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    base = run('git', 'rev-parse', 'series-base').strip()
    run('git', 'format-patch', '-q', '--numbered', '--no-signature',
        '--cover-letter', '--base', base, '-o', str(OUT), 'series-base..ppc-threads')
    patches = sorted(p for p in OUT.glob('*.patch')
                     if not p.name.startswith('0000-'))
    to, cc = maintainers(patches)

    # The series only; the prerequisites are rows like check:checkpatch:6.12.y/0001.
    checks = [r for n, r in found.items()
              if n.startswith('check:checkpatch:') and '/' not in n]
    checkpatch = (f'{sum(int(r[1]) for r in checks)} of {len(checks)} patches '
                  'clean (0 errors, 0 warnings, 0 checks)'
                  if checks and all(r[4] == 'PASS' for r in checks) else
                  'not run' if not checks else 'REPORTS, see make check-series')
    mut = found.get('mutants')
    mutants = (f'{mut[1]} killed, {mut[2]} survived' if mut else 'not run')
    subject = run('git', 'log', '-1', '--format=%s', 'base').strip()
    ml = RESULTS / 'mainline-base.txt'
    mainline_base = ml.read_text().strip() if ml.exists() else 'not tested (run make test)'

    template = (REPO / 'arch-powerpc-patches/cover-letter.txt').read_text()
    title, body = template.split('\n', 1)
    body = body.format(
        base_subject=subject, mainline_base=mainline_base,
        date_note='one kernel per configuration, on 2 host cores:',
        matrix=matrix(found), mutants=mutants, checkpatch=checkpatch)

    cover = OUT / '0000-cover-letter.patch'
    text = cover.read_text()
    text = text.replace('*** SUBJECT HERE ***', title)
    text = text.replace('*** BLURB HERE ***', body.strip('\n'))
    # format-patch dates the cover letter now; use the last patch's date.
    last_date = re.search(r'^Date: .*$', patches[-1].read_text(), re.M).group(0)
    text = re.sub(r'^Date: .*$', last_date, text, count=1, flags=re.M)
    cover.write_text(text)

    headers = ''.join(f'To: {a}\n' for a in to) + ''.join(f'Cc: {a}\n' for a in cc)
    for p in [cover] + patches:
        text = p.read_text()
        head, rest = text.split('\nSubject: ', 1)
        p.write_text(f'{head}\n{headers}Subject: {rest}')

    if not os.access(SEND_EMAIL, os.X_OK):
        die('git send-email is missing (apt-get install git-email)')
    check = subprocess.run(
        ['git', 'send-email', '--dry-run', '--confirm=never', '--quiet',
         '--suppress-cc=all', '--from=PPC Kernel Threads <ppc-kthreads@lists.example.org>',
         '--to=linuxppc-dev@lists.ozlabs.org', *map(str, [cover] + patches)],
        cwd=OUT, text=True, capture_output=True)
    if check.returncode:
        die(f'git send-email --dry-run rejected the series:\n{check.stderr}')
    print(f'series: {len(patches)} patches and a cover letter in {OUT}')
    print(f'series: git send-email --dry-run accepted them ({len(to)} To, {len(cc)} Cc)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
