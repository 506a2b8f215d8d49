# SPDX-License-Identifier: GPL-2.0
"""Turning Rust on never removes a C test: the C suites (kthread_kunit.c)
are built on every kernel with CONFIG_PPC_KTHREAD_KUNIT_TEST, Rust or not,
and the Rust test module's suites are its own, named apart from them. Read
from the patches, the only source of the series, as the series leaves each
file (a later patch may edit what an earlier one created)."""

import difflib
import re

import pytest

from harness import PATCHES, REPO, configs
from harness.series import names, patch_paths, sections

TESTS = 'arch/powerpc/kernel/tests/'
MAKEFILE = TESTS + 'Makefile'
C_SUITES = TESTS + 'kthread_kunit.c'
HUNK = re.compile(r'^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@')
OBJ = re.compile(r'^obj-\$\(CONFIG_(\w+)\)\s*[:+]?=\s*(.*)$')
RUST_SUITE = re.compile(r'^#\[(?:macros::)?kunit_tests\((\w+)\)\]$', re.M)
# The kernel's own suites that no patch defines: the doctests, and on
# mainline rust_netlink (the sixth mainline prerequisite fixes what it tests).
KERNEL_SUITES = {'6.12.y': {'rust_doctests_kernel'},
                 'mainline': {'rust_doctests_kernel', 'rust_netlink'}}


def apply(before, section):
    """The lines a diff section (series.sections()) leaves of the lines
    before; None if it deletes the file."""
    lines = section.split('\n')
    if '+++ /dev/null' in lines[:6]:
        return None
    if lines[1].startswith('new file mode'):
        before = []
    out, at, i = [], 0, 0
    while i < len(lines):
        m = HUNK.match(lines[i])
        i += 1
        if not m:
            continue
        start, old, new = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        # "-N,0" inserts after line N; otherwise the hunk starts at line N.
        upto = start if old == 0 else start - 1
        out += before[at:upto]
        at = upto
        while old or new:
            line = lines[i]
            i += 1
            kind, text = line[:1] or ' ', line[1:]
            if kind == '\\':
                continue  # "\ No newline at end of file"
            if kind in ' -':
                assert before[at] == text, f'{section.splitlines()[0]}: {text!r} is not in the file'
                at, old = at + 1, old - 1
            if kind in ' +':
                out.append(text)
                new -= 1
    return out + before[at:]


def final_files(patches, under=TESTS):
    """{path: text} of the files under a directory that the patches create,
    as they leave them (the base's own files are not here to edit)."""
    files = {}
    for patch in patches:
        _, _, parts = sections(patch.read_text())
        for path, section in parts:
            if path.startswith(under) and (path in files or '\nnew file mode' in section):
                files[path] = apply(files.get(path, []), section)
    return {path: '\n'.join(lines) + '\n' for path, lines in files.items() if lines is not None}


def series_files(under=TESTS):
    return final_files([PATCHES / n for n in names(PATCHES / 'series')], under)


def objects(makefile):
    """[(option, object, nesting)] of a kbuild Makefile: nesting counts the
    ifdef/ifeq blocks (either branch) around the line."""
    found, depth = [], 0
    for line in makefile.splitlines():
        word = line.split()[0] if line.split() else ''
        if word in ('ifdef', 'ifndef', 'ifeq', 'ifneq'):
            depth += 1
        elif word == 'endif':
            depth -= 1
        elif m := OBJ.match(line.strip()):
            found += [(m.group(1), obj, depth) for obj in m.group(2).split()]
    return found


def c_suites(text):
    """The suite names of a C file's struct kunit_suite definitions."""
    return [re.search(r'\.name\s*=\s*"(\w+)"', body).group(1)
            for body in re.findall(r'struct kunit_suite \w+ = \{(.*?)\n\};', text, re.S)]


def rust_suites(files):
    """{suite: file} of the #[kunit_tests] modules of the Rust files."""
    return {s: path for path, text in files.items() if path.endswith('.rs')
            for s in RUST_SUITE.findall(text)}


def fragment_options(config):
    """{option: value} that a configuration's kunitconfig fragments set."""
    text = ''.join((REPO / 'kunit/kunitconfigs' / f'{k}.kunitconfig').read_text()
                   for k in config.kunitconfigs)
    return dict(re.findall(r'^CONFIG_(\w+)=(\S+)$', text, re.M))


def test_the_c_suites_are_built_whatever_else_the_kernel_has():
    built = objects(series_files()[MAKEFILE])
    c = [(option, depth) for option, obj, depth in built if obj == 'kthread_kunit.o']
    assert c, f'{MAKEFILE} does not build kthread_kunit.o'
    assert all(option == 'PPC_KTHREAD_KUNIT_TEST' for option, _ in c), c
    assert all(depth == 0 for _, depth in c), \
        f'{MAKEFILE} builds kthread_kunit.o only in an ifdef/else (CONFIG_RUST?)'
    # Its option builds the C suites and nothing else: no Rust in their stead.
    assert {obj for option, obj, _ in built if option == 'PPC_KTHREAD_KUNIT_TEST'} \
        == {'kthread_kunit.o'}


def test_the_rust_suites_are_named_apart_from_the_c_ones():
    files = series_files()
    c = c_suites(files[C_SUITES])
    rust = rust_suites(files)
    assert len(c) == 5 and rust, (c, rust)
    same = sorted(set(c) & set(rust))
    assert not same, f'{", ".join(same)}: both a C suite and a Rust one ({rust[same[0]]})'


def test_every_configuration_runs_every_c_suite():
    c = set(c_suites(series_files()[C_SUITES]))
    for config in configs.load().values():
        assert c <= set(config.suites) | set(config.module_suites), config.name


def test_each_module_a_configuration_loads_is_built_by_its_fragments():
    built = objects(series_files()[MAKEFILE])
    for config in configs.load().values():
        options = fragment_options(config)
        for module in config.modules:
            by = [(option, depth) for option, obj, depth in built if obj == f'{module}.o']
            assert any(options.get(option) == 'm' and depth == 0 for option, depth in by), \
                f'{config.name}: no option its fragments set =m builds {module}.o ({by})'


@pytest.mark.parametrize('base', configs.BASES)
def test_every_suite_a_configuration_expects_is_in_its_base(base):
    files = final_files(patch_paths(base), '')
    defined = set(rust_suites(files)) | KERNEL_SUITES[base]
    defined |= {s for path, text in files.items() if path.endswith('.c') for s in c_suites(text)}
    for config in configs.on_base(configs.load(), base).values():
        missing = sorted((set(config.suites) | set(config.module_suites)) - defined)
        assert not missing, f'{config.name} expects {missing}, which {base}\'s patches lack'


def test_apply_gives_what_the_diff_was_made_from():
    before = (REPO / 'kunit/suites/Makefile').read_text().splitlines()
    after = before[:3] + ['ifdef CONFIG_RUST', 'obj-y += x.o', 'endif'] + before[3:-1]
    diff = '\n'.join(['diff --git a/M b/M', '--- a/M', '+++ b/M']
                     + list(difflib.unified_diff(before, after, lineterm='', n=1))[2:])
    assert apply(before, diff) == after


def test_the_readers_see_an_ifdef_and_a_rust_suite():
    text = 'ifdef CONFIG_RUST\nobj-$(CONFIG_A) += a_rust.o\nelse\nobj-$(CONFIG_A) += a.o\nendif\n'
    assert objects(text) == [('A', 'a_rust.o', 1), ('A', 'a.o', 1)]
    assert objects('obj-$(CONFIG_A)\t\t+= a.o b.o\n') == [('A', 'a.o', 0), ('A', 'b.o', 0)]
    rs = '#[kunit_tests(one)]\nmod a {}\n#[macros::kunit_tests(two)]\nmod b {}\n'
    assert rust_suites({'x.rs': rs, 'y.c': rs}) == {'one': 'x.rs', 'two': 'x.rs'}
