#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench (README.md, "make bench"): builds the base, c and rust kernels
# of the 6.12.y tree, each in a worktree build/bench/NAME/linux (never $tree)
# with its output in the layout of build/ (NAME/out/CONFIG), so that ccache
# serves what they share; boots each BOOTS times and runs
# scripts/bench/report.py. Then the kernel's own benchmarks on the
# configuration with the bench-upstream role, base against patched
# (scripts/bench/upstream.sh): the fixes' cost.
# usage: bench.sh [--build-dir=D] [--tree=T]   (the kernels go under
#        BUILD_DIR/bench, from the 6.12.y tree T)
# Make variables read: JOBS, BOOTS (default 2), DEBIAN_MIRROR.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

config=$(config_role bench) || exit 1
cross=$(config_field "$config" cross)
bench=$build_dir/bench
boots=${BOOTS:-2}
[ -d "$tree/.git" ] || die "$tree is not prepared; run make kunit first"
base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$tree")")
[ "$base" = 6.12.y ] || die "make bench runs on the 6.12.y tree; $tree is $base"
[ "$(series_py state "$tree")" = current ] ||
	die "$tree does not have the current series; run make kunit first"
series=$(git -C "$tree" rev-parse HEAD)
# commit_before PATCH WHAT: the tree's commit just before the series patch
# PATCH (its file name without the number); WHAT names it in the error.
commit_before() {
	local n
	n=$(grep -n -- "-$1\$" "$PATCHES/series" | cut -d: -f1) || true
	[ -n "$n" ] || die "$2 $1 is not in $PATCHES/series"
	git -C "$tree" rev-list --reverse series-base..HEAD | sed -n "$((n - 1))p"
}
# base: the series up to the RFC's first patch, which submissions names.
rfc=$(awk -F'\t' '$1 == "rfc" { print $3 }' "$PATCHES/submissions")
before=$(commit_before "$rfc" "the RFC's first patch")
git -C "$tree" worktree prune

build() {	# build NAME CONFIG KUNITCONFIG...: build/bench/NAME/out/CONFIG
	local name=$1 cfg=$2
	shift 2
	build_kernel "$bench/$name/linux" "$bench/$name/out/$cfg" "$cfg" "$@"
}

plugin() {	# the insn-ranges plugin, built against the installed qemu's header
	local src=$bench/qemu-src version header
	version=$(dpkg-query -W -f '${source:Version}' qemu-system-ppc) ||
		die "qemu-system-ppc is not installed (make setup)"
	header=$src/qemu-${version#*:}/qemu-plugin.h
	if [ ! -f "$header" ]; then
		local mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian} suite
		suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
		private_apt "$src/apt" "deb-src $mirror $suite main" "deb-src $mirror $suite-updates main" \
			"deb-src ${mirror%/debian}/debian-security $suite-security main"
		(cd "$src" && apt-get "${apt_opts[@]}" source --download-only "qemu=$version" \
			>"$src/apt/download.log" 2>&1) ||
			die "cannot download the source of qemu $version: $(grep -m1 -E '^(E|W):' "$src/apt/download.log")"
		mkdir -p "$(dirname "$header")"
		tar -xJf "$src"/qemu_*.orig.tar.xz -O --wildcards '*/include/qemu/qemu-plugin.h' >"$header.new" &&
			mv "$header.new" "$header" || die "no qemu-plugin.h in the qemu $version source"
	fi
	gcc -shared -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror -I"$(dirname "$header")" \
		-o "$bench/insn-ranges.so" "$REPO/scripts/bench/insn-ranges.c" ||
		die "building the qemu plugin scripts/bench/insn-ranges.c failed"
}

note "bench: $config kernels of $(git -C "$tree" log -1 --format=%s base)"
cost=$REPO/kunit/bench/thread_cost.c
worktree_with "$bench/base/linux" "$before" "$cost"
worktree_with "$bench/c/linux" "$series" "$cost"
worktree_with "$bench/rust/linux" "$series" "$cost"
build base "$config" bench/bench
build c "$config" bench/bench kunitconfigs/helpers-off
build rust "$config" bench/bench kunitconfigs/helpers-on

plugin
mkdir -p "$bench/results"
for name in base c rust; do
	out=$bench/$name/out/$config
	ranges=$(python3 "$REPO/scripts/bench/report.py" ranges "$bench/base/out/$config/vmlinux" \
		 "$out/vmlinux" "$cross")
	for run in $(seq "$boots"); do
		rm -f "$out/insn-ranges-$run.log"
		python3 "$REPO/scripts/qemu/boot_init.py" --build-dir="$bench/$name" \
			--tree="$bench/$name/linux" --results-dir="$bench/results" --prefix="bench-$name-" \
			--qemu_args="-plugin $bench/insn-ranges.so,$ranges -d plugin -D $out/insn-ranges-$run.log" \
			"$config" bench ||
			die "the $name kernel's bench boot failed (log: $out/console-bench.log)"
		mv "$out/console-bench.log" "$out/console-bench-$run.log"
	done
done
echo
rc=0
python3 "$REPO/scripts/bench/report.py" "$bench" "$config" "$cross" "$boots" || rc=1
echo
"$REPO/scripts/bench/upstream.sh" --build-dir="$build_dir" --tree="$tree" \
	"$(config_role bench-upstream)" "$boots" || rc=1
exit $rc
