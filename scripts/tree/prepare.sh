#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make $TREE a git tree with the pristine base as tag "base" and the series
# (after the prerequisites its version needs, see harness/bases.py) applied
# on branch "ppc-threads"; tag "series-base" is where the series starts.
# The base is Debian's linux-source-6.12, or a clone of KDIR (only read).
# The patches are first generated from their sources if those changed. A
# rerun with nothing changed does nothing. A tree with uncommitted changes,
# or with commits that were not exported, is never touched.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

tarball=/usr/src/linux-source-6.12.tar.xz

mkdir -p "$BUILD"
[ -z "${KSRC:-}" ] || check_kernel_tree "$KSRC" "KDIR=$KSRC"

if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	if [ -n "${KSRC:-}" ]; then
		note "cloning KDIR=$KSRC into $TREE"
		git clone -q --shared "$KSRC" "$TREE"
		git -C "$TREE" tag base HEAD
	else
		[ -f "$tarball" ] || die "$tarball not found (apt-get install linux-source-6.12)"
		pkg=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
		import_source_tarball "$tarball" "$TREE" "Linux %v (Debian linux-source-6.12 $pkg)"
	fi
fi

git -C "$TREE" rev-parse -q --verify base >/dev/null ||
	die "$TREE has no 'base' tag; it was not made by this script (remove it or set TREE)"
if [ -n "${KSRC:-}" ] && [ "$(git -C "$TREE" rev-parse base)" != "$(git -C "$KSRC" rev-parse HEAD)" ]; then
	die "$TREE was prepared from another KDIR commit; use another BUILD= or remove $TREE"
fi
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them and run make export, or discard them (nothing was changed)"
version=$(kernel_version "$TREE")
# An edit to a source (rust/, kunit/, edits/...) first reaches the patches.
series_py generate "$TREE" --if-changed || exit 1
state=$(series_py state "$TREE") || exit 1
if [ "$state" = current ]; then
	note "tree up to date: $version, series applied ($TREE)"
	exit 0
fi

# Apply in a scratch worktree, then move the tree to the result: git
# checkout only rewrites files that differ, so builds stay incremental.
patches=$(series_py paths "$version") || exit 1
prereqs=$(grep -c "^$PATCHES/.*/" <<<"$patches" || true)
note "applying $(grep -c . <<<"$patches") patches ($prereqs prerequisites) to $version in $TREE"
scratch=$BUILD/am
if [ ! -e "$scratch/.git" ]; then
	rm -rf "$scratch"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q -f --detach "$scratch" base
fi
git -C "$scratch" am --abort >/dev/null 2>&1 || true
git -C "$scratch" checkout -q -f --detach base
git_am_all "$scratch" "$(head -n "$prereqs" <<<"$patches")" || exit 1
git -C "$TREE" tag -f series-base "$(git -C "$scratch" rev-parse HEAD)" >/dev/null
git_am_all "$scratch" "$(tail -n +"$((prereqs + 1))" <<<"$patches")" || exit 1
git -C "$TREE" checkout -q -B ppc-threads "$(git -C "$scratch" rev-parse HEAD)"
series_py mark "$TREE"
note "base: $(git -C "$TREE" log -1 --format='%h %s' base)"
