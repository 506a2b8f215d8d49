#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input must give a clear error, a non-zero exit and leave everything as
# it was. Each case runs the real script on a scratch input and checks its
# exit status, its message and that the input did not change.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
dir_options "$@"
set -- "${args[@]}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect NAME WANT-REGEX COMMAND...: COMMAND must fail and print WANT-REGEX
expect() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ] && grep -Eq "$want" <<<"$out"; then
		passed=$((passed + 1))
		echo "  PASS $name: $(grep -E "$want" <<<"$out" | head -n 1)"
	else
		failed=$((failed + 1))
		echo "  FAIL $name: exit $rc, wanted /$want/, got:"
		sed 's/^/    /' <<<"$out" | tail -n 5
	fi
}

# same STATE-BEFORE DIR: the tree's files and HEAD did not change
same() {
	local name=$1 before=$2 dir=$3
	if [ "$before" = "$(state "$dir")" ]; then
		passed=$((passed + 1))
		echo "  PASS $name: $dir unchanged"
	else
		failed=$((failed + 1))
		echo "  FAIL $name: $dir changed"
	fi
}
state() {
	(cd "$1" && git rev-parse HEAD 2>/dev/null; git status --porcelain 2>/dev/null;
	 find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha1sum)
}

# A tiny stand-in for a kernel tree: enough for the checks to look at.
fake_kernel() {	# fake_kernel DIR VERSION
	mkdir -p "$1/arch/powerpc/kernel"
	printf 'VERSION = %s\nPATCHLEVEL = 12\nSUBLEVEL = 0\nkernelversion:\n\t@echo %s.12.0\n' \
		"$2" "$2" >"$1/Makefile"
	echo 'mainmenu "fake"' >"$1/Kconfig"
	echo 'int x;' >"$1/arch/powerpc/kernel/process.c"
	git -C "$1" init -q
	git -C "$1" add -A
	git -C "$1" -c user.name=t -c user.email=t@t commit -qm base
}

prep() {	# run prepare-tree.sh in a scratch build dir
	"$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
}

note "bad KSRC"
expect ksrc-missing 'does not exist' env KSRC=$tmp/nope bash -c "$(declare -f prep); tmp=$tmp REPO=$REPO prep"
mkdir -p "$tmp/notkernel" && echo hi >"$tmp/notkernel/README"
expect ksrc-not-kernel 'not a Linux kernel tree' env KSRC=$tmp/notkernel "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
fake_kernel "$tmp/nogit" 6 && rm -rf "$tmp/nogit/.git"
expect ksrc-not-git 'not a git tree' env KSRC=$tmp/nogit "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
fake_kernel "$tmp/old" 5
expect ksrc-other-major 'is not a supported base' env KSRC=$tmp/old "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
fake_kernel "$tmp/dirty" 6
echo 'int y;' >>"$tmp/dirty/arch/powerpc/kernel/process.c"
before=$(state "$tmp/dirty")
before_dirty=$before
expect ksrc-dirty 'uncommitted changes' env KSRC=$tmp/dirty "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
same ksrc-dirty-untouched "$before" "$tmp/dirty"

note "a patch that does not apply"
fake_kernel "$tmp/k" 6
before=$(state "$tmp/k")
expect patch-conflict-names-patch 'patch [^ ]*/00[0-9][0-9]-[^ ]*\.patch does not apply' \
	env KSRC=$tmp/k "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
expect patch-conflict-names-file '^error: (patch failed: )?[a-z]+/[^ :]+' \
	env KSRC=$tmp/k "$REPO/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
same patch-conflict-ksrc-untouched "$before" "$tmp/k"

note "a truncated patch file (in a copy of this repository)"
mkdir -p "$tmp/repo"
tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/repo" -xf -
first=$(find "$tmp/repo/arch-powerpc-patches/6.12.y" -name '0001-*.patch')
head -c "$(($(wc -c <"$first") / 2))" "$first" >"$first.half" && mv "$first.half" "$first"
before=$(state "$tmp/k")
expect patch-truncated 'patch arch-powerpc-patches/6.12.y/0001-[^ ]*\.patch is truncated or corrupt' \
	env KSRC=$tmp/k "$tmp/repo/scripts/tree/prepare.sh" --build-dir=$tmp/build --tree=$tmp/build/linux
same patch-truncated-ksrc-untouched "$before" "$tmp/k"

note "make apply on bad trees"
expect apply-dirty 'uncommitted changes' env KSRC=$tmp/dirty "$REPO/scripts/tree/apply.sh"
same apply-dirty-untouched "$before_dirty" "$tmp/dirty"
expect apply-not-git 'not a git tree' env KSRC=$tmp/nogit "$REPO/scripts/tree/apply.sh"
# A user's git am that stopped on a conflict: its state must survive.
fake_kernel "$tmp/am" 6
for line in 'int a;' 'int b;'; do
	echo "$line" >>"$tmp/am/arch/powerpc/kernel/process.c"
	git -C "$tmp/am" -c user.name=t -c user.email=t@t commit -qam "$line"
done
git -C "$tmp/am" format-patch -q -1 -o "$tmp/am-patch"
git -C "$tmp/am" reset -q --hard HEAD~2
echo 'int c;' >>"$tmp/am/arch/powerpc/kernel/process.c"
git -C "$tmp/am" -c user.name=t -c user.email=t@t commit -qam c
git -C "$tmp/am" -c user.name=t -c user.email=t@t am -q "$tmp"/am-patch/*.patch >/dev/null 2>&1
before=$(state "$tmp/am")
expect apply-am-in-progress 'git am or rebase in progress' env KSRC=$tmp/am "$REPO/scripts/tree/apply.sh"
same apply-am-in-progress-untouched "$before" "$tmp/am"
if [ -d "$tmp/am/.git/rebase-apply" ]; then
	passed=$((passed + 1)); echo "  PASS apply-am-kept: the user's git am is still in progress"
else
	failed=$((failed + 1)); echo "  FAIL apply-am-kept: the user's git am state is gone"
fi
expect apply-other-major 'is not a supported base' env KSRC=$tmp/old "$REPO/scripts/tree/apply.sh"
fake_kernel "$tmp/new" 7
before=$(state "$tmp/new")
expect apply-mainline-prereq 'patch arch-powerpc-patches/mainline/0001-[^ ]* does not apply' \
	env KSRC=$tmp/new "$REPO/scripts/tree/apply.sh"
same apply-mainline-untouched "$before" "$tmp/new"
expect mainline-offline 'cannot update the package lists from http://127\.0\.0\.1:9/' \
	env DEBIAN_MIRROR=http://127.0.0.1:9/debian "$REPO/scripts/tree/mainline-source.sh" "$tmp/dl"
for suite in experimental sid; do
	mkdir -p "$tmp/mirror/dists/$suite"
	printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: %s\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n' \
		"$suite" >"$tmp/mirror/dists/$suite/InRelease"
done
expect mainline-bad-signature 'cannot update the package lists .*GPG error' \
	env DEBIAN_MIRROR="file://$tmp/mirror" "$REPO/scripts/tree/mainline-source.sh" "$tmp/dl"
before=$(state "$tmp/k")
expect apply-conflict 'nothing applied, the tree is as it was' env KSRC=$tmp/k "$REPO/scripts/tree/apply.sh"
same apply-conflict-untouched "$before" "$tmp/k"
if git -C "$tmp/k" rev-parse -q --verify refs/heads/ppc-threads >/dev/null; then
	failed=$((failed + 1)); echo "  FAIL apply-conflict: branch ppc-threads left behind"
else
	passed=$((passed + 1)); echo "  PASS apply-conflict: no branch left behind"
fi

note "edits are never lost (export and prepare on a scratch clone of the tree)"
if [ -d "$tree/.git" ]; then
	# Sparse: the checks only need the top-level files, and a full
	# checkout takes a minute.
	git clone -q --shared --no-checkout "$tree" "$tmp/edit"
	git -C "$tmp/edit" sparse-checkout set --cone scripts arch/powerpc
	git -C "$tmp/edit" checkout -q ppc-threads
	cp "$tree/.git/ppc-threads.stamp" "$tmp/edit/.git/"
	ex() { "$@"; }
	prep_edit=("$REPO/scripts/tree/prepare.sh" --build-dir="$tmp/edit-build" --tree="$tmp/edit")
	echo '# edit' >>"$tmp/edit/Makefile"
	expect export-dirty 'uncommitted changes: commit them first' ex "$REPO/scripts/harness/series.py" export "$tmp/edit"
	expect prepare-dirty 'uncommitted changes: commit them and run make export' \
		"${prep_edit[@]}"
	git -C "$tmp/edit" commit -qam 'an edit not yet exported'
	# Debian's .gitignore hides every new file from "git add -A".
	touch "$tmp/edit/arch/powerpc/new_file.c"
	expect export-stray 'files that no commit has: arch/powerpc/new_file.c' \
		ex "$REPO/scripts/harness/series.py" export "$tmp/edit"
	# Committed, it is a whole new file without a source in this repository.
	git -C "$tmp/edit" add -f arch/powerpc/new_file.c
	git -C "$tmp/edit" commit -qm 'a new file'
	before=$(cd "$PATCHES" && cat series ./*.patch edits/* | sha1sum)
	expect export-unnamed 'new_file.c, which arch-powerpc-patches/new-files does not name' \
		ex "$REPO/scripts/harness/series.py" export "$tmp/edit"
	if [ "$before" = "$(cd "$PATCHES" && cat series ./*.patch edits/* | sha1sum)" ]; then
		passed=$((passed + 1)); echo "  PASS export-unnamed: the patches are unchanged"
	else
		failed=$((failed + 1)); echo "  FAIL export-unnamed: the patches changed"
	fi
	git -C "$tmp/edit" reset -q --hard HEAD~1
	before=$(state "$tmp/edit")
	expect prepare-unexported 'commits that are not exported.*make export' \
		"${prep_edit[@]}"
	same prepare-unexported-untouched "$before" "$tmp/edit"
	sed 's/ [0-9a-f]* / 0000 /' "$tmp/edit/.git/ppc-threads.stamp" >"$tmp/edit/.git/ppc-threads.stamp.new"
	mv "$tmp/edit/.git/ppc-threads.stamp.new" "$tmp/edit/.git/ppc-threads.stamp"
	before=$(cd "$PATCHES" && cat series ./*.patch | sha1sum)
	expect export-both-edited 'changed since .* was made from them' ex "$REPO/scripts/harness/series.py" export "$tmp/edit"
	if [ "$before" = "$(cd "$PATCHES" && cat series ./*.patch | sha1sum)" ]; then
		passed=$((passed + 1)); echo "  PASS export-both-edited: the patches are unchanged"
	else
		failed=$((failed + 1)); echo "  FAIL export-both-edited: the patches changed"
	fi
	rm -rf "$tmp/edit"
fi

if [ -d "$tree/.git" ]; then
	note "make apply on a clean 6.12 tree"
	git clone -q --shared --no-checkout "$tree" "$tmp/linux"
	git -C "$tmp/linux" checkout -q -b user-work base
	if out=$(KSRC=$tmp/linux BRANCH=selftest-series GIT_COMMITTER_NAME=selftest \
		GIT_COMMITTER_EMAIL=selftest@localhost "$REPO/scripts/tree/apply.sh" 2>&1) &&
	   [ "$(git -C "$tmp/linux" rev-list --count base..selftest-series)" = "$(cat "$PATCHES/6.12.y/series" "$PATCHES/series" | grep -c .)" ]; then
		passed=$((passed + 1)); echo "  PASS apply: $(tail -n 1 <<<"$out")"
	else
		failed=$((failed + 1)); echo "  FAIL apply: $out"
	fi
	expect apply-branch-exists 'already exists' env KSRC=$tmp/linux BRANCH=selftest-series \
		"$REPO/scripts/tree/apply.sh"
	rm -rf "$tmp/linux"
fi

note "unknown configuration"
expect unknown-config "unknown configuration 'nope' \\(have: ppc64le-rust" "$REPO/scripts/qemu/run_kunit.py" nope
expect unknown-config-boot "unknown configuration 'nope'" "$REPO/scripts/qemu/boot_init.py" nope init
expect load-no-module 'builds no test module' "$REPO/scripts/qemu/boot_init.py" ppc64le-rust load
expect load-not-built 'run the suites of ppc64le-module first' \
	"$REPO/scripts/qemu/boot_init.py" --build-dir="$tmp/build" --tree="$tree" ppc64le-module load
expect config-not-on-base "ppc32-rust builds only on mainline, and .* is 6.12.y" \
	"$REPO/scripts/qemu/run_kunit.py" ppc32-rust

note "make bench without its tree or its kernels"
expect bench-no-tree 'is not prepared; run make kunit first' \
	"$REPO/scripts/bench/bench.sh" --build-dir="$tmp/empty-build" --gcc
expect bench-no-mainline 'mainline/linux is not prepared; run make mainline first' \
	"$REPO/scripts/bench/bench.sh" --build-dir="$tmp/empty-build" --llvm=-22
expect bench-bad-llvm "takes the version suffix of LLVM=, such as -22, not '1'" \
	"$REPO/scripts/bench/bench.sh" --build-dir="$tmp/empty-build" --llvm=1
expect bench-nothing 'nothing to measure: pass --gcc, --llvm=-N or both' \
	"$REPO/scripts/bench/bench.sh" --build-dir="$tmp/empty-build"
expect bench-no-kernels 'vmlinux missing: make bench builds the base kernel' \
	python3 "$REPO/scripts/bench/report.py" "$tmp/empty-build" ppc64le-rust powerpc64le-linux-gnu- 2

note "a directory option without its directory"
expect dir-option-bash 'build-dir needs a directory' "$REPO/scripts/stress/stress.sh" short --build-dir
expect dir-option-python 'argument --tree: expected one argument' "$REPO/scripts/qemu/run_kunit.py" ppc64le-rust --tree

note "make series without a mainline tree"
expect series-no-mainline 'run "make mainline"' "$REPO/scripts/submit/submissions.py" --build-dir=$tmp/empty-build
expect series-bad-sender 'want "Full Name <address>"' env SENDER=nobody "$REPO/scripts/submit/submissions.py"

note "missing tools, without root"
printf '/nonexistent/powerpc64le-linux-gnu-gcc\tgcc-powerpc64le-linux-gnu\n' >"$tmp/tools.tsv"
chmod -R a+rX "$tmp"
expect missing-tool 'apt-get install gcc-powerpc64le-linux-gnu' \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	bash "$REPO/scripts/setup/install-tools.sh" "$tmp/tools.tsv"

if [ -f "$build_dir/out/ppc64le-rust/vmlinux" ]; then
	note "a hanging qemu and a panicking kernel (on the built primary kernel)"
	expect qemu-hang 'ppc64le-rust: FAIL' "$REPO/scripts/qemu/run_kunit.py" \
		--build-dir="$build_dir" --tree="$tree" --results-dir="$tmp/r" --timeout=15 --qemu_args=-S ppc64le-rust
	# LKDTM's returning kernel thread oopses; panic on the oops's taint.
	expect kernel-panic 'ppc64le-rust-lkdtm: FAIL' "$REPO/scripts/qemu/boot_init.py" \
		--build-dir="$build_dir" --tree="$tree" --results-dir="$tmp/r" --timeout=60 --kernel_args=panic_on_taint=0x80 ppc64le-rust lkdtm
	if grep -q 'Kernel panic' "$build_dir/out/ppc64le-rust/console-lkdtm.log"; then
		passed=$((passed + 1)); echo "  PASS panic-log-kept: console log has the panic"
	else
		failed=$((failed + 1)); echo "  FAIL panic-log-kept: no panic in the console log"
	fi
	# boot_init.py boots make bench's and make stress's kernels; its logs go
	# next to the kernel, here a link to the primary one.
	mkdir -p "$tmp/boot/out/ppc64le-rust"
	ln -sf "$build_dir/out/ppc64le-rust/vmlinux" "$tmp/boot/out/ppc64le-rust/vmlinux"
	expect boot-hang 'ppc64le-rust-init: FAIL: .*qemu killed after 10 s' \
		"$REPO/scripts/qemu/boot_init.py" --build-dir="$tmp/boot" --tree="$tree" --results-dir="$tmp/r" --timeout=10 --qemu_args=-S ppc64le-rust init
	if grep -q 'timed out after 10 s' "$tmp/boot/out/ppc64le-rust/console-init.log"; then
		passed=$((passed + 1)); echo "  PASS boot-hang-log-kept: the console log says it timed out"
	else
		failed=$((failed + 1)); echo "  FAIL boot-hang-log-kept: no time-out in the console log"
	fi
	expect firmware-missing 'apt-get install qemu-system-data' \
		"$REPO/scripts/qemu/boot_init.py" --build-dir="$tmp/boot" --tree="$tree" --results-dir="$tmp/r" --qemu_args='-bios /nonexistent/slof.bin' ppc64le-rust init
else
	echo "  (hang and panic cases need the primary kernel; they run after make kunit)"
fi

record bad-input "$passed" "$failed"
echo "bad-input: $passed passed, $failed failed"
[ $failed = 0 ]
