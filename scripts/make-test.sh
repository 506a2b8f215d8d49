#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: the drift check, KUnit on every configuration (suites, the
# oopsing test, init and the user_regs selftest on the same kernel), the
# series on current mainline with and without the leak fixes, the script
# checks, the mutants and the series checks. Every stage runs even if an
# earlier one failed; the last line totals them all, and a stage that left
# no result counts as failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

results=$BUILD/results
rm -rf "$results"
mkdir -p "$results"
times=$results/times.txt
expected=()

stage() {	# stage NAME COMMAND...
	local name=$1 start rc
	shift
	note "stage $name"
	start=$(date +%s)
	"$@"
	rc=$?
	printf '%-24s %5d s  %s\n' "$name" $(( $(date +%s) - start )) \
		"$([ $rc = 0 ] && echo ok || echo FAILED)" >>"$times"
}

stage drift bash -c '"$0"/scripts/series.py check; rc=$?; \
	printf "drift\t%d\t%d\t0\t%s\n" $((rc == 0)) $((rc != 0)) \
	"$([ $rc = 0 ] && echo PASS || echo FAIL)" >"$1/drift.tsv"' "$REPO" "$results"
expected+=(drift)
for c in $(config_names); do
	stage "$c" "$REPO/scripts/kunit-run.sh" "$c"
	stage "$c-oops" "$REPO/scripts/kunit-run.sh" "$c" oops
	stage "$c-init" "$REPO/scripts/boot-init.py" "$c" init
	stage "$c-user-regs" "$REPO/scripts/boot-init.py" "$c" user-regs
	expected+=("$c" "$c-oops" "$c-init" "$c-user-regs")
done
stage mainline "$REPO/scripts/mainline.sh"
read -ra stages <<<"$(mainline_stages | xargs)"
expected+=("${stages[@]}")
# After the primary kernel exists: the hang and panic cases boot it.
stage selftest "$REPO/scripts/selftest.sh"
expected+=(selftest)
stage mutants "$REPO/scripts/mutants.py"
expected+=(mutants)
stage check-series "$REPO/scripts/check-series.sh"
n=$(grep -c . "$PATCHES/series")
expected+=(check:rustfmtcheck check:clippy check:rustdoc check:htmldocs
	check:bisect:1:ppc64le-rust "check:bisect:$n:ppc64le-c")

echo
note "time per stage"
cat "$times"
echo
exec "$REPO/scripts/summary.py" "$results" "${expected[@]}"
