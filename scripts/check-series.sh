#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A maintainer's first look at the series, run on the prepared tree:
# checkpatch --strict, bisectability, the C path without Rust, rustfmt,
# CLIPPY=1, rustdoc, and no FP/vector code in Rust objects.
# Each check is one row in the results; the script fails if any fails.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=${RESULTS:-$BUILD/results}
mkdir -p "$results"
rows=$results/check-series.tsv.new
: >"$rows"
JOBS=${JOBS:-$(nproc)}
primary=$BUILD/out/ppc64le-rust
kmake() {	# kmake OUTDIR CROSS [make args...]
	local out=$1 cross=$2
	shift 2
	make -s -C "$TREE" ARCH=powerpc O="$out" CROSS_COMPILE="$cross" -j"$JOBS" "$@"
}
record() {	# record NAME STATUS [detail]
	if [ "$2" = 0 ]; then
		printf 'check:%s\t1\t0\t0\tPASS\n' "$1" >>"$rows"
		echo "  PASS $1${3:+: $3}"
	else
		printf 'check:%s\t0\t1\t0\tFAIL\n' "$1" >>"$rows"
		echo "  FAIL $1${3:+: $3}"
	fi
}

[ -f "$primary/.config" ] || die "$primary is not built; run make kunit first"

note "checkpatch --strict (the series, then each base's prerequisites)"
for dir in "$PATCHES" "$PATCHES"/*/; do
	dir=${dir%/}
	[ -f "$dir/series" ] || continue
	prefix=${dir#"$PATCHES"}
	prefix=${prefix#/}
	while read -r patch; do
		[ -n "$patch" ] || continue
		# The tree is a tarball import without upstream history, so the
		# ids in Fixes: tags cannot be looked up in it.
		out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --terse --no-summary \
			--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$dir/$patch" 2>&1)
		n=$(printf '%s' "$out" | grep -c -E 'ERROR|WARNING|CHECK')
		[ "$n" = 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
		record "checkpatch:${prefix:+$prefix/}${patch:0:4}" "$n" "$n reports"
	done <"$dir/series"
done

note "bisect: every patch of the series builds, incrementally (ppc64le, GCC, Rust; helpers on, and off once they exist)"
# Each step starts from the configuration the suites were built with;
# olddefconfig drops what a patch does not have yet (Rust before it is
# enabled, the helper option before it exists).
cfgs=$BUILD/bisect-configs
mkdir -p "$cfgs"
for c in ppc64le-rust ppc64le-c; do
	[ -f "$BUILD/out/$c/.config" ] || die "$BUILD/out/$c is not built; run its suites first"
	cp "$BUILD/out/$c/.config" "$cfgs/$c"
done
head=$(git -C "$TREE" rev-parse HEAD)
branch=$(git -C "$TREE" symbolic-ref -q --short HEAD || true)
restore() {
	git -C "$TREE" checkout -q "${branch:-$head}"
	for c in ppc64le-rust ppc64le-c; do cp "$cfgs/$c" "$BUILD/out/$c/.config"; done
}
trap restore EXIT
n=$(grep -c . "$PATCHES/series")
for i in $(seq 1 "$n"); do
	git -C "$TREE" checkout -q "$head~$((n - i))"
	subject=$(git -C "$TREE" log -1 --format=%s)
	for c in ppc64le-rust ppc64le-c; do
		# Before the option exists, the C configuration is the Rust one.
		if [ "$c" = ppc64le-c ] &&
		   ! git -C "$TREE" grep -q 'config PPC_RUST_THREAD_SETUP' -- arch/powerpc; then
			continue
		fi
		out=$BUILD/out/$c
		log=$BUILD/bisect-$i-$c.log
		cp "$cfgs/$c" "$out/.config"
		start=$(date +%s)
		if kmake "$out" powerpc64le-linux-gnu- olddefconfig all >"$log" 2>&1; then
			record "bisect:$i:$c" 0 "$subject ($(( $(date +%s) - start )) s)"
		else
			tail -5 "$log" | sed 's/^/    /'
			record "bisect:$i:$c" 1 "$subject (log: $log)"
		fi
	done
done
trap - EXIT
restore

note "the C path: ppc64le without Rust"
norust=$BUILD/out/ppc64le-norust
(cd "$TREE" && python3 tools/testing/kunit/kunit.py build --build_dir "$norust" \
	--qemu_config "$REPO/kunit/qemu/ppc64le-pseries.py" \
	--cross_compile powerpc64le-linux-gnu- --jobs "$JOBS" \
	--kunitconfig "$REPO/kunit/base.kunitconfig" >"$norust.log" 2>&1)
record "build:ppc64le-norust" $? "log: $norust.log"

note "Rust checks on $primary"
kmake "$primary" powerpc64le-linux-gnu- olddefconfig >/dev/null 2>&1
kmake "$primary" powerpc64le-linux-gnu- rustfmtcheck >"$BUILD/rustfmt.log" 2>&1
record rustfmtcheck $? "log: $BUILD/rustfmt.log"
kmake "$primary" powerpc64le-linux-gnu- CLIPPY=1 vmlinux >"$BUILD/clippy.log" 2>&1
st=$?
warnings=$(grep -c -E '^(warning|error)' "$BUILD/clippy.log")
[ "$st" = 0 ] && [ "$warnings" = 0 ]
record clippy $? "$warnings warnings (log: $BUILD/clippy.log)"
kmake "$primary" powerpc64le-linux-gnu- rustdoc >"$BUILD/rustdoc.log" 2>&1
st=$?
warnings=$(grep -c -E '^(warning|error)' "$BUILD/rustdoc.log")
[ "$st" = 0 ] && [ "$warnings" = 0 ]
record rustdoc $? "$warnings warnings (log: $BUILD/rustdoc.log)"

note "Sphinx: make SPHINXDIRS=arch/powerpc htmldocs"
venv=$BUILD/venv
if [ ! -x "$venv/bin/sphinx-build" ]; then
	python3 -m venv "$venv" && "$venv/bin/pip" install -q 'sphinx==7.4.7' 'docutils<0.22' pyyaml ||
		die "cannot install Sphinx from PyPI into $venv (apt-get install python3-venv)"
fi
docs=$BUILD/out/docs
rm -rf "$docs/Documentation/output/arch/powerpc"
PATH=$venv/bin:$PATH make -s -C "$TREE" O="$docs" SPHINXDIRS=arch/powerpc htmldocs \
	>"$BUILD/htmldocs.log" 2>&1
st=$?
warnings=$(grep -c 'kernel-threads' "$BUILD/htmldocs.log")
[ "$st" = 0 ] && [ "$warnings" = 0 ] &&
	[ -f "$docs/Documentation/output/arch/powerpc/kernel-threads.html" ]
record htmldocs $? "$warnings warnings from kernel-threads.rst (log: $BUILD/htmldocs.log)"

# Kernel code must not touch FP or vector registers: rustc must be soft-float.
fp='^(lf[ds]|stf[ds]|fadd|fmul|fdiv|fmr|fcmp|lxv|stxv|lvx|stvx|xx|vx|mtvsr|mfvsr|xs|xv)'
bad=0
for obj in "$primary"/rust/*.o "$primary"/arch/powerpc/kernel/thread_setup.o; do
	[ -f "$obj" ] || continue
	hits=$(powerpc64le-linux-gnu-objdump -d "$obj" | awk -F'\t' '{print $3}' | grep -cE "$fp")
	[ "$hits" = 0 ] || { echo "    $obj: $hits FP/vector instructions"; bad=1; }
done
record rust-soft-float $bad "no FP/vector instructions in Rust objects"

mv "$rows" "$results/check-series.tsv"
! grep -q $'\tFAIL$' "$results/check-series.tsv"
