#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two kernels that upstream's own tests and benchmarks compare, built
# alike from kunit/upstream.kunitconfig (no tests of ours, whose options
# the base does not have) and what the kselftest targets ask for
# (kunit/kunitconfigs/kselftests.kunitconfig): "prereqs", the base, with
# the series' prerequisites only, and "series", with all of it; for a
# configuration with the Rust helpers, "series" has them, and Rust
# (kunit/upstream-rust.kunitconfig), which a GCC base kernel cannot build
# (harness/configs.py pair()). Each is
# built in a worktree of $tree (never $tree itself), in
# $build_dir/upstream/NAME/linux, with its output in NAME/out/CONFIG, the
# layout of build/, so boot_init.py boots it with
# --build-dir=$build_dir/upstream/NAME.
#
# usage: kernel-pair.sh [--build-dir=D] [--tree=T] CONFIG
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

[ $# -eq 1 ] || die "usage: $0 CONFIG"
config=$1
config_field "$config" cross >/dev/null || exit 1
[ -d "$tree/.git" ] || die "$tree is not prepared; run make kunit first"
[ "$(series_py state "$tree")" = current ] ||
	die "$tree does not have the current series; run make kunit (or make mainline) first"
pair=$build_dir/upstream
# The commit below the series' first patch (the mainline tree has no series-base).
n=$(grep -c -v -e '^#' -e '^$' "$PATCHES/series")
git -C "$tree" worktree prune
worktree_with "$pair/prereqs/linux" "$(git -C "$tree" rev-parse "HEAD~$n")"
worktree_with "$pair/series/linux" "$(git -C "$tree" rev-parse HEAD)"
# Their fragments: configs.py pair().
fragments=$(config_field "$config" pair_both) || exit 1
read -ra both <<<"$fragments"
fragments=$(config_field "$config" pair_own) || exit 1
read -ra own <<<"$fragments"
build_kernel "$pair/prereqs/linux" "$pair/prereqs/out/$config" "$config" "${both[@]}"
build_kernel "$pair/series/linux" "$pair/series/out/$config" "$config" "${both[@]}" "${own[@]}"
