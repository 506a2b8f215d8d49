# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Helpers shared by scripts/selftests/busybox.sh, libcap.sh and build.sh.
# Source it after scripts/lib.sh; do not run it.

# need COMMAND PACKAGE: die unless COMMAND is on PATH, naming its Debian package.
need() {
	command -v "$1" >/dev/null || die "$1 not found (Debian package $2)"
}

# debian_arch TRIPLET: Debian's name for the architecture of a GNU triplet.
debian_arch() {
	case $1 in
	powerpc-linux-gnu) echo powerpc ;;
	powerpc64-linux-gnu) echo ppc64 ;;
	powerpc64le-linux-gnu) echo ppc64el ;;
	*) die "unsupported cross compiler $1-: use powerpc-linux-gnu-, powerpc64-linux-gnu- or powerpc64le-linux-gnu-" ;;
	esac
}

# debian_port ARCH: true for an architecture that only debian-ports builds
# (so its -dev packages are not in the archive this machine uses).
debian_port() {
	[ "$1" != ppc64el ]
}

# check_cross CROSS_PREFIX: the cross compiler, binutils and C library are
# there; sets triplet and debarch.
check_cross() {
	case $1 in
	*-) ;;
	*) die "CROSS_PREFIX must end in '-' (e.g. powerpc-linux-gnu-), not '$1'" ;;
	esac
	triplet=${1%-}
	debarch=$(debian_arch "$triplet")
	need "${1}gcc" "gcc-$triplet"
	need "${1}readelf" "binutils-$triplet"
	[ -f "/usr/$triplet/lib/libc.a" ] ||
		die "/usr/$triplet/lib/libc.a not found (Debian package libc6-dev-$debarch-cross)"
}
