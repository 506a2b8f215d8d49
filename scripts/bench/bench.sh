#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench (README.md, "make bench"): builds a base, a c and a rust
# kernel with each compiler asked for, each in a worktree
# build/bench/NAME/linux (never the tree itself) with its output in the
# layout of build/ (NAME/out/CONFIG), so that ccache serves what they share;
# boots each BOOTS times and runs scripts/bench/report.py.
#   --gcc       GCC, from the 6.12.y tree T: NAME is base, c, rust; then the
#               kernel's own benchmarks on the configuration with the
#               bench-upstream role, base against patched
#               (scripts/bench/upstream.sh): the fixes' cost
#   --llvm=-N   LLVM=-N (clang-N, lld-N), from the mainline tree M, as
#               RUST_INLINE_HELPERS is mainline's: NAME is llvm-base,
#               llvm-c, llvm-rust, the last with the C helpers inlined
# usage: bench.sh [--build-dir=D] [--tree=T] [--mainline-tree=M] [--gcc] [--llvm=-N]
#        (the kernels go under BUILD_DIR/bench; T defaults to BUILD_DIR/linux,
#        M to BUILD_DIR/mainline/linux)
# Make variables read: JOBS, BOOTS (default 2), DEBIAN_MIRROR.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

usage="usage: bench.sh [--build-dir=D] [--tree=T] [--mainline-tree=M] [--gcc] [--llvm=-N]"
gcc= llvm= mainline=$build_dir/mainline/linux
for arg; do
	case $arg in
	--gcc) gcc=1 ;;
	--llvm=*)
		llvm=${arg#*=}
		[[ $llvm =~ ^-[0-9]+$ ]] ||
			die "--llvm takes the version suffix of LLVM=, such as -22, not '$llvm'" ;;
	--mainline-tree=*) mainline=$(realpath -m "${arg#*=}") ;;
	*) die "unknown argument '$arg'; $usage" ;;
	esac
done
[ -n "$gcc$llvm" ] || die "nothing to measure: pass --gcc, --llvm=-N or both; $usage"
boots=${BOOTS:-2}
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "BOOTS must be a positive number, not '$boots'"
# The GCC kernels are GCC whatever LLVM= make was given; build() sets it
# for the LLVM ones.
unset LLVM
config=$(config_role bench) || exit 1
cross=$(config_field "$config" cross)
bench=$build_dir/bench
rfc=$(awk -F'\t' '$1 == "rfc" { print $3 }' "$PATCHES/submissions")

# check_tree TREE BASE TARGET: TREE is BASE with the current series, or die
# naming the make target that makes it so.
check_tree() {
	local base
	[ -d "$1/.git" ] || die "$1 is not prepared; run make $3 first"
	base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$1")") || exit 1
	[ "$base" = "$2" ] || die "make bench builds these kernels from the $2 tree; $1 is $base"
	[ "$(series_py state "$1")" = current ] ||
		die "$1 does not have the current series; run make $3 first"
}

# before_rfc TREE: its commit just before the RFC's first patch (submissions
# names it); in a current tree the series is the last commits, on either base.
before_rfc() {
	local patches=() i
	mapfile -t patches < <(grep -v -e '^#' -e '^$' "$PATCHES/series")
	for i in "${!patches[@]}"; do
		if [ "${patches[$i]#*-}" = "$rfc" ]; then
			git -C "$1" rev-parse "HEAD~$((${#patches[@]} - i))"
			return
		fi
	done
	die "the RFC's first patch $rfc is not in $PATCHES/series"
}

# check_llvm: the tools of LLVM=$llvm, each named by its Debian package, and
# rustc's LLVM, which RUST_INLINE_HELPERS needs to be the same major.
check_llvm() {
	local v=${llvm#-} tool rust_llvm
	for tool in clang:clang ld.lld:lld llvm-ar:llvm llvm-nm:llvm llvm-objcopy:llvm \
		    llvm-readelf:llvm llvm-strip:llvm; do
		command -v "${tool%:*}$llvm" >/dev/null ||
			die "${tool%:*}$llvm is missing: apt-get install ${tool#*:}$llvm"
	done
	compgen -G "/usr/lib/llvm-$v/lib/libclang*.so*" >/dev/null ||
		die "libclang $v is missing (bindgen needs it with clang$llvm): apt-get install libclang1$llvm"
	command -v bindgen >/dev/null || die "bindgen is missing (make setup)"
	rust_llvm=$(rustc --version --verbose | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
	[ "$rust_llvm" = "$v" ] ||
		die "rustc ($(command -v rustc)) is built on LLVM ${rust_llvm:-unknown}, not $v:" \
		    "RUST_INLINE_HELPERS needs the same major; pass --llvm=-$rust_llvm"
}

build() {	# build NAME KUNITCONFIG...: build/bench/NAME/out/CONFIG
	local name=$1
	shift
	# LLVM= for the build alone: with it, boot_init.py looks in CONFIG-llvm.
	(if [ -n "$part_llvm" ]; then export LLVM=$part_llvm; fi
	 build_kernel "$bench/$name/linux" "$bench/$name/out/$config" "$config" "$@")
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

# kernels LABEL PREFIX RUST-FRAGMENT...: $tree's base, c and rust kernels in
# $bench/PREFIX{base,c,rust}, booted $boots times each, and report.py's
# table for the compiler LABEL; rc=1 if the report fails. Not called after
# || so that set -e holds inside.
kernels() {
	local label=$1 prefix=$2 series before name out ranges run start cost fragment option
	shift 2
	series=$(git -C "$tree" rev-parse HEAD)
	before=$(before_rfc "$tree")
	git -C "$tree" worktree prune
	note "bench ($label): $config kernels of $(git -C "$tree" log -1 --format=%s base)"
	cost=$REPO/kunit/bench/thread_cost.c
	worktree_with "$bench/${prefix}base/linux" "$before" "$cost"
	worktree_with "$bench/${prefix}c/linux" "$series" "$cost"
	worktree_with "$bench/${prefix}rust/linux" "$series" "$cost"
	build "${prefix}base" bench/bench
	build "${prefix}c" bench/bench kunitconfigs/helpers-off
	build "${prefix}rust" bench/bench kunitconfigs/helpers-on "$@"
	# Kconfig drops an option whose dependencies fail without a word.
	for fragment; do
		for option in $(grep -o '^CONFIG_[A-Z0-9_]*=y' "$REPO/kunit/$fragment.kunitconfig"); do
			grep -qx "$option" "$bench/${prefix}rust/out/$config/.config" ||
				die "$option did not take in $bench/${prefix}rust/out/$config/.config" \
				    "(kunit/$fragment.kunitconfig): its dependencies are not met"
		done
	done

	plugin
	mkdir -p "$bench/results"
	for name in base c rust; do
		name=$prefix$name
		out=$bench/$name/out/$config
		ranges=$(python3 "$REPO/scripts/bench/report.py" ranges "$bench/${prefix}base/out/$config/vmlinux" \
			 "$out/vmlinux" "$cross")
		for run in $(seq "$boots"); do
			rm -f "$out/insn-ranges-$run.log"
			start=$SECONDS
			python3 "$REPO/scripts/qemu/boot_init.py" --build-dir="$bench/$name" \
				--tree="$bench/$name/linux" --results-dir="$bench/results" --prefix="bench-$name-" \
				--qemu_args="-plugin $bench/insn-ranges.so,$ranges -d plugin -D $out/insn-ranges-$run.log" \
				"$config" bench ||
				die "the $name kernel's bench boot failed (log: $out/console-bench.log)"
			mv "$out/console-bench.log" "$out/console-bench-$run.log"
			note "$name boot $run took $((SECONDS - start)) s"
		done
	done
	echo
	python3 "$REPO/scripts/bench/report.py" --compiler="$label" "$bench" "$config" "$cross" "$boots" ||
		rc=1
}

# Every tree and tool is checked before the first build.
[ -z "$gcc" ] || check_tree "$tree" 6.12.y kunit
if [ -n "$llvm" ]; then
	check_tree "$mainline" mainline mainline
	check_llvm
fi
rc=0 part_llvm=
if [ -n "$gcc" ]; then
	kernels GCC ""
	echo
	"$REPO/scripts/bench/upstream.sh" --build-dir="$build_dir" --tree="$tree" \
		"$(config_role bench-upstream)" "$boots" || rc=1
fi
if [ -n "$llvm" ]; then
	[ -z "$gcc" ] || echo
	tree=$mainline
	# run_kunit.py gives bindgen libclang N with LLVM=-N.
	part_llvm=$llvm
	kernels LLVM llvm- bench/inline-helpers
fi
exit $rc
