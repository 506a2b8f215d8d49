// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check that no kernel data reaches user space in registers.
 *
 * syscall_exit_regs: r0, r4-r12, CTR and XER are volatile across a system
 * call, and the kernel must return either 0 in them (the fast exit path)
 * or what the caller had there (the path that restores all registers).
 * Anything else is a kernel value; 32-bit kernels used to return CTR =
 * the address of the syscall handler, for instance.
 *
 * syscall_restore_all_regs: the same rule on the exit that reloads every
 * register from the interrupt frame, which a system call takes when a
 * signal handler runs on its way out (also under ptrace, seccomp, audit).
 * Just before the call, a fault on an untouched page has the kernel save
 * other values of r9-r12, CTR and XER in that frame: a system call entry
 * that does not overwrite them hands them back.
 *
 * umh_exec_regs: a program exec'd from a user-mode kernel thread must
 * start with the registers start_thread() set up and nothing from the
 * kernel thread, which had the start shim's fn and arg (a kernel text
 * address and a kernel heap pointer) in r14/r15.  The test makes
 * exec_entry, installed next to this program, the core_pattern pipe
 * helper, crashes a child so that the kernel runs it as a usermode
 * helper, and reads the report exec_entry writes to the file named by its
 * argument.  It needs root, and the initial mount namespace, in which the
 * kernel runs the helper.  main() restores core_pattern however the test
 * ends, a timeout included.
 *
 * The tests also work with this program running as init (PID 1): /proc
 * is mounted if needed and the output is line buffered.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

#define SYSCALL_LOOPS		1000

/* Index of each register in the arrays below: r0..r12, then CTR, XER */
#define REG_CTR			13
#define REG_XER			14
#define NR_REGS			15

/* What the caller puts in r3..r12 and CTR: distinct, never 0 */
#ifdef __PPC64__
#define POISON_BASE		0x5ca1ab1e00000000UL
#else
#define POISON_BASE		0x5ca10000UL
#endif
#define POISON(n)		(POISON_BASE + (n) * 0x101UL)
/* What an interrupt just before the call leaves in the frame */
#define STALE(n)		(POISON(n) + 0x8000UL)
#define STALE_XER		0x20000000UL	/* XER[CA] */

#ifdef __PPC64__
#define LDL			"ld"
#define STL			"std"
#else
#define LDL			"lwz"
#define STL			"stw"
#endif
#define SLOT(i)			str(i) "*" str(__SIZEOF_LONG__)

/*
 * getpid() with sc, r4-r12 and CTR poisoned, XER = 0; got[] receives r0,
 * r3-r12 (r1 and r2 are not touched), CTR and XER as the kernel left them.
 */
static void poisoned_getpid(unsigned long *got)
{
	register unsigned long r0 asm("r0") = __NR_getpid;
	register unsigned long r3 asm("r3") = POISON(3UL);
	register unsigned long r4 asm("r4") = POISON(4UL);
	register unsigned long r5 asm("r5") = POISON(5UL);
	register unsigned long r6 asm("r6") = POISON(6UL);
	register unsigned long r7 asm("r7") = POISON(7UL);
	register unsigned long r8 asm("r8") = POISON(8UL);
	register unsigned long r9 asm("r9") = POISON(9UL);
	register unsigned long r10 asm("r10") = POISON(10UL);
	register unsigned long r11 asm("r11") = POISON(11UL);
	register unsigned long r12 asm("r12") = POISON(12UL);
	unsigned long ctr = POISON((unsigned long)REG_CTR);
	unsigned long xer = 0;

	/*
	 * Every operand but ctr and xer is tied to a volatile GPR, so those
	 * two get non-volatile GPRs, which survive the system call.
	 */
	asm volatile("mtctr	%[ctr]\n\t"
		     "mtxer	%[xer]\n\t"
		     "sc\n\t"
		     "mfctr	%[ctr]\n\t"
		     "mfxer	%[xer]"
		     : "+r" (r0), "+r" (r3), "+r" (r4), "+r" (r5), "+r" (r6),
		       "+r" (r7), "+r" (r8), "+r" (r9), "+r" (r10), "+r" (r11),
		       "+r" (r12), [ctr] "+r" (ctr), [xer] "+r" (xer)
		     :
		     : "cr0", "ctr", "xer", "memory");

	got[0] = r0;
	got[1] = 0;
	got[2] = 0;
	got[3] = r3;
	got[4] = r4;
	got[5] = r5;
	got[6] = r6;
	got[7] = r7;
	got[8] = r8;
	got[9] = r9;
	got[10] = r10;
	got[11] = r11;
	got[12] = r12;
	got[REG_CTR] = ctr;
	got[REG_XER] = xer;
}

/* A test's child takes SIGTERM as usual: main()'s handler is inherited. */
static void default_sigterm(void)
{
	signal(SIGTERM, SIG_DFL);
}

static const char *reg_name(int i)
{
	static char buf[8];

	if (i == REG_CTR)
		return "ctr";
	if (i == REG_XER)
		return "xer";
	snprintf(buf, sizeof(buf), "r%d", i);
	return buf;
}

/* Registers of got[] (r0, r4-r12, CTR, XER) that are neither 0 nor want[] */
static int bad_regs(const unsigned long *got, const unsigned long *want)
{
	int i, bad = 0;

	for (i = 0; i < NR_REGS; i++) {
		if (i >= 1 && i <= 3)
			continue;
		if (got[i] == 0 || got[i] == want[i])
			continue;
		printf("%s = %#lx, not 0 nor the caller's %#lx\n",
		       reg_name(i), got[i], want[i]);
		bad++;
	}
	return bad;
}

static int syscall_exit_regs(void)
{
	unsigned long want[NR_REGS], got[NR_REGS];
	unsigned long pid = getpid();
	int loop, i, bad;

	default_sigterm();
	want[0] = __NR_getpid;
	for (i = 4; i <= 12; i++)
		want[i] = POISON((unsigned long)i);
	want[REG_CTR] = POISON((unsigned long)REG_CTR);
	want[REG_XER] = 0;

	for (loop = 0; loop < SYSCALL_LOOPS; loop++) {
		poisoned_getpid(got);

		if (got[3] != pid) {
			printf("getpid() with sc returned %lu, want %lu\n",
			       got[3], pid);
			FAIL_IF_MSG(1, "the poisoned getpid() did not run");
		}

		bad = bad_regs(got, want);
		if (bad)
			printf("%d bad registers after getpid() call %d of %d\n",
			       bad, loop + 1, SYSCALL_LOOPS);
		FAIL_IF_MSG(bad, "kernel values in registers after a system call");
	}

	printf("r0, r4-r12, ctr, xer were 0 or the caller's after %d getpid()\n",
	       SYSCALL_LOOPS);
	return 0;
}

/* Read after asm with a memory clobber, so it needs no volatile */
static sig_atomic_t handled;

static void count_signal(int sig)
{
	handled++;
}

/*
 * kill(getpid(), SIGUSR1) with the registers set from set[] (indexed as
 * got[]), after a read of page with r9-r12, CTR and XER set from stale[].
 * got[] receives the registers after the handler has run and returned.
 */
static void kill_after_fault(unsigned long *got, const unsigned long *set,
			     const unsigned long *stale, const char *page)
{
	/* r0 and r3-r12 are clobbered, so the operands are in r14-r31. */
	asm volatile(LDL "	0," SLOT(REG_XER) "(%[stale])\n\t"
		     "mtxer	0\n\t"
		     LDL "	0," SLOT(REG_CTR) "(%[stale])\n\t"
		     "mtctr	0\n\t"
		     ".irp	reg,9,10,11,12\n\t"
		     LDL "	\\reg,\\reg*" str(__SIZEOF_LONG__) "(%[stale])\n\t"
		     ".endr\n\t"
		     "lbz	0,0(%[page])\n\t"
		     LDL "	0," SLOT(REG_XER) "(%[set])\n\t"
		     "mtxer	0\n\t"
		     LDL "	0," SLOT(REG_CTR) "(%[set])\n\t"
		     "mtctr	0\n\t"
		     ".irp	reg,0,3,4,5,6,7,8,9,10,11,12\n\t"
		     LDL "	\\reg,\\reg*" str(__SIZEOF_LONG__) "(%[set])\n\t"
		     ".endr\n\t"
		     "sc\n\t"
		     ".irp	reg,0,3,4,5,6,7,8,9,10,11,12\n\t"
		     STL "	\\reg,\\reg*" str(__SIZEOF_LONG__) "(%[got])\n\t"
		     ".endr\n\t"
		     "mfctr	0\n\t"
		     STL "	0," SLOT(REG_CTR) "(%[got])\n\t"
		     "mfxer	0\n\t"
		     STL "	0," SLOT(REG_XER) "(%[got])"
		     :
		     : [got] "b" (got), [set] "b" (set), [stale] "b" (stale),
		       [page] "b" (page)
		     : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
		       "r11", "r12", "cr0", "ctr", "xer", "memory");
}

static int syscall_restore_all_regs(void)
{
	unsigned long set[NR_REGS] = { 0 }, stale[NR_REGS] = { 0 };
	unsigned long got[NR_REGS];
	struct sigaction sa = { .sa_handler = count_signal };
	long page_size = sysconf(_SC_PAGESIZE);
	int loop, i, bad;
	char *page;

	default_sigterm();
	FAIL_IF_MSG(sigaction(SIGUSR1, &sa, NULL), "sigaction(SIGUSR1) failed");

	set[0] = __NR_kill;
	set[3] = getpid();
	set[4] = SIGUSR1;
	for (i = 5; i <= 12; i++)
		set[i] = POISON((unsigned long)i);
	set[REG_CTR] = POISON((unsigned long)REG_CTR);
	set[REG_XER] = 0;
	for (i = 9; i <= 12; i++)
		stale[i] = STALE((unsigned long)i);
	stale[REG_CTR] = STALE((unsigned long)REG_CTR);
	stale[REG_XER] = STALE_XER;

	for (loop = 0; loop < SYSCALL_LOOPS; loop++) {
		page = mmap(NULL, page_size, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		FAIL_IF_MSG(page == MAP_FAILED, "mmap failed");
		handled = 0;
		kill_after_fault(got, set, stale, page);
		munmap(page, page_size);

		FAIL_IF_MSG(got[3] != 0, "kill() with sc failed");
		FAIL_IF_MSG(handled != 1, "the SIGUSR1 handler did not run once");
		bad = bad_regs(got, set);
		if (bad)
			printf("%d bad registers after kill() call %d of %d\n",
			       bad, loop + 1, SYSCALL_LOOPS);
		FAIL_IF_MSG(bad, "stale values in registers after a signal handler");
	}

	printf("r0, r4-r12, ctr, xer were 0 or the caller's after %d kill() with a handler\n",
	       SYSCALL_LOOPS);
	return 0;
}

#define CORE_PATTERN		"/proc/sys/kernel/core_pattern"
#define CORENAME_MAX_SIZE	128	/* include/linux/binfmts.h */
#define REPORT_DIR		"/tmp"
#define PROC_PID_INIT_INO	4026531836	/* include/linux/proc_ns.h */
#define REPORT_TIMEOUT_MS	10000
#define REPORT_MAX		16384

/* core_pattern as main() found it, with a newline so that "" also takes */
static char saved_pattern[CORENAME_MAX_SIZE + 2];
static bool pattern_saved;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Append sep and then path to the core_pattern in buf.  The kernel splits
 * a pipe command into arguments at white space, which cannot be escaped,
 * and expands % specifiers, so a % in path is written as %%.
 */
static int append_arg(char *buf, size_t size, const char *sep,
		      const char *path)
{
	size_t len = strlen(buf);
	const char *p;

	for (p = sep; *p; p++) {
		if (len + 1 >= size)
			return -ENAMETOOLONG;
		buf[len++] = *p;
	}
	for (p = path; *p; p++) {
		if (isspace((unsigned char)*p))
			return -EINVAL;
		if (len + 2 >= size)
			return -ENAMETOOLONG;
		if (*p == '%')
			buf[len++] = '%';
		buf[len++] = *p;
	}
	buf[len] = '\0';
	return 0;
}

/* core_pattern "|<helper> <report>": pipe cores to helper, one argument */
static int make_core_pattern(char *buf, size_t size, const char *helper,
			     const char *report)
{
	int err;

	buf[0] = '\0';
	err = append_arg(buf, size, "|", helper);
	if (!err)
		err = append_arg(buf, size, " ", report);
	return err;
}

/* Die from SIGSEGV, with a core dump going to the core_pattern helper. */
static void crash(void)
{
	struct rlimit rlim = { RLIM_INFINITY, RLIM_INFINITY };

	/* A pipe helper runs with any RLIMIT_CORE but 1; be sure anyway. */
	if (setrlimit(RLIMIT_CORE, &rlim))
		perror("setrlimit(RLIMIT_CORE)");
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	/* No memory in the core: exec_entry does not read it. */
	write_file("/proc/self/coredump_filter", "0", 1);
	signal(SIGSEGV, SIG_DFL);
	kill(getpid(), SIGSEGV);
	_exit(1);
}

/* The report is complete once its last line is "ok" or "N problem(s)". */
static bool report_complete(const char *buf, size_t len, bool *ok)
{
	const char *last;

	if (!len || buf[len - 1] != '\n')
		return false;
	for (last = buf + len - 1; last > buf && last[-1] != '\n'; last--)
		;
	if (strncmp(last, "exec_entry: ", 12))
		return false;
	last += 12;
	*ok = !strcmp(last, "ok\n");
	if (*ok)
		return true;
	if (*last < '1' || *last > '9')
		return false;
	while (*last >= '0' && *last <= '9')
		last++;
	return !strcmp(last, " problem\n") || !strcmp(last, " problems\n");
}

/* Crash a child with core_pattern set, and check exec_entry's report. */
static int crash_and_check_report(const char *report)
{
	static char buf[REPORT_MAX];
	long long deadline;
	bool complete = false, ok = false;
	size_t len = 0;
	int status;
	pid_t pid, w;

	unlink(report);
	deadline = now_ms() + REPORT_TIMEOUT_MS;

	fflush(stdout);
	pid = fork();
	FAIL_IF_MSG(pid < 0, "fork failed");
	if (pid == 0)
		crash();

	while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			FAIL_IF_MSG(1, "the crashing child did not exit within 10 s");
		}
		sleep_ms(10);
	}
	FAIL_IF_MSG(w != pid, "waitpid failed");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
		printf("child wait status %#x\n", status);
		FAIL_IF_MSG(1, "the child was meant to die from SIGSEGV");
	}
	printf("child died from SIGSEGV%s\n",
	       WCOREDUMP(status) ? ", core dumped" : "");

	/* The helper may still be running: wait for the last line. */
	while (now_ms() <= deadline) {
		if (!read_file(report, buf, sizeof(buf) - 1, &len)) {
			buf[len] = '\0';
			complete = report_complete(buf, len, &ok);
			if (complete)
				break;
		} else {
			len = 0;
		}
		sleep_ms(20);
	}
	unlink(report);

	if (len) {
		printf("report of exec_entry as core_pattern helper:\n");
		fputs(buf, stdout);
		if (buf[len - 1] != '\n')
			putchar('\n');
	}
	if (!complete) {
		printf("%s %s within %d s\n", report,
		       len ? "was not complete" : "did not appear",
		       REPORT_TIMEOUT_MS / 1000);
		printf("was exec_entry run as the core_pattern helper? See the kernel log\n");
		FAIL_IF_MSG(1, "no complete report from exec_entry");
	}
	FAIL_IF_MSG(!ok, "exec_entry found kernel values in its registers");
	return 0;
}

/*
 * Set core_pattern and read it back: the kernel silently truncates what
 * does not fit.  -EIO if it did not take the pattern as written.
 */
static int set_core_pattern(const char *pattern)
{
	char buf[CORENAME_MAX_SIZE + 1];
	size_t len;
	int err;

	err = write_file(CORE_PATTERN, pattern, strlen(pattern));
	if (err)
		return err;
	err = read_file(CORE_PATTERN, buf, sizeof(buf) - 1, &len);
	if (err)
		return -EIO;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, pattern) ? -EIO : 0;
}

/* umh_exec_regs with the report going to dir, which only root can write */
static int umh_exec_regs_in(const char *helper, const char *dir)
{
	char report[PATH_MAX], pattern[2 * PATH_MAX];
	int err;

	snprintf(report, sizeof(report), "%s/report", dir);
	err = make_core_pattern(pattern, sizeof(pattern), helper, report);
	SKIP_IF_MSG(err == -EINVAL,
		    "the path of exec_entry has white space, which core_pattern cannot pass");
	FAIL_IF_MSG(err, "path of exec_entry too long");
	if (strlen(pattern) >= CORENAME_MAX_SIZE) {
		printf("core_pattern would be %s (%zu characters)\n", pattern,
		       strlen(pattern));
		printf("the kernel keeps only %d characters: install the tests on a shorter path\n",
		       CORENAME_MAX_SIZE - 1);
		SKIP_IF_MSG(1, "core_pattern would be too long");
	}

	printf("core_pattern: %s\n", pattern);
	err = set_core_pattern(pattern);
	if (err) {
		printf("cannot set core_pattern: %s\n", strerror(-err));
		SKIP_IF_MSG(err == -EACCES || err == -EPERM || err == -EROFS,
			    "not allowed to write core_pattern");
		FAIL_IF_MSG(1, "cannot set core_pattern");
	}

	return crash_and_check_report(report);
}

static int umh_exec_regs(void)
{
	char exe[PATH_MAX], helper[PATH_MAX + 16];
	char dir[] = REPORT_DIR "/user_regs.XXXXXX";
	char ns[64], init_ns[64];
	char *slash;
	ssize_t n;
	int rc;

	default_sigterm();
	SKIP_IF_MSG(geteuid() != 0, "needs root to set core_pattern");
	SKIP_IF_MSG(access(CORE_PATTERN, F_OK),
		    "no " CORE_PATTERN " (CONFIG_COREDUMP=n?)");
	SKIP_IF_MSG(!pattern_saved, "could not save " CORE_PATTERN);

	/* The helper's paths are looked up in the initial mount namespace. */
	n = readlink("/proc/self/ns/mnt", ns, sizeof(ns) - 1);
	SKIP_IF_MSG(n < 0, "cannot read /proc/self/ns/mnt");
	ns[n] = '\0';
	n = readlink("/proc/1/ns/mnt", init_ns, sizeof(init_ns) - 1);
	SKIP_IF_MSG(n < 0,
		    "cannot read /proc/1/ns/mnt, so cannot tell whether the helper would see our files");
	init_ns[n] = '\0';
	SKIP_IF_MSG(strcmp(ns, init_ns),
		    "not in the initial mount namespace (a container, a private /tmp): the helper would not see our files");
	/* In a PID namespace, /proc/1 is its own init: ask the kernel's. */
	n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	SKIP_IF_MSG(n < 0, "cannot read /proc/self/ns/pid");
	ns[n] = '\0';
	SKIP_IF_MSG(strcmp(ns, "pid:[" str(PROC_PID_INIT_INO) "]"),
		    "not in the initial PID namespace (a container): the helper would not see our files");

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FAIL_IF_MSG(n < 0, "readlink(/proc/self/exe) failed");
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	FAIL_IF_MSG(!slash, "/proc/self/exe is not an absolute path");
	*slash = '\0';
	snprintf(helper, sizeof(helper), "%s/exec_entry", exe);
	if (access(helper, X_OK)) {
		printf("%s: %s\n", helper, strerror(errno));
		FAIL_IF_MSG(1, "exec_entry is missing next to user_regs");
	}

	/* Not a name in /tmp that another user could have made a link. */
	SKIP_IF_MSG(!mkdtemp(dir), "cannot make a directory in " REPORT_DIR);
	rc = umh_exec_regs_in(helper, dir);
	rmdir(dir);
	return rc;
}

/*
 * Save core_pattern here, in the process that outlives the tests: the
 * test harness kills a test that times out, and then this restores it.
 */
static void save_core_pattern(void)
{
	size_t len;

	if (read_file(CORE_PATTERN, saved_pattern, sizeof(saved_pattern) - 2, &len))
		return;
	saved_pattern[len] = '\0';
	len = strcspn(saved_pattern, "\n");
	saved_pattern[len] = '\n';
	saved_pattern[len + 1] = '\0';
	pattern_saved = true;
}

static int restore_core_pattern(void)
{
	char now[CORENAME_MAX_SIZE + 2];
	size_t len;
	int err;

	if (!pattern_saved || read_file(CORE_PATTERN, now, sizeof(now) - 1, &len))
		return 0;
	now[len] = '\0';
	if (!strcmp(now, saved_pattern))
		return 0;
	err = write_file(CORE_PATTERN, saved_pattern, strlen(saved_pattern));
	if (err)
		printf("cannot restore core_pattern: %s\n", strerror(-err));
	return err ? 1 : 0;
}

static sig_atomic_t terminated;

static void terminate(int sig)
{
	terminated = 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = terminate };
	bool mounted = false;
	int rc;

	/* Line buffered also as init or into a pipe: children are forked. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/*
	 * The kselftest runner's timeout sends SIGTERM: end the test under
	 * way as the harness's own timeout does, then restore core_pattern.
	 */
	if (sigaction(SIGTERM, &sa, NULL))
		perror("sigaction(SIGTERM)");

	/* As init of an initramfs, nothing may be mounted on /proc yet. */
	if (getpid() == 1 && access("/proc/self", F_OK)) {
		if (!mount("proc", "/proc", "proc", 0, NULL))
			mounted = true;
		else
			printf("mount proc on /proc: %s\n", strerror(errno));
	}
	if (geteuid() == 0)
		save_core_pattern();

	rc = test_harness(syscall_exit_regs, "syscall_exit_regs");
	if (!terminated)
		rc |= test_harness(syscall_restore_all_regs, "syscall_restore_all_regs");
	if (!terminated)
		rc |= test_harness(umh_exec_regs, "umh_exec_regs");
	rc |= restore_core_pattern();

	if (mounted && umount("/proc"))
		printf("umount /proc: %s\n", strerror(errno));
	fflush(stdout);
	return rc || terminated;
}
