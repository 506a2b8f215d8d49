#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build one configuration of the prepared tree, boot it under qemu and run
# the KUnit suites, all through the kernel's own kunit.py; then judge the run.
#
# usage: kunit-run.sh CONFIG [suites|oops|before]
#   suites  every suite but the oopsing one (default)
#   oops    only powerpc_kthread_return, on the kernel built by "suites";
#           passes only if the test passed and the BUG names the shim
#   before  the suites on a tree without the leak fixes: the configuration's
#           BEFORE_FAILS must fail, naming the register, and the rest pass
# Environment: SUITE (kunit.py filter glob), LLVM, JOBS, TIMEOUT, BUILD,
# KERNEL_ARGS and QEMU_ARGS (extra, space-separated), STAGE_PREFIX (for
# the result names).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-}
mode=${2:-suites}
conf=$REPO/kunit/configs/$name.conf
if [ ! -f "$conf" ]; then
	die "unknown configuration '$name' (have: $(cd "$REPO/kunit/configs" && ls | sed 's/\.conf$//' | xargs))"
fi
# shellcheck source=/dev/null
. "$conf"

out=$BUILD/out/$name${LLVM:+-llvm}
results=${RESULTS:-$BUILD/results}
mkdir -p "$out" "$results"
JOBS=${JOBS:-$(nproc)}
TIMEOUT=${TIMEOUT:-300}

args=(--build_dir "$out" --qemu_config "$REPO/kunit/qemu/$QEMU_CONFIG"
      --cross_compile "$CROSS" --timeout "$TIMEOUT")

for a in ${KERNEL_ARGS:-}; do args+=("--kernel_args=$a"); done
for a in ${QEMU_ARGS:-}; do args+=("--qemu_args=$a"); done

stage=${STAGE_PREFIX:-}$name${LLVM:+-llvm}
case "$mode" in
suites|before)
	"$REPO/scripts/build-initramfs.sh" "$CROSS" "$out/initramfs"
	for k in $KUNITCONFIGS; do
		args+=(--kunitconfig "$REPO/kunit/$k.kunitconfig")
	done
	args+=(--jobs "$JOBS")
	args+=(--kconfig_add "CONFIG_INITRAMFS_SOURCE=\"$out/initramfs/list\"")
	if [ -n "${LLVM:-}" ]; then
		args+=(--make_options "LLVM=$LLVM")
	fi
	args+=(--filter 'module!=kthread_return_kunit' --json="$out/kunit.json")
	[ -z "${SUITE:-}" ] || args+=("$SUITE")
	note "$stage: $DESCRIPTION on qemu $MACHINE (build: $out)"
	cmd=run
	log=$out/console.log
	json=$out/kunit.json
	if [ "$mode" = before ]; then
		[ -n "${BEFORE_FAILS:-}" ] || die "$name has no BEFORE_FAILS: no leak to show"
		stage=$stage-before
		log=$out/console-before.log
		json=$out/kunit-before.json
		args=("${args[@]/#--json=*/--json=$json}")
		note "$stage: without the leak fixes, $BEFORE_FAILS must fail"
	fi
	;;
oops)
	[ -f "$out/vmlinux" ] || die "$out/vmlinux missing: run the suites of $name first"
	args+=(--json="$out/oops.json" powerpc_kthread_return)
	stage=$stage-oops
	SUITES=powerpc_kthread_return
	ALLOW_SKIP=
	SUITE=
	note "$stage: a returning kthread must hit the trap in start_kernel_thread"
	cmd=exec
	log=$out/console-oops.log
	json=$out/oops.json
	;;
*)
	die "unknown mode '$mode' (suites, oops or before)"
	;;
esac

rm -f "$json"
start=$(date +%s)
rc=0
(cd "$TREE" && python3 tools/testing/kunit/kunit.py "$cmd" "${args[@]}") \
	>"$out/kunit-$mode.out" 2>&1 || rc=$?
cp "$out/test.log" "$log" 2>/dev/null || : >"$log"
grep -E '^\[..:..:..\] (Elapsed|Testing complete)' "$out/kunit-$mode.out" || true
if [ "$rc" != 0 ]; then
	grep -E -A3 'ERROR|error:|Error|Missing:' "$out/kunit-$mode.out" | head -20 || true
fi

checks=()
if [ "$mode" = before ]; then
	checks+=(--expect-fail "$BEFORE_FAILS"
		 --log-must-match 'exec_entry: ((?:r[0-9]+|ctr|xer|lr) = 0x[0-9a-f]+)')
fi
if [ "$mode" = oops ]; then
	# The BUG must come from the trap in the shim, and the kernel must go on.
	if ! grep -Eq 'kernel BUG at arch/powerpc/kernel/(interrupt_64|entry_32)\.S' "$log" ||
	   ! grep -Eq 'NIP.*start_kernel_thread\+' "$log"; then
		checks+=(--also-fail "the BUG report does not name start_kernel_thread (see $log)")
	fi
fi

verdict=0
python3 "$REPO/scripts/verdict.py" --name "$stage" --json "$json" --log "$log" \
	--kunit-rc "$rc" --suites "$SUITES" --allow-skip "$ALLOW_SKIP" \
	--filter-glob "${SUITE:-}" --results "$results/$stage.tsv.new" \
	"${checks[@]}" || verdict=1
mv "$results/$stage.tsv.new" "$results/$stage.tsv"
echo "  $stage took $(( $(date +%s) - start )) s"
exit $verdict
