#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make apply KDIR=/path/to/linux [BRANCH=ppc-threads]: apply the series to
# your own git tree, on a new branch, with git am; a 6.12.y tree gets its
# prerequisites first (see harness/bases.py). A tree with uncommitted
# changes is refused. On a conflict the am is aborted, the branch removed
# and the tree left exactly as it was.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

BRANCH=${BRANCH:-ppc-threads}
[ -n "${KSRC:-}" ] || die "usage: make apply KDIR=/path/to/linux [BRANCH=name]"
check_kernel_tree "$KSRC" "KDIR=$KSRC"
if git -C "$KSRC" rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null; then
	die "branch $BRANCH already exists in $KSRC; pass BRANCH=another-name"
fi
version=$(kernel_version "$KSRC")
patches=$(series_py paths "$version")

orig=$(git -C "$KSRC" symbolic-ref -q --short HEAD || git -C "$KSRC" rev-parse HEAD)
git -C "$KSRC" checkout -q -b "$BRANCH"
if ! git_am_all "$KSRC" "$patches"; then
	git -C "$KSRC" checkout -q "$orig"
	git -C "$KSRC" branch -q -D "$BRANCH"
	die "KDIR=$KSRC ($version): nothing applied, the tree is as it was"
fi
n_pre=$(grep -c "^$PATCHES/.*/" <<<"$patches" || true)
note "applied $(grep -c . <<<"$patches") patches to $KSRC ($version) on branch $BRANCH ($n_pre prerequisites for this base, then the series)"
