#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the tree (--tree, default build/linux) a git tree with the pristine base as tag "base" and the series
# (after the prerequisites its version needs, see harness/bases.py) applied
# on branch "ppc-threads"; tag "series-base" is where the series starts.
# The base is Debian's linux-source-6.12, or a clone of KDIR (only read).
# The patches are first generated from their sources if those changed. A
# rerun with nothing changed does nothing. A tree with uncommitted changes,
# or with commits that were not exported, is never touched.
#
# usage: prepare.sh [--build-dir=D] [--tree=T]
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"
[ $# -eq 0 ] || die "usage: prepare.sh [--build-dir=D] [--tree=T]"

tarball=/usr/src/linux-source-6.12.tar.xz

mkdir -p "$build_dir"
[ -z "${KSRC:-}" ] || check_kernel_tree "$KSRC" "KDIR=$KSRC"

if [ ! -d "$tree/.git" ]; then
	[ ! -e "$tree" ] || die "$tree exists but is not a git tree; move it away"
	if [ -n "${KSRC:-}" ]; then
		note "cloning KDIR=$KSRC into $tree"
		git clone -q --shared "$KSRC" "$tree"
		git -C "$tree" tag base HEAD
	else
		[ -f "$tarball" ] || die "$tarball not found (apt-get install linux-source-6.12)"
		pkg=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
		import_source_tarball "$tarball" "$tree" "Linux %v (Debian linux-source-6.12 $pkg)"
	fi
fi

git -C "$tree" rev-parse -q --verify base >/dev/null ||
	die "$tree has no 'base' tag; it was not made by this script (remove it or pass another --tree)"
if [ -n "${KSRC:-}" ] && [ "$(git -C "$tree" rev-parse base)" != "$(git -C "$KSRC" rev-parse HEAD)" ]; then
	die "$tree was prepared from another KDIR commit; use another BUILD= or remove $tree"
fi
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted changes: commit them and run make export, or discard them (nothing was changed)"
version=$(kernel_version "$tree")
# An edit to a source (rust/, kunit/, edits/...) first reaches the patches.
series_py generate "$tree" --if-changed || exit 1
state=$(series_py state "$tree") || exit 1
if [ "$state" = current ]; then
	note "tree up to date: $version, series applied ($tree)"
	exit 0
fi

# Apply in a scratch worktree, then move the tree to the result: git
# checkout only rewrites files that differ, so builds stay incremental.
patches=$(series_py paths "$version") || exit 1
prereqs=$(grep -c "^$PATCHES/.*/" <<<"$patches" || true)
note "applying $(grep -c . <<<"$patches") patches ($prereqs prerequisites) to $version in $tree"
scratch=$build_dir/am
if [ ! -e "$scratch/.git" ]; then
	rm -rf "$scratch"
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q -f --detach "$scratch" base
fi
git -C "$scratch" am --abort >/dev/null 2>&1 || true
git -C "$scratch" checkout -q -f --detach base
git_am_all "$scratch" "$(head -n "$prereqs" <<<"$patches")" || exit 1
git -C "$tree" tag -f series-base "$(git -C "$scratch" rev-parse HEAD)" >/dev/null
git_am_all "$scratch" "$(tail -n +"$((prereqs + 1))" <<<"$patches")" || exit 1
git -C "$tree" checkout -q -B ppc-threads "$(git -C "$scratch" rev-parse HEAD)"
series_py mark "$tree"
note "base: $(git -C "$tree" log -1 --format='%h %s' base)"
