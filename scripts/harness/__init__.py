# SPDX-License-Identifier: GPL-2.0
"""What the harness's scripts share: configurations, results, bases, the series.

The Makefile and lib.sh put scripts/ on PYTHONPATH for every script.
"""

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PATCHES = REPO / 'arch-powerpc-patches'
# Where a script works is on its command line (dir_options(), lib.sh's
# dir_options): --build-dir, --tree and --results-dir, which the Makefile
# and the scripts that call scripts pass. These are their defaults.
DEFAULT_BUILD = REPO / 'build'


@dataclass(frozen=True)
class Dirs:
    """Where a script works: the build directory (kernels in out/NAME), the
    kernel tree and the results directory."""
    build: Path
    tree: Path
    results: Path

    def out(self, name):
        """kernel_out() under this build directory."""
        return kernel_out(name, self.build)


def dirs(build=DEFAULT_BUILD, tree=None, results=None):
    """Dirs, the tree and results under build unless given."""
    build = Path(build).resolve()
    return Dirs(build, Path(tree).resolve() if tree else build / 'linux',
                Path(results).resolve() if results else build / 'results')


def dir_options(parser):
    """Add --build-dir, --tree and --results-dir to an argparse parser;
    dirs_of() gives what they chose."""
    parser.add_argument('--build-dir', default=DEFAULT_BUILD, metavar='DIR',
                        help='where kernels are built, in out/CONFIG (default: build/)')
    parser.add_argument('--tree', metavar='DIR',
                        help='the kernel tree (default: BUILD_DIR/linux)')
    parser.add_argument('--results-dir', metavar='DIR',
                        help='where the result rows go (default: BUILD_DIR/results)')
    return parser


def dirs_of(opts):
    """The Dirs of options that dir_options() added."""
    return dirs(opts.build_dir, opts.tree, opts.results_dir)


def kernel_out(name, build):
    """A configuration's kernel output directory: BUILD/out/NAME, with
    "-llvm" when make's LLVM is set, so that a kernel clang built and one
    GCC built never share one. Every script finds a kernel here."""
    llvm = '-llvm' if os.environ.get('LLVM') else ''
    return Path(build) / 'out' / f'{name}{llvm}'


def cli(main):
    """Run a command-line main(argv): bad input (ValueError) is a one-line error."""
    try:
        sys.exit(main(sys.argv) or 0)
    except ValueError as e:
        sys.exit(f'error: {e}')


def boot_args(argv, doc, modes):
    """argv as run_kunit.py and boot_init.py take it: CONFIG, a MODE (modes[0]
    if none) and the options, kunit.py's names where it has them; the usage
    is doc's second paragraph."""
    parser = argparse.ArgumentParser(usage=doc.split('\n\n')[1].strip()[len('usage: '):])
    dir_options(parser)
    parser.add_argument('config')
    parser.add_argument('mode', nargs='?', default=modes[0], choices=modes)
    parser.add_argument('--prefix', default='', help='put before the stage name, as mainline-')
    parser.add_argument('--timeout', type=int, default=os.environ.get('TIMEOUT') or None,
                        help='seconds before qemu is killed (default: make\'s TIMEOUT)')
    parser.add_argument('--kernel_args', action='append', default=[], metavar='ARG',
                        help='a kernel command-line argument; may be repeated')
    parser.add_argument('--qemu_args', action='append', default=[], metavar='ARGS',
                        help='qemu arguments, split as a shell would; may be repeated')
    return parser.parse_args(argv[1:])
