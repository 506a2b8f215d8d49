#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the user-space programs the kernel runs from its initramfs, with one
# cross compiler, and write the initramfs list:
#   /user_regs, /exec_entry  the tree's tools/testing/selftests/powerpc/user_regs
#                            (exec_entry is also what the KUnit exec test runs)
#   /thread_cost_init        kunit/bench/thread_cost_init.c, init of make bench
#   /stress_init             kunit/stress/stress_init.c, init of make stress
#   /module_init             kunit/module/module_init.c, loads and unloads the
#                            test module (boot_init.py CONFIG load)
#   /ctr_probe               kunit/kaslr/ctr_probe.c, what CTR gives away after
#                            getpid() (boot_init.py CONFIG kaslr[-before])
#   /provoke_crash           kunit/lkdtm/provoke_crash.c, writes an LKDTM crash
#                            type to provoke-crash (boot_init.py CONFIG lkdtm)
#   /compat/user_regs, /compat/exec_entry  the selftest again, 32-bit, with
#                            COMPAT_CROSS: compat tasks of a 64-bit kernel
# Files are only rewritten when their content changes, so the kernel build
# stays incremental.
# usage: initramfs.sh [--tree=T] CROSS_COMPILE OUTDIR [COMPAT_CROSS]   (the
#        selftest from the kernel tree T)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: $0 CROSS_COMPILE OUTDIR [COMPAT_CROSS]"
cross=$1
compat=${3:-}
out=$(mkdir -p "$2" && cd "$2" && pwd)
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found (run make setup)"
selftest=$tree/tools/testing/selftests/powerpc/user_regs
[ -f "$selftest/Makefile" ] || die "$selftest missing: is the series applied to $tree?"

update() {	# update DEST: move DEST.new over DEST if it differs
	if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

# The selftest's own Makefile, as a user builds it; static for the initramfs.
selftest() {	# selftest CROSS_COMPILE DIR: user_regs and exec_entry in DIR
	mkdir -p "$2/selftest"
	make -s -C "$selftest" CROSS_COMPILE="$1" LDFLAGS=-static OUTPUT="$2/selftest" ||
		die "building $selftest with $1 failed"
	for prog in user_regs exec_entry; do
		cp "$2/selftest/$prog" "$2/$prog.new"
		update "$2/$prog"
	done
}
selftest "$cross" "$out"
if [ -n "$compat" ]; then
	command -v "${compat}gcc" >/dev/null || die "${compat}gcc not found (run make setup)"
	selftest "$compat" "$out/compat"
fi

for src in bench/thread_cost_init stress/stress_init module/module_init \
	   kaslr/ctr_probe lkdtm/provoke_crash; do
	prog=$(basename "$src")
	"${cross}gcc" -static -O2 -Wall -Wextra -Werror \
		-o "$out/$prog.new" "$REPO/kunit/$src.c"
	update "$out/$prog"
done

cat >"$out/list.new" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
file /user_regs $out/user_regs 0755 0 0
file /exec_entry $out/exec_entry 0755 0 0
file /thread_cost_init $out/thread_cost_init 0755 0 0
file /stress_init $out/stress_init 0755 0 0
file /module_init $out/module_init 0755 0 0
file /ctr_probe $out/ctr_probe 0755 0 0
file /provoke_crash $out/provoke_crash 0755 0 0
LIST
[ -z "$compat" ] || cat >>"$out/list.new" <<LIST
dir /compat 0755 0 0
file /compat/user_regs $out/compat/user_regs 0755 0 0
file /compat/exec_entry $out/compat/exec_entry 0755 0 0
LIST
update "$out/list"
