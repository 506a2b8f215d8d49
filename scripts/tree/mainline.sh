#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mainline: Debian's newest mainline source (mainline-source.sh), made
# a git tree, "make apply" on it, then the stages of the CONFIGs (default:
# every configuration mainline builds), each first without the leak fixes
# where it has before_fails or before_passes (README, "What make test runs", 4),
# and both kernels with its kselftests (a difference must repeat in a second
# boot of the patched kernel). Results go to $results_dir as mainline-*.
#
# usage: mainline.sh [--build-dir=D] [--results-dir=R] [CONFIG...]   (the tree is
#        BUILD_DIR/mainline/linux)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

# Checked before anything is fetched.
configs=$(python3 "$REPO/scripts/harness/configs.py" names mainline "$@") || exit 1
ML=$build_dir/mainline
src=$ML/linux
mkdir -p "$ML" "$results_dir"

info=$("$REPO/scripts/tree/mainline-source.sh" "$ML") || exit 1
IFS=$'\t' read -r pkg_version pkg deb <<<"$info"
note "mainline: Debian $pkg $pkg_version"
subject="Linux from Debian $pkg $pkg_version"

# A new upload replaces the tree; the same one is reused.
if [ ! -d "$src/.git" ] || [ "$(git -C "$src" log -1 --format=%s base 2>/dev/null)" != "$subject" ]; then
	rm -rf "$src" "$ML/deb"
	mkdir -p "$ML/deb"
	dpkg-deb --fsys-tarfile "$deb" | tar -C "$ML/deb" -x --wildcards './usr/src/linux-source-*.tar.xz'
	import_source_tarball "$(echo "$ML"/deb/usr/src/linux-source-*.tar.xz)" "$src" "$subject"
	rm -rf "$ML/deb"
fi

version=$(kernel_version "$src")
if [ "$(series_py state "$src" 2>/dev/null)" = current ] &&
   [ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	# Re-applying would only touch files and rebuild the Rust crate for nothing.
	note "mainline: the same patches are already applied by make apply"
else
	# Start again from the pristine tree: this is the harness's own clone.
	git -C "$src" am --abort >/dev/null 2>&1 || true
	git -C "$src" checkout -q -f pristine
	git -C "$src" reset -q --hard base
	git -C "$src" branch -q -D ppc-threads without-leak-fixes 2>/dev/null || true
	if ! KSRC=$src BRANCH=ppc-threads "$REPO/scripts/tree/apply.sh"; then
		record mainline-apply 0 1
		exit 1
	fi
	# The "before" kernel: everything but the leak fixes.
	git -C "$src" checkout -q -b without-leak-fixes base
	git_am_all "$src" "$(series_py paths "$version" --without-leak-fixes)" ||
		die "the series does not apply without the leak fixes"
	git -C "$src" checkout -q ppc-threads
	series_py mark "$src"
fi
record mainline-apply 1 0
echo "Linux $version (Debian $pkg $pkg_version)" >"$results_dir/mainline-apply.txt"
note "mainline: $(cat "$results_dir/mainline-apply.txt"), series applied"

p=(--build-dir="$ML" --tree="$src" --results-dir="$results_dir" --prefix=mainline-)
rc=0
# Interrupted while building a "before" kernel, the tree must still end on
# the whole series.
trap 'git -C "$src" checkout -q ppc-threads' EXIT
for c in $configs; do
	# kselftests: the same programs, built from the whole series, boot on
	# both kernels; a build that fails leaves the boots' stages missing.
	kselftests=$(config_field "$c" kselftests)
	ks=()
	if [ -n "$kselftests" ]; then
		kout=$ML/kselftest/$c
		# shellcheck disable=SC2086	# the targets, one word each
		if "$REPO/scripts/selftests/initramfs.sh" --cflags="$(config_field "$c" user_cflags)" \
			"$src" "$(config_field "$c" cross)" "$kout" $kselftests; then
			ks=(--timeout="${TIMEOUT:-1800}" --qemu_args="-initrd $kout/initramfs.cpio")
		else
			record "mainline-$c-selftests" 0 1
			rc=1
		fi
	fi
	if [ -n "$(config_field "$c" before)" ]; then
		git -C "$src" checkout -q without-leak-fixes
		"$REPO/scripts/qemu/run_kunit.py" "${p[@]}" "$c" before || rc=1
		for mode in $(config_field "$c" before_boots); do
			"$REPO/scripts/qemu/boot_init.py" "${p[@]}" "$c" "$mode" || rc=1
		done
		if [ ${#ks[@]} -gt 0 ]; then
			"$REPO/scripts/qemu/boot_init.py" "${p[@]}" "${ks[@]}" "$c" kselftest-before || rc=1
		fi
		git -C "$src" checkout -q ppc-threads
	fi
	"$REPO/scripts/qemu/run_kunit.py" "${p[@]}" "$c" || rc=1
	for mode in $(config_field "$c" boots); do
		"$REPO/scripts/qemu/boot_init.py" "${p[@]}" "$c" "$mode" || rc=1
	done
	if [ ${#ks[@]} -gt 0 ]; then
		table=(python3 "$REPO/scripts/selftests/table.py" "$results_dir" "$c"
		       "mainline-$c-kselftest-before" "mainline-$c-kselftest" "mainline-$c-selftests")
		"$REPO/scripts/qemu/boot_init.py" "${p[@]}" "${ks[@]}" "$c" kselftest || rc=1
		if ! "${table[@]}"; then
			# Under TCG some cases pass or time out with the host's load
			# (Documentation/harness.md): a regression must repeat. The
			# patched kernel boots again, the first console is kept, and
			# the second boot's table is the verdict.
			out=$ML/out/$c
			cp "$out/console-kselftest.log" "$out/console-kselftest-first.log"
			note "mainline-$c-selftests: a difference; the patched kernel runs them again, to see whether it repeats (first console: $out/console-kselftest-first.log)"
			"$REPO/scripts/qemu/boot_init.py" "${p[@]}" "${ks[@]}" "$c" kselftest || rc=1
			"${table[@]}" || rc=1
		fi
	fi
done
exit $rc
