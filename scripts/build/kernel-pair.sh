#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two kernels that upstream's own tests and benchmarks compare, built
# alike from kunit/upstream.kunitconfig (no tests of ours, whose options the
# base does not have): "prereqs", the base, with the series' prerequisites
# only, and "series", with all of it. Each is built in a worktree of $TREE
# (never $TREE itself), in $BUILD/upstream/NAME/linux, with its output in
# NAME/out/CONFIG, the layout of build/, so boot_init.py boots it with
# BUILD=$BUILD/upstream/NAME.
#
# usage: kernel-pair.sh CONFIG
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ $# -eq 1 ] || die "usage: $0 CONFIG"
config=$1
config_field "$config" cross >/dev/null || exit 1
[ -d "$TREE/.git" ] || die "$TREE is not prepared; run make kunit first"
[ "$(series_py state "$TREE")" = current ] ||
	die "$TREE does not have the current series; run make kunit (or make mainline) first"
pair=$BUILD/upstream
# The commit below the series' first patch (the mainline tree has no series-base).
n=$(grep -c -v -e '^#' -e '^$' "$PATCHES/series")
git -C "$TREE" worktree prune
worktree_with "$pair/prereqs/linux" "$(git -C "$TREE" rev-parse "HEAD~$n")"
worktree_with "$pair/series/linux" "$(git -C "$TREE" rev-parse HEAD)"
for name in prereqs series; do
	build_kernel "$pair/$name/linux" "$pair/$name/out/$config" "$config" upstream
done
