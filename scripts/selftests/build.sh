#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build kselftest TARGETs of a kernel tree with the tree's own
# Makefiles, out of tree, and write the list of an initramfs whose /init runs
# the kernel's kselftest runner and powers the machine off.
#
# usage: build.sh [--cflags=FLAGS] TREE CROSS_PREFIX OUTDIR TARGET...
#   FLAGS         added to the cross compiler's (a configuration's user_cflags)
#   TREE          a kernel git tree; it is checked to stay as it was
#   CROSS_PREFIX  powerpc-linux-gnu-, powerpc64-linux-gnu- or powerpc64le-linux-gnu-
#   TARGET        a directory of tools/testing/selftests (exec, clone3, ...);
#                 one with SUB_DIRS (powerpc) stands for each of them
# Writes in OUTDIR:
#   kselftest/       the installed tests of the targets that built
#   initramfs.list   gen_init_cpio's input: kselftest/ as /kselftest, busybox
#                    (scripts/selftests/busybox.sh, in OUTDIR/busybox) as
#                    /bin/busybox and its applets, the shared libraries the
#                    tests need, and /init
#   logs/TARGET.log  each target's build; obj/ is make's O=
# /init passes what follows "--" on the kernel command line to
# run_kselftest.sh (e.g. "-- -c exec"), prints "KSELFTEST-END rc=N" and
# powers off. Ends with "built: ...; failed: T (first error), ..." (and
# "; left out: PROGRAMS (why)" where a target built without some), and exits
# 0 when at least one target built.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

cflags=
case ${1:-} in --cflags=*) cflags=${1#*=}; shift ;; esac
[ $# -ge 4 ] || die "usage: $0 [--cflags=FLAGS] TREE CROSS_PREFIX OUTDIR TARGET..."
[ -f "$1/tools/testing/selftests/Makefile" ] && [ -f "$1/usr/gen_init_cpio.c" ] ||
	die "$1 is not a kernel tree (no tools/testing/selftests/Makefile)"
tree=$(cd "$1" && pwd)
cross=$2
check_cross "$cross"
out=$(mkdir -p "$3" && cd "$3" && pwd)
shift 3
need make make
need rsync rsync	# lib.mk installs with rsync
need git git
sel=$tree/tools/testing/selftests
obj=$out/obj
logs=$out/logs
# --no-optional-locks: not even git's index refresh writes into TREE.
tree_state() {
	git --no-optional-locks -C "$tree" status --porcelain ||
		die "$tree is not a git tree: cannot check that the build leaves it alone"
}
before=$(tree_state)
# flags.mk runs "git describe --dirty" in TREE, which may rewrite its index;
# the same version, given on the command line, keeps git out of the build.
git_version=$(git --no-optional-locks -C "$tree" describe --always --long)
[ -z "$(git --no-optional-locks -C "$tree" status --porcelain --untracked-files=no)" ] ||
	git_version=$git_version-dirty

# Expand TARGETs with subdirectories (powerpc) into them.
targets=()
built=()
failed=()
for t; do
	t=${t%/}
	if [ ! -f "$sel/$t/Makefile" ]; then
		failed+=("$t (no such target in $(kernel_version "$tree"))")
		continue
	fi
	if grep -q '^SUB_DIRS' "$sel/$t/Makefile"; then
		# Its Makefile overrides lib.mk's recipes: make warns, harmlessly.
		subs=$(make -s --no-print-directory -C "$sel/$t" ARCH=powerpc CROSS_COMPILE="$cross" \
			GIT_VERSION="$git_version" OUTPUT="$obj/probe" -f Makefile -f /dev/stdin \
			print-sub-dirs <<<'print-sub-dirs: ; @echo $(SUB_DIRS)' 2>/dev/null) ||
			die "cannot list the subdirectories of $t"
		for s in $subs; do targets+=("$t/$s"); done
	else
		targets+=("$t")
	fi
done

"$(dirname "$0")/busybox.sh" "$cross" "$out/busybox"
# A static libcap for the targets that link -lcap (clone3, seccomp; exec on
# mainline), for every prefix, not only the debian-ports ones: the same
# libcap everywhere, and no libcap.so in the initramfs. lib.mk's USERCFLAGS
# and USERLDFLAGS add to the selftests' flags, where CFLAGS or LDFLAGS on
# make's command line would replace them (a cross gcc ignores LIBRARY_PATH).
# Without libcap only the targets that need it fail, named by first_error.
cap_flags=(USERCFLAGS="$cflags")
if "$(dirname "$0")/libcap.sh" "$cross" "$out/libcap"; then
	cap_flags=(USERCFLAGS="-I$out/libcap/sysroot/include${cflags:+ $cflags}"
		   USERLDFLAGS="-L$out/libcap/sysroot/lib")
else
	note "no libcap for $cross (libcap.sh failed): the targets that need -lcap will fail"
fi

# make rebuilds on changed sources, not on changed flags: objects built with
# other ones are not reused.
if [ "$(cat "$obj/.flags" 2>/dev/null)" != "$cross $cflags" ]; then
	rm -rf "$obj"
fi
mkdir -p "$obj" "$logs"
echo "$cross $cflags" >"$obj/.flags"
note "installing $(kernel_version "$tree") uapi headers in $obj/usr/include"
make -s -C "$tree" ARCH=powerpc O="$obj" headers >"$logs/headers.log" 2>&1 ||
	die "make headers failed: $(grep -m1 -E 'error|Error' "$logs/headers.log")"

# powerpc/mm, eeh, pmu and papr_* start with "noarg: make -C ../", for a
# developer who types make there: as TARGETs of their own that would build
# all of powerpc again, nested. .DEFAULT_GOAL=all makes their default what
# powerpc/Makefile asks of them.
# glibc has no static PIE for powerpc (no rcrt1.o in any Debian cross
# libc), which only exec's three load_address.static.* programs need: left
# out by name, so that the rest of exec (execveat, recursion-depth, ...)
# still builds and runs.
left_out=()
pie_flags=()
if [ "$("${cross}gcc" -print-file-name=rcrt1.o)" = rcrt1.o ]; then
	pie_flags=(ALIGN_STATIC_PIES=)
	left_out+=("exec/load_address.static.* (-static-pie needs rcrt1.o, and ${cross}gcc's glibc has none)")
fi
ksft=(make -C "$sel" ARCH=powerpc CROSS_COMPILE="$cross" O="$obj" GIT_VERSION="$git_version"
      .DEFAULT_GOAL=all "${cap_flags[@]}" "${pie_flags[@]}")
if debian_port "$debarch"; then
	lib_arch_note="only in debian-ports: not installable here"
else
	lib_arch_note="Debian main; multiarch, after dpkg --add-architecture $debarch"
fi
# dev_package NAME: the Debian -dev package of a header or a -l library.
dev_package() {
	case $1 in
	cap | sys/capability.h) echo libcap-dev ;;
	cap-ng | cap-ng.h) echo libcap-ng-dev ;;
	numa | numa.h | numaif.h) echo libnuma-dev ;;
	mnl | libmnl/*) echo libmnl-dev ;;
	asound | alsa/*) echo libasound2-dev ;;
	fuse | fuse.h) echo libfuse-dev ;;
	fuse3 | fuse3/*) echo libfuse3-dev ;;
	popt | popt.h) echo libpopt-dev ;;
	z | zlib.h) echo zlib1g-dev ;;
	elf | libelf.h | gelf.h) echo libelf-dev ;;
	ssl | crypto | openssl/*) echo libssl-dev ;;
	uring | liburing.h) echo liburing-dev ;;
	hugetlbfs | hugetlbfs.h) echo libhugetlbfs-dev ;;
	nl-3 | netlink/netlink.h) echo libnl-3-dev ;;
	nl-genl-3 | netlink/genl/*) echo libnl-genl-3-dev ;;
	keyutils | keyutils.h) echo libkeyutils-dev ;;
	tirpc | rpc/*) echo libtirpc-dev ;;
	mount | libmount/*) echo libmount-dev ;;
	bpf | bpf/*) echo libbpf-dev ;;
	seccomp | seccomp.h) echo libseccomp-dev ;;
	*) return 1 ;;
	esac
}
# other_word_size STUBS-HEADER: a -m64 (or -m32) program needs the glibc of
# the cross compiler's other multilib.
other_word_size() {
	case $triplet:$1 in
	powerpc-linux-gnu:gnu/stubs-64*)
		echo "a -m64 program: needs libc6-dev-ppc64-powerpc-cross (Debian main), the 64-bit glibc of ${cross}gcc" ;;
	powerpc64-linux-gnu:gnu/stubs-32*)
		echo "a -m32 program: needs libc6-dev-powerpc-ppc64-cross (Debian main), the 32-bit glibc of ${cross}gcc" ;;
	*)	echo "a program of the other word size: Debian has no glibc for it with ${cross}gcc" ;;
	esac
}
# first_error LOG: the compiler's (or linker's) first error, short, and the
# Debian package of a missing header or library.
first_error() {
	local line missing pkg
	line=$(grep -m1 -E 'error:|undefined reference|cannot find |No rule to make target' "$1" |
		sed -e "s|$sel/||g" -e "s|$obj/kselftest/||g" -e "s|/usr/$triplet/include/||g" \
		    -e 's|^[^ ]*/ld: |ld: |') ||
		line=$(grep -m1 -F '***' "$1" || tail -n1 "$1")
	missing=$(sed -nE -e 's/.*fatal error: ([^:]+): No such file.*/\1/p' \
		-e 's/.*cannot find -l([^: ]+).*/\1/p' -e 's/.*cannot find (rcrt1\.o).*/\1/p' <<<"$line")
	if [ -n "$missing" ]; then
		if [ "$missing" = rcrt1.o ]; then
			line="$line; -static-pie needs it, and no Debian package has it for $debarch"
		elif [[ $missing = gnu/stubs-* ]]; then
			line="$line; $(other_word_size "$missing")"
		elif pkg=$(dev_package "$missing"); then
			line="$line; needs $pkg:$debarch, $lib_arch_note"
		else
			line="$line; no Debian -dev package known for $missing"
		fi
	fi
	echo "$line"
}

for t in "${targets[@]}"; do
	log=$logs/${t//\//_}.log
	start=$SECONDS
	if "${ksft[@]}" TARGETS="$t" -j2 all >"$log" 2>&1; then
		built+=("$t")
		note "$t: built in $((SECONDS - start)) s"
	else
		failed+=("$t ($(first_error "$log"))")
		note "$t: FAILED in $((SECONDS - start)) s: ${failed[-1]#"$t "} (log: $log)"
	fi
done

rm -rf "$out/kselftest"
if [ ${#built[@]} -gt 0 ]; then
	"${ksft[@]}" TARGETS="${built[*]}" INSTALL_PATH="$out/kselftest" install >"$logs/install.log" 2>&1 ||
		die "installing ${built[*]} failed: $(first_error "$logs/install.log") (log: $logs/install.log)"
	# The list is what each target's "make emit_tests" prints, so a
	# Makefile's $(info ...) lands in it too (7.3's exec: "exec selftests:
	# skipping binfmt_misc_bpf, ..."), and the runner would run it as a
	# test. Only TARGET:PROGRAM lines of installed programs stay.
	tests=$out/kselftest/kselftest-list.txt
	while IFS= read -r line; do
		if [[ $line =~ ^([^:]+):([^[:space:]]+)$ ]] &&
		   [ -e "$out/kselftest/${BASH_REMATCH[1]}/${BASH_REMATCH[2]}" ]; then
			echo "$line"
		else
			echo "warning: not a test, dropped from kselftest-list.txt: $line" >&2
		fi
	done <"$tests" >"$tests.new"
	mv "$tests.new" "$tests"
fi

after=$(tree_state)
[ "$before" = "$after" ] ||
	die "the build changed $tree: $(diff <(echo "$before") <(echo "$after") | grep -m1 '^[<>]')"

# The initramfs list. gen_init_cpio reads whitespace-separated fields.
list=$out/initramfs.list.new
bb=$out/busybox
dirs=(/bin /sbin /usr /usr/bin /usr/sbin /lib /etc /root /proc /sys /dev /tmp /kselftest)
{
	echo "# kselftest initramfs for $cross: scripts/selftests/build.sh"
	for d in "${dirs[@]}"; do
		[ "$d" = /tmp ] && echo "dir $d 1777 0 0" || echo "dir $d 0755 0 0"
	done
	# For a kernel without devtmpfs; /init mounts devtmpfs over them if it can.
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "nod /dev/zero 0666 0 0 c 1 5"
	echo "nod /dev/tty 0666 0 0 c 5 0"
	echo "nod /dev/urandom 0666 0 0 c 1 9"
	echo "nod /dev/kmsg 0644 0 0 c 1 11"
	echo "file /bin/busybox $bb/busybox 0755 0 0"
} >"$list"

# Busybox's applets, as "busybox --install" would link them.
for applet in sh sed mktemp cat grep tr cut basename dirname head wc date mount poweroff reboot \
	      sleep sync mkdir rm ls ln chmod readlink timeout setsid pkill pgrep uname; do
	grep -q "/$applet\$" "$bb/busybox.links" ||
		die "$bb/busybox has no $applet applet, which the runner or /init needs"
done
# /usr/bin/timeout is the wrapper below, not busybox's.
while read -r path; do
	case $path in /bin/busybox | /linuxrc | /usr/bin/timeout) continue ;; esac
	echo "slink $path /bin/busybox 0777 0 0"
done <"$bb/busybox.links" >>"$list"

cat >"$out/timeout" <<'SH'
#!/bin/sh
# /usr/bin/timeout for kselftest's runner.sh, which runs
# "timeout --foreground SECS timeout SECS TEST". Busybox's own timeout has
# no --foreground, signals only TEST's own process, and leaves the signal's
# status where runner.sh looks for GNU's 124. Here the outer call just runs
# the inner one, which runs TEST in a session of its own: at SECS (0:
# never) the session gets TERM, 5 s later KILL, and the status is 124. The
# session, not TEST's process group: the kselftest harness puts each test
# case in a group of its own. What is left of the session when TEST ends
# is killed too: a stray child would keep runner.sh's pipe open for ever.
if [ "$1" = --foreground ]; then
	shift 2
	exec "$@"
fi
secs=$1
shift
mark=/tmp/.timeout.$$
rm -f "$mark"
exec 3<&0	# a background job's stdin would be /dev/null
setsid "$@" <&3 3<&- &
pid=$!
if [ "$secs" != 0 ]; then
	(
		i=0
		while [ "$i" -lt "$secs" ]; do
			sleep 1
			kill -0 "$pid" || exit 0
			i=$((i + 1))
		done
		: >"$mark"
		pkill -TERM -s "$pid"
		for i in 1 2 3 4 5; do
			sleep 1
			pgrep -s "$pid" || exit 0
		done
		pkill -KILL -s "$pid"
	) 3<&- >/dev/null 2>&1 &	# not holding runner.sh's pipe open
fi
wait "$pid"
rc=$?
pkill -KILL -s "$pid"
if [ -e "$mark" ]; then
	rm -f "$mark"
	exit 124
fi
exit "$rc"
SH
echo "file /usr/bin/timeout $out/timeout 0755 0 0" >>"$list"

cat >"$out/init" <<'SH'
#!/bin/sh
# /init of the kselftest initramfs (scripts/selftests/build.sh): runs
# /kselftest/run_kselftest.sh with this script's arguments (what follows
# "--" on the kernel command line), prints the end marker, powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Without devtmpfs in the kernel the list's own /dev nodes serve.
if grep -qw devtmpfs /proc/filesystems; then
	mount -t devtmpfs devtmpfs /dev
fi
# Without CONFIG_TMPFS user space cannot mount tmpfs: ramfs then.
mount -t tmpfs tmpfs /tmp 2>/dev/null || mount -t ramfs ramfs /tmp
chmod 1777 /tmp
if grep -qw debugfs /proc/filesystems; then
	mount -t debugfs debugfs /sys/kernel/debug
fi
# runner.sh writes the tests' output to /dev/stdout: no udev makes these.
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
echo "KSELFTEST-START $(uname -r) $(uname -m): run_kselftest.sh $*"
echo "# KSELFTEST-TIME $(cut -d' ' -f1 /proc/uptime)"
# After each program's result, the guest's uptime: what each one costs.
# The loop ends at the runner's own end, not when the pipe closes: a
# program left running may still hold it open.
cd /kselftest
{ ./run_kselftest.sh "$@" 2>&1; echo "KSELFTEST-RC $?"; } | while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"KSELFTEST-RC "*) echo "KSELFTEST-END rc=${line#KSELFTEST-RC }"; break ;;
	"ok "* | "not ok "*) echo "$line"; echo "# KSELFTEST-TIME $(cut -d' ' -f1 /proc/uptime)" ;;
	*) echo "$line" ;;
	esac
done
sync
# boot_init.py runs qemu with -no-reboot, so a reboot ends it on every
# machine; poweroff only halts some (ppce500), and qemu then waits for the
# boot's timeout.
reboot -f
poweroff -f
SH
echo "file /init $out/init 0755 0 0" >>"$list"

# The installed tests, under /kselftest. Only ELF files need libraries.
elves=()
if [ -d "$out/kselftest" ]; then
	while IFS= read -r -d '' f; do
		rel=${f#"$out/kselftest/"}
		case $rel in *[[:space:]]*) die "gen_init_cpio cannot take the name \"$rel\"" ;; esac
		mode=$(stat -c %a "$f")
		if [ -L "$f" ]; then
			echo "slink /kselftest/$rel $(readlink "$f") 0777 0 0"
		elif [ -d "$f" ]; then
			echo "dir /kselftest/$rel $mode 0 0"
		else
			echo "file /kselftest/$rel $f $mode 0 0"
			[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" != '177ELF' ] || elves+=("$f")
		fi
	done < <(find "$out/kselftest" -mindepth 1 -print0 | sort -z) >>"$list"
fi

# Shared libraries: the NEEDED entries of each ELF file, and theirs, found
# where the cross compiler finds them; the dynamic loader at its PT_INTERP
# path. libgcc_s.so.1 too: glibc loads it for pthread_cancel and pthread_exit.
# A program of the other word size (-m64 with powerpc-linux-gnu-) takes the
# compiler's other multilib, if installed, with its libraries in /lib64 or /lib32.
elf_class() { "${cross}readelf" -h "$1" 2>/dev/null | awk '/Class:/ { print $2 }'; }
needed() { "${cross}readelf" -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }
own_class=$(elf_class "$("${cross}gcc" -print-file-name=libc.so.6)")
declare -A placed=()
missing_libs=()
queue=()		# CLASS:LIBRARY
for f in "${elves[@]}"; do
	interp=$("${cross}readelf" -l "$f" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || continue
	class=$(elf_class "$f")
	queue+=("$class:=$interp" "$class:libgcc_s.so.1")
	while read -r lib; do queue+=("$class:$lib"); done < <(needed "$f")
done
while [ ${#queue[@]} -gt 0 ]; do
	entry=${queue[0]}
	queue=("${queue[@]:1}")
	class=${entry%%:*}
	lib=${entry#*:}
	flags=()
	dest=/lib
	if [ "$class" != "$own_class" ]; then
		[ "$class" = ELF64 ] && flags=(-m64) dest=/lib64 || flags=(-m32) dest=/lib32
	fi
	case $lib in
	=*)	# the loader, at the path the programs name
		dest=${lib#=}
		lib=$(basename "$dest") ;;
	*)	dest=$dest/$lib ;;
	esac
	[ -z "${placed[$dest]:-}" ] || continue
	placed[$dest]=1
	src=$("${cross}gcc" "${flags[@]}" -print-file-name="$lib")
	if [ ! -f "$src" ] || [ "$(elf_class "$src")" != "$class" ]; then
		missing_libs+=("$lib ($class)")
		continue
	fi
	d=$(dirname "$dest")
	if ! printf '%s\n' "${dirs[@]}" | grep -qx "$d"; then
		echo "dir $d 0755 0 0" >>"$list"
		dirs+=("$d")
	fi
	echo "file $dest $(realpath "$src") 0755 0 0" >>"$list"
	while read -r dep; do queue+=("$class:$dep"); done < <(needed "$src")
done
if cmp -s "$list" "$out/initramfs.list"; then rm "$list"; else mv "$list" "$out/initramfs.list"; fi
note "initramfs list: $out/initramfs.list ($(grep -c '^file' "$out/initramfs.list") files)"
[ ${#missing_libs[@]} -eq 0 ] ||
	echo "warning: not in the cross sysroot, so not in the initramfs: ${missing_libs[*]}" >&2

failures=
for f in "${failed[@]}"; do failures+="${failures:+, }$f"; done
lefts=
for f in "${left_out[@]}"; do
	[[ " ${built[*]} " = *" ${f%%/*} "* ]] && lefts+="${lefts:+, }$f"
done
echo "built: ${built[*]:-none}; failed: ${failures:-none}${lefts:+; left out: $lefts}"
[ ${#built[@]} -gt 0 ]
