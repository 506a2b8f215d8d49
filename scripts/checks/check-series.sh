#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A maintainer's first look at the series, one result row per check; it
# fails if any fails. "quick" (make test's) leaves out the builds that take
# minutes each: no-Rust, rustdoc, htmldocs and the bisect.
#
# usage: check-series.sh [--build-dir=D] [--tree=T] [--results-dir=R] [all|quick]
#        (the mainline tree is BUILD_DIR/mainline/linux)
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

checks=${1:-all}
case $checks in
all|quick) ;;
*) die "usage: check-series.sh [all|quick]" ;;
esac
full() { [ "$checks" = all ]; }

JOBS=${JOBS:-$(nproc)}
primary_config=$(config_role primary) || exit 1
primary=$build_dir/out/$primary_config
kmake() {	# kmake MAKE-ARGS...: make in the Rust build being checked
	make -s -C "$src" ARCH=powerpc O="$out" CROSS_COMPILE="$cross" -j"$JOBS" "$@"
}

# bisect-step.sh, run by git rebase through sh, needs it.
export JOBS
# Rows of a run that dies half-way must not be read as this stage's result.
rm -f "$results_dir/check-series.tsv" "$results_dir/check-series.tsv.new"

[ -f "$primary/.config" ] || die "$primary is not built; run make kunit first"

note "checkpatch --strict (the series, then each base's prerequisites)"
for dir in "$PATCHES/" "$PATCHES"/*/; do
	[ -f "${dir}series" ] || continue
	prefix=${dir#"$PATCHES/"}	# "" or "6.12.y/"
	while read -r patch; do
		[ -n "$patch" ] || continue
		# The tree is a tarball import without upstream history, so the
		# ids in Fixes: tags cannot be looked up in it.
		ignore=FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID
		# A cherry-pick ("commit X upstream.") keeps upstream's message
		# word for word; its code is checked as any other.
		if grep -q -E '^commit [0-9a-f]{40} upstream\.$' "$dir$patch"; then
			ignore=$ignore,COMMIT_LOG_LONG_LINE,MISSING_FIXES_TAG
		fi
		out=$(cd "$tree" && perl scripts/checkpatch.pl --strict --terse --no-summary \
			--ignore "$ignore" "$dir$patch" 2>&1)
		n=$(printf '%s' "$out" | grep -c -E 'ERROR|WARNING|CHECK')
		[ "$n" = 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
		check "checkpatch:$prefix${patch:0:4}" "$n" "$n reports"
	done <"${dir}series"
done

if full; then
	note "the C path: ppc64le without Rust"
	norust=$build_dir/out/ppc64le-norust
	"$REPO/scripts/qemu/run_kunit.py" build "$tree" "$norust" "$primary_config" \
		kunitconfigs/base kunitconfigs/builtin
	check "build:ppc64le-norust" $? "log: $norust/build.log"
fi

# rustc warns on every object that mainline's powerpc -Ctarget-feature values
# are unstable (README, "Known limits"); the series does not touch them.
known='-Ctarget-feature|^warning: [0-9]+ warnings? emitted'
lint() {	# lint NAME MAKE-ARGS...: the build must pass with no warning or error
	local name=$1 log=$build_dir/$label-$1.log warnings
	shift
	kmake "$@" >"$log" 2>&1
	local st=$?
	warnings=$(grep -E '^(warning|error)' "$log" | grep -c -v -E -e "$known")
	[ "$st" = 0 ] && [ "$warnings" = 0 ]
	check "$label:$name" $? "$warnings warnings (log: $log)"
}

# The Rust builds to check: on each base, the configurations with Rust that
# this run covers; with quick, only make test's with the helpers on,
# since the others build the same kernel crate without thread_setup.rs.
which=(--make-test)
series_rust=$(sed -n 's|^+++ b/\(.*\)\.rs$|\1.o|p' "$PATCHES"/*.patch | sort -u)
full && which=()
# Kernel code must not touch FP or vector registers: rustc must be soft-float.
fp='^(lf[ds]|stf[ds]|fadd|fmul|fdiv|fmr|fcmp|lxv|stxv|lvx|stvx|xx|vx|mtvsr|mfvsr|xs|xv)'
for base in 6.12.y mainline; do
	root=$build_dir src=$tree
	[ "$base" = mainline ] && root=$build_dir/mainline src=$build_dir/mainline/linux
	for config in $(python3 "$REPO/scripts/harness/configs.py" names "$base" "${which[@]}"); do
		fragments=$(config_field "$config" kunitconfigs)
		case " $fragments " in *" rust "*) ;; *) continue ;; esac
		case " $fragments " in *" helpers-on "*) ;; *) full || continue ;; esac
		out=$root/out/$config label=$base-$config cross=$(config_field "$config" cross)
		if [ ! -f "$out/vmlinux" ]; then
			note "no Rust checks of $base $config: $out is not built"
			continue
		fi
		LIBCLANG_PATH=$(libclang_for "$base")
		export LIBCLANG_PATH
		note "Rust checks on $label ($out)"
		kmake olddefconfig >/dev/null 2>&1
		kmake rustfmtcheck >"$build_dir/$label-rustfmt.log" 2>&1
		check "$label:rustfmtcheck" $? "log: $build_dir/$label-rustfmt.log"
		# clippy only sees what it compiles: the series' Rust, every time.
		(cd "$out" && rm -f $series_rust)
		lint clippy CLIPPY=1 all
		full && lint rustdoc rustdoc
		bad=0
		for obj in "$out"/rust/*.o "$out"/arch/powerpc/kernel/thread_setup.o; do
			[ -f "$obj" ] || continue
			hits=$("${cross}objdump" -d "$obj" | awk -F'\t' '{print $3}' | grep -cE "$fp")
			[ "$hits" = 0 ] || { echo "    $obj: $hits FP/vector instructions"; bad=1; }
		done
		check "$label:rust-soft-float" $bad "no FP/vector instructions in Rust objects"
	done
done
LIBCLANG_PATH=$(libclang_for 6.12.y)

if ! full; then
	python3 "$REPO/scripts/harness/results.py" "done" "$results_dir" check-series
	exit
fi

note "Sphinx: make SPHINXDIRS=arch/powerpc htmldocs"
venv=$build_dir/venv
if [ ! -x "$venv/bin/sphinx-build" ]; then
	python3 -m venv "$venv" && "$venv/bin/pip" install -q 'sphinx==7.4.7' 'docutils<0.22' pyyaml ||
		die "cannot install Sphinx from PyPI into $venv (apt-get install python3-venv)"
fi
docs=$build_dir/out/docs
rm -rf "$docs/Documentation/output/arch/powerpc"
PATH=$venv/bin:$PATH make -s -C "$tree" O="$docs" SPHINXDIRS=arch/powerpc htmldocs \
	>"$build_dir/htmldocs.log" 2>&1
st=$?
warnings=$(grep -c 'kernel-threads' "$build_dir/htmldocs.log")
[ "$st" = 0 ] && [ "$warnings" = 0 ] &&
	[ -f "$docs/Documentation/output/arch/powerpc/kernel-threads.html" ]
check htmldocs $? "$warnings warnings from kernel-threads.rst (log: $build_dir/htmldocs.log)"

bisected=$(config_role bisect) || exit 1
note "bisect: every patch of the series builds, incrementally (git rebase -x; $bisected; the C path once the helpers' option exists)"
# Each step starts from the configuration the suites were built with;
# olddefconfig drops what a patch does not have yet (Rust before it is
# enabled, the helper option before it exists).
cfgs=$build_dir/bisect-configs
mkdir -p "$cfgs"
for c in $bisected; do
	[ -f "$build_dir/out/$c/.config" ] || die "$build_dir/out/$c is not built; run its suites first"
	cp "$build_dir/out/$c/.config" "$cfgs/$c"
done
branch=$(git -C "$tree" symbolic-ref -q --short HEAD) || die "$tree is not on a branch"
restore() {
	git -C "$tree" rebase --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q "$branch"
	for c in $bisected; do cp "$cfgs/$c" "$build_dir/out/$c/.config"; done
}
trap restore EXIT
# The rebase starts at patch 1, not at series-base: going through the
# base would touch the headers patch 1 changes, and every object would be
# rebuilt. Patch 1 gets its step from a first "exec" line in the todo.
# The step records its rows and never fails, so that every patch is built.
step="$REPO/scripts/checks/bisect-step.sh --build-dir=$build_dir --results-dir=$results_dir $cfgs"
first=$(git -C "$tree" rev-list --reverse series-base..HEAD | head -n 1)
git -C "$tree" checkout -q --detach
(cd "$tree" && GIT_SEQUENCE_EDITOR="sed -i '1i exec $step'" git rebase -q -i -x "$step" "$first") \
	2> >(grep -v 'Executing: ' >&2) || check bisect 1 "git rebase -x stopped"
trap - EXIT
restore

python3 "$REPO/scripts/harness/results.py" "done" "$results_dir" check-series
