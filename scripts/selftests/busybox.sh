#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A static busybox for one powerpc cross compiler, the shell and tools of the
# kselftest initramfs (scripts/selftests/build.sh). Debian has no
# busybox-static for powerpc or ppc64 (ports), so this builds Debian's busybox
# source package, with Debian's patches: apt fetches it in a private
# directory (private_apt in lib.sh), leaving the machine's apt state alone,
# from the machine's Debian release. defconfig, static, with the changes in
# "overrides" below.
#
# usage: busybox.sh CROSS_PREFIX OUTDIR [DEBIAN_MIRROR]
#   CROSS_PREFIX   powerpc-linux-gnu-, powerpc64-linux-gnu- or powerpc64le-linux-gnu-
#   OUTDIR         gets busybox, busybox.links (the applets' paths, one a
#                  line) and busybox.stamp; src/ and obj/ are its work space
#   DEBIAN_MIRROR  default http://deb.debian.org/debian
# A second run with the same source version, cross prefix, cross gcc version
# and overrides reuses OUTDIR/busybox (it still asks the mirror for the
# current version).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

[ $# = 2 ] || [ $# = 3 ] || die "usage: $0 CROSS_PREFIX OUTDIR [DEBIAN_MIRROR]"
cross=$1
mirror=${3:-${DEBIAN_MIRROR:-http://deb.debian.org/debian}}
check_cross "$cross"
need make make
need gcc gcc		# the host compiler builds kconfig
need dpkg-source dpkg-dev
need bzip2 bzip2	# the upstream tarball is .tar.bz2
need xz xz-utils	# Debian's changes are .debian.tar.xz
need gpgv gpgv		# apt checks the signed index with it
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	die "no Debian archive keyring (Debian package debian-archive-keyring)"
out=$(mkdir -p "$2" && cd "$2" && pwd)
src=$out/src
obj=$out/obj

# Changes to defconfig, NAME=y or NAME=n. Nothing else needs to go: all of
# defconfig cross-builds for the three prefixes with bookworm's cross gcc 12,
# glibc 2.36 and uapi 6.1 headers (glibc warns, harmlessly, about getpwnam
# and friends in a static program). With uapi 6.8 or later headers tc would
# fail (they dropped CBQ): add TC=n then.
overrides=(
	STATIC=y
	# Most kselftest scripts start with #!/bin/bash: let ash answer to bash.
	BASH_IS_ASH=y BASH_IS_NONE=n
)

debian_source_version busybox "$src" "$mirror"

stamp="busybox $version cross $cross $("${cross}gcc" -dumpfullversion) overrides ${overrides[*]}"
if [ -x "$out/busybox" ] && [ -f "$out/busybox.links" ] &&
   [ "$(cat "$out/busybox.stamp" 2>/dev/null)" = "$stamp" ]; then
	note "busybox $version for $cross is up to date: $out/busybox"
	exit 0
fi

debian_source_unpack busybox "$src"

# Configure from scratch each time: the stamp changed.
rm -rf "$obj"
mkdir -p "$obj"
make -s -C "$tree" O="$obj" defconfig >"$out/config.log" 2>&1 ||
	die "busybox defconfig failed: $(grep -m1 -iE 'error' "$out/config.log")"
for o in "${overrides[@]}"; do
	name=CONFIG_${o%=*}
	sed -i -e "/^$name=/d" -e "/^# $name is not set\$/d" "$obj/.config"
	if [ "${o#*=}" = y ]; then
		echo "$name=y" >>"$obj/.config"
	else
		echo "# $name is not set" >>"$obj/.config"
	fi
done
# oldconfig settles what the overrides imply, taking the default of any
# new question; yes dies of SIGPIPE when make is done, hence the || true.
{ yes '' || true; } | make -s -C "$obj" oldconfig >>"$out/config.log" 2>&1 ||
	die "busybox oldconfig failed (log: $out/config.log)"
for o in "${overrides[@]}"; do
	name=CONFIG_${o%=*}
	if [ "${o#*=}" = y ]; then
		grep -qx "$name=y" "$obj/.config" || die "busybox's Kconfig did not take $name=y"
	else
		! grep -qx "$name=y" "$obj/.config" || die "busybox's Kconfig did not take $name=n"
	fi
done

note "building busybox $version with ${cross}gcc (log: $out/build.log)"
start=$SECONDS
if ! python3 "$REPO/scripts/harness/progress.py" busybox "$out/build.log" \
	make -C "$obj" -j2 CROSS_COMPILE="$cross" busybox busybox.links; then
	first=$(grep -m1 -E 'error:|undefined reference|cannot find -l' "$out/build.log" ||
		grep -m1 -E '\*\*\*' "$out/build.log" || tail -n1 "$out/build.log")
	die "building busybox with ${cross}gcc failed: $first (log: $out/build.log)"
fi
# Static means no program interpreter and no shared libraries.
! "${cross}readelf" -l "$obj/busybox" | grep -q 'Requesting program interpreter' ||
	die "$obj/busybox is not static"
cp "$obj/busybox" "$out/busybox.new"
mv "$out/busybox.new" "$out/busybox"
cp "$obj/busybox.links" "$out/busybox.links"
echo "$stamp" >"$out/busybox.stamp"
note "busybox $version for $cross built in $((SECONDS - start)) s: $out/busybox"
