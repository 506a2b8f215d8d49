#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The test configurations, from kunit/configurations.toml (the only parser).

  configs.py names [BASE [--make-test|--pairs|NAME...]]   the configurations, in
        order; with BASE (6.12.y or mainline) those it can build, with --make-test
        those make test runs there, with --pairs those whose make selftests kernels
        differ from the ones before (pair()), with NAMEs only those
  configs.py get NAME FIELD   one field of a configuration (a list space-separated;
        a flag "y" or nothing), or boots and before_boots: the boot_init.py modes make
        mainline runs with and without the fixes, or before: "y" if it builds a
        "before" kernel, or pair_both and pair_own: the fragments of make selftests'
        two kernels and of its patched one alone
  configs.py stages PREFIX [BASE [--make-test|NAME...]]   the result stages a run over
        the configurations names chooses must leave (PREFIX "mainline-" for make mainline)
  configs.py role ROLE   the configurations with that role, in file order (ROLES: what
        each stage and script runs on, so that no script names a configuration)
"""

import sys
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from harness import REPO, cli

FILE = REPO / 'kunit' / 'configurations.toml'


@dataclass(frozen=True)
class Config:
    name: str
    description: str
    qemu_config: str
    machine: str
    cross: str
    kunitconfigs: tuple
    suites: tuple
    allow_skip: tuple = ()
    before_fails: tuple = ()
    in_make_test: tuple = ()
    bases: tuple = ('6.12.y', 'mainline')
    modules: tuple = ()
    module_suites: tuple = ()
    kaslr: bool = False
    compat: str = ''
    user_cflags: str = ''
    before_passes: bool = False
    roles: tuple = ()
    stress_kunitconfigs: tuple = ()
    stress_llvm: str = ''
    kselftests: tuple = ()

    @property
    def before(self):
        """make mainline builds a "before" kernel: to show the leak, or
        (before_passes) that a kernel without it passes the same checks."""
        return bool(self.before_fails) or self.before_passes


BASES = Config.bases
# The roles a configuration can have (its "roles" field): what the scripts
# and the Makefile run on, looked up with role(). A role of one configuration
# must have exactly one.
ROLES = {
    'primary': 'make kunit\'s default and the kernel the 6.12.y checks start from',
    'stress': 'make stress builds its debugging kernel (stress_kunitconfigs)',
    'bisect': 'check-series builds every patch of the series in it',
    'bench': 'make bench\'s thread set-up kernels (base, c, rust)',
    'bench-upstream': 'make bench runs the kernel\'s own benchmarks on it',
    'selftests': 'make selftests\' default',
    'mutants': 'make mutants breaks its 64-bit Rust helper',
    'mutants-32bit': 'make mutants breaks its 32-bit Rust helper',
}
SINGLE_ROLES = ('primary', 'bench', 'bench-upstream', 'selftests', 'mutants', 'mutants-32bit')


def load(path=FILE):
    """{name: Config}, in file order. Raises ValueError naming a bad entry."""
    try:
        data = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f'{path}: {e}') from e
    out = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f'{path}: "{name}" is not a [configuration] table')
        unknown = set(table) - {f.name for f in fields(Config)}
        if unknown:
            raise ValueError(f'{path}: [{name}] has unknown fields: '
                             f'{", ".join(sorted(unknown))}')
        # A string where a list belongs would read as its letters.
        lists = {f.name for f in fields(Config) if f.type is tuple}
        bad = sorted(k for k in set(table) & lists if not isinstance(table[k], list))
        if bad:
            raise ValueError(f'{path}: [{name}]: {", ".join(bad)} must be a list')
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
        try:
            out[name] = Config(name=name, **values)
        except TypeError as e:
            raise ValueError(f'{path}: [{name}]: {e}') from e
        if bool(out[name].modules) != bool(out[name].module_suites):
            raise ValueError(f'{path}: [{name}]: modules and module_suites go together')
        if out[name].before_fails and out[name].before_passes:
            raise ValueError(f'{path}: [{name}]: before_fails and before_passes '
                             'contradict each other')
        for field, allowed in (('bases', BASES), ('in_make_test', out[name].bases)):
            bad = set(getattr(out[name], field)) - set(allowed)
            if bad:
                raise ValueError(f'{path}: [{name}]: {field}: base '
                                 f'{", ".join(sorted(bad))} is not one of: '
                                 f'{" ".join(allowed)}')
        bad = set(out[name].roles) - set(ROLES)
        if bad:
            raise ValueError(f'{path}: [{name}]: roles: {", ".join(sorted(bad))} is not a '
                             f'role (have: {" ".join(ROLES)})')
        if out[name].kselftests and not out[name].before:
            raise ValueError(f'{path}: [{name}]: kselftests compare the kernels with and '
                             'without the fixes: it needs before_fails or before_passes')
        if 'stress' in out[name].roles and not out[name].stress_kunitconfigs:
            raise ValueError(f'{path}: [{name}]: the stress role needs stress_kunitconfigs')
    if not out:
        raise ValueError(f'{path}: no configurations')
    for r in SINGLE_ROLES:
        having = [n for n, c in out.items() if r in c.roles]
        if len(having) > 1:
            raise ValueError(f'{path}: role {r} belongs to one configuration, not to '
                             f'{" ".join(having)}')
    return out


def role(name, configs=None):
    """The names of the configurations with role name, in file order; at least one."""
    if name not in ROLES:
        raise ValueError(f"unknown role '{name}' (have: {' '.join(ROLES)})")
    configs = load() if configs is None else configs
    having = [n for n, c in configs.items() if name in c.roles]
    if not having:
        raise ValueError(f'no configuration has the role {name} ({ROLES[name]}): give one '
                         f'"roles = [\"{name}\"]" in {FILE.relative_to(REPO)}')
    return having


def on_base(configs, base=None, make_test=False, names=()):
    """The configurations base can build (with make_test: those make test runs
    there; with names: those of them)."""
    if base is None:
        return configs
    if base not in BASES:
        raise ValueError(f"unknown base '{base}' (have: {' '.join(BASES)})")
    chosen = {n: c for n, c in configs.items()
              if base in (c.in_make_test if make_test else c.bases)}
    if set(names) - set(chosen):
        raise ValueError(f'{" ".join(sorted(set(names) - set(chosen)))}: not a configuration '
                         f'of {base} (have: {" ".join(chosen)})')
    return {n: c for n, c in chosen.items() if not names or n in names}


def _chosen(args):
    """on_base() over the command line's [BASE [--make-test|--pairs|NAME...]]."""
    make_test = args[1:] == ['--make-test']
    if args[1:] == ['--pairs']:
        return distinct_pairs(on_base(load(), args[0]))
    return on_base(load(), *args[:1], make_test=make_test, names=[] if make_test else args[1:])


def get(name, path=FILE):
    configs = load(path)
    if name not in configs:
        raise ValueError(f"unknown configuration '{name}' (have: {' '.join(configs)})")
    return configs[name]


def boot_modes(config, before=False):
    """The boot_init.py modes a configuration runs, with or without the fixes."""
    kaslr = ['kaslr-before' if before else 'kaslr'] if config.kaslr else []
    compat = ['user-regs-compat-before' if before else 'user-regs-compat'] \
        if config.compat else []
    if before:
        return ['user-regs-before'] + compat + kaslr
    return (['load'] if config.modules else ['init', 'user-regs']) + ['lkdtm'] + compat + kaslr


def stages(prefix='', configs=None):
    """The result stages a run over the configurations leaves, in order. Only
    make mainline (prefix "mainline-") applies the series itself and builds the
    "before" kernel (of configurations with before_fails or before_passes),
    which it also boots with the kselftests, as it does the kernel after:
    two boots, and the table (selftests) that compares them."""
    mainline = prefix == 'mainline-'
    names = ['mainline-apply'] if mainline else []
    for c in (load() if configs is None else configs).values():
        p = prefix + c.name
        if mainline and c.before:
            names += [f'{p}-before'] + [f'{p}-{m}' for m in boot_modes(c, before=True)]
        names += [p] + [f'{p}-{m}' for m in boot_modes(c)]
        if mainline and c.kselftests:
            names += [f'{p}-kselftest-before', f'{p}-kselftest', f'{p}-selftests']
    return names


def pair(config):
    """The fragments of make selftests' and make bench-upstream's two kernels
    (scripts/build/kernel-pair.sh): (both kernels', the patched one's own).
    Upstream's tests are built alike on both, with no tests of ours. A
    configuration with the Rust helpers has them, and so Rust (with the CPU
    Rust builds for), in the patched kernel alone: without patch 1 of the
    series a GCC kernel of mainline cannot build its Rust bindings."""
    both = ['upstream', 'kunitconfigs/kselftests']
    if 'helpers-on' not in config.kunitconfigs:
        return both, []
    own = ['upstream-rust']
    if 'toolchain-cpu' in config.kunitconfigs:
        own.append('kunitconfigs/toolchain-cpu')
    return both, own + ['kunitconfigs/helpers-on']


def distinct_pairs(configs):
    """{name: config} of the configurations whose make selftests kernels and
    programs differ from those of every configuration before them (the
    others would build and boot the same again)."""
    seen, out = set(), {}
    for name, c in configs.items():
        key = (c.qemu_config, c.cross, c.compat, c.user_cflags, *map(tuple, pair(c)))
        if key not in seen:
            seen.add(key)
            out[name] = c
    return out


def _shell(value):
    if isinstance(value, (tuple, list)):
        return ' '.join(value)
    if isinstance(value, bool):
        return 'y' if value else ''
    return value


def main(argv):
    if len(argv) >= 2 and argv[1] == 'names':
        print(' '.join(_chosen(argv[2:])))
    elif len(argv) == 4 and argv[1] == 'get':
        config = get(argv[2])
        both, own = pair(config)
        values = {**asdict(config), 'before': config.before, 'pair_both': both, 'pair_own': own,
                  'boots': boot_modes(config),
                  'before_boots': boot_modes(config, before=True)}
        if argv[3] not in values:
            raise ValueError(f"no field '{argv[3]}' (have: {' '.join(values)})")
        print(_shell(values[argv[3]]))
    elif len(argv) == 3 and argv[1] == 'role':
        print(' '.join(role(argv[2])))
    elif len(argv) >= 3 and argv[1] == 'stages':
        print(' '.join(stages(argv[2], _chosen(argv[3:]))))
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    cli(main)
