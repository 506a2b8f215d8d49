# SPDX-License-Identifier: GPL-2.0
"""Roles: what each script and make target runs on, so that only
kunit/configurations.toml names a configuration."""

import re

import pytest

from harness import REPO, configs

# A configuration with every required field, for the files written here.
PLAIN = ('description = "d"\nqemu_config = "q"\nmachine = "m"\ncross = "c-"\n'
         'kunitconfigs = ["base"]\nsuites = ["s"]\n')
# Not ours to edit yet: submissions.py reads upstream-<config>.json by name.
NOT_CONVERTED = {'scripts/submit/submissions.py'}


def test_every_role_has_its_configurations():
    loaded = configs.load()
    for role in configs.ROLES:
        having = configs.role(role, loaded)
        assert having, role
        if role in configs.SINGLE_ROLES:
            assert len(having) == 1, role


def test_the_primary_builds_on_the_primary_base():
    (primary,) = configs.role('primary')
    assert '6.12.y' in configs.get(primary).bases


def test_stress_kernels_have_their_fragments():
    for name in configs.role('stress'):
        config = configs.get(name)
        assert config.stress_kunitconfigs, name
        for fragment in config.stress_kunitconfigs:
            assert (REPO / 'kunit' / f'{fragment}.kunitconfig').is_file(), fragment


def test_the_mutants_roles_have_rust_helpers():
    for role in ('mutants', 'mutants-32bit'):
        (name,) = configs.role(role)
        assert 'helpers-on' in configs.get(name).kunitconfigs, role


def test_an_unknown_role_is_refused(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(f'[x]\n{PLAIN}roles = ["primry"]\n')
    with pytest.raises(ValueError, match='primry is not a role'):
        configs.load(f)
    with pytest.raises(ValueError, match="unknown role 'primry'"):
        configs.role('primry', {})


def test_a_single_role_belongs_to_one_configuration(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(f'[x]\n{PLAIN}roles = ["primary"]\n[y]\n{PLAIN}roles = ["primary"]\n')
    with pytest.raises(ValueError, match='role primary belongs to one configuration'):
        configs.load(f)


def test_a_role_nobody_has_is_an_error_that_says_where(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(f'[x]\n{PLAIN}roles = ["stress"]\nstress_kunitconfigs = ["stress/rust"]\n'
                 f'[y]\n{PLAIN}roles = ["stress"]\nstress_kunitconfigs = ["stress/kasan"]\n')
    loaded = configs.load(f)
    assert configs.role('stress', loaded) == ['x', 'y']      # in file order
    with pytest.raises(ValueError, match='no configuration has the role bench'):
        configs.role('bench', loaded)


def test_a_stress_kernel_needs_its_fragments(tmp_path):
    f = tmp_path / 'c.toml'
    f.write_text(f'[x]\n{PLAIN}roles = ["stress"]\n')
    with pytest.raises(ValueError, match='stress role needs stress_kunitconfigs'):
        configs.load(f)


def test_the_command_line_prints_a_role(capsys):
    configs.main(['configs.py', 'role', 'stress'])
    assert capsys.readouterr().out.split() == configs.role('stress')


def test_no_script_names_a_configuration():
    """Only kunit/configurations.toml names one (and kunit/qemu/'s files)."""
    names = re.compile('|'.join(re.escape(n) for n in configs.load()))
    files = [REPO / 'Makefile', *sorted((REPO / 'scripts').rglob('*.py')),
             *sorted((REPO / 'scripts').rglob('*.sh'))]
    found = []
    for path in files:
        rel = str(path.relative_to(REPO))
        if rel.startswith('scripts/tests/') or rel in NOT_CONVERTED:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if names.search(line):
                found.append(f'{rel}:{n}: {line.strip()}')
    assert not found, '\n'.join(found)
