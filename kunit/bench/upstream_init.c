// SPDX-License-Identifier: GPL-2.0
/*
 * init for make bench's upstream rows: runs the kernel's own benchmarks,
 * tools/testing/selftests/powerpc/benchmarks, installed in /bench, one
 * after the other, and powers off.
 *
 * Under qemu -icount shift=0 the guest clock advances 1 ns per
 * instruction, so null_syscall's "ns" figure is instructions per call,
 * and the per-second counts of fork and context_switch are calls per
 * 10^9 instructions: the same on every boot of the same kernel.
 *
 * Before each program: "upstream_bench: run NAME ARGS"; after it:
 * "upstream_bench: NAME exited STATUS" (a wait status in hex). The
 * programs' own lines come in between. A program that outlives its
 * limit of guest time is killed, and its status says so. init exits
 * with the number of programs that failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Guest seconds each of fork's and context_switch's runs lasts. */
#define SECONDS "3"
/* Guest seconds before a program is killed: null_syscall needs about 3. */
#define LIMIT 30

static char *const runs[][8] = {
	{ "null_syscall", NULL },
	{ "fork", "--fork", "--timeout=" SECONDS, "0", NULL },
	{ "fork", "--vfork", "--timeout=" SECONDS, "0", NULL },
	{ "fork", "--fork", "--exec", "--timeout=" SECONDS, "0", NULL },
	{ "fork", "--vfork", "--exec", "--timeout=" SECONDS, "0", NULL },
	{ "context_switch", "--process", "--test=pipe", "--timeout=" SECONDS, "0", "0", NULL },
	{ "context_switch", "--test=yield", "--timeout=" SECONDS, "0", "0", NULL },
};

static int run(char *const argv[])
{
	char path[64];
	int status, i;
	pid_t pid;

	printf("upstream_bench: run");
	for (i = 0; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);

	/* fork --exec finds exec_target next to argv[0]. */
	snprintf(path, sizeof(path), "/bench/%s", argv[0]);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *args[8];

		memcpy(args, argv, sizeof(args));
		args[0] = path;
		execv(path, args);
		printf("upstream_bench: error: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	alarm(LIMIT);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
		printf("upstream_bench: error: %s still running after %d s, killed\n",
		       argv[0], LIMIT);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	alarm(0);
	printf("upstream_bench: %s exited %#x\n", argv[0], status);
	fflush(stdout);
	return status;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int i;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* null_syscall reads the clock and timebase frequencies there. */
	if (mount("proc", "/proc", "proc", 0, NULL))
		printf("upstream_bench: error: mount /proc: %s\n", strerror(errno));
	/* No SA_RESTART: the alarm must interrupt waitpid(). */
	sigaction(SIGALRM, &sa, NULL);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		failed += run(runs[i]) != 0;
	printf("upstream_bench: done, %d failed\n", failed);
	return failed;
}
