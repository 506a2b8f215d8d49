#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make series: the submissions, written by b4, in build/series.

Splits the series as arch-powerpc-patches/submissions says (bindgen/, fixes/
and rfc/), enrolls each with b4 in a worktree of the mainline tree, fills in
its cover letter from the last test runs, and checks the messages with git
send-email --dry-run. It refuses to write a cover letter whose evidence is
missing, and names the target that produces it. README.md, "Submitting",
explains it.

SENDER="Name <address>" replaces the placeholder author and Signed-off-by.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from itertools import groupby
from pathlib import Path

from harness import BUILD, PATCHES, TREE, configs, results
from harness.series import key, names
from verdict.judge_kunit import LEAK

MAINLINE_TREE = BUILD / 'mainline' / 'linux'
OUT = BUILD / 'series'
RESULTS = [BUILD / 'results', BUILD / 'results-mainline']
WORK = BUILD / 'submit-tree'
SEND_EMAIL = '/usr/lib/git-core/git-send-email'
B4_VERSION = '0.16.0'
B4_VENV = BUILD / 'b4-venv'
# With keywords: the Rust and LLVM lists are reached through them.
GET_MAINTAINER = ['--nogit', '--nogit-fallback', '--nogit-chief-penguins', '--norolestats']
PLACEHOLDER_NAME = 'PPC Kernel Threads'
PLACEHOLDER = f'{PLACEHOLDER_NAME} <ppc-kthreads@lists.example.org>'
# Reviewers the RFC needs beyond arch/powerpc: found through these files.
RFC_EXTRA_FILES = ['rust/kernel/lib.rs', 'lib/kunit/test.c']


def die(msg):
    sys.exit(f'error: {msg}')


def run(*args, cwd=MAINLINE_TREE):
    proc = subprocess.run(args, cwd=cwd, text=True, capture_output=True)
    if proc.returncode:
        die(f'{" ".join(map(str, args))}: {proc.stderr.strip()}')
    return proc.stdout


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


def detail(stage):
    return results.detail(stage, *RESULTS)


def table(header, body):
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    fmt = lambda r: '  ' + '  '.join(f'{c:<{w}}' for c, w in zip(r, widths)).rstrip()
    return '\n'.join([fmt(header), fmt(['-' * w for w in widths])] + [fmt(r) for r in body])


class Evidence:
    """The results the cover letters cite, and of them those that are missing
    and those that failed (a "before" row passes when it failed as it must)."""

    def __init__(self):
        self.missing, self.failed = [], []

    def get(self, found, stage):
        r = found.get(stage)
        if r is None and stage not in self.missing:
            self.missing.append(stage)
        if r is not None and r.failed and stage not in self.failed:
            self.failed.append(stage)
        return r


def verdict(found, stage, evidence):
    r = evidence.get(found, stage)
    return f'{r.verdict} {r.passed}/{r.failed}/{r.skipped}' if r else '?'


def registers(text):
    """The registers a verdict line names, as "r0 r4-r12 r14 ctr"."""
    found = {leak.split(' = ')[0] for leak in LEAK.findall(text)}
    gprs = sorted(int(r[1:]) for r in found if r.startswith('r'))
    # Consecutive numbers have the same difference to their index: one group a run.
    runs = [[n for _, n in g] for _, g in groupby(enumerate(gprs), lambda p: p[1] - p[0])]
    names = [f'r{g[0]}' if len(g) == 1 else f'r{g[0]}-r{g[-1]}' for g in runs]
    return ' '.join(names + [r for r in ('ctr', 'lr', 'xer') if r in found])


def offsets(text):
    """The KASLR offsets a kaslr-before verdict names: "0x1 and 0x2 in 2 boots"."""
    found = re.findall(r'offset (0x[0-9a-f]+)', text)
    return f'{" and ".join(dict.fromkeys(found))} in {len(found)} boots'


def fixes_matrix(found, evidence):
    lines = []
    # A module configuration tests the RFC's suites, not the fixes.
    for c in (c for c in configs.load().values() if not c.module):
        p = f'mainline-{c.name}'
        lines.append(f'  {c.name} ({c.machine})')
        if c.before_fails:
            r = evidence.get(found, f'{p}-user-regs-before')
            regs = registers(detail(f'{p}-user-regs-before'))
            sel = (f'user_regs fails ({regs})' if r and not r.failed and regs else
                   'user_regs DID NOT FAIL')
            k = evidence.get(found, f'{p}-before')
            kun = ('the KUnit exec test fails' if k and not k.failed else
                   'KUnit NOT AS EXPECTED')
            lines += [f'    without 1 and 2: {sel},', f'                     {kun}']
        elif c.before_passes:
            sel = evidence.get(found, f'{p}-user-regs-before')
            k = evidence.get(found, f'{p}-before')
            ok = sel and not sel.failed and k and not k.failed
            lines += [f'    without 1 and 2: user_regs and KUnit {"pass" if ok else "FAIL"}',
                      '                     (INTERRUPT_SANITIZE_REGISTERS=y: not affected)']
        elif c.cross.startswith('powerpc64le'):
            lines += ['    without 1 and 2: not built (INTERRUPT_SANITIZE_REGISTERS=y,',
                      '                     so not affected)']
        else:
            lines += ['    without 1 and 2: not built (the same machine\'s C configuration',
                      '                     has that row)']
        if c.kaslr and c.before_fails:
            evidence.get(found, f'{p}-kaslr-before')
            lines += ["                     CTR is sys_getpid's run-time address, off its",
                      '                     link-time one by the KASLR offset: '
                      f'{offsets(detail(f"{p}-kaslr-before"))}']
        sel = evidence.get(found, f'{p}-user-regs')
        sel = 'user_regs ' + ('passes' if sel and not sel.failed else 'FAILS')
        lines.append(f'    with 1-3:        {sel}, KUnit {verdict(found, p, evidence)} '
                     '(pass/fail/skip)')
        if c.kaslr:
            evidence.get(found, f'{p}-kaslr')
            lines.append('                     CTR is 0 after getpid()')
        if c.compat:
            evidence.get(found, f'{p}-user-regs-compat-before')
            evidence.get(found, f'{p}-user-regs-compat')
            regs = registers(detail(f'{p}-user-regs-compat-before'))
            lines.append(f'    32-bit task:     user_regs fails ({regs}) without 1 and 2, '
                         'passes with 1-3')
    return '\n'.join(lines)


def rfc_matrix(found, evidence):
    body = []
    for base, prefix in (('6.12.y', ''), ('mainline', 'mainline-')):
        for c in configs.on_base(configs.load(), base).values():
            p = prefix + c.name
            body.append([f'{base}, {c.description}', verdict(found, p, evidence),
                         verdict(found, p + '-oops', evidence),
                         verdict(found, p + '-load', evidence) if c.module else '-'])
    machines = '; '.join(f'{c.name}: {c.machine}' for c in configs.load().values())
    return (table(['base, configuration', 'KUnit p/f/s', 'oops test', 'module load'], body)
            + f'\n\nqemu machines: {machines}.')


def costs():
    """(the kernel's benchmarks on ppc32, base against patched, thread set-up
    without the RFC, with its C and with its Rust), as make bench counted
    them; None for either whose JSON is missing or not what make bench writes."""
    upstream = setup = None
    try:
        up = json.loads((BUILD / 'upstream' / 'results' / 'upstream-ppc32.json')
                        .read_text())
        mean, ratio = up['mean'], up['ratios']
        if up['failures'] or not up['repeatable']:
            raise ValueError('make bench\'s upstream rows failed')
        figure = {name: f'{mean[name]["prereqs"]:.2f} -> {mean[name]["series"]:.2f}'
                  for name in ('null_syscall', 'fork+exec')}
        upstream = (f'null_syscall {figure["null_syscall"]} instructions, null_syscall '
                    f'patched/base: {ratio["null_syscall"]:.4f}; fork+exec '
                    f'{figure["fork+exec"]}, fork+exec patched/base: {ratio["fork+exec"]:.4f} '
                    '(with patch 1, and the RFC\'s copy_thread(), on that path)')
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        pass
    try:
        bench = json.loads((BUILD / 'bench' / 'bench.json').read_text())
        kernels = bench['kernels']
        rows = {row: [kernels[k]['setup'][row]['per_cycle'] for k in ('base', 'c', 'rust')]
                for row in ('kthread', 'umh', 'fork')}
        rust = bench['ratios']['cycle_from_setup']['kthread']['rust/base']
        setup = ('copy_thread() and the functions it calls run, per new kernel thread, '
                 '{:.0f} instructions without this RFC, {:.0f} with its C helper and {:.0f} '
                 'with the Rust one; per user-mode kernel thread, {:.0f}, {:.0f} and {:.0f}; '
                 'per fork, {:.0f}, {:.0f} and {:.0f}'.format(
                     *(n for row in rows.values() for n in row))
                 + '. Against a whole kthread_run() and kthread_stop() cycle, Rust is '
                 f'{rust:.4f}x the kernel without this RFC. (make bench: '
                 'instructions counted under qemu, 6.12.y on ppc64le, the same in every boot.)')
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        pass
    return upstream, setup


def b4():
    """b4 from PyPI, pinned, in its own venv under build/."""
    tool = B4_VENV / 'bin' / 'b4'
    if not tool.exists():
        print(f'series: installing b4 {B4_VERSION} from PyPI into {B4_VENV}')
        for cmd in ([sys.executable, '-m', 'venv', str(B4_VENV)],
                    [str(B4_VENV / 'bin' / 'pip'), 'install', '-q', f'b4=={B4_VERSION}']):
            if subprocess.run(cmd).returncode:
                shutil.rmtree(B4_VENV, ignore_errors=True)
                die(f'cannot install b4 {B4_VERSION} (apt-get install python3-venv; '
                    'PyPI must be reachable)')
    return str(tool)


def extra_recipients(files):
    """Cc: trailers for the maintainers and lists of files the patches do not touch."""
    out = run('perl', 'scripts/get_maintainer.pl', *GET_MAINTAINER, '-f', *files, cwd=WORK)
    return [f'Cc: {line.strip()}' for line in out.splitlines() if '@' in line]


def sender():
    value = os.environ.get('SENDER', '').strip()
    if not value:
        return None
    if not re.fullmatch(r'[^<>@]+ <[^<>\s]+@[^<>\s]+>', value):
        die(f'SENDER={value!r}: want "Full Name <address>"')
    return value


def cover_text(template, fields):
    title, body = template.split('\n', 1)
    if not sender():
        # Like format-patch's own markers: the sender must act on it.
        body = ('*** SENDER: these patches are from and signed off by a placeholder,\n'
                f'{PLACEHOLDER}. Run: make series SENDER="Your Name <address>"\n'
                'to put your name in From: and Signed-off-by: in every patch. By\n'
                'signing off you certify the Developer\'s Certificate of Origin. ***\n\n'
                + body.lstrip('\n'))
    body = body.format(**fields).strip('\n')
    # Filled-in values can make lines long: re-wrap prose, keep tables.
    body = '\n\n'.join(
        textwrap.fill(' '.join(para.split()), 72, break_on_hyphens=False)
        if max(map(len, para.splitlines())) > 72 and not para.startswith((' ', '-'))
        else para for para in body.split('\n\n'))
    return f'{title}\n\n{body}\n'


def make_one(name, prefix, commits, cover, extra_files):
    """One submission with b4: enroll the commits, To/Cc, cover letter, write it out."""
    out = OUT / name
    # b4 looks for its cover commit among the last year's: not the fixed date.
    env = {k: v for k, v in os.environ.items() if k != 'GIT_COMMITTER_DATE'} | b4_config()
    tool = b4()

    def b4_run(*args, **kw):
        proc = subprocess.run([tool, *args], cwd=WORK, env=dict(env, **kw), text=True,
                              capture_output=True)
        if proc.returncode:
            die(f'b4 {" ".join(args)}: {proc.stderr.strip() or proc.stdout.strip()}')

    run('git', 'checkout', '-q', '-f', '-B', f'submit-{name}', commits[-1], cwd=WORK)
    b4_run('prep', '-e', f'{commits[0]}~1')
    if prefix != 'PATCH':
        b4_run('prep', '--set-prefixes', *prefix.split()[1:])
    b4_run('prep', '--auto-to-cc')
    extra = extra_recipients(extra_files) if extra_files else []
    (OUT / f'{name}.cover').write_text(cover + ''.join(line + '\n' for line in extra))
    # b4 edits the cover letter in $EDITOR: this script, putting ours in.
    b4_run('prep', '--edit-cover',
           EDITOR=f'{sys.executable} {Path(__file__).resolve()} --put-cover {OUT / name}.cover')
    b4_run('send', '--no-sign', '-o', str(out))
    mails = sorted(out.glob('*.eml'))
    # A single patch may go without a cover letter, its text below "---".
    if len(mails) not in (len(commits) + 1, 1 if len(commits) == 1 else -1):
        die(f'{name}: b4 wrote {len(mails)} messages, want {len(commits)} patches and a cover')
    for mail in mails if sender() else []:
        # b4 sends From: the sender; the author line and sign-off follow.
        text = mail.read_text().replace(PLACEHOLDER, sender())
        mail.write_text(text.replace(f'{PLACEHOLDER_NAME} (', f'{sender().split(" <")[0]} ('))
    check = subprocess.run(
        ['git', 'send-email', '--dry-run', '--confirm=never', '--quiet', '--suppress-cc=all',
         f'--from={sender() or PLACEHOLDER}', *map(str, mails)],
        cwd=out, text=True, capture_output=True)
    if check.returncode:
        die(f'git send-email --dry-run rejected {name}:\n{check.stderr}')
    head = mails[0].read_text().split('\n\n', 1)[0]
    to = len(re.findall(r'@', head.split('\nTo: ', 1)[1].split('\nCc: ')[0]))
    what = f'{len(commits)} patches and a cover letter' if len(commits) > 1 else 'one patch'
    print(f'series: {name}: [{prefix}] {what} in {out}; '
          f'send-email --dry-run accepted them ({to} To)')


def put_cover(ours, path):
    """$EDITOR for b4 prep --edit-cover: our text, then b4's To/Cc trailers."""
    theirs = Path(path).read_text().splitlines()
    text = Path(ours).read_text().rstrip('\n')
    trailers = [line for line in theirs if line.startswith(('To: ', 'Cc: '))]
    extra = [line for line in text.splitlines() if line.startswith('Cc: ') and line not in trailers]
    text = '\n'.join(line for line in text.splitlines() if line not in extra)
    Path(path).write_text(f'{text.rstrip()}\n\n' + '\n'.join(trailers + extra) + '\n')


def b4_config():
    """git config for b4, as environment: who sends, how it finds To/Cc."""
    who = sender() or PLACEHOLDER
    name, email = re.fullmatch(r'(.*) <(.*)>', who).groups()
    get_maintainer = ' '.join(['scripts/get_maintainer.pl', *GET_MAINTAINER])
    pairs = [('user.name', name), ('user.email', email),
             # SMTP, not the web endpoint, so that unsigned output is allowed;
             # "send -o" only writes the messages.
             ('sendemail.smtpServer', '/bin/false'),
             ('b4.send-auto-to-cmd', f'{get_maintainer} --nol'),
             ('b4.send-auto-cc-cmd', f'{get_maintainer} --nom')]
    # b4 only manages a branch whose cover commit is the sender's own.
    env = {'GIT_CONFIG_COUNT': str(len(pairs)), 'GIT_AUTHOR_NAME': name,
           'GIT_AUTHOR_EMAIL': email, 'GIT_COMMITTER_NAME': name, 'GIT_COMMITTER_EMAIL': email}
    for i, (k, v) in enumerate(pairs):
        env[f'GIT_CONFIG_KEY_{i}'], env[f'GIT_CONFIG_VALUE_{i}'] = k, v
    return env


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

    try:
        found = results.rows_by_name(*RESULTS)
    except ValueError as e:
        die(f'{e}: run "make test" again')
    if not found:
        print('warning: no test results; run "make test" first for the evidence '
              'in the cover letters', file=sys.stderr)
    base = run('git', 'log', '-1', '--format=%s', 'base', cwd=TREE).strip() \
        if (TREE / '.git').exists() else 'not prepared'
    checks = [r for n, r in found.items()
              if n.startswith('check:checkpatch:') and '/' not in n]
    evidence = Evidence()
    mut = evidence.get(found, 'mutants')
    if not checks:
        evidence.missing.append('check-series')
    evidence.get(found, 'mainline-apply')
    upstream_cost, setup_cost = costs()
    fields = {
        'mainline_base': detail('mainline-apply'),
        'base_subject': base,
        'date_note': 'one kernel per configuration, on 2 host cores:',
        'matrix': '',
        'cost': upstream_cost,
        'setup_cost': setup_cost,
        'mutants': f'{mut.passed} killed, {mut.failed} survived' if mut else '?',
        'checkpatch': (f'{len(checks)} of {len(checks)} patches clean (0 errors, '
                       '0 warnings, 0 checks)' if checks and
                       not any(r.failed for r in checks) else
                       'REPORTS, see make check-series'),
    }

    # Refused before build/series is touched.
    matrices = {'fixes': fixes_matrix(found, evidence), 'rfc': rfc_matrix(found, evidence)}
    if evidence.missing:
        die(f'no results for {", ".join(evidence.missing)}: run "make test-full" and '
            '"make mainline" first; make series writes no cover letter without its evidence')
    if evidence.failed or any(r.failed for r in checks):
        die(f'{", ".join(evidence.failed) or "checkpatch"} failed: make series writes no '
            'cover letter that cites a failure')
    if upstream_cost is None or setup_cost is None:
        die('no make bench figures (build/bench/bench.json and upstream/results/'
            'upstream-ppc32.json, both passing): run "make bench" first')

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    if not (WORK / '.git').exists():
        shutil.rmtree(WORK, ignore_errors=True)
        run('git', 'worktree', 'prune')
        run('git', 'worktree', 'add', '-q', '--detach', str(WORK), 'ppc-threads')
    done = 0
    for name, prefix, patches in parts:
        template = (PATCHES / f'cover-letter-{name}.txt').read_text()
        fields['matrix'] = matrices.get(name, '')
        make_one(name, prefix, commits[done:done + len(patches)], cover_text(template, fields),
                 RFC_EXTRA_FILES if name == 'rfc' else ())
        done += len(patches)
    if not sender():
        print(f'series: the patches are from and signed off by the placeholder '
              f'"{PLACEHOLDER}"; run "make series SENDER=\'Your Name <you@example.org>\'" '
              'to put your name in From: and Signed-off-by: (DCO)')
    return 0


if __name__ == '__main__':
    if sys.argv[1:2] == ['--put-cover'] and len(sys.argv) == 4:
        sys.exit(put_cover(sys.argv[2], sys.argv[3]))
    sys.exit(main())
