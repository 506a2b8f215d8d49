#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make apply KSRC=/path/to/linux [BRANCH=ppc-threads]: apply the series to
# your own git tree, on a new branch, with git am; a 6.12.y tree gets the
# prerequisites first (see bases.py). A tree with uncommitted
# changes is refused. On a conflict the am is aborted, the branch removed
# and the tree left exactly as it was.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BRANCH=${BRANCH:-ppc-threads}
[ -n "${KSRC:-}" ] || die "usage: make apply KSRC=/path/to/linux [BRANCH=name]"
[ -d "$KSRC" ] || die "KSRC=$KSRC does not exist"
[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/arch/powerpc" ] ||
	die "KSRC=$KSRC is not a Linux kernel tree"
git -C "$KSRC" rev-parse --verify -q HEAD >/dev/null ||
	die "KSRC=$KSRC is not a git tree"
[ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$(cd "$KSRC" && pwd -P)" ] ||
	die "KSRC=$KSRC is inside another git repository, not a kernel git tree"
version=$(make -s -C "$KSRC" kernelversion 2>/dev/null || true)
patches=$(patches_for "$version") || exit 1
[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
	die "KSRC=$KSRC has uncommitted changes; commit or stash them first (nothing was changed)"
[ ! -d "$KSRC/.git/rebase-apply" ] ||
	die "KSRC=$KSRC has a git am or rebase in progress; finish it first"
if git -C "$KSRC" rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null; then
	die "branch $BRANCH already exists in $KSRC; pass BRANCH=another-name"
fi

orig=$(git -C "$KSRC" symbolic-ref -q --short HEAD || git -C "$KSRC" rev-parse HEAD)
git -C "$KSRC" checkout -q -b "$BRANCH"
while read -r patch; do
	if ! out=$(git -C "$KSRC" am -q "$patch" 2>&1); then
		git -C "$KSRC" am --abort
		git -C "$KSRC" checkout -q "$orig"
		git -C "$KSRC" branch -q -D "$BRANCH"
		echo "$out" | grep -E '^(error|Patch failed)' >&2 || echo "$out" >&2
		die "patch ${patch#"$REPO"/} does not apply to $KSRC ($version); the tree is as it was"
	fi
done <<<"$patches"
n_pre=$(grep -c "^$PATCHES/.*/" <<<"$patches" || true)
note "applied $(grep -c . <<<"$patches") patches to $KSRC ($version) on branch $BRANCH ($n_pre prerequisites for this base, then the series)"
