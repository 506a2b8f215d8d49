#!/bin/bash
# shellcheck disable=SC2154 # conf_* come from configs.py shell
# SPDX-License-Identifier: GPL-2.0
#
# Build one configuration of the prepared tree, boot it under qemu and run
# the KUnit suites, all through the kernel's own kunit.py; then judge the run
# (scripts/verdict/judge_kunit.py).
#
# usage: run-kunit.sh CONFIG [suites|oops|before]
#   suites  every suite but the oopsing one (default)
#   oops    only powerpc_kthread_return, on the kernel built by "suites";
#           passes only if the test passed and the BUG names the shim
#   before  the suites on a tree without the leak fixes: the configuration's
#           before_fails must fail, naming the register, and the rest pass
# Environment: SUITE (kunit.py filter glob), LLVM, JOBS, TIMEOUT, BUILD,
# RESULTS, KERNEL_ARGS and QEMU_ARGS (extra, space-separated), STAGE_PREFIX.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

name=${1:-}
mode=${2:-suites}
conf=$(python3 "$REPO/scripts/harness/configs.py" shell "$name") || exit 1
eval "$conf"	# conf_<field> for every field of the configuration
base=$(python3 "$REPO/scripts/harness/bases.py" "$(kernel_version "$TREE")") || exit 1
case " $conf_bases " in
*" $base "*) ;;
*) die "$name builds only on $conf_bases, and $TREE is $base (make mainline CONFIGS=$name runs it on mainline)" ;;
esac
LIBCLANG_PATH=$(libclang_for "$base")
export LIBCLANG_PATH

out=$BUILD/out/$name${LLVM:+-llvm}
mkdir -p "$out" "$RESULTS"
args=(--build_dir "$out" --qemu_config "$REPO/kunit/qemu/$conf_qemu_config"
      --cross_compile "$conf_cross" --timeout "${TIMEOUT:-300}")
for a in ${KERNEL_ARGS:-}; do args+=("--kernel_args=$a"); done
for a in ${QEMU_ARGS:-}; do args+=("--qemu_args=$a"); done
judge=(--suites "$conf_suites" --allow-skip "$conf_allow_skip" --filter-glob "${SUITE:-}")

stage=${STAGE_PREFIX:-}$name${LLVM:+-llvm}
case "$mode" in
suites|before)
	"$REPO/scripts/build/initramfs.sh" "$conf_cross" "$out/initramfs"
	for k in $conf_kunitconfigs; do
		args+=(--kunitconfig "$REPO/kunit/kunitconfigs/$k.kunitconfig")
	done
	args+=(--jobs "${JOBS:-$(nproc)}"
	       --kconfig_add "CONFIG_INITRAMFS_SOURCE=\"$out/initramfs/list\""
	       ${LLVM:+--make_options "LLVM=$LLVM"}
	       --filter 'module!=kthread_return_kunit')
	cmd=run
	log=$out/console.log
	json=$out/kunit.json
	note "$stage: $conf_description on qemu $conf_machine (build: $out)"
	if [ "$mode" = before ]; then
		[ -n "$conf_before_fails" ] || die "$name has no before_fails: no leak to show"
		stage=$stage-before
		log=$out/console-before.log
		json=$out/kunit-before.json
		judge+=(--expect-fail "$conf_before_fails"
			--log-must-match 'exec_entry: ((?:r[0-9]+|ctr|xer|lr) = 0x[0-9a-f]+)')
		note "$stage: without the leak fixes, $conf_before_fails must fail"
	fi
	args+=(--json="$json" ${SUITE:+"$SUITE"})
	;;
oops)
	[ -f "$out/vmlinux" ] || die "$out/vmlinux missing: run the suites of $name first"
	stage=$stage-oops
	cmd='exec'
	log=$out/console-oops.log
	json=$out/oops.json
	args+=(--json="$json" powerpc_kthread_return)
	# The BUG must come from the trap in the shim, and the kernel must go on.
	judge=(--suites powerpc_kthread_return
	       --log-must-match 'kernel BUG at arch/powerpc/kernel/(interrupt_64|entry_32)\.S'
	       --log-must-match 'NIP.*start_kernel_thread\+')
	note "$stage: a returning kthread must hit the trap in start_kernel_thread"
	;;
*)
	die "unknown mode '$mode' (suites, oops or before)"
	;;
esac

rm -f "$json"
start=$SECONDS
rc=0
(cd "$TREE" && exec python3 tools/testing/kunit/kunit.py "$cmd" "${args[@]}") \
	>"$out/kunit-$mode.out" 2>&1 &
progress "$stage" $! "$out/kunit-$mode.out"
wait $! || rc=$?
cp "$out/test.log" "$log" 2>/dev/null || : >"$log"
grep -E '^\[..:..:..\] (Elapsed|Testing complete)' "$out/kunit-$mode.out" || true
if [ "$rc" != 0 ]; then
	grep -E -A3 'ERROR|error:|Error|Missing:' "$out/kunit-$mode.out" | head -20 || true
fi
verdict=0
python3 "$REPO/scripts/verdict/judge_kunit.py" --name "$stage" --json "$json" --log "$log" \
	--kunit-rc "$rc" --results "$RESULTS" "${judge[@]}" || verdict=1
echo "  $stage took $((SECONDS - start)) s"
exit $verdict
