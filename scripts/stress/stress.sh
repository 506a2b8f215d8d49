#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress (README, "make stress"): the debugging kernels of the
# configurations with the stress role (kunit/configurations.toml: each its
# stress_kunitconfigs over stress/debug), built in a worktree of $tree at
# its HEAD, $build_dir/stress/linux, and judged by boot_init.py stress; $tree itself is
# never changed.
#
# usage: stress.sh [--build-dir=D] [--tree=T] [--results-dir=R] short|full [CONFIG...]   (short is make test's; every
#        stress kernel by default)
# On mainline its stages are mainline-CONFIG-stress, as make test expects.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

variant=${1:-}
case $variant in
short)	amounts=(stress_kthreads=3000 stress_execs=300 stress_forks=2000 stress_hotplug=5)
	timeout=600 ;;
full)	amounts=(stress_kthreads=12500 stress_execs=3000 stress_forks=10000 stress_hotplug=30)
	timeout=1500 ;;
*)	die "usage: stress.sh short|full [CONFIG...] (CONFIG: $(config_role stress))" ;;
esac
shift
configs=("$@")
stressed=$(config_role stress) || exit 1
# shellcheck disable=SC2206 # the names are words
[ ${#configs[@]} -gt 0 ] || configs=($stressed)
for config in "${configs[@]}"; do
	case " $stressed " in *" $config "*) ;;
	*) die "no stress kernel for $config (have: $stressed)" ;;
	esac
done
stress=$build_dir/stress
[ -d "$tree/.git" ] || die "$tree is not prepared; run make kunit (or, for mainline's, make mainline) first"
[ "$(series_py state "$tree")" = current ] ||
	die "$tree does not have the current series; run make kunit first"
base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$tree")") || exit 1
prefix=
[ "$base" != mainline ] || prefix=mainline-

worktree_with "$stress/linux" "$(git -C "$tree" rev-parse HEAD)" "$REPO/kunit/stress/thread_stress.c"
rc=0
for config in "${configs[@]}"; do
	fragments=$(config_field "$config" stress_kunitconfigs)
	llvm=
	# README, Known limits: GCC's KASAN kernel of 7.3-rc7 does not boot.
	[ "$base" != mainline ] || llvm=$(config_field "$config" stress_llvm)
	note "stress ($variant): $config, $fragments${llvm:+, LLVM=$llvm}, on $(git -C "$tree" log -1 --format=%s base)"
	# shellcheck disable=SC2086 # the fragments are words
	LLVM=$llvm build_kernel "$stress/linux" "$stress/out/$config" "$config" stress/debug $fragments
	python3 "$REPO/scripts/qemu/boot_init.py" --build-dir="$stress" --tree="$stress/linux" \
		--results-dir="$results_dir" --prefix="$prefix" --timeout=$timeout "${amounts[@]/#/--kernel_args=}" \
		"$config" stress >/dev/null || rc=1
	echo "console: $stress/out/$config/console-stress.log"
	cat "$results_dir/$prefix$config-stress.txt"
done
exit $rc
