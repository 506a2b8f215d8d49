#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mainline: the series on current mainline, the way a user gets it
# there. Fetch the newest mainline source Debian ships (verified, see
# mainline_source.py), make it a git tree, run "make apply" on it, then,
# for every configuration, build, boot and run the KUnit suites, the
# oopsing test, init and the user_regs selftest.
# Where the leaks showed (big-endian ppc64, ppc32), the same tree without
# the two leak fixes (arch-powerpc-patches/leak-fixes) is built first: the
# selftest and the KUnit exec test must fail there, naming the register.
# Results go to $BUILD/results as mainline-*.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ML=$BUILD/mainline
src=$ML/linux
mkdir -p "$ML"

info=$("$REPO/scripts/mainline_source.py" "$ML") || exit 1
IFS=$'\t' read -r pkg_version pkg deb <<<"$info"
note "mainline: Debian $pkg $pkg_version"

export GIT_AUTHOR_NAME="ppc-threads harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="ppc-threads harness" GIT_COMMITTER_EMAIL="harness@localhost"
export GIT_COMMITTER_DATE="2025-01-01T00:00:00+0000" GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000"
subject="Linux from Debian $pkg $pkg_version"

# A new upload replaces the tree; the same one is reused.
if [ ! -d "$src/.git" ] || [ "$(git -C "$src" log -1 --format=%s base 2>/dev/null)" != "$subject" ]; then
	note "unpacking $(basename "$deb") into $src"
	rm -rf "$src" "$ML/deb"
	mkdir -p "$ML/deb"
	dpkg-deb --fsys-tarfile "$deb" | tar -C "$ML/deb" -x --wildcards './usr/src/linux-source-*.tar.xz'
	import_source_tarball "$(echo "$ML"/deb/usr/src/linux-source-*.tar.xz)" "$src" "$subject"
	rm -rf "$ML/deb"
fi

results=${RESULTS:-$BUILD/results}
mkdir -p "$results"
rc=0
stamp=$src/.git/ppc-threads.stamp
patches=$(patches_for "$(make -s -C "$src" kernelversion)") || exit 1
# shellcheck disable=SC2086 # one path a line, no spaces
want="$(git -C "$src" rev-parse base) $(cat $patches | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want $(git -C "$src" rev-parse HEAD)" ] &&
   [ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	# Same base, same patches, untouched result: re-applying would only
	# touch files and rebuild the Rust crate for nothing.
	note "mainline: the same patches are already applied by make apply (stamp $stamp)"
else
	# Start again from the pristine tree: this is the harness's own clone.
	rm -f "$stamp"
	git -C "$src" am --abort >/dev/null 2>&1 || true
	git -C "$src" checkout -q -f pristine
	git -C "$src" reset -q --hard base
	git -C "$src" branch -q -D ppc-threads 2>/dev/null || true
	if ! KSRC=$src BRANCH=ppc-threads "$REPO/scripts/apply.sh"; then
		printf 'mainline-apply\t0\t1\t0\tFAIL\n' >"$results/mainline-apply.tsv"
		exit 1
	fi
	# The "before" kernel: everything but the leak fixes.
	git -C "$src" branch -q -D without-leak-fixes 2>/dev/null || true
	git -C "$src" checkout -q -b without-leak-fixes base
	while read -r patch; do
		grep -qxF "$(basename "$patch" | cut -d- -f2-)" "$PATCHES/leak-fixes" && continue
		git -C "$src" am -q "$patch" ||
			die "${patch#"$REPO"/} does not apply without the leak fixes"
	done <<<"$patches"
	git -C "$src" checkout -q ppc-threads
	echo "$want $(git -C "$src" rev-parse HEAD)" >"$stamp"
fi
printf 'mainline-apply\t1\t0\t0\tPASS\n' >"$results/mainline-apply.tsv"
echo "Linux $(make -s -C "$src" kernelversion) (Debian $pkg $pkg_version)" >"$results/mainline-base.txt"
note "mainline: $(cat "$results/mainline-base.txt"), series applied"

# Mainline needs libclang 17 or later for bindgen.
export LIBCLANG_PATH=/usr/lib/llvm-19/lib
export TREE=$src BUILD=$ML RESULTS=$results STAGE_PREFIX=mainline-
run() {	# run COMMAND...: a failed stage fails the run, the next one still runs
	"$@" || rc=1
}
for c in ${CONFIGS:-$(config_names)}; do
	cost=$(conf_get "$c" SYSCALL_COST)
	if [ -n "$(conf_get "$c" BEFORE_FAILS)" ]; then
		git -C "$src" checkout -q without-leak-fixes
		run "$REPO/scripts/kunit-run.sh" "$c" before
		run "$REPO/scripts/boot-init.py" "$c" user-regs-before
		[ -z "$cost" ] || run "$REPO/scripts/boot-init.py" "$c" cost-before
		git -C "$src" checkout -q ppc-threads
	fi
	run "$REPO/scripts/kunit-run.sh" "$c"
	run "$REPO/scripts/kunit-run.sh" "$c" oops
	run "$REPO/scripts/boot-init.py" "$c" init
	run "$REPO/scripts/boot-init.py" "$c" user-regs
	[ -z "$cost" ] || run "$REPO/scripts/boot-init.py" "$c" cost
done
exit $rc
