# SPDX-License-Identifier: GPL-2.0
"""What the harness's scripts share: configurations, results, bases, the series.

The Makefile and lib.sh put scripts/ on PYTHONPATH for every script.
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PATCHES = REPO / 'arch-powerpc-patches'
# Where the scripts work, with lib.sh's defaults: the Makefile exports them.
# Besides these, scripts read only the make variables the Makefile lists;
# everything else is on their command line.
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
RESULTS = Path(os.environ.get('RESULTS', BUILD / 'results'))


def kernel_out(name, build=None):
    """A configuration's kernel output directory: BUILD/out/NAME, with
    "-llvm" when make's LLVM is set, so that a kernel clang built and one
    GCC built never share one. Every script finds a kernel here."""
    llvm = '-llvm' if os.environ.get('LLVM') else ''
    return (BUILD if build is None else Path(build)) / 'out' / f'{name}{llvm}'


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
