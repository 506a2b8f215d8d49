#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kselftest initramfs of TARGETs: build.sh's list, packed by the tree's
# own gen_init_cpio, built for the host here so that no kernel build has
# to come first. One initramfs serves every kernel it is compared on: the
# same programs boot on the base and on the patched kernel.
#
# usage: initramfs.sh [--cflags=FLAGS] TREE CROSS_PREFIX OUTDIR TARGET...   (writes
#        OUTDIR/initramfs.cpio; FLAGS: build.sh's)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

opt=()
case ${1:-} in --cflags=*) opt=("$1"); shift ;; esac
[ $# -ge 4 ] || die "usage: $0 [--cflags=FLAGS] TREE CROSS_PREFIX OUTDIR TARGET..."
tree=$1 out=$3
"$(dirname "$0")/build.sh" "${opt[@]}" "$@"
gcc -O2 -o "$out/gen_init_cpio" "$tree/usr/gen_init_cpio.c" ||
	die "cannot build $tree/usr/gen_init_cpio.c with the host's gcc"
"$out/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio.new" ||
	die "gen_init_cpio failed on $out/initramfs.list"
mv "$out/initramfs.cpio.new" "$out/initramfs.cpio"
note "kselftest initramfs: $out/initramfs.cpio ($(du -h "$out/initramfs.cpio" | cut -f1))"
