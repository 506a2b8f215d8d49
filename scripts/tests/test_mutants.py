# SPDX-License-Identifier: GPL-2.0
# The mutants' edits against the file as the series creates it, so that a
# stale edit fails here in a second, not after an hour of make test.
import pytest

from checks import mutants
from harness import PATCHES, REPO


def created_by_series(path):
    """The text of a file that one patch of the series creates."""
    header = f'--- /dev/null\n+++ b/{path}\n'
    found = [p for p in sorted(PATCHES.glob('0*.patch')) if header in p.read_text()]
    assert len(found) == 1, f'{path} is created by {len(found)} patches'
    hunks = found[0].read_text().split(header, 1)[1].split('\ndiff --git', 1)[0]
    return ''.join(line[1:] + '\n' for line in hunks.splitlines()[1:] if line.startswith('+'))


def added_by_series(path):
    """The lines the series adds to an existing file, joined."""
    header = f'+++ b/{path}\n'
    return ''.join(line[1:] + '\n' for p in sorted((PATCHES / 'edits').glob('0*.patch'))
                   for part in p.read_text().split(header)[1:]
                   for line in part.split('\ndiff --git', 1)[0].splitlines()
                   if line.startswith('+') and not line.startswith('+++'))


@pytest.mark.parametrize('mutant', mutants.MUTANTS, ids=[m[0] for m in mutants.MUTANTS])
def test_each_edit_applies_once(mutant):
    name, _, _, _, target, edits = mutant
    if target == mutants.RUST:
        text = (REPO / 'rust/thread_setup.rs').read_text()
        assert text == created_by_series(target)
    else:
        text = added_by_series(target)
    assert mutants.apply(text, edits, name, target) != text


def test_each_mutant_names_a_c_and_a_rust_test():
    for name, _, _, tests, target, _ in mutants.MUTANTS:
        if target == mutants.ENTRY_32:
            # The syscall entry: only the selftest's case can see it.
            assert tests == (mutants.RESTORE_ALL,), name
            continue
        rust = [t for t in tests if t.startswith('powerpc_thread_setup_rust.')]
        assert len(rust) == 1 and len(tests) == 2, name


def test_a_boot_test_is_killed_only_by_its_own_case(tmp_path, monkeypatch):
    out = tmp_path / 'out' / 'ppc32-e500-rust'
    out.mkdir(parents=True)
    monkeypatch.setattr(mutants, 'kernel_out', lambda config, build: out)
    console = out / 'console-user-regs.log'

    def status(text):
        # The boot writes its console; an earlier boot's is gone first.
        console.write_text('success: syscall_restore_all_regs\n')
        monkeypatch.setattr(mutants.subprocess, 'run', lambda *a, **k: console.write_text(text))
        return mutants.boot_status(mutants.RESTORE_ALL, 'ppc32-e500-rust', tmp_path, tmp_path)
    assert status('success: syscall_exit_regs\nfailure: syscall_restore_all_regs\n') == 'FAIL'
    assert status('success: syscall_exit_regs\nsuccess: syscall_restore_all_regs\n') == 'PASS'
    assert status('failure: syscall_exit_regs\nfailure: syscall_restore_all_regs\n'
                  ).startswith('other (syscall_exit_regs, syscall_restore_all_regs')
    assert status('Kernel panic\n').startswith('other (no user_regs verdict')
    assert status('success: syscall_exit_regs\n').startswith('other (no user_regs verdict')


def test_a_stale_edit_is_refused():
    with pytest.raises(SystemExit, match='exactly once'):
        mutants.apply('a\na\n', [('a', 'b')], 'twice')
