# SPDX-License-Identifier: GPL-2.0
"""The verdicts of the boots with a user program as init, on real console logs."""


def test_selftest_passes(boot_init, data):
    passed, failed, what = boot_init.judge(
        'user-regs', '/user_regs', (data / 'ppc64-be-user-regs.log').read_text())
    assert (passed, failed) == (2, 0), what


def test_selftest_killed_by_a_signal_fails(boot_init, data):
    # A ppc64le kernel without VSX: glibc's first vector instruction traps.
    text = (data / 'ppc64le-user-regs-sigill.log').read_text()
    assert boot_init.judge('user-regs', '/user_regs', text)[1] == 1
    assert boot_init.judge('user-regs-before', '/user_regs', text)[1] == 1


def test_selftest_without_the_fixes_names_the_registers(boot_init, data):
    text = (data / 'ppc32-user-regs-before.log').read_text()
    passed, failed, what = boot_init.judge('user-regs-before', '/user_regs', text)
    assert (passed, failed) == (1, 0)
    assert 'r0 = 0xc001b2fc' in what
    # The same log from a kernel that should be fixed fails.
    assert boot_init.judge('user-regs', '/user_regs', text)[1] >= 1


def test_hang_and_missing_init_fail(boot_init):
    assert boot_init.judge('init', '/exec_entry', 'Run /exec_entry as init process\n')[1] == 1
    assert boot_init.judge('init', '/exec_entry', 'Kernel panic\n')[1] == 1
