# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the scripts in this directory. Source it; do not run it.

die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	echo "==> $*"
}

# Kernel builds must see Debian's rustc (which has rust-src), not the
# rustup proxy that may come first on PATH.
export PATH="/usr/bin:/usr/local/bin:$PATH"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
TREE=${TREE:-$BUILD/linux}
PATCHES=${PATCHES:-$REPO/arch-powerpc-patches}

# bindgen takes the newest libclang it finds; 6.12 builds were measured
# with Debian's default (14). Mainline needs 17 or later (mainline.sh).
if [ -z "${LIBCLANG_PATH:-}" ] && [ -d /usr/lib/llvm-14/lib ]; then
	export LIBCLANG_PATH=/usr/lib/llvm-14/lib
fi

# The configurations, one kunit/configs/NAME.conf each.
config_names() {
	local f
	for f in "$REPO"/kunit/configs/*.conf; do
		basename "$f" .conf
	done
}

# conf_get NAME VAR: the value of VAR in configuration NAME ("" if unset).
conf_get() {
	# shellcheck source=/dev/null
	(. "$REPO/kunit/configs/$1.conf" && eval "echo \"\${$2:-}\"")
}

# The result rows "make mainline" must leave, derived from the configurations.
mainline_stages() {
	local c
	echo mainline-apply
	for c in $(config_names); do
		if [ -n "$(conf_get "$c" BEFORE_FAILS)" ]; then
			echo "mainline-$c-before mainline-$c-user-regs-before"
			[ -z "$(conf_get "$c" SYSCALL_COST)" ] || echo "mainline-$c-cost-before"
		fi
		echo "mainline-$c mainline-$c-oops mainline-$c-init mainline-$c-user-regs"
		[ -z "$(conf_get "$c" SYSCALL_COST)" ] || echo "mainline-$c-cost"
	done
}

# The prerequisites directory a base of version $1 needs ("" for none);
# exits naming the supported bases for any other version.
prereqs_for() {
	python3 "$REPO/scripts/bases.py" "$1" || exit 1
}

# The patches to apply to a base of version $1, in order, one path a line.
patches_for() {
	local d dir patch
	dir=$(prereqs_for "$1") || exit 1
	for d in ${dir:+"$PATCHES/$dir"} "$PATCHES"; do
		while read -r patch; do
			[ -n "$patch" ] && echo "$d/$patch"
		done <"$d/series"
	done
}

# Unpack a Debian linux-source tarball into DEST and commit it as branch
# "pristine", tag "base". A fixed identity and date make the commit the
# same on every machine. "%v" in SUBJECT becomes the kernel version.
import_source_tarball() {	# TARBALL DEST SUBJECT
	local tarball=$1 dest=$2 subject=$3 tmp=$2.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" -xf "$tarball"
	mv "$tmp"/linux-source-* "$dest"
	rmdir "$tmp"
	subject=${subject//%v/$(make -s -C "$dest" kernelversion)}
	git -C "$dest" init -q -b pristine
	# Debian's top-level .gitignore ignores everything; force-add the source.
	git -C "$dest" add -f -A .
	GIT_AUTHOR_NAME="ppc-threads harness" GIT_AUTHOR_EMAIL="harness@localhost" \
	GIT_COMMITTER_NAME="ppc-threads harness" GIT_COMMITTER_EMAIL="harness@localhost" \
	GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000" GIT_COMMITTER_DATE="2025-01-01T00:00:00+0000" \
		git -C "$dest" commit -q -m "$subject"
	git -C "$dest" tag base
}
