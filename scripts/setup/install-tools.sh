#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the toolchain: Debian packages and a pinned bindgen-cli. Every tool
# is checked first, so a second run installs nothing. Without root, a missing
# tool is reported with the package that provides it.
# usage: install-tools.sh [PACKAGES_TSV]   (default: packages.tsv beside it)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

BINDGEN_VERSION=0.73.0

# What to check, and the package that provides it.
tools=$(grep -v '^#' "${1:-$REPO/scripts/setup/packages.tsv}")

have() {
	case "$1" in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

missing=""
while read -r tool pkg; do
	[ -n "$tool" ] || continue
	have "$tool" || missing="$missing $pkg"
done <<<"$tools"
missing=$(echo "$missing" | tr ' ' '\n' | sort -u | xargs)

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing packages: $missing (run as root, or: apt-get install $missing)"
	fi
	note "installing Debian packages: $missing"
	# A fresh machine has stale or no package lists: bring them up to date
	# before installing (older than a day, or not knowing a package).
	# shellcheck disable=SC2086
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ] ||
	   ! apt-cache show $missing >/dev/null 2>&1; then
		note "updating the package lists"
		apt-get update -q >/dev/null || die "apt-get update failed"
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -q \
		--no-install-recommends $missing >/dev/null ||
		die "could not install: $missing (apt-get install $missing)"
	while read -r tool pkg; do
		[ -n "$tool" ] || continue
		have "$tool" || die "$tool still missing after installing $pkg"
	done <<<"$tools"
	# ccache links only the compilers it found when it was installed.
	update-ccache-symlinks
fi

bindgen_ok() {
	command -v bindgen >/dev/null 2>&1 &&
		[ "$(bindgen --version 2>/dev/null)" = "bindgen $BINDGEN_VERSION" ]
}
if ! bindgen_ok; then
	[ "$(id -u)" = 0 ] ||
		die "bindgen $BINDGEN_VERSION missing (cargo install --locked bindgen-cli@$BINDGEN_VERSION)"
	note "installing bindgen-cli $BINDGEN_VERSION from crates.io"
	cargo install -q --locked "bindgen-cli@$BINDGEN_VERSION" --root /usr/local ||
		die "cargo install bindgen-cli@$BINDGEN_VERSION failed"
	bindgen_ok || die "bindgen $BINDGEN_VERSION not on PATH after install"
fi
