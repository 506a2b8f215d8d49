# SPDX-License-Identifier: GPL-2.0
"""Configurations, bases and the patches each base gets."""

import pytest

from harness import PATCHES, configs
from harness.bases import prereqs_for
from harness.series import diverged, key, names, patch_paths

# The fields every configuration must have, and nothing else.
MINIMAL = ('[x]\ndescription = "d"\nqemu_config = "q"\nmachine = "m"\ncross = "c-"\n'
           'kunitconfigs = []\nsuites = []\n')


def test_the_configurations_load_in_file_order():
    loaded = configs.load()
    assert list(loaded)[0] == 'ppc64le-rust'
    for c in loaded.values():
        assert c.suites and c.kunitconfigs and c.cross.endswith('-')


def test_unknown_field_is_refused(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(MINIMAL + 'suits = []\n')
    with pytest.raises(ValueError, match='unknown fields: suits'):
        configs.load(f)


def test_missing_field_is_refused(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text('[x]\ndescription = "d"\n')
    with pytest.raises(ValueError, match=r'\[x\]'):
        configs.load(f)


def test_stages_follow_the_fields():
    loaded = configs.load()
    plain, mainline = configs.stages('', loaded), configs.stages('mainline-', loaded)
    assert not [s for s in plain + mainline if s.endswith('-cost')]  # make bench counts it
    assert mainline[0] == 'mainline-apply'
    for c in loaded.values():
        assert (f'mainline-{c.name}-before' in mainline) == (bool(c.before_fails)
                                                             or c.before_passes)
        assert f'{c.name}-lkdtm' in plain


def test_a_kernel_that_never_leaked_gets_a_before_row_that_must_pass(tmp_path):
    f = tmp_path / 'c.toml'
    plain = ('description = "d"\nqemu_config = "q"\nmachine = "m"\ncross = "c-"\n'
             'kunitconfigs = ["base"]\nsuites = ["s"]\n')
    f.write_text(f'[x]\n{plain}before_passes = true\n')
    x = configs.load(f)['x']
    assert x.before and not x.before_fails
    assert configs.boot_modes(x, before=True) == ['user-regs-before']
    assert 'mainline-x-before' in configs.stages('mainline-', {'x': x})
    f.write_text(f'[x]\n{plain}before_passes = true\nbefore_fails = ["s.t"]\n')
    with pytest.raises(ValueError, match='contradict'):
        configs.load(f)


def test_kselftests_boot_both_kernels_of_make_mainline(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(MINIMAL + 'kselftests = ["exec"]\nbefore_fails = ["s.t"]\n')
    x = configs.load(f)['x']
    names = configs.stages('mainline-', {'x': x})
    # Both boots and then their table, after the kernel with the fixes.
    assert names[-3:] == ['mainline-x-kselftest-before', 'mainline-x-kselftest',
                          'mainline-x-selftests']
    assert not [n for n in configs.stages('', {'x': x}) if 'kselftest' in n]
    f.write_text(MINIMAL + 'kselftests = ["exec"]\n')
    with pytest.raises(ValueError, match='needs before_fails or before_passes'):
        configs.load(f)


def test_make_test_runs_a_subset_on_each_base():
    loaded = configs.load()
    for base in configs.BASES:
        chosen = configs.on_base(loaded, base, make_test=True)
        assert chosen and set(chosen) < set(configs.on_base(loaded, base))
        assert all(base in c.in_make_test for c in chosen.values())
        # The Rust helpers on every architecture the base has Rust for.
        assert 'ppc64le-rust' in chosen
    # 6.12.y has no 32-bit Rust; mainline runs its helpers on ppc32.
    assert 'ppc32-rust' not in configs.on_base(loaded, '6.12.y')
    mainline = configs.on_base(loaded, 'mainline', make_test=True)
    assert any('rust' in c.kunitconfigs and c.cross == 'powerpc-linux-gnu-'
               for c in mainline.values())
    # The before row and the KASLR row must stay in make test.
    assert any(c.before_fails for c in mainline.values())
    assert any(c.kaslr and c.before_fails for c in mainline.values())
    assert configs.stages('', {}) == [] and configs.on_base(loaded) == loaded


def test_make_selftests_kernels_follow_the_helpers():
    loaded = configs.load()
    plain = ['upstream', 'kunitconfigs/kselftests']
    assert configs.pair(loaded['ppc64le-rust']) == (plain, ['upstream-rust',
                                                            'kunitconfigs/helpers-on'])
    # Rust without the helpers changes nothing that upstream's tests see.
    assert configs.pair(loaded['ppc64le-c']) == (plain, [])
    assert 'kunitconfigs/toolchain-cpu' in configs.pair(loaded['ppc32-e500-rust'])[1]
    pairs = configs.distinct_pairs(configs.on_base(loaded, 'mainline'))
    # The module configuration's kernels are ppc64le-rust's: one run for both.
    assert 'ppc64le-module' not in pairs
    assert {'ppc64le-rust', 'ppc64le-c', 'ppc32', 'ppc32-rust', 'ppc32-e500',
            'ppc32-e500-rust'} <= set(pairs)


def test_make_mainline_config_chooses_one():
    loaded = configs.load()
    assert list(configs.on_base(loaded, 'mainline', names=['ppc32-rust'])) == ['ppc32-rust']
    with pytest.raises(ValueError, match='ppc32-rust: not a configuration of 6.12.y'):
        configs.on_base(loaded, '6.12.y', names=['ppc32-rust'])


def test_unknown_base_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown base '6.6.y'"):
        configs.on_base(configs.load(), '6.6.y')
    head = MINIMAL
    f = tmp_path / 'c.toml'
    f.write_text(head + 'in_make_test = ["main"]\n')
    with pytest.raises(ValueError, match='in_make_test: base main is not one of'):
        configs.load(f)
    f.write_text(head + 'bases = ["6.6.y"]\n')
    with pytest.raises(ValueError, match='bases: base 6.6.y is not one of'):
        configs.load(f)
    # make test cannot run a configuration where the base cannot build it.
    f.write_text(head + 'bases = ["mainline"]\nin_make_test = ["6.12.y"]\n')
    with pytest.raises(ValueError, match='in_make_test: base 6.12.y is not one of: mainline'):
        configs.load(f)


@pytest.mark.parametrize('version, prereqs', [
    ('6.12.117', '6.12.y'), ('6.12.0', '6.12.y'), ('7.3.0-rc7', 'mainline'), ('7.4.1', 'mainline')])
def test_supported_bases(version, prereqs):
    assert prereqs_for(version) == prereqs


@pytest.mark.parametrize('version', ['6.6.50', '7.2.0', '', 'linux'])
def test_other_bases_are_refused(version):
    with pytest.raises(ValueError):
        prereqs_for(version)


def test_prerequisites_come_first():
    paths = patch_paths('6.12.y')
    n_pre = len(names(PATCHES / '6.12.y' / 'series'))
    assert all(p.parent.name == '6.12.y' for p in paths[:n_pre])
    assert [p.name for p in paths[n_pre:]] == names(PATCHES / 'series')
    assert all(p.is_file() for p in paths)


def test_without_the_leak_fixes():
    leak_fixes = names(PATCHES / 'leak-fixes')
    full, without = patch_paths('mainline'), patch_paths('mainline', leak_fixes)
    assert len(full) - len(without) == len(leak_fixes) == 2
    assert not {key(p.name) for p in without} & set(leak_fixes)


def test_lists_name_patches_of_the_series():
    keys = {key(n) for n in names(PATCHES / 'series')}
    for line in names(PATCHES / 'submissions'):
        assert line.split('\t')[-1] in keys
    assert set(names(PATCHES / 'leak-fixes')) <= keys


def test_a_shared_prerequisite_is_one_fix_in_every_base(tmp_path):
    assert diverged() == []
    shared = 'kunit-Do-not-crash-on-test-cases-without-a-module-na.patch'
    for base in ('6.12.y', 'mainline'):
        (tmp_path / base).mkdir()
        number = next(n for n in names(PATCHES / base / 'series') if key(n) == shared)
        (tmp_path / base / 'series').write_text(number + '\n')
        text = (PATCHES / base / number).read_text()
        if base == 'mainline':
            text = text.replace('the empty string', 'an empty string')
        (tmp_path / base / number).write_text(text)
    [problem] = diverged(tmp_path)
    assert '6.12.y/' in problem and 'mainline/' in problem


def test_every_stage_of_a_full_run_has_a_make_rule():
    import subprocess
    from harness import REPO, configs
    names = configs.stages('', configs.on_base(configs.load(), '6.12.y'))
    proc = subprocess.run(['make', '-n', '-C', str(REPO), *(f'stage/{n}' for n in names)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'ppc64-be-user-regs-compat' in names and 'ppc32-e500-kaslr' in names


def test_modules_is_a_list_that_goes_with_module_suites(tmp_path):
    f = tmp_path / 'c.toml'
    head = MINIMAL
    f.write_text(head + 'modules = ["a", "b"]\nmodule_suites = ["s"]\n')
    x = configs.load(f)['x']
    assert x.modules == ('a', 'b') and configs.boot_modes(x) == ['load', 'lkdtm']
    f.write_text(head + 'modules = "a"\nmodule_suites = ["s"]\n')
    with pytest.raises(ValueError, match=r'\[x\]: modules must be a list'):
        configs.load(f)
    f.write_text(head + 'modules = ["a"]\n')
    with pytest.raises(ValueError, match='modules and module_suites go together'):
        configs.load(f)
    f.write_text(head + 'module = "a"\nmodule_suites = ["s"]\n')
    with pytest.raises(ValueError, match='unknown fields: module$'):
        configs.load(f)


def test_the_rust_test_module_is_asked_for_only_with_rust():
    # kunit.py refuses an option that does not end up in .config.
    for c in configs.load().values():
        k = set(c.kunitconfigs)
        rust = 'rust' in k
        assert ('rust-builtin' in k) == (rust and 'builtin' in k), c.name
        assert ('rust-module' in k) == (rust and 'module' in k), c.name
        suites = set(c.suites) | set(c.module_suites)
        assert ({'powerpc_kthread_rust', 'rust_kernel_kthread'} <= suites) == rust, c.name
        assert ('powerpc_kthread_rust' in c.module_suites) == ('rust-module' in k), c.name
