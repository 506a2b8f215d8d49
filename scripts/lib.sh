# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the scripts in this directory. Source it; do not run it.

die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	echo "==> $*"
}

# Kernel builds must see Debian's rustc (which has rust-src), not the
# rustup proxy that may come first on PATH.
export PATH="/usr/bin:/usr/local/bin:$PATH"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
TREE=${TREE:-$BUILD/linux}
PATCHES=${PATCHES:-$REPO/arch-powerpc-patches}
