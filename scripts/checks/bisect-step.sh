#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One step of check-series.sh's "git rebase -x": build HEAD incrementally
# in the configurations with the bisect role, a row each; exit 0, so the
# rebase goes on.
# usage: bisect-step.sh [--build-dir=D] [--results-dir=R] CONFIG_DIR (the .config
#        of each configuration)
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"
cfgs=${1:?usage: bisect-step.sh CONFIG_DIR (run by check-series.sh)}

i=$(git rev-list --count series-base..HEAD)
subject=$(git log -1 --format=%s)
# A patch to Documentation/ or tools/ only changes nothing the kernel build
# reads (htmldocs and the initramfs build check those).
if ! git diff --name-only HEAD~1 HEAD | grep -qvE '^(Documentation|tools)/'; then
	check "bisect:$i" 0 "$subject (Documentation/ and tools/ only: no kernel build)"
	exit 0
fi
for c in $(config_role bisect); do
	# Before the option exists, a configuration with the helpers off is the
	# one with them on.
	case " $(config_field "$c" kunitconfigs) " in
	*" helpers-off "*) git grep -q 'config PPC_RUST_THREAD_SETUP' -- arch/powerpc || continue ;;
	esac
	out=$build_dir/out/$c
	log=$build_dir/bisect-$i-$c.log
	cp "$cfgs/$c" "$out/.config"
	start=$SECONDS
	if make -s ARCH=powerpc O="$out" CROSS_COMPILE="$(config_field "$c" cross)" -j"$JOBS" \
		olddefconfig all >"$log" 2>&1; then
		check "bisect:$i:$c" 0 "$subject ($((SECONDS - start)) s)"
	else
		tail -5 "$log" | sed 's/^/    /'
		check "bisect:$i:$c" 1 "$subject (log: $log)"
	fi
done
exit 0
