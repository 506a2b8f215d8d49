#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Which kernel versions the series supports, and the prerequisites directory
each needs first (README.md, "What it targets"). Any other version is refused
rather than half-applied.

  bases.py VERSION          print the prerequisites directory, or exit 1
                            naming the supported bases
  bases.py --libclang BASE  the libclang that bindgen uses on BASE
"""

import re
import sys

MAINLINE_FROM = (7, 3)    # the oldest mainline the series was tested on
PREREQS = {(6, 12): '6.12.y'}
# bindgen takes the newest libclang it finds; 6.12 builds were measured with
# Debian's default (14), and mainline needs 17 or later.
LIBCLANG = {'6.12.y': '/usr/lib/llvm-14/lib', 'mainline': '/usr/lib/llvm-19/lib'}


def prereqs_for(version):
    """The prerequisites directory for version; ValueError if not supported."""
    m = re.match(r'(\d+)\.(\d+)', version or '')
    if not m:
        raise ValueError(f'cannot read a kernel version from "{version}"')
    key = (int(m.group(1)), int(m.group(2)))
    if key in PREREQS:
        return PREREQS[key]
    if key >= MAINLINE_FROM:
        return 'mainline'
    raise ValueError(f'Linux {version} is not a supported base; the series supports 6.12.y '
                     f'and mainline from {MAINLINE_FROM[0]}.{MAINLINE_FROM[1]} on (each after '
                     'its prerequisites, see arch-powerpc-patches/)')


def main(argv):
    if len(argv) == 3 and argv[1] == '--libclang' and argv[2] in LIBCLANG:
        print(LIBCLANG[argv[2]])
    elif len(argv) == 2:
        print(prereqs_for(argv[1]))
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    from harness import cli
    cli(main)
