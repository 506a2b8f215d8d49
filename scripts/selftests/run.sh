#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make selftests: the kernel's own kselftests on the two kernels of
# scripts/build/kernel-pair.sh, base and patched. The TARGETs (default: the
# ones that drive the paths the series changes) are cross-built from $tree
# with their own Makefiles (initramfs.sh, whose build.sh reports a target
# that fails to build by name and goes on); each kernel boots with
# kselftest's runner as init (boot_init.py CONFIG kselftest); table.py
# judges the two runs as the stage PREFIXselftests-CONFIG; a difference
# must repeat in a second boot of the patched kernel.
# (make mainline runs a configuration's kselftests on its own two kernels.)
#
# usage: run.sh [--build-dir=D] [--tree=T] [--results-dir=R] [--prefix=P] CONFIG [TARGET...]
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"
prefix=
case ${1:-} in --prefix=*) prefix=${1#*=}; shift ;; esac

[ $# -ge 1 ] || die "usage: $0 [--prefix=P] CONFIG [TARGET...]"
config=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(powerpc exec clone3 seccomp ptrace sigaltstack signal pidfd)
cross=$(config_field "$config" cross) || exit 1
cflags=$(config_field "$config" user_cflags)
pair=$build_dir/upstream
out=$pair/kselftest-$config
"$REPO/scripts/build/kernel-pair.sh" --build-dir="$build_dir" --tree="$tree" "$config"
"$REPO/scripts/selftests/initramfs.sh" --cflags="$cflags" "$tree" "$cross" "$out" "${targets[@]}"

boot() {	# boot NAME: that kernel with the kselftest runner as init
	# A hung guest is killed at the timeout, and its log kept.
	python3 "$REPO/scripts/qemu/boot_init.py" --build-dir="$pair/$1" \
		--tree="$pair/$1/linux" --results-dir="$results_dir" \
		--prefix="${prefix}selftests-$1-" --timeout="${TIMEOUT:-3600}" \
		--qemu_args="-initrd $out/initramfs.cpio" \
		"$config" kselftest || true	# table.py names what failed
}
table=(python3 "$REPO/scripts/selftests/table.py" "$results_dir" "$config"
       "${prefix}selftests-prereqs-$config-kselftest" "${prefix}selftests-series-$config-kselftest"
       "${prefix}selftests-$config")
boot prereqs
boot series
"${table[@]}" && exit 0
# As in make mainline: under TCG some cases pass or time out with the
# host's load, so a difference must repeat. The patched kernel boots
# again, its first console is kept, and the second table is the verdict.
first=$pair/series/out/$config/console-kselftest-first.log
cp "$pair/series/out/$config/console-kselftest.log" "$first"
note "${prefix}selftests-$config: a difference; the patched kernel runs them again, to see whether it repeats (first console: $first)"
boot series
"${table[@]}"
