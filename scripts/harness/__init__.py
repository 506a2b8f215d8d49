# SPDX-License-Identifier: GPL-2.0
"""What the harness's scripts share: configurations, results, bases, the series.

The Makefile and lib.sh put scripts/ on PYTHONPATH for every script.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PATCHES = REPO / 'arch-powerpc-patches'
# Where the scripts work, with lib.sh's defaults: the Makefile exports them.
BUILD = Path(os.environ.get('BUILD', REPO / 'build'))
TREE = Path(os.environ.get('TREE', BUILD / 'linux'))
RESULTS = Path(os.environ.get('RESULTS', BUILD / 'results'))


def cli(main):
    """Run a command-line main(argv): bad input (ValueError) is a one-line error."""
    try:
        sys.exit(main(sys.argv) or 0)
    except ValueError as e:
        sys.exit(f'error: {e}')
