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
apt=$dir/apt
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
printf 'deb %s %s main\n' "$mirror" experimental "$mirror" sid >"$apt/sources.list"
opts=(-q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
      -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
      -o Dir::State::Status=/dev/null -o Debug::NoLocking=1 -o Acquire::Languages=none
      -o APT::Sandbox::User="$(id -un)")

# apt-get update exits 0 when it could not fetch or verify an index: any
# error or warning is fatal here, the signature check above all.
if ! apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 ||
   grep -qE '^(E|W):' "$apt/update.log"; then
	die "cannot update the package lists from $mirror: $(grep -m1 -E '^(E|W):' "$apt/update.log")"
fi
newest=
for pkg in $(apt-cache "${opts[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
	     cut -d' ' -f1 | sort -rV); do
	[ "$(python3 "$REPO/scripts/harness/bases.py" "${pkg#linux-source-}.0" 2>/dev/null)" = mainline ] ||
		continue
	newest=$pkg
	break
done
[ -n "$newest" ] || die "$mirror has no linux-source-X.Y that is a supported mainline base"
version=
for v in $(apt-cache "${opts[@]}" madison "$newest" | cut -d'|' -f2); do
	if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
		version=$v
	fi
done
(cd "$dir" && apt-get "${opts[@]}" download "$newest=$version" >"$apt/download.log" 2>&1) ||
	die "cannot download $newest $version: $(grep -m1 -E '^(E|W):' "$apt/download.log")"
deb=$(echo "$dir/${newest}_${version/*:/}_all.deb")
[ -f "$deb" ] || die "apt-get download left no $deb"
printf '%s\t%s\t%s\n' "$version" "$newest" "$deb"
