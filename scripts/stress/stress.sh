#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: kernels with the kernel's debugging on
# (kunit/stress/debug.kunitconfig), booted on 4 vCPUs with
# kunit/stress/stress_init.c as init: kernel threads from every CPU
# (kunit/stress/thread_stress.c, built in), user-mode kernel thread execs,
# forks and CPU hotplug at once, with failslab failing a share of kthreadd's
# allocations. Two kernels of the primary configuration's machine:
#   ppc64le-rust  the Rust helpers, with lockdep, KFENCE, kmemleak and the
#                 powerpc soft-mask and SRR checks
#   ppc64le-c     the C path with all of that and KASAN, which neither
#                 rustc (no sanitizer for powerpc64le) nor GCC with Rust has;
#                 on mainline built with clang 19, since GCC 12's KASAN
#                 kernel of 7.3-rc7 dies in its first C code (README)
# boot-init.py stress judges each boot: init must exit 0 and the console
# must hold no splat. Each ends with "stress: PASS" or "stress: FAIL (...)".
#
# usage: stress.sh short|full [CONFIG...]   (short is make test's; both
#        kernels by default)
# The kernels are built in a worktree of $TREE at its HEAD, $BUILD/stress/linux,
# into $BUILD/stress/out/CONFIG; $TREE itself is never changed. Environment:
# BUILD, TREE, RESULTS, JOBS, STAGE_PREFIX.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

variant=${1:-}
case $variant in
short)	amounts='stress_kthreads=3000 stress_execs=300 stress_forks=2000 stress_hotplug=5'
	timeout=600 ;;
full)	amounts='stress_kthreads=12500 stress_execs=3000 stress_forks=10000 stress_hotplug=30'
	timeout=1500 ;;
*)	die "usage: stress.sh short|full [ppc64le-rust] [ppc64le-c]" ;;
esac
shift
stress=$BUILD/stress
[ -d "$TREE/.git" ] || die "$TREE is not prepared; run make kunit (or, for mainline's, make mainline) first"
[ "$(series_py state "$TREE")" = current ] ||
	die "$TREE does not have the current series; run make kunit first"
base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$TREE")") || exit 1

worktree_with "$stress/linux" "$(git -C "$TREE" rev-parse HEAD)" "$REPO/kunit/stress/thread_stress.c"
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(ppc64le-rust ppc64le-c)
rc=0
for config in "${configs[@]}"; do
	llvm=
	case $config in
	ppc64le-rust) fragments='stress/rust' ;;
	ppc64le-c) fragments='stress/kasan'
		# README, Known limits: GCC's KASAN kernel of 7.3-rc7 does not boot.
		[ "$base" != mainline ] || llvm=-19 ;;
	*) die "no stress kernel for $config (ppc64le-rust, ppc64le-c)" ;;
	esac
	note "stress ($variant): $config, $fragments${llvm:+, LLVM=$llvm}, on $(git -C "$TREE" log -1 --format=%s base)"
	# shellcheck disable=SC2086 # the fragments are words
	LLVM=$llvm build_kernel "$stress/linux" "$stress/out/$config" "$config" stress/debug $fragments
	BUILD=$stress TREE=$stress/linux RESULTS=$RESULTS KERNEL_ARGS="$amounts" TIMEOUT=$timeout \
		python3 "$REPO/scripts/qemu/boot-init.py" "$config" stress >/dev/null || rc=1
	echo "console: $stress/out/$config/console-stress.log"
	cat "$RESULTS/${STAGE_PREFIX:-}$config-stress.txt"
done
exit $rc
