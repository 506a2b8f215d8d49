# SPDX-License-Identifier: GPL-2.0
"""b4 prep branches that last: make series' submissions in b4's own state.

Each submission is a branch in a worktree of the mainline tree, enrolled
once with b4 prep and kept: b4 keeps a branch's cover letter and tracking
data (change-id, revision, prefixes, prerequisites) in branch config when
its prep.cover-strategy is branch-description (b4/ez.py, store_cover()):

    branch.NAME.description       the cover letter
    branch.NAME.b4-tracking       {"series": {"change-id": ..., "revision": ...,
                                   "base-branch": ..., "prerequisites": [...]}}

Rebuilding the branch's commits (git checkout -B) leaves that config alone,
so a rerun keeps the change-id and the revision. A copy of the tracking data
outside the tree restores them when make mainline replaces the tree.
"""

import json
import re
import subprocess
from pathlib import Path

STRATEGY = 'branch-description'


class Error(Exception):
    pass


def run(args, cwd, env, check=True):
    proc = subprocess.run(list(map(str, args)), cwd=cwd, env=env, text=True,
                          capture_output=True)
    if check and proc.returncode:
        raise Error(f'{" ".join(map(str, args))}: '
                    f'{(proc.stderr.strip() or proc.stdout.strip())[-2000:]}')
    return proc


def identity(who):
    """("Name", "address") of "Name <address>"."""
    m = re.fullmatch(r'\s*([^<>@]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*', who or '')
    if not m:
        raise Error(f'{who!r}: want "Full Name <address>"')
    return m.groups()


def environment(base_env, who, config):
    """base_env with the identity who and the config pairs as git sees them
    (GIT_CONFIG_COUNT): for git and for b4, which reads its config from git."""
    name, email = identity(who)
    pairs = [('user.name', name), ('user.email', email),
             ('b4.prep-cover-strategy', STRATEGY), *config]
    env = {k: v for k, v in base_env.items() if not k.startswith('GIT_CONFIG_')}
    env |= {'GIT_AUTHOR_NAME': name, 'GIT_AUTHOR_EMAIL': email,
            'GIT_COMMITTER_NAME': name, 'GIT_COMMITTER_EMAIL': email,
            'GIT_CONFIG_COUNT': str(len(pairs))}
    for i, (k, v) in enumerate(pairs):
        env[f'GIT_CONFIG_KEY_{i}'], env[f'GIT_CONFIG_VALUE_{i}'] = k, v
    return env


class Branch:
    """One prep branch, checked out in the worktree work, run as who."""

    def __init__(self, b4, work, name, who, env, config=()):
        self.b4_tool, self.work, self.name = b4, Path(work), name
        self.env = environment(env, who, list(config))

    def git(self, *args, check=True):
        return run(['git', *args], self.work, self.env, check).stdout

    def b4(self, *args):
        proc = run([self.b4_tool, *args], self.work, self.env)
        return proc.stdout + proc.stderr

    def config(self, key):
        out = self.git('config', '--get', f'branch.{self.name}.{key}', check=False)
        return out.rstrip('\n') or None

    def tracking(self):
        return json.loads(self.config('b4-tracking') or '{}')

    def set_tracking(self, tracking):
        self.git('config', f'branch.{self.name}.b4-tracking', json.dumps(tracking))

    def build(self, base, commits, sender=None, placeholder=None):
        """The branch: base, then commits, each made the sender's (author and
        Signed-off-by) when sender is given. Its b4 config stays."""
        self.git('cherry-pick', '--abort', check=False)
        self.git('checkout', '-q', '-f', '-B', self.name, base)
        for commit in commits:
            # Fast-forwards while the parents are the same: no new commit.
            self.git('cherry-pick', '--ff', '--allow-empty', commit)
            if sender:
                # "replace": the sign-off closest to the end, the placeholder's,
                # becomes the sender's.
                self.git('-c', 'trailer.ifexists=replace', 'commit', '-q', '--amend',
                         '--no-edit', '--reset-author', '--trailer',
                         f'Signed-off-by: {sender}')
        if sender and placeholder:
            log = self.git('log', '--format=%an <%ae>%n%B', f'{base}..{self.name}')
            if placeholder in log or f'Signed-off-by: {sender}' not in log:
                raise Error(f'{self.name}: the placeholder {placeholder} is still in its '
                            'commits, or a commit has no Signed-off-by')

    def enroll(self, base, saved=None):
        """Enroll with b4 prep -e base once; from the saved tracking data when
        the branch has none (a new tree). True when b4 made a new change-id."""
        if self.config('b4-tracking'):
            return False
        if saved is not None and saved.get('series', {}).get('change-id'):
            self.git('config', f'branch.{self.name}.b4-prep-cover-strategy', STRATEGY)
            saved['series']['base-branch'] = base
            self.set_tracking(saved)
            return False
        self.b4('prep', '-e', base)
        return True

    def set_cover(self, text):
        """What b4 prep --edit-cover stores with this strategy."""
        self.git('config', f'branch.{self.name}.description', text)

    def set_prefixes(self, prefixes):
        if self.tracking()['series'].get('prefixes', []) != list(prefixes):
            self.b4('prep', '--set-prefixes', *(prefixes or ['']))

    def revision(self):
        return int(self.tracking()['series']['revision'])

    def force_revision(self, n):
        if self.revision() != n:
            self.b4('prep', '--force-revision', str(n))

    def change_id(self):
        return self.tracking()['series']['change-id']

    def set_prerequisites(self, prereqs):
        """What b4 prep --edit-deps stores: "change-id: ID:vN", "patch-id: ID",
        "base-commit: COMMIT" lines, in the order they apply."""
        tracking = self.tracking()
        if tracking['series'].get('prerequisites', []) != prereqs:
            tracking['series']['prerequisites'] = prereqs
            self.set_tracking(tracking)

    def dependency_on(self, other):
        """Prerequisites for a series on top of the branch other: its change-id
        and revision, the commit it is based on, and its patches' ids. b4 adds
        the patch ids itself only for a revision it sent (its sent/ tag); the
        others it would look up on lore, where a series sent at the same time
        is not yet."""
        series = other.tracking()['series']
        change_id, rev = series['change-id'], series['revision']
        base = other.git('merge-base', series['base-branch'], other.name).strip()
        prereqs = [f'change-id: {change_id}:v{rev}', f'base-commit: {base}']
        if other.git('tag', '-l', f'sent/{change_id}-v{rev}').strip():
            return prereqs
        for commit in other.git('rev-list', '--reverse', f'{base}..{other.name}').split():
            diff = other.git('show', '--format=', commit)
            pid = subprocess.run(['git', 'patch-id', '--stable'], input=diff, text=True,
                                 capture_output=True, cwd=other.work).stdout.split()
            if pid:
                prereqs.append(f'patch-id: {pid[0]}')
        return prereqs

    def auto_to_cc(self):
        return self.b4('prep', '--auto-to-cc')

    def check(self):
        """b4 prep --check: its report and its "Success: S, Warning: W, Error: E"."""
        out = self.b4('prep', '--check')
        m = re.search(r'Success: (\d+), Warning: (\d+), Error: (\d+)', out)
        if not m:
            raise Error(f'{self.name}: b4 prep --check gave no summary:\n{out}')
        return out, tuple(map(int, m.groups()))

    def send_to(self, out):
        """b4 send -o: the messages, written, not sent."""
        return self.b4('send', '--no-sign', '-o', str(out))


def worktree(tree, work, start):
    """work as a worktree of tree (made again when it belongs to another one)."""
    env = None
    common = run(['git', 'rev-parse', '--path-format=absolute', '--git-common-dir'],
                 work, env, check=False) if Path(work).is_dir() else None
    if common and common.returncode == 0 and \
            Path(common.stdout.strip()) == (Path(tree) / '.git').resolve():
        return
    subprocess.run(['rm', '-rf', str(work)], check=True)
    run(['git', 'worktree', 'prune'], tree, env)
    run(['git', 'worktree', 'add', '-q', '--detach', str(work), start], tree, env)


def maintainers_section(tree, title):
    """The M:, R: and L: addresses of one MAINTAINERS section, for b4's
    send-series-cc: what get_maintainer.pl gives for a file of it."""
    text = (Path(tree) / 'MAINTAINERS').read_text(errors='replace')
    m = re.search(rf'^{re.escape(title)}\n((?:[A-Z]:\t.*\n)+)', text, re.M)
    if not m:
        raise Error(f'MAINTAINERS has no section "{title}"')
    return [line[3:].split(' (')[0].strip() for line in m.group(1).splitlines()
            if line[:2] in ('M:', 'R:', 'L:')]
