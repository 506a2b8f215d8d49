# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness's bash scripts. Source it; do not run it.

die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	echo "==> $*"
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PYTHONPATH=$REPO/scripts
export PATCHES=$REPO/arch-powerpc-patches
# dir_options ARGS...: where a script works, on its command line (the
# Makefile and the scripts that call scripts pass them; harness's
# dir_options() is the same for Python):
#   --build-dir DIR    kernels in DIR/out/CONFIG, work files (default build/)
#   --tree DIR         the kernel tree (default BUILD-DIR/linux)
#   --results-dir DIR  the result rows (default BUILD-DIR/results)
# Sets build_dir, tree and results_dir (absolute), and args to the other
# arguments, in order: call it as
#   dir_options "$@"; set -- "${args[@]}"
dir_options() {
	build_dir= tree= results_dir= args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--build-dir=*) build_dir=${1#*=} ;;
		--tree=*) tree=${1#*=} ;;
		--results-dir=*) results_dir=${1#*=} ;;
		--build-dir|--tree|--results-dir)
			[ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a directory"
			case $1 in
			--build-dir) build_dir=$2 ;;
			--tree) tree=$2 ;;
			*) results_dir=$2 ;;
			esac
			shift ;;
		--) shift; args+=("$@"); break ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	build_dir=$(realpath -m "${build_dir:-$REPO/build}")
	tree=$(realpath -m "${tree:-$build_dir/linux}")
	results_dir=$(realpath -m "${results_dir:-$build_dir/results}")
}

# libclang_for BASE: the libclang that bindgen uses there (harness/bases.py).
libclang_for() {
	python3 "$REPO/scripts/harness/bases.py" --libclang "$1"
}

# kernel_version DIR: what "make kernelversion" says in the kernel tree DIR
# (harness/series.py, the one reader of a tree's version).
kernel_version() {
	python3 "$REPO/scripts/harness/series.py" version "$1"
}

# config_field NAME FIELD: one field of a configuration (harness/configs.py get).
config_field() {
	python3 "$REPO/scripts/harness/configs.py" get "$1" "$2"
}

# config_role ROLE: the configurations with that role (harness/configs.py
# role), the only way a script chooses one.
config_role() {
	python3 "$REPO/scripts/harness/configs.py" role "$1"
}

# series_py ARGS...: the series' patch lists and stamps (harness/series.py).
series_py() {
	python3 "$REPO/scripts/harness/series.py" "$@"
}

# record STAGE PASSED FAILED [SKIPPED]: a result row (harness/results.py).
record() {
	python3 "$REPO/scripts/harness/results.py" record "$results_dir" "$@"
}

# check NAME STATUS [DETAIL]: one row of check-series's results.
check() {
	python3 "$REPO/scripts/harness/results.py" add "$results_dir" check-series "check:$1" \
		$(($2 == 0)) $(($2 != 0))
	echo "  $([ "$2" = 0 ] && echo PASS || echo FAIL) $1${3:+: $3}"
}

# check_kernel_tree DIR WHAT: DIR is a clean git tree of a supported kernel.
check_kernel_tree() {
	local dir=$1 what=$2 git_dir
	[ -d "$dir" ] || die "$what does not exist"
	[ -f "$dir/Makefile" ] && [ -d "$dir/arch/powerpc" ] && [ -f "$dir/Kconfig" ] ||
		die "$what is not a Linux kernel tree"
	git -C "$dir" rev-parse --verify -q HEAD >/dev/null ||
		die "$what is not a git tree (git init and commit it first)"
	[ "$(git -C "$dir" rev-parse --show-toplevel)" = "$(cd "$dir" && pwd -P)" ] ||
		die "$what is inside another git repository, not a kernel git tree"
	series_py paths "$(kernel_version "$dir")" >/dev/null || exit 1
	[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
		die "$what has uncommitted changes; commit or stash them first (nothing was changed)"
	# --git-dir would be relative to $dir, not to this script's directory.
	git_dir=$(git -C "$dir" rev-parse --absolute-git-dir)
	[ ! -d "$git_dir/rebase-apply" ] && [ ! -d "$git_dir/rebase-merge" ] ||
		die "$what has a git am or rebase in progress; finish it first (nothing was changed)"
}

# git_am_all DIR PATCH-LIST: apply each patch; on a conflict abort the am,
# name the patch and the file, and return 1 with DIR at the last good commit.
# A patch file that git cannot parse (truncated, corrupted) is named before
# anything is applied.
git_am_all() {
	local dir=$1 patch out
	while read -r patch; do
		[ -n "$patch" ] || continue
		if ! out=$(git -C "$dir" apply --numstat "$patch" 2>&1 >/dev/null) ||
		   ! grep -q '^Subject: ' "$patch"; then
			echo "error: patch ${patch#"$REPO"/} is truncated or corrupt: ${out:-no Subject: line}" >&2
			return 1
		fi
	done <<<"$2"
	local patches=() n
	mapfile -t patches < <(grep -v '^$' <<<"$2")
	[ ${#patches[@]} -gt 0 ] || return 0
	# One am over the list; on a conflict, am names the patch it stopped at.
	if ! out=$(git -C "$dir" am -q --keep-cr "${patches[@]}" 2>&1); then
		n=$(cat "$(git -C "$dir" rev-parse --absolute-git-dir)/rebase-apply/next" 2>/dev/null) || n=1
		patch=${patches[$((n - 1))]}
		echo "$out" | grep -E '^(error|Patch failed)' >&2 || echo "$out" >&2
		git -C "$dir" am --show-current-patch=raw 2>/dev/null | grep -m1 '^Subject: ' >&2 || true
		# --quit, not --abort: DIR stays at the last patch that applied.
		git -C "$dir" am --quit >/dev/null 2>&1 || true
		echo "error: patch ${patch#"$REPO"/} does not apply to $(kernel_version "$dir")" >&2
		return 1
	fi
}

# Unpack a Debian linux-source tarball into DEST and commit it as branch
# "pristine", tag "base". The fixed identity (from the Makefile) and date
# make the commit the same on every machine. "%v" in SUBJECT becomes the
# kernel version.
import_source_tarball() {	# TARBALL DEST SUBJECT
	local tarball=$1 dest=$2 subject=$3 tmp=$2.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	note "unpacking $(basename "$tarball") into $dest"
	python3 "$REPO/scripts/harness/progress.py" unpacking "$tmp.log" tar -C "$tmp" -xf "$tarball" ||
		die "cannot unpack $tarball: $(tail -n 3 "$tmp.log")"
	rm "$tmp.log"
	mv "$tmp"/linux-source-* "$dest"
	rmdir "$tmp"
	subject=${subject//%v/$(kernel_version "$dest")}
	git -C "$dest" init -q -b pristine
	# Debian's top-level .gitignore ignores everything; force-add the source.
	note "committing the base ($subject)"
	git -C "$dest" add -f -A .
	GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000" git -C "$dest" commit -q -m "$subject"
	git -C "$dest" tag base
}

# private_apt DIR LINE...: apt with its own sources (the LINEs), lists and
# cache in DIR, leaving the machine's apt state alone; sets apt_opts for
# apt-get and apt-cache. apt checks InRelease against the archive keyring
# and each file against the signed index. apt-get update exits 0 when it
# could not fetch or verify an index, so any error or warning is fatal here,
# the signature check above all.
private_apt() {
	local dir=$1
	shift
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf '%s\n' "$@" >"$dir/sources.list"
	apt_opts=(-q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		  -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		  -o Dir::State::Status=/dev/null -o Debug::NoLocking=1 -o Acquire::Languages=none
		  -o APT::Sandbox::User="$(id -un)")
	if ! apt-get "${apt_opts[@]}" update >"$dir/update.log" 2>&1 ||
	   grep -qE '^(E|W):' "$dir/update.log"; then
		die "cannot update the package lists from ${1#* }: $(grep -m1 -E '^(E|W):' "$dir/update.log")"
	fi
}

# worktree_with DIR REV FILE...: a git worktree of $tree (--tree) at REV in
# DIR, with each FILE copied into kernel/ and built in. make bench and make
# stress add their kernel code this way; $tree itself is never changed.
worktree_with() {
	local wt rev=$2 file
	wt=$(realpath -m "$1")	# git -C takes a relative path from $tree
	shift 2
	if [ ! -e "$wt/.git" ]; then
		mkdir -p "$(dirname "$wt")"
		git -C "$tree" worktree prune
		git -C "$tree" worktree add -q --detach "$wt" "$rev"
	elif [ "$(git -C "$wt" rev-parse HEAD)" != "$rev" ] ||
	     git -C "$wt" status --porcelain --untracked-files=no | grep -qv ' kernel/Makefile$'; then
		# The harness's own worktree: whatever else was edited there goes.
		git -C "$wt" checkout -q -f --detach "$rev"
	fi
	for file; do
		cmp -s "$file" "$wt/kernel/$(basename "$file")" || cp "$file" "$wt/kernel/"
		grep -qx "obj-y += $(basename "$file" .c).o" "$wt/kernel/Makefile" ||
			echo "obj-y += $(basename "$file" .c).o" >>"$wt/kernel/Makefile"
	done
}

# build_kernel TREE OUT CONFIG FRAGMENT...: make bench's and make stress's
# kernels (run_kunit.py build), the initramfs's programs from $tree.
build_kernel() {
	python3 "$REPO/scripts/qemu/run_kunit.py" build --tree "$tree" "$@"
}
