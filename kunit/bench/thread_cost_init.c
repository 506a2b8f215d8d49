// SPDX-License-Identifier: GPL-2.0
/*
 * init (PID 1) of the make bench kernels: prints the kernel's own counts
 * from /proc/thread_cost (kunit/bench/thread_cost.c), then counts
 * fork() + _exit() + waitpid() from user space, the path the series does
 * not change, as the control row, in BLOCKS blocks (see thread_cost.c):
 *
 *   thread_cost: fork <cycles> cycles <instructions> instructions
 *
 * Under qemu -icount shift=0 a CLOCK_MONOTONIC delta is an instruction
 * count. Exits 0, or 1 if something failed or the clock did not move.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARM_UP 8
#define BLOCKS 8
#define FORK_CYCLES 250

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Where make bench's qemu plugin takes its counts (thread_cost.c). */
static void mark(void)
{
	FILE *f = fopen("/proc/thread_cost_mark", "r");

	if (f) {
		fgetc(f);
		fclose(f);
	}
}

static int fork_cycle(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid || status != 0)
		return -1;
	return 0;
}

int main(void)
{
	char line[256];
	long long start = 0, end;
	FILE *f;
	int i, kernel_lines = 0, kernel_failed = 0;

	if (mount("proc", "/proc", "proc", 0, NULL)) {
		perror("thread_cost: mount /proc");
		return 1;
	}
	f = fopen("/proc/thread_cost", "r");
	if (!f) {
		perror("thread_cost: /proc/thread_cost (is thread_cost.c built in?)");
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		kernel_lines++;
		if (strstr(line, "failed"))
			kernel_failed = 1;
	}
	fclose(f);
	fflush(stdout);

	for (i = 0; i < WARM_UP + BLOCKS * FORK_CYCLES; i++) {
		if (i == WARM_UP)
			mark();
		if (i >= WARM_UP && (i - WARM_UP) % FORK_CYCLES == 0)
			start = now_ns();
		if (fork_cycle()) {
			printf("thread_cost: fork failed in cycle %d\n", i);
			return 1;
		}
		if (i >= WARM_UP && (i - WARM_UP) % FORK_CYCLES == FORK_CYCLES - 1) {
			end = now_ns();
			if (end == start) {
				printf("thread_cost: the clock did not move; %s\n",
				       "run under qemu -icount shift=0");
				return 1;
			}
			mark();
			printf("thread_cost: fork %d cycles %lld instructions\n",
			       FORK_CYCLES, end - start);
		}
	}
	fflush(stdout);
	return kernel_failed || !kernel_lines;
}
