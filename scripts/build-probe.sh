#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the exec probe with one cross compiler and write the initramfs list
# that puts it at /ppc_kthread_probe. Files are only rewritten when their
# content changes, so the kernel build stays incremental.
# usage: build-probe.sh CROSS_COMPILE OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 CROSS_COMPILE OUTDIR"
cross=$1
out=$2
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found (run make setup)"
mkdir -p "$out"

update() {	# update DEST: move DEST.new over DEST if it differs
	if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

"${cross}gcc" -static -nostdlib -ffreestanding -fno-stack-protector \
	-fno-pie -no-pie -O2 -Wall -Wextra -Werror \
	-o "$out/ppc_kthread_probe.new" "$REPO/kunit/probe/probe.c"
update "$out/ppc_kthread_probe"

cat >"$out/list.new" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /ppc_kthread_probe $out/ppc_kthread_probe 0755 0 0
LIST
update "$out/list"
