#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Which kernel versions the series supports, and what each needs first.

The series (arch-powerpc-patches/*.patch) applies unchanged to both
supported bases, after each base's prerequisites: 6.12.y lacks Rust on
ppc64le, two names and two Rust macros mainline has, and the KUnit fix
below (arch-powerpc-patches/6.12.y/);
mainline cannot build Rust on powerpc at all and its KUnit module filter
oopses on Rust tests (arch-powerpc-patches/mainline/). Any other version
is refused rather than half-applied.

  bases.py VERSION   print the prerequisites directory, or
                     exit 1 naming the supported bases
"""

import re
import sys

MAINLINE_FROM = (7, 3)    # the oldest mainline the series was tested on
PREREQS = {(6, 12): '6.12.y'}
SUPPORTED = (f'6.12.y and mainline from {MAINLINE_FROM[0]}.{MAINLINE_FROM[1]} on '
             '(each after its prerequisites, see arch-powerpc-patches/)')


def prereqs_for(version):
    """The prerequisites directory for `version`.

    Raises ValueError for a version the series does not support.
    """
    m = re.match(r'(\d+)\.(\d+)', version or '')
    if not m:
        raise ValueError(f'cannot read a kernel version from "{version}"')
    key = (int(m.group(1)), int(m.group(2)))
    if key in PREREQS:
        return PREREQS[key]
    if key >= MAINLINE_FROM:
        return 'mainline'
    raise ValueError(f'Linux {version} is not a supported base; the series '
                     f'supports {SUPPORTED}')


def main(argv):
    if len(argv) != 2:
        sys.exit(f'usage: {argv[0]} VERSION')
    print(prereqs_for(argv[1]))


if __name__ == '__main__':
    from harness import cli
    cli(main)
