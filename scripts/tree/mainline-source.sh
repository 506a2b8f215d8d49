#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the newest mainline Linux source that Debian ships: linux-source-X.Y
# from experimental or unstable (release candidates included), the newest
# version of the newest X.Y that harness/bases.py supports. apt does the
# work in a private directory, DIR/apt, leaving the machine's own apt state
# alone: it checks InRelease against the archive keyring and the .deb
# against the signed index, and keeps the .deb in DIR, so a rerun downloads
# nothing new.
#
# usage: mainline-source.sh DIR   prints "version<TAB>package<TAB>path of the .deb"
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ $# = 1 ] || die "usage: $0 DIR"
dir=$(mkdir -p "$1" && cd "$1" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
private_apt "$dir/apt" "deb $mirror experimental main" "deb $mirror sid main"
newest=
for pkg in $(apt-cache "${apt_opts[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
	     cut -d' ' -f1 | sort -rV); do
	[ "$(python3 "$REPO/scripts/harness/bases.py" "${pkg#linux-source-}.0" 2>/dev/null)" = mainline ] ||
		continue
	newest=$pkg
	break
done
[ -n "$newest" ] || die "$mirror has no linux-source-X.Y that is a supported mainline base"
version=
for v in $(apt-cache "${apt_opts[@]}" madison "$newest" | cut -d'|' -f2); do
	if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
		version=$v
	fi
done
(cd "$dir" && apt-get "${apt_opts[@]}" download "$newest=$version" >"$dir/apt/download.log" 2>&1) ||
	die "cannot download $newest $version: $(grep -m1 -E '^(E|W):' "$dir/apt/download.log")"
deb=$(echo "$dir/${newest}_${version/*:/}_all.deb")
[ -f "$deb" ] || die "apt-get download left no $deb"
printf '%s\t%s\t%s\n' "$version" "$newest" "$deb"
