// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions per getpid() system call, counted by qemu rather than timed.
 *
 * Boot the kernel under qemu with "-icount shift=0" and this program as
 * init: the guest clock then advances exactly 1 ns per instruction the
 * guest executes, so a CLOCK_MONOTONIC delta is an instruction count and
 * two runs of the same kernel give the same figure. The cost of an empty
 * loop of the same length is subtracted. Prints one line,
 *
 *   getpid_cost: <N.NN> instructions per getpid() (<calls> calls)
 *
 * and exits 0 (1 if the clock did not move, i.e. no -icount).
 */
#include <stdio.h>
#include <time.h>
#include <sys/syscall.h>

#define CALLS 200000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A bare "sc": no libc wrapper on the measured path. */
static inline void raw_getpid(void)
{
	register long r0 asm("r0") = __NR_getpid;
	register long r3 asm("r3");

	asm volatile("sc"
		     : "+r" (r0), "=r" (r3)
		     :
		     : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
		       "r12", "cr0", "ctr", "xer", "memory");
}

/*
 * The same loop with the "sc" left out: apart from that it must compile to
 * the same code as raw_getpid(), so that its cost is what to subtract.
 */
static inline void no_syscall(void)
{
	register long r0 asm("r0") = __NR_getpid;
	register long r3 asm("r3");

	asm volatile(""
		     : "+r" (r0), "=r" (r3)
		     :
		     : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
		       "r12", "cr0", "ctr", "xer", "memory");
}

int main(void)
{
	long long t0, t1, t2, t3, per_100;
	int i;

	t0 = now_ns();
	for (i = 0; i < CALLS; i++)
		raw_getpid();
	t1 = now_ns();
	for (i = 0; i < CALLS; i++)
		no_syscall();
	t2 = now_ns();
	t3 = now_ns();

	if (t1 == t0) {
		printf("getpid_cost: the clock did not move; run under qemu -icount shift=0\n");
		return 1;
	}
	/* Hundredths of an instruction, from whole-run integer counts. */
	per_100 = ((t1 - t0) - (t2 - t1) - (t3 - t2)) * 100 / CALLS;
	printf("getpid_cost: %lld.%02lld instructions per getpid() (%d calls)\n",
	       per_100 / 100, per_100 % 100, CALLS);
	fflush(stdout);
	return 0;
}
