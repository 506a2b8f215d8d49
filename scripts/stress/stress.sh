#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress (README, "make stress"): the debugging kernels of the
# configurations with the stress role (kunit/configurations.toml: each its
# stress_kunitconfigs over stress/debug), built in a worktree of $TREE at
# its HEAD, $BUILD/stress/linux, and judged by boot_init.py stress; $TREE itself is
# never changed.
#
# usage: stress.sh short|full [CONFIG...]   (short is make test's; every
#        stress kernel by default)
# On mainline its stages are mainline-CONFIG-stress, as make test expects.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

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
stress=$BUILD/stress
[ -d "$TREE/.git" ] || die "$TREE is not prepared; run make kunit (or, for mainline's, make mainline) first"
[ "$(series_py state "$TREE")" = current ] ||
	die "$TREE does not have the current series; run make kunit first"
base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$TREE")") || exit 1
prefix=
[ "$base" != mainline ] || prefix=mainline-

worktree_with "$stress/linux" "$(git -C "$TREE" rev-parse HEAD)" "$REPO/kunit/stress/thread_stress.c"
rc=0
for config in "${configs[@]}"; do
	fragments=$(config_field "$config" stress_kunitconfigs)
	llvm=
	# README, Known limits: GCC's KASAN kernel of 7.3-rc7 does not boot.
	[ "$base" != mainline ] || llvm=$(config_field "$config" stress_llvm)
	note "stress ($variant): $config, $fragments${llvm:+, LLVM=$llvm}, on $(git -C "$TREE" log -1 --format=%s base)"
	# shellcheck disable=SC2086 # the fragments are words
	LLVM=$llvm build_kernel "$stress/linux" "$stress/out/$config" "$config" stress/debug $fragments
	BUILD=$stress TREE=$stress/linux RESULTS=$RESULTS python3 "$REPO/scripts/qemu/boot_init.py" \
		--prefix="$prefix" --timeout=$timeout "${amounts[@]/#/--kernel_args=}" \
		"$config" stress >/dev/null || rc=1
	echo "console: $stress/out/$config/console-stress.log"
	cat "$RESULTS/$prefix$config-stress.txt"
done
exit $rc
