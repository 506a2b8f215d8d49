#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own powerpc benchmarks (tools/testing/selftests/powerpc/
# benchmarks: null_syscall, fork in its fork, vfork and exec modes with
# exec_target, context_switch), run by kunit/bench/upstream_init.c under
# qemu -icount shift=0 on the two kernels of scripts/build/kernel-pair.sh:
# "prereqs" (the base: the series' prerequisites only) and "series" (all of
# it). Each kernel boots BOOTS times; scripts/bench/upstream.py prints the
# figures and the patched/base ratio lines. The programs come from $tree's
# selftests, the same binaries for both kernels.
#
# usage: upstream.sh [--build-dir=D] [--tree=T] CONFIG [BOOTS]   (the kernels and
#        results under BUILD_DIR/upstream, from the tree T)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 CONFIG [BOOTS]"
config=$1
boots=${2:-2}
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "BOOTS must be a positive number, not '$boots'"
cross=$(config_field "$config" cross) || exit 1
cflags=$(config_field "$config" user_cflags)
up=$build_dir/upstream
programs=$up/programs-$config
"$REPO/scripts/build/kernel-pair.sh" --build-dir="$build_dir" --tree="$tree" "$config"

# The benchmarks with the tree's own Makefile, as a user builds them; static,
# as the initrd has no libraries. Rebuilt every time: make does not see
# changed flags.
src=$tree/tools/testing/selftests/powerpc/benchmarks
rm -rf "$programs/bench"
mkdir -p "$programs/bench"
make -s -C "$src" CROSS_COMPILE="$cross" USERCFLAGS="$cflags" LDFLAGS=-static OUTPUT="$programs/bench" \
	>"$programs/build.log" 2>&1 ||
	die "building $src with $cross failed: $(grep -m1 -E 'error|Error' "$programs/build.log")"
"${cross}gcc" -static -O2 -Wall -Wextra -Werror -o "$programs/upstream_init" \
	"$REPO/kunit/bench/upstream_init.c"
{
	echo "dir /bench 0755 0 0"
	for prog in null_syscall fork exec_target context_switch; do
		echo "file /bench/$prog $programs/bench/$prog 0755 0 0"
	done
	echo "file /upstream_init $programs/upstream_init 0755 0 0"
} >"$programs/initrd.list"
"$up/series/out/$config/usr/gen_init_cpio" "$programs/initrd.list" >"$programs/initrd.cpio"

rm -f "$up/results/upstream-"*"-$config-upstream.txt"
for name in prereqs series; do
	for run in $(seq "$boots"); do
		python3 "$REPO/scripts/qemu/boot_init.py" --build-dir="$up/$name" \
			--tree="$up/$name/linux" --results-dir="$up/results" --prefix="upstream-$name-$run-" \
			--timeout=900 --qemu_args="-initrd $programs/initrd.cpio" "$config" upstream ||
			true	# upstream.py names what failed
		cp "$up/$name/out/$config/console-upstream.log" \
			"$up/$name/out/$config/console-upstream-$run.log"
	done
done
python3 "$REPO/scripts/bench/upstream.py" "$up/results" "$config" "$boots"
