# SPDX-License-Identifier: GPL-2.0
"""boot_init.py's kaslr modes: what CTR gives away of the randomised base."""

from qemu import boot_init

LINK = {'sys_getpid': 0xc0012340}


def boot(ctr, symbol=None):
    """The console lines of one /ctr_probe boot that the verdict reads."""
    said = f'is {symbol}' if symbol else 'is no kernel symbol'
    return ('Run /ctr_probe as init process\n'
            f'ctr_probe: ctr {ctr} {said}\n'
            'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\n')


def offset(value):
    """What the kernel prints of its offset on panic."""
    return f'[    1.234567] Kernel Offset: {value:#x} from 0xc0000000\n'


def test_a_moved_kernel_must_say_so():
    texts = [boot('0xc1012340', 'sys_getpid'), boot('0xc2412340', 'sys_getpid')]
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts, LINK)[1] == 1


def test_two_offsets_give_the_base_away():
    texts = [boot('0xc1012340', 'sys_getpid') + offset(0x1000000),
             boot('0xc2412340', 'sys_getpid') + offset(0x2400000)]
    passed, failed, what = boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts, LINK)
    assert (passed, failed) == (1, 0), what
    assert 'offset 0x1000000' in what and 'offset 0x2400000' in what


def test_one_offset_twice_is_not_enough():
    texts = [boot('0xc1012340', 'sys_getpid') + offset(0x1000000)] * 2
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts, LINK)[1] == 1


def test_an_unmoved_kernel_is_an_offset_too():
    # KASLR may keep the link-time base; CTR gives that away as well.
    texts = [boot('0xc0012340', 'sys_getpid'),
             boot('0xc1012340', 'sys_getpid') + 'Kernel Offset: 0x1000000 from 0xc0000000\n']
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts, LINK)[:2] == (1, 0)


def test_zero_ctr_passes_only_with_the_fixes():
    texts = [boot('0')]
    assert boot_init.judge_kaslr('kaslr', '/ctr_probe', texts, LINK)[:2] == (1, 0)
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts * 2, LINK)[1] == 1
    leaked = [boot('0xc1012340', 'sys_getpid')]
    assert boot_init.judge_kaslr('kaslr', '/ctr_probe', leaked, LINK)[:2] == (0, 1)


def test_a_probe_that_never_ran_fails():
    texts = ['Kernel panic - not syncing: VFS: Unable to mount root fs\n']
    assert boot_init.judge_kaslr('kaslr', '/ctr_probe', texts, LINK)[:2] == (0, 1)


def test_the_offset_must_be_the_one_the_kernel_prints():
    told = 'Kernel Offset: 0x1000000 from 0xc0000000\n'
    right = [boot('0xc1012340', 'sys_getpid') + told,
             boot('0xc2412340', 'sys_getpid') + told.replace('0x1000000', '0x2400000')]
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', right, LINK)[:2] == (1, 0)
    wrong = [right[0], boot('0xc2412340', 'sys_getpid') + told]
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', wrong, LINK)[1] == 1


def test_real_boots_of_e500_before_and_after_the_fixes(data):
    # sys_getpid in the System.map of the kernel that printed these logs.
    link = {'sys_getpid': 0xc0052964}
    before = [(data / f'ppc32-e500-kaslr-before-{n}.log').read_text() for n in (1, 2)]
    passed, failed, what = boot_init.judge_kaslr('kaslr-before', '/ctr_probe', before, link)
    assert (passed, failed) == (1, 0), what
    assert 'offset 0x9284000' in what and 'offset 0x5f44000' in what
    after = [(data / 'ppc32-e500-kaslr.log').read_text()]
    assert boot_init.judge_kaslr('kaslr', '/ctr_probe', after, link)[:2] == (1, 0)
    assert boot_init.judge_kaslr('kaslr', '/ctr_probe', before[:1], link)[:2] == (0, 1)


def test_the_kernel_offset_line_with_printk_caller():
    told = '[    1.234567][    T1] Kernel Offset: {} from 0xc0000000\n'
    texts = [boot('0xc1012340', 'sys_getpid') + told.format('0x1000000'),
             boot('0xc2412340', 'sys_getpid') + told.format('0x2400000')]
    assert boot_init.judge_kaslr('kaslr-before', '/ctr_probe', texts, LINK)[:2] == (1, 0)
