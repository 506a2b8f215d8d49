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

# debian_source_version PACKAGE SRC MIRROR: sets version, the newest of
# PACKAGE's source in the machine's Debian release. apt works in SRC/apt
# (private_apt in lib.sh), leaving the machine's apt state alone.
debian_source_version() {
	local suite v
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$suite" ] || die "/etc/os-release names no Debian release (VERSION_CODENAME)"
	note "looking up Debian's $1 source in $suite"
	private_apt "$2/apt" "deb-src $3 $suite main" "deb-src $3 $suite-updates main" \
		"deb-src ${3%/debian}/debian-security $suite-security main"
	version=
	# shellcheck disable=SC2154	# apt_opts: private_apt sets it
	for v in $(apt-cache "${apt_opts[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p'); do
		if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
			version=$v
		fi
	done
	[ -n "$version" ] || die "$3 has no $1 source package in $suite"
}

# debian_source_unpack PACKAGE SRC: sets tree, PACKAGE's source at $version
# with Debian's patches, downloaded and unpacked under SRC once.
debian_source_unpack() {
	local upstream=${version#*:}	# the .dsc's name has no epoch
	tree=$2/$1-$upstream
	[ -f "$tree/.unpacked" ] && return
	(cd "$2" && apt-get "${apt_opts[@]}" source --download-only "$1=$version" \
		>"$2/apt/download.log" 2>&1) ||
		die "cannot download the source of $1 $version: $(grep -m1 -E '^(E|W):' "$2/apt/download.log")"
	rm -rf "$tree"
	dpkg-source -x "$2/$1_$upstream.dsc" "$tree" >"$2/unpack.log" 2>&1 ||
		die "cannot unpack $1_$upstream.dsc: $(grep -m1 -E 'error' "$2/unpack.log")"
	touch "$tree/.unpacked"
}
