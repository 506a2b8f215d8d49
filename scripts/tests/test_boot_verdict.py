# SPDX-License-Identifier: GPL-2.0
"""The verdicts of the boots with a user program as init, on real console logs."""

from qemu import boot_init
from verdict import judge_boot


def test_selftest_passes(data):
    passed, failed, what = boot_init.judge(
        'user-regs', '/user_regs', (data / 'ppc64-be-user-regs.log').read_text())
    assert (passed, failed) == (2, 0), what


def test_selftest_killed_by_a_signal_fails(data):
    # A ppc64le kernel without VSX: glibc's first vector instruction traps.
    text = (data / 'ppc64le-user-regs-sigill.log').read_text()
    assert boot_init.judge('user-regs', '/user_regs', text)[1] == 1
    assert boot_init.judge('user-regs-before', '/user_regs', text)[1] == 1


def test_selftest_without_the_fixes_names_the_registers(data):
    text = (data / 'ppc32-user-regs-before.log').read_text()
    passed, failed, what = boot_init.judge('user-regs-before', '/user_regs', text)
    assert (passed, failed) == (1, 0)
    assert 'r0 = 0xc001b2fc' in what
    # The same log from a kernel that should be fixed fails.
    assert boot_init.judge('user-regs', '/user_regs', text)[1] >= 1


def test_a_kernel_that_never_leaked_must_pass_without_the_fixes(data):
    # ppc64le-powernv has before_passes: its "before" boot is judged as a pass.
    ok = (data / 'ppc64-be-user-regs.log').read_text()
    passed, failed, what = boot_init.judge('user-regs-before', '/user_regs', ok,
                                           'ppc64le-powernv')
    assert (passed, failed) == (2, 0) and 'never leaked' in what, what
    leaky = (data / 'ppc32-user-regs-before.log').read_text()
    assert boot_init.judge('user-regs-before', '/user_regs', leaky, 'ppc64le-powernv')[1] >= 1


def test_hang_and_missing_init_fail():
    assert boot_init.judge('init', '/exec_entry', 'Run /exec_entry as init process\n')[1] == 1
    assert boot_init.judge('init', '/exec_entry', 'Kernel panic\n')[1] == 1


STRESS = """Run /stress_init as init process
stress: 1000 kthreads, 100 execs, 1000 forks, 3 hotplug cycles of 3 CPUs, 10% of kthreadd's allocations failed
{middle}stress: kthreads created 905
stress: faults injected and handled 95
stress: leaks 0
stress: init done
Kernel panic - not syncing: Attempted to kill init! exitcode={code}
"""


def stress(middle='', code='0x00000000'):
    return boot_init.judge('stress', '/stress_init', STRESS.format(middle=middle, code=code))


def test_stress_passes_with_its_figures():
    passed, failed, what = stress()
    assert (passed, failed) == (1, 0), what
    lines = what.splitlines()
    assert lines[-2:] == ['stress: splats 0', 'stress: PASS']
    assert 'stress: faults injected and handled 95' in lines


def test_every_kind_of_splat_fails_stress():
    reports = {
        'KASAN': 'BUG: KASAN: slab-use-after-free in ppc_init_kthread_frames+0x40/0x100',
        'KFENCE': 'BUG: KFENCE: use-after-free read in start_kernel_thread+0x8/0x20',
        'lockdep': 'WARNING: possible circular locking dependency detected',
        'WARN': 'WARNING: CPU: 2 PID: 57 at arch/powerpc/kernel/irq_64.c:300 foo+0x1/0x2',
        'BUG': 'kernel BUG at arch/powerpc/kernel/interrupt_64.S:742!',
        'Oops': 'Oops: Exception in kernel mode, sig: 5 [#1]',
        'kmemleak': 'kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)',
        'lockup': 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [stress_kthreads:60]',
    }
    for kind, line in reports.items():
        passed, failed, what = stress(middle=line + '\n')
        assert (passed, failed) == (0, 1), kind
        assert kind in judge_boot.splats(line), (kind, line)
        assert what.splitlines()[-1].startswith('stress: FAIL (') and kind in what, what


def test_a_sleeping_in_atomic_report_is_lockdep_only():
    line = 'BUG: sleeping function called from invalid context at kernel/kthread.c:123'
    assert judge_boot.splats(line) == {'lockdep': 1}


def test_stress_fails_on_init_errors_and_hangs():
    passed, failed, what = stress(middle='stress: error: kmemleak: 1 new suspected leaks\n',
                                  code='0x00000100')
    assert failed == 1 and 'kmemleak: 1 new suspected leaks' in what
    assert stress(code='0x00000100')[1] == 1
    passed, failed, what = boot_init.judge('stress', '/stress_init',
                                           'Run /stress_init as init process\n')
    assert failed == 1 and what.splitlines()[-1] == ('stress: FAIL (/stress_init did not exit '
                                                     '(hang or crash))')


def test_a_kernel_that_dies_before_init_fails_stress_with_its_splat():
    text = ('BUG: Unable to handle kernel instruction fetch (NULL pointer?)\n'
            'Oops: Kernel access of bad area, sig: 7 [#1]\n')
    passed, failed, what = boot_init.judge('stress', '/stress_init', text)
    assert failed == 1
    assert what.splitlines()[-1] == ('stress: FAIL (1 BUG; 1 Oops; init did not start '
                                     '/stress_init)')


def test_a_hung_qemu_is_named():
    text = 'Booting Linux via __start() ...\n\n[timed out after 600 s]\n'
    assert boot_init.judge('init', '/exec_entry', text)[2] == (
        'init did not start /exec_entry, qemu killed after 600 s')
    assert boot_init.judge('stress', '/stress_init', text)[2].splitlines()[-1] == (
        'stress: FAIL (init did not start /stress_init, qemu killed after 600 s)')


def test_a_compat_helper_without_the_fixes_gets_kernel_address_halves(data):
    # The selftest built 32-bit, as init of a big-endian ppc64 kernel.
    text = (data / 'ppc64-be-user-regs-compat-before.log').read_text()
    passed, failed, what = boot_init.judge('user-regs-compat-before', '/compat/user_regs', text)
    assert (passed, failed) == (1, 0), what
    assert 'r14 = 0x' in what and 'r15 = 0x' in what
    assert boot_init.judge('user-regs-compat', '/compat/user_regs', text)[1] >= 1


def test_the_init_boots_use_the_kernel_the_suites_built(monkeypatch, tmp_path):
    # make kunit LLVM=1 builds BUILD_DIR/out/NAME-llvm: the boots must boot that one.
    import harness

    where = harness.dirs(tmp_path)
    monkeypatch.setenv('LLVM', '1')
    (tmp_path / 'out' / 'ppc32-llvm').mkdir(parents=True)
    (tmp_path / 'out' / 'ppc32-llvm' / 'System.map').write_text('c0001000 T sys_getpid\n')
    assert boot_init.system_map(where.out('ppc32')) == {'sys_getpid': 0xc0001000}
    monkeypatch.delenv('LLVM')
    assert harness.kernel_out('ppc32', tmp_path) == where.out('ppc32') == tmp_path / 'out' / 'ppc32'


def test_where_a_script_works_is_on_its_command_line(tmp_path):
    import argparse

    import harness

    parser = harness.dir_options(argparse.ArgumentParser())
    where = harness.dirs_of(parser.parse_args(['--build-dir', str(tmp_path)]))
    assert where == harness.Dirs(tmp_path, tmp_path / 'linux', tmp_path / 'results')
    where = harness.dirs_of(parser.parse_args(['--build-dir', str(tmp_path), '--tree',
                                               str(tmp_path / 't'), '--results-dir',
                                               str(tmp_path / 'r')]))
    assert (where.tree, where.results) == (tmp_path / 't', tmp_path / 'r')
    assert harness.dirs_of(parser.parse_args([])).build == harness.DEFAULT_BUILD


def test_lkdtm_kthread_return(data):
    text = (data / 'ppc64le-lkdtm.log').read_text()
    judge = lambda t: boot_init.judge('lkdtm', '/provoke_crash', t)  # noqa: E731
    passed, failed, what = judge(text)
    assert (passed, failed) == (1, 0), what
    # ppc32's shim is in entry_32.S; without BUGVERBOSE the BUG names the symbol.
    assert judge(text.replace('interrupt_64.S:790', 'entry_32.S:232'))[1] == 0
    assert judge(text.replace('kernel BUG at arch/powerpc/kernel/interrupt_64.S:790!',
                              'Kernel BUG at start_kernel_thread+0x14/0x18 [verbose debug '
                              'info unavailable]'))[1] == 0
    # A thread that exited normally, a BUG elsewhere, a second splat.
    ok = 'lkdtm: ok: returning kernel thread 37 killed by SIGTRAP'
    assert ok in text
    bad = [text.replace(ok, 'lkdtm: FAIL: the thread function never ran'),
           text.replace('NIP [c00000000000da58] start_kernel_thread+0x14/0x18',
                        'NIP [c00000000000da58] schedule_tail+0x14/0x18'),
           text.replace('Comm: lkdtm_kt_return', 'Comm: provoke_crash'),
           text.replace('PID: 37 Comm: lkdtm_kt_return', 'PID: 99 Comm: lkdtm_kt_return'),
           text.replace('Oops: Exception in kernel mode', 'Exception in kernel mode'),
           text + '\nWARNING: CPU: 0 PID: 37 at kernel/exit.c:900 do_exit+0x1/0x2\n']
    for t in bad:
        assert judge(t)[1] == 1
    assert 'no "ok:" from LKDTM' in judge(text.replace(ok, ''))[2]
