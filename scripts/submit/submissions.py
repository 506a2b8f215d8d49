#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make series: the submissions, written by b4, in build/series.

Splits the series as arch-powerpc-patches/submissions says (bindgen/, fixes/
and rfc/). Each is a b4 prep branch of the mainline tree (prep.py), kept
from run to run with its change-id and revision: its commits are rebuilt,
its cover letter is filled in from the last test runs, b4 prep --auto-to-cc
adds To/Cc, b4 prep --check runs checkpatch, b4 send -o writes the messages
and git send-email --dry-run must accept them. It refuses to write a cover
letter whose evidence is missing, and names the target that produces it.
README.md, "Submitting", explains it.

SENDER="Name <address>" makes the patches the sender's: author and
Signed-off-by, in the branch's commits.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from itertools import groupby
from pathlib import Path

from harness import DEFAULT_BUILD, PATCHES, configs, dir_options, dirs_of, results
from harness.series import key, names
from submit import prep
from verdict.judge_kunit import LEAK

# Where it works: set by configure() from the command line.
BUILD = DEFAULT_BUILD
TREE = DEFAULT_BUILD / 'linux'
MAINLINE_TREE = DEFAULT_BUILD / 'mainline' / 'linux'
OUT = DEFAULT_BUILD / 'series'
RESULTS = [DEFAULT_BUILD / 'results', DEFAULT_BUILD / 'results-mainline']
WORK = DEFAULT_BUILD / 'submit-tree'
# A copy of each branch's b4 tracking data: make mainline replaces the tree
# (and its branches) when Debian has a new upload.
SAVED = DEFAULT_BUILD / 'submit-tracking'
SEND_EMAIL = '/usr/lib/git-core/git-send-email'
B4_VERSION = '0.16.0'
B4_VENV = DEFAULT_BUILD / 'b4-venv'
# With keywords: the Rust and LLVM lists are reached through them.
GET_MAINTAINER = ['--nogit', '--nogit-fallback', '--nogit-chief-penguins', '--norolestats']
CHECKPATCH = 'scripts/checkpatch.pl -q --terse --no-summary --mailback --showfile'
PLACEHOLDER = 'PPC Kernel Threads <ppc-kthreads@lists.example.org>'
# The first submission's base: mainline and the two prerequisites.
BASE_BRANCH = 'submit-prerequisites'
# A submission's prerequisite series (b4 prep --edit-deps).
DEPENDS = {'rfc': 'fixes'}
# The RFC asks these for review too; get_maintainer.pl does not find them
# from its patches (the Rust maintainers it finds by keyword). b4 Cc's them
# through send-series-cc.
SERIES_CC = {'rfc': ['KERNEL UNIT TESTING FRAMEWORK (KUnit)']}
# What a written message must not hold: b4's and format-patch's markers,
# and ours for a missing result.
UNFILLED = re.compile(r'EDITME|NOT RUN|\*\*\* [A-Z ]+ \*\*\*|<link to [^>]*>')


def die(msg):
    sys.exit(f'error: {msg}')


def run(*args, cwd=None):
    proc = subprocess.run(args, cwd=cwd or MAINLINE_TREE, text=True, capture_output=True)
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
    for c in (c for c in configs.load().values() if not c.modules):
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
                         verdict(found, p + '-lkdtm', evidence),
                         verdict(found, p + '-load', evidence) if c.modules else '-'])
    machines = '; '.join(f'{c.name}: {c.machine}' for c in configs.load().values())
    return (table(['base, configuration', 'KUnit p/f/s', 'LKDTM PPC_KTHREAD_RETURN', 'module load'], body)
            + f'\n\nqemu machines: {machines}.')


def upstream_costs():
    """The kernel's powerpc benchmarks, base against patched (make
    bench-upstream, make test-full): a table with a row per configuration
    measured, on each base, and a line for each benchmark that could not
    run; None if the bench-upstream configuration has no figures. Raises
    ValueError naming a run that failed or did not repeat: a cover letter
    quotes no such figure."""
    runs = [('6.12.y', BUILD / 'upstream' / 'results'),
            ('mainline', BUILD / 'mainline' / 'upstream' / 'results')]
    body, notes, have_role = [], [], False
    (role,) = configs.role('bench-upstream')
    for base, where in runs:
        # One row per kernel pair; a pair with the Rust helpers differs from
        # its base in more than the series (configs.pair()), which its C
        # sibling's row compares alone.
        for name, config in configs.distinct_pairs(configs.on_base(configs.load(), base)).items():
            f = where / f'upstream-{name}.json'
            if configs.pair(config)[1] or not f.is_file():
                continue
            up = json.loads(f.read_text())
            if up['failures'] or not up['repeatable']:
                raise ValueError(f'{f}: {"; ".join(up["failures"]) or "the boots disagree"}')
            mean, ratio = up['mean'], up['ratios']
            row = f'{name}, {base}'
            cells = [f'{mean[b]["prereqs"]:.2f} -> {mean[b]["series"]:.2f}' if b in ratio
                     else 'not run' for b in ('null_syscall',)]
            cells += [f'{ratio[b]:.4f}' if b in ratio else '-'
                      for b in ('null_syscall', 'fork+exec')]
            body.append([row] + cells)
            notes += [textwrap.fill(f'{row}: {s}', 72, initial_indent='  ',
                                    subsequent_indent='    ')
                      for s in up['skipped'] if s.split()[0] in ('null_syscall', 'fork+exec')]
            have_role |= base == '6.12.y' and name == role and 'null_syscall' in ratio
    if not have_role:
        return None
    return '\n'.join([table(['configuration, base', 'null_syscall insns', 'ratio',
                              'fork+exec ratio'], body)] + notes)


def costs():
    """(upstream_costs(); thread set-up without the RFC, with its C and with
    its Rust, as make bench counted it, or None)"""
    upstream = upstream_costs()
    setup = None
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


def sender():
    value = os.environ.get('SENDER', '').strip()
    if not value:
        return None
    if not re.fullmatch(r'[^<>@]+ <[^<>\s]+@[^<>\s]+>', value):
        die(f'SENDER={value!r}: want "Full Name <address>"')
    return value


def cover_text(template, fields):
    title, body = template.split('\n', 1)
    body = body.format(**fields).strip('\n')
    # Filled-in values can make lines long: re-wrap prose, keep tables.
    body = '\n\n'.join(
        textwrap.fill(' '.join(para.split()), 72, break_on_hyphens=False)
        if max(map(len, para.splitlines())) > 72 and not para.startswith((' ', '-'))
        else para for para in body.split('\n\n'))
    return f'{title}\n\n{body}\n'


def forced_revisions():
    """REVISION="NAME=N ...": b4 prep --force-revision N for those submissions."""
    forced = {}
    for item in os.environ.get('REVISION', '').replace(',', ' ').split():
        m = re.fullmatch(r'([a-z0-9-]+)=v?([1-9][0-9]*)', item)
        if not m:
            die(f'REVISION={item!r}: want NAME=N, e.g. REVISION=fixes=3')
        forced[m.group(1)] = int(m.group(2))
    return forced


def revision(name, template, current, forced=None):
    """The revision a submission goes out as: REVISION's, else the one its cover
    letter's changelog is for ("Changes since vN": vN+1), else v1. A branch
    already past it (b4 send, b4 prep --manual-reroll) needs its changelog."""
    if forced:
        return forced
    since = [int(n) for n in re.findall(r'^Changes since v(\d+)', template, re.M)]
    want = max(since, default=0) + 1
    if current > want:
        die(f'{name}: its b4 branch is at v{current}, but cover-letter-{name}.txt has '
            f'{f"changes since v{want - 1} only" if since else "no changelog"}: add '
            f'"Changes since v{current - 1}:" to it, or run '
            f'"make series REVISION={name}={want}"')
    return want


def unfilled(path, fields=(), who=None):
    """The markers in a written file that a sender would have to fill in: b4's
    and ours, the template's {fields} left, and with a sender, the placeholder."""
    text = path.read_text(errors='replace')
    found = UNFILLED.findall(text) + [f'{{{f}}}' for f in fields if f'{{{f}}}' in text]
    if who and PLACEHOLDER.split(' <')[1].rstrip('>') in text:
        found.append(PLACEHOLDER)
    return [f'{path}: {m!r}' for m in dict.fromkeys(found)]


def check_written(templates):
    """unfilled() of everything make series wrote; a cover letter's {fields}
    only in the message that carries it, the first."""
    bad = unfilled(OUT / 'README')
    for name, template in templates.items():
        fields = re.findall(r'\{(\w+)\}', template)
        for i, mail in enumerate(sorted((OUT / name).glob('*.eml'))):
            bad += unfilled(mail, fields if i == 0 else (), sender())
    return bad


def make_one(tool, name, prefix, commits, base, template, cover, forced=None, depends=None):
    """One submission: its prep branch rebuilt, its cover letter, To/Cc and
    prerequisites set, b4 prep --check run, the messages written."""
    out = OUT / name
    who = sender() or PLACEHOLDER
    get_maintainer = ' '.join(['scripts/get_maintainer.pl', *GET_MAINTAINER])
    config = [
        # SMTP, not the web endpoint, so that unsigned output is allowed;
        # "send -o" only writes the messages.
        ('sendemail.smtpServer', '/bin/false'),
        ('b4.send-auto-to-cmd', f'{get_maintainer} --nol'),
        ('b4.send-auto-cc-cmd', f'{get_maintainer} --nom'),
        # b4's checkpatch arguments, and make check-series': the tree has no
        # history to look Fixes: ids up in, and the new files are covered by
        # MAINTAINERS entries of their directories (the cover letters say so).
        ('b4.prep-perpatch-check-cmd', f'{CHECKPATCH} --strict --ignore '
         'FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID')]
    cc = [a for s in SERIES_CC.get(name, []) for a in prep.maintainers_section(WORK, s)]
    if cc:
        config.append(('b4.send-series-cc', ', '.join(cc)))
    branch = prep.Branch(tool, WORK, f'submit-{name}', who, os.environ, config)
    saved = SAVED / f'{name}.json'
    branch.build(base, commits, sender(), PLACEHOLDER)
    new = branch.enroll(base, json.loads(saved.read_text()) if saved.exists() else None)
    branch.set_cover(cover)
    branch.set_prefixes(prefix.split()[1:])
    branch.force_revision(revision(name, template, branch.revision(), forced))
    branch.set_prerequisites(branch.dependency_on(depends) if depends else [])
    branch.auto_to_cc()
    report, counts = branch.check()
    (OUT / f'{name}.check').write_text(re.sub(r'\x1b\[[0-9;]*m', '', report))
    branch.send_to(out)
    SAVED.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(branch.tracking(), indent=1) + '\n')

    mails = sorted(out.glob('*.eml'))
    # A single patch may go without a cover letter, its text below "---".
    if len(mails) not in (len(commits) + 1, 1 if len(commits) == 1 else -1):
        die(f'{name}: b4 wrote {len(mails)} messages, want {len(commits)} patches and a cover')
    check = subprocess.run(
        ['git', 'send-email', '--dry-run', '--confirm=never', '--quiet', '--suppress-cc=all',
         f'--from={who}', *map(str, mails)],
        cwd=out, text=True, capture_output=True)
    if check.returncode:
        die(f'git send-email --dry-run rejected {name}:\n{check.stderr}')
    head = mails[0].read_text().split('\n\n', 1)[0]
    to = len(re.findall(r'@', head.split('\nTo: ', 1)[1].split('\nCc: ')[0]))
    what = f'{len(commits)} patches and a cover letter' if len(commits) > 1 else 'one patch'
    summary = {'name': name, 'prefix': prefix, 'revision': branch.revision(),
               'change_id': branch.change_id(), 'new': new, 'branch': branch.name,
               'what': what, 'check': counts, 'to': to,
               'prereqs': branch.tracking()['series'].get('prerequisites', [])}
    print(f'series: {name}: [{prefix}] v{summary["revision"]}, {what} in {out}; '
          f'change-id {summary["change_id"]}{" (new)" if new else ""}; '
          f'b4 prep --check: {checked(counts)} ({name}.check); '
          f'send-email --dry-run accepted them ({to} To)')
    return summary


def checked(counts):
    """b4 prep --check's summary: patches without reports, then reports."""
    return '{} clean, {} warnings, {} errors'.format(*counts)


def readme(parts, head, base):
    """build/series/README: what was written, from whom, and how to send it."""
    who = sender()
    lines = [f'make series wrote these with b4 {B4_VERSION} from {head},',
             f'on {base}, through the b4 prep branches of {MAINLINE_TREE}',
             f'(worktree {WORK}).', '']
    for p in parts:
        lines += [f'{p["name"] + "/":9} [{p["prefix"]}] v{p["revision"]}, {p["what"]}; '
                  f'branch {p["branch"]}',
                  f'          change-id {p["change_id"]}',
                  f'          b4 prep --check: {checked(p["check"])} (see {p["name"]}.check)']
        lines += [f'          prerequisite {d}' for d in p['prereqs'] if not
                  d.startswith('patch-id:')]
    lines.append('')
    if who:
        lines += [f'From, author and Signed-off-by of every patch: {who}.',
                  'By sending them you certify the Developer\'s Certificate of Origin',
                  '(Documentation/process/submitting-patches.rst) for each.']
    else:
        lines += ['THESE CANNOT BE SENT. No SENDER was given: every patch is authored and',
                  f'signed off by the placeholder {PLACEHOLDER},',
                  'which certifies nothing. Write them again under your name:',
                  '',
                  "    make series SENDER='Your Name <you@example.org>'"]
    lines += ['', 'Send the bindgen fix on its own, the fixes, then the RFC, which',
              'depends on them:', '']
    lines += [f'    git send-email --annotate {OUT}/{p["name"]}/*.eml' for p in parts]
    lines += ['',
              'then record what was sent in its branch, so that the next make series',
              'writes the next revision (it asks for that revision\'s changelog in',
              'the cover letter first):', '',
              f'    cd {WORK} && git checkout submit-NAME &&',
              f'    {B4_VENV}/bin/b4 prep --manual-reroll \'<message-id of the cover>\'',
              '', 'which reads the thread from lore, or send with b4 send from that',
              'branch, which does both. REVISION=NAME=N make series sets a revision.']
    (OUT / 'README').write_text('\n'.join(lines) + '\n')


def write_all(parts, commits, covers, base, forced=None):
    """The submissions parts (submissions()) of commits, the patches after the
    prerequisites, with their (template, cover letter) covers, in OUT."""
    tool = b4()
    try:
        prep.worktree(MAINLINE_TREE, WORK, 'ppc-threads')
    except prep.Error as e:
        die(str(e))
    for name, _, _ in parts:
        # Refused before anything is written, as make_one() would.
        saved = SAVED / f'{name}.json'
        tracking = (prep.Branch(tool, WORK, f'submit-{name}', PLACEHOLDER, os.environ).tracking()
                    or (json.loads(saved.read_text()) if saved.exists() else {}))
        revision(name, covers[name][0], tracking.get('series', {}).get('revision', 1),
                 (forced or {}).get(name))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    try:
        # The first submission's base, a branch as b4 wants it.
        run('git', 'branch', '-f', BASE_BRANCH, f'{commits[0]}~1', cwd=MAINLINE_TREE)
        done, summaries, base_branch = 0, [], BASE_BRANCH
        for name, prefix, patches in parts:
            depends = DEPENDS.get(name)
            other = (prep.Branch(tool, WORK, f'submit-{depends}', PLACEHOLDER, os.environ)
                     if depends else None)
            summaries.append(make_one(tool, name, prefix, commits[done:done + len(patches)],
                                      base_branch, *covers[name], (forced or {}).get(name),
                                      other))
            base_branch = f'submit-{name}'
            done += len(patches)
    except (prep.Error, SystemExit) as e:
        # Nothing half-written to send.
        shutil.rmtree(OUT, ignore_errors=True)
        die(str(e).removeprefix('error: '))
    head = run('git', 'log', '-1', '--format=%h ("%s")', 'ppc-threads',
               cwd=MAINLINE_TREE).strip()
    readme(summaries, f'ppc-threads at {head}', base)
    bad = check_written({name: covers[name][0] for name, _, _ in parts})
    if bad:
        shutil.rmtree(OUT, ignore_errors=True)
        die('make series wrote unfilled markers, and removed what it wrote:\n  '
            + '\n  '.join(bad))
    return summaries


def configure(build, tree):
    """Point the paths at --build-dir and --tree."""
    global BUILD, TREE, MAINLINE_TREE, OUT, RESULTS, WORK, SAVED, B4_VENV
    BUILD, TREE = Path(build), Path(tree)
    MAINLINE_TREE = BUILD / 'mainline' / 'linux'
    OUT, WORK, SAVED = BUILD / 'series', BUILD / 'submit-tree', BUILD / 'submit-tracking'
    RESULTS = [BUILD / 'results', BUILD / 'results-mainline']
    B4_VENV = BUILD / 'b4-venv'


def main(argv=None):
    parser = dir_options(argparse.ArgumentParser(usage='submissions.py [--build-dir=D] '
                                                 '[--tree=T]   (make series)'))
    where = dirs_of(parser.parse_args(sys.argv[1:] if argv is None else argv))
    configure(where.build, where.tree)
    sender()
    forced = forced_revisions()
    if not (MAINLINE_TREE / '.git').is_dir():
        die(f'no mainline tree in {MAINLINE_TREE}: run "make mainline" (or "make test") '
            'first; it fetches Debian\'s newest linux-source and applies the series')
    if not os.access(SEND_EMAIL, os.X_OK):
        die('git send-email is missing (apt-get install git-email)')
    parts = submissions()
    unknown = set(forced) - {name for name, _, _ in parts}
    if unknown:
        die(f'REVISION names {", ".join(sorted(unknown))}, not a submission')
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
    try:
        upstream_cost, setup_cost = costs()
    except (OSError, ValueError, KeyError, TypeError) as e:
        die(f'make bench-upstream\'s figures: {e}: run it again')
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
        up = f'upstream-{configs.role("bench-upstream")[0]}.json'
        die(f'no make bench figures ({BUILD}/bench/bench.json and upstream/results/{up}, '
            'both passing): run "make bench" first (and make test-full for the figures '
            'of the other configurations)')

    covers = {}
    for name, _, _ in parts:
        template = (PATCHES / f'cover-letter-{name}.txt').read_text()
        fields['matrix'] = matrices.get(name, '')
        covers[name] = (template, cover_text(template, fields))
    write_all(parts, commits, covers, fields['mainline_base'], forced)
    if not sender():
        print(f'series: THESE CANNOT BE SENT: no SENDER, so every patch is from and signed '
              f'off by the placeholder "{PLACEHOLDER}"; run "make series '
              'SENDER=\'Your Name <you@example.org>\'" (see build/series/README)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
