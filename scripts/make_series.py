#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make series: the two submissions, git format-patch style, in build/series.

arch-powerpc-patches/submissions splits the series in two: fixes/ (the leak
fixes and their selftest, [PATCH], for merging and stable now) and rfc/
(the Rust helpers, the KUnit tests and the document, [RFC PATCH], which
depends on the fixes). Both are made from the mainline tree that "make
mainline" or "make test" prepared (build/mainline/linux, branch
ppc-threads), without the mainline prerequisites, which go to their own
maintainers. Each gets a cover letter from its template, with the results
of the last "make test", and To/Cc from mainline's get_maintainer.pl; the
RFC also goes to the Rust and KUnit lists and maintainers, which
get_maintainer.pl does not find from arch/powerpc paths. The same inputs
give byte-identical output, and git send-email --dry-run must accept it.

SENDER="Name <address>" replaces the placeholder author and Signed-off-by.
"""

import os
import re
import shutil
import textwrap
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATCHES = REPO / 'arch-powerpc-patches'
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
MAINLINE_TREE = BUILD / 'mainline' / 'linux'
OUT = BUILD / 'series'
RESULTS = [BUILD / 'results', BUILD / 'results-mainline']
SEND_EMAIL = '/usr/lib/git-core/git-send-email'
PLACEHOLDER = 'PPC Kernel Threads <ppc-kthreads@lists.example.org>'
# Reviewers the RFC needs beyond arch/powerpc: found through these files.
RFC_EXTRA_FILES = ['rust/kernel/lib.rs', 'lib/kunit/test.c']


def die(msg):
    sys.exit(f'error: {msg}')


def run(*args, cwd=MAINLINE_TREE):
    env = dict(os.environ, GIT_COMMITTER_NAME='PPC Kernel Threads',
               GIT_COMMITTER_EMAIL='ppc-kthreads@lists.example.org')
    proc = subprocess.run(args, cwd=cwd, text=True, capture_output=True, env=env)
    if proc.returncode:
        die(f'{" ".join(map(str, args))}: {proc.stderr.strip()}')
    return proc.stdout


def names(path):
    return [n.strip() for n in path.read_text().splitlines()
            if n.strip() and not n.startswith('#')]


def key(name):
    """A patch's name without its number."""
    return name.split('-', 1)[1] if name[:4].isdigit() else name


def submissions():
    """[(name, subject prefix, [patch names])] from the submissions file."""
    series = names(PATCHES / 'series')
    keys = [key(n) for n in series]
    table = []
    for line in names(PATCHES / 'submissions'):
        parts = line.split('\t')
        if len(parts) != 3:
            die(f'{PATCHES / "submissions"}: want "name<TAB>prefix<TAB>first patch": {line!r}')
        name, prefix, first = parts
        if key(first) not in keys:
            die(f'submissions: {name} starts at {first}, which is not in the series')
        table.append((name, prefix, keys.index(key(first))))
    starts = [t[2] for t in table]
    if starts != sorted(starts) or starts[:1] != [0]:
        die('submissions: the first must start at patch 1, the others in series order')
    ends = starts[1:] + [len(series)]
    return [(n, p, series[s:e]) for (n, p, s), e in zip(table, ends)]


def rows():
    found = {}
    for results in RESULTS:
        for f in sorted(results.glob('*.tsv')):
            for line in f.read_text().splitlines():
                parts = line.split('\t')
                if len(parts) == 5:
                    found.setdefault(parts[0], parts)
    return found


def detail(stage):
    for results in RESULTS:
        f = results / f'{stage}.txt'
        if f.exists():
            return f.read_text().strip()
    return ''


def conf(name):
    out = subprocess.run(['bash', '-c', f'. "{REPO}/kunit/configs/{name}.conf" && '
                          'echo "$DESCRIPTION"; echo "$MACHINE"; echo "${BEFORE_FAILS:-}"; '
                          'echo "${SYSCALL_COST:-}"'],
                         text=True, capture_output=True).stdout.split('\n')
    return dict(zip(['DESCRIPTION', 'MACHINE', 'BEFORE_FAILS', 'SYSCALL_COST'], out))


def configs():
    return sorted(p.stem for p in (REPO / 'kunit/configs').glob('*.conf'))


def table(header, body):
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    fmt = lambda r: '  ' + '  '.join(f'{c:<{w}}' for c, w in zip(r, widths)).rstrip()
    return '\n'.join([fmt(header), fmt(['-' * w for w in widths])] + [fmt(r) for r in body])


def verdict(found, stage):
    r = found.get(stage)
    return f'{r[4]} {r[1]}/{r[2]}/{r[3]}' if r else 'not run'


def registers(text):
    """The registers a verdict line names, as "r0 r4-r12 r14 ctr"."""
    found = set(re.findall(r'\b(r\d+|ctr|xer|lr) = 0x', text))
    gprs = sorted(int(r[1:]) for r in found if r.startswith('r'))
    runs = []
    for n in gprs:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    names = [f'r{a}' if a == b else f'r{a}-r{b}' for a, b in runs]
    return ' '.join(names + [r for r in ('ctr', 'lr', 'xer') if r in found])


def fixes_matrix(found):
    lines = []
    for c in configs():
        p = f'mainline-{c}'
        lines.append(f'  {c} ({conf(c)["MACHINE"]})')
        if conf(c)['BEFORE_FAILS']:
            r = found.get(f'{p}-user-regs-before')
            regs = registers(detail(f'{p}-user-regs-before'))
            sel = (f'user_regs fails ({regs})' if r and r[4] == 'PASS' and regs else
                   'user_regs NOT RUN' if not r else 'user_regs DID NOT FAIL')
            k = found.get(f'{p}-before')
            kun = ('the KUnit exec test fails' if k and k[4] == 'PASS' else
                   'KUnit NOT RUN' if not k else 'KUnit NOT AS EXPECTED')
            lines.append(f'    without 2 and 3: {sel},')
            lines.append(f'                     {kun}')
        else:
            lines.append('    without 2 and 3: not built (INTERRUPT_SANITIZE_REGISTERS=y,')
            lines.append('                     so not affected)')
        sel = found.get(f'{p}-user-regs')
        sel = 'user_regs ' + ('passes' if sel and sel[4] == 'PASS' else
                              'NOT RUN' if not sel else 'FAILS')
        lines.append(f'    with 2 and 3:    {sel}, KUnit {verdict(found, p)} (pass/fail/skip)')
    return '\n'.join(lines)


def rfc_matrix(found):
    body = []
    for base, prefix in (('6.12.y', ''), ('mainline', 'mainline-')):
        for c in configs():
            p = prefix + c
            body.append([f'{base}, {conf(c)["DESCRIPTION"]}', verdict(found, p),
                         verdict(found, p + '-oops')])
    machines = '; '.join(f'{c}: {conf(c)["MACHINE"]}' for c in configs())
    return (table(['base, configuration', 'KUnit p/f/s', 'oops test'], body)
            + f'\n\nqemu machines: {machines}.')


def cost(found):
    """getpid() before and after, on the configurations with SYSCALL_COST."""
    out = []
    for c in configs():
        if not conf(c)['SYSCALL_COST']:
            continue
        figures = []
        for stage in (f'mainline-{c}-cost-before', f'mainline-{c}-cost'):
            m = re.search(r'([\d.]+) instructions per getpid', detail(stage))
            figures.append(float(m.group(1)) if m else None)
        if None in figures:
            out.append(f'{c}: not measured (run make test)')
            continue
        before, after = figures
        out.append(f'{c}: {before:.2f} -> {after:.2f} instructions, '
                   f'+{after - before:.2f} ({after / before:.4f}x)')
    return '; '.join(out) or 'not measured'


def maintainers(patches, extra_files=()):
    """(To, Cc): the powerpc maintainers and list, then everyone else."""
    cmd = ['perl', 'scripts/get_maintainer.pl', '--no-git', '--no-git-fallback',
           '--no-keywords']
    out = run(*cmd, *map(str, patches))
    for f in extra_files:
        out += run(*cmd, '-f', f)
    to, cc = [], []
    for line in out.splitlines():
        # Names may hold parentheses too: the address ends at its <...>.
        m = re.match(r'(.*?(?:<[^>]+>|[^\s<>]+@[^\s<>]+)) \((.*)\)$', line)
        if not m:
            continue
        addr, role = m.groups()
        powerpc = 'POWERPC' in role and role.startswith(('maintainer', 'open list'))
        dest = to if powerpc else cc
        if addr not in to + cc:
            dest.append(addr)
    return to, cc


def sender():
    value = os.environ.get('SENDER', '').strip()
    if not value:
        return None
    if not re.fullmatch(r'[^<>@]+ <[^<>\s]+@[^<>\s]+>', value):
        die(f'SENDER={value!r}: want "Full Name <address>"')
    return value


def make_one(name, prefix, series, commits, template, fields, extra_files):
    out = OUT / name
    out.mkdir(parents=True)
    first, last = commits[0], commits[-1]
    run('git', 'format-patch', '-q', '--numbered', '--no-signature', '--cover-letter',
        f'--subject-prefix={prefix}', '-o', str(out), f'{first}~1..{last}')
    patches = sorted(p for p in out.glob('*.patch') if not p.name.startswith('0000-'))
    if len(patches) != len(series):
        die(f'{name}: made {len(patches)} patches, want {len(series)}')
    to, cc = maintainers(patches, extra_files)

    title, body = template.split('\n', 1)
    if not sender():
        # Like format-patch's own markers: the sender must act on it.
        body = ('*** SENDER: these patches are from and signed off by a placeholder,\n'
                f'{PLACEHOLDER}. Run: make series SENDER="Your Name <address>"\n'
                'to put your name in From: and Signed-off-by: in every patch. By\n'
                'signing off you certify the Developer\'s Certificate of Origin. ***\n\n'
                + body.lstrip('\n'))
    cover = out / '0000-cover-letter.patch'
    body = body.format(**fields).strip('\n')
    # Filled-in values can make lines long: re-wrap prose, keep tables.
    body = '\n\n'.join(
        textwrap.fill(' '.join(para.split()), 72)
        if max(map(len, para.splitlines())) > 72 and not para.startswith((' ', '-'))
        else para for para in body.split('\n\n'))
    text = cover.read_text()
    text = text.replace('*** SUBJECT HERE ***', title)
    text = text.replace('*** BLURB HERE ***', body)
    # format-patch dates the cover letter now; use the last patch's date.
    last_date = re.search(r'^Date: .*$', patches[-1].read_text(), re.M).group(0)
    text = re.sub(r'^Date: .*$', last_date, text, count=1, flags=re.M)
    cover.write_text(text)

    who = sender()
    headers = ''.join(f'To: {a}\n' for a in to) + ''.join(f'Cc: {a}\n' for a in cc)
    for p in [cover] + patches:
        text = p.read_text()
        if who:
            text = text.replace(f'From: {PLACEHOLDER}', f'From: {who}')
            text = text.replace(f'Signed-off-by: {PLACEHOLDER}', f'Signed-off-by: {who}')
        head, rest = text.split('\nSubject: ', 1)
        p.write_text(f'{head}\n{headers}Subject: {rest}')

    check = subprocess.run(
        ['git', 'send-email', '--dry-run', '--confirm=never', '--quiet',
         '--suppress-cc=all', f'--from={who or PLACEHOLDER}', *map(str, [cover] + patches)],
        cwd=out, text=True, capture_output=True)
    if check.returncode:
        die(f'git send-email --dry-run rejected {name}:\n{check.stderr}')
    print(f'series: {name}: [{prefix}] {len(patches)} patches and a cover letter in {out}; '
          f'send-email --dry-run accepted them ({len(to)} To, {len(cc)} Cc)')


def main():
    sender()
    if not (MAINLINE_TREE / '.git').is_dir():
        die(f'no mainline tree in {MAINLINE_TREE}: run "make mainline" (or "make test") '
            'first; it fetches Debian\'s newest linux-source and applies the series')
    if not os.access(SEND_EMAIL, os.X_OK):
        die('git send-email is missing (apt-get install git-email)')
    parts = submissions()
    series = [p for _, _, s in parts for p in s]
    n_pre = len(names(PATCHES / 'mainline' / 'series'))
    commits = run('git', 'rev-list', '--reverse', 'base..ppc-threads').split()
    if len(commits) != n_pre + len(series):
        die(f'{MAINLINE_TREE} branch ppc-threads has {len(commits)} commits on base, not '
            f'{n_pre} prerequisites + {len(series)} patches: run "make mainline" again')
    commits = commits[n_pre:]

    found = rows()
    if not found:
        print('warning: no test results; run "make test" first for the evidence '
              'in the cover letters', file=sys.stderr)
    ml = [r / 'mainline-base.txt' for r in RESULTS if (r / 'mainline-base.txt').exists()]
    base = run('git', 'log', '-1', '--format=%s', 'base', cwd=TREE).strip() \
        if (TREE / '.git').exists() else 'not prepared'
    checks = [r for n, r in found.items()
              if n.startswith('check:checkpatch:') and '/' not in n]
    mut = found.get('mutants')
    fields = {
        'mainline_base': ml[0].read_text().strip() if ml else 'mainline (not tested yet)',
        'base_subject': base,
        'date_note': 'one kernel per configuration, on 2 host cores:',
        'matrix': '',
        'cost': cost(found),
        'mutants': f'{mut[1]} killed, {mut[2]} survived' if mut else 'not run',
        'checkpatch': (f'{len(checks)} of {len(checks)} patches clean (0 errors, '
                       '0 warnings, 0 checks)' if checks and
                       all(r[4] == 'PASS' for r in checks) else
                       'not run' if not checks else 'REPORTS, see make check-series'),
    }

    shutil.rmtree(OUT, ignore_errors=True)
    done = 0
    for name, prefix, patches in parts:
        template = (PATCHES / f'cover-letter-{name}.txt').read_text()
        fields['matrix'] = fixes_matrix(found) if name == 'fixes' else rfc_matrix(found)
        make_one(name, prefix, patches, commits[done:done + len(patches)], template,
                 fields, RFC_EXTRA_FILES if name == 'rfc' else ())
        done += len(patches)
    if not sender():
        print(f'series: the patches are from and signed off by the placeholder '
              f'"{PLACEHOLDER}"; run "make series SENDER=\'Your Name <you@example.org>\'" '
              'to put your name in From: and Signed-off-by: (DCO)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
