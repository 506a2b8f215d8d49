#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A static libcap for one powerpc cross compiler: clone3 and seccomp (and
# exec on mainline) link -lcap and include <sys/capability.h>, and Debian has
# libcap-dev for powerpc and ppc64 only in debian-ports. This builds Debian's
# libcap2 source package, with Debian's patches, fetched like busybox.sh's
# (private_apt in lib.sh) from the machine's Debian release. Only libcap.a:
# no libcap.so, so -lcap links statically and the initramfs needs no extra
# library; no libpsx, PAM module, Go or programs.
#
# usage: libcap.sh CROSS_PREFIX OUTDIR [DEBIAN_MIRROR]
#   CROSS_PREFIX   powerpc-linux-gnu-, powerpc64-linux-gnu- or powerpc64le-linux-gnu-
#   OUTDIR         gets sysroot/include/sys/capability.h, sysroot/lib/libcap.a
#                  and libcap.stamp; src/ is its work space. build.sh gives
#                  the selftests -IOUTDIR/sysroot/include -LOUTDIR/sysroot/lib
#   DEBIAN_MIRROR  default http://deb.debian.org/debian
# A second run with the same source version, cross prefix and cross gcc
# version reuses OUTDIR/sysroot (it still asks the mirror for the version).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

[ $# = 2 ] || [ $# = 3 ] || die "usage: $0 CROSS_PREFIX OUTDIR [DEBIAN_MIRROR]"
cross=$1
mirror=${3:-${DEBIAN_MIRROR:-http://deb.debian.org/debian}}
check_cross "$cross"
need "${cross}ar" "binutils-$triplet"
need make make
need gcc gcc		# the host compiler builds _makenames
need dpkg-source dpkg-dev
need xz xz-utils	# the upstream tarball and Debian's changes are .tar.xz
need gpgv gpgv		# apt checks the signed index with it
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	die "no Debian archive keyring (Debian package debian-archive-keyring)"
out=$(mkdir -p "$2" && cd "$2" && pwd)
src=$out/src
sysroot=$out/sysroot

debian_source_version libcap2 "$src" "$mirror"

stamp="libcap2 $version cross $cross $("${cross}gcc" -dumpfullversion) static"
if [ -f "$sysroot/lib/libcap.a" ] && [ -f "$sysroot/include/sys/capability.h" ] &&
   [ "$(cat "$out/libcap.stamp" 2>/dev/null)" = "$stamp" ]; then
	note "libcap $version for $cross is up to date: $sysroot"
	exit 0
fi

debian_source_unpack libcap2 "$src"

# Only the libcap.a target of libcap/: no "all", which would add the .pc
# files and, with PTHREADS=yes, libpsx and the Go probe. The switches keep
# Make.Rules from looking for Go, PAM and gperf (without gperf cap_text.c
# looks names up in a plain list); BUILD_CC builds _makenames, which runs here.
note "building libcap $version with ${cross}gcc (log: $out/build.log)"
start=$SECONDS
make -C "$tree/libcap" clean >/dev/null 2>&1 || true	# the stamp changed
if ! make -C "$tree/libcap" -j2 CROSS_COMPILE="$cross" BUILD_CC=gcc SHARED=no PTHREADS=no \
	GOLANG=no PAM_CAP=no USE_GPERF=no libcap.a >"$out/build.log" 2>&1; then
	first=$(grep -m1 -E 'error:|undefined reference|No rule to make target' "$out/build.log" ||
		grep -m1 -F '***' "$out/build.log" || tail -n1 "$out/build.log")
	die "building libcap with ${cross}gcc failed: $first (log: $out/build.log)"
fi
# Built by the cross compiler, or -lcap would skip it as incompatible.
"${cross}readelf" -h "$tree/libcap/cap_alloc.o" | grep -q 'Machine: *PowerPC' ||
	die "libcap's objects are not PowerPC: CROSS_COMPILE was not used (log: $out/build.log)"
rm -rf "$sysroot"
mkdir -p "$sysroot/include/sys" "$sysroot/lib"
cp "$tree/libcap/include/sys/capability.h" "$sysroot/include/sys/"
cp "$tree/libcap/libcap.a" "$sysroot/lib/"
echo "$stamp" >"$out/libcap.stamp"
note "libcap $version for $cross built in $((SECONDS - start)) s: $sysroot"
