#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make $TREE a git tree with the pristine base as tag "base" and the series
# (after the prerequisites its version needs, see bases.py) applied on
# branch "ppc-threads". The base is Debian's linux-source-6.12, or
# a clone of KSRC=/path/to/linux (KSRC itself is only read, never written).
# A rerun with nothing changed does nothing; a tree with changes of its own
# is never touched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
STAMP_NAME=ppc-threads.stamp
# Fixed identity and dates make the base commit and the applied series
# reproducible, so base-commit in the cover letter is the same everywhere.
export GIT_AUTHOR_NAME="ppc-threads harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="ppc-threads harness" GIT_COMMITTER_EMAIL="harness@localhost"
export GIT_COMMITTER_DATE="2025-01-01T00:00:00+0000"

tree_version() {
	make -s -C "$1" kernelversion 2>/dev/null
}

check_clean() {
	if [ -n "$(git -C "$1" status --porcelain --untracked-files=no)" ]; then
		die "$1 has uncommitted changes; commit or stash them first (nothing was changed)"
	fi
}

check_ksrc() {
	[ -d "$KSRC" ] || die "KSRC=$KSRC does not exist"
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/arch/powerpc" ] && [ -f "$KSRC/Kconfig" ] ||
		die "KSRC=$KSRC is not a Linux kernel tree"
	git -C "$KSRC" rev-parse --verify -q HEAD >/dev/null ||
		die "KSRC=$KSRC is not a git tree (git init and commit it first)"
	[ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$(cd "$KSRC" && pwd -P)" ] ||
		die "KSRC=$KSRC is inside another git repository, not a kernel git tree"
	prereqs_for "$(tree_version "$KSRC")" >/dev/null
	check_clean "$KSRC"
}

make_base_from_tarball() {
	[ -f "$TARBALL" ] || die "$TARBALL not found (apt-get install linux-source-6.12)"
	note "unpacking $(basename "$TARBALL") into $TREE"
	local pkg
	pkg=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	import_source_tarball "$TARBALL" "$TREE" "Linux %v (Debian linux-source-6.12 $pkg)"
}

make_base_from_ksrc() {
	note "cloning KSRC=$KSRC into $TREE"
	git clone -q --shared "$KSRC" "$TREE"
	git -C "$TREE" tag base HEAD
}

series_hash() {
	# shellcheck disable=SC2086 # one path a line, no spaces
	cat $patches | sha256sum | cut -d' ' -f1
}

# Apply the prerequisites and the series in a scratch worktree, then move
# the tree to the result: git checkout only rewrites files that differ, so
# builds stay incremental. Tag "series-base" is where the series starts.
apply_series() {
	local patch out scratch=$BUILD/am series_base=
	if [ ! -e "$scratch/.git" ]; then
		rm -rf "$scratch"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q -f --detach "$scratch" base
	fi
	git -C "$scratch" am --abort >/dev/null 2>&1 || true
	git -C "$scratch" checkout -q -f --detach base
	while read -r patch; do
		if [ -z "$series_base" ] && [ "$(dirname "$patch")" = "$PATCHES" ]; then
			series_base=$(git -C "$scratch" rev-parse HEAD)
		fi
		if ! out=$(git -C "$scratch" am -q "$patch" 2>&1); then
			git -C "$scratch" am --abort >/dev/null 2>&1 || true
			echo "$out" | grep -E '^(error|Patch failed)' >&2 || echo "$out" >&2
			die "patch ${patch#"$REPO"/} does not apply to $(git -C "$TREE" log -1 --format=%s base)"
		fi
	done <<<"$patches"
	git -C "$TREE" tag -f series-base "$series_base" >/dev/null
	git -C "$TREE" checkout -q -B ppc-threads "$(git -C "$scratch" rev-parse HEAD)"
}

mkdir -p "$BUILD"
if [ -n "${KSRC:-}" ]; then
	check_ksrc
fi

if [ ! -d "$TREE/.git" ]; then
	[ ! -e "$TREE" ] || die "$TREE exists but is not a git tree; move it away"
	if [ -n "${KSRC:-}" ]; then
		make_base_from_ksrc
	else
		make_base_from_tarball
	fi
fi

git -C "$TREE" rev-parse -q --verify base >/dev/null ||
	die "$TREE has no 'base' tag; it was not made by this script (remove it or set TREE)"
if [ -n "${KSRC:-}" ] && [ "$(git -C "$TREE" rev-parse base)" != "$(git -C "$KSRC" rev-parse HEAD)" ]; then
	die "$TREE was prepared from another KSRC commit; use another BUILD= or remove $TREE"
fi
check_clean "$TREE"
patches=$(patches_for "$(tree_version "$TREE")") || exit 1

stamp=$TREE/.git/$STAMP_NAME
want="$(git -C "$TREE" rev-parse base) $(series_hash)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want $(git -C "$TREE" rev-parse HEAD)" ]; then
	note "tree up to date: $(tree_version "$TREE"), series applied ($TREE)"
	exit 0
fi
note "applying $(grep -c . <<<"$patches") patches to $(tree_version "$TREE") in $TREE"
apply_series
echo "$want $(git -C "$TREE" rev-parse HEAD)" >"$stamp"
note "base: $(git -C "$TREE" log -1 --format='%h %s' base)"
