// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions per kernel-thread life cycle, for make bench.
 *
 * Not part of the series: make bench adds this file to each kernel it
 * compares (the base without the series, and the series with the Rust
 * helpers off and on), so that all three run the same measuring code.
 * Reading /proc/thread_cost runs
 *
 *   kthread  kthread_run() of a thread that signals it has run, then
 *            kthread_stop(): kthreadd's kernel_thread(), copy_thread(),
 *            the first switch through start_kernel_thread, the exit
 *   umh      call_usermodehelper(UMH_WAIT_PROC) of the exec probe:
 *            user_mode_thread(), copy_thread(), ret_from_kernel_user_thread,
 *            kernel_execve(), the probe in user space, exit and reap
 *
 * in BLOCKS blocks and prints one line for each block,
 *
 *   thread_cost: <name> <cycles> cycles <instructions> instructions
 *
 * Under qemu -icount shift=0 the guest clock advances 1 ns per instruction,
 * so a CLOCK_MONOTONIC delta is an instruction count. A block also counts
 * what else the kernel ran meanwhile (a timer tick, RCU, a kworker), which
 * shifts with the kernel's layout; the least of the blocks has the least of
 * it. A few cycles run first and are not counted, so that first-use costs
 * (a new kworker, page cache of the probe) fall outside the count.
 *
 * thread_cost_mark() runs before the first block and after each, outside
 * the timed part: make bench's qemu plugin prints its exact counts of the
 * thread set-up functions there. Reading /proc/thread_cost_mark runs it
 * for the blocks that user space times.
 */
#include <linux/compiler.h>
#include <linux/completion.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/umh.h>

#define WARM_UP 8
#define BLOCKS 8
#define KTHREAD_CYCLES 400
#define UMH_CYCLES 50

static int thread_cost_fn(void *started)
{
	complete(started);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int kthread_cycle(void)
{
	DECLARE_COMPLETION_ONSTACK(started);
	struct task_struct *t;

	t = kthread_run(thread_cost_fn, &started, "thread_cost");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&started);
	return kthread_stop(t);
}

static int umh_cycle(void)
{
	/* The probe writes its report to the file rather than the console. */
	char *argv[] = { "/exec_entry", "/tmp/thread_cost.probe", NULL };
	char *envp[] = { "HOME=/", "PATH=/", NULL };

	return call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
}

/* Where the plugin takes its counts; it must stay a call. */
noinline void thread_cost_mark(void)
{
	barrier();
}

static int run_cycles(struct seq_file *m, const char *name,
		      int (*cycle)(void), int cycles)
{
	int i, err;

	for (i = 0; i < cycles; i++) {
		err = cycle();
		if (err) {
			seq_printf(m, "thread_cost: %s failed: %d\n", name, err);
			return err;
		}
	}
	return 0;
}

static void measure(struct seq_file *m, const char *name, int (*cycle)(void),
		    int cycles)
{
	u64 start;
	int block;

	if (run_cycles(m, name, cycle, WARM_UP))
		return;
	thread_cost_mark();
	for (block = 0; block < BLOCKS; block++) {
		start = ktime_get_ns();
		if (run_cycles(m, name, cycle, cycles))
			return;
		start = ktime_get_ns() - start;
		thread_cost_mark();
		seq_printf(m, "thread_cost: %s %d cycles %llu instructions\n",
			   name, cycles, start);
	}
}

static int thread_cost_show(struct seq_file *m, void *v)
{
	measure(m, "kthread", kthread_cycle, KTHREAD_CYCLES);
	measure(m, "umh", umh_cycle, UMH_CYCLES);
	return 0;
}

static int thread_cost_mark_show(struct seq_file *m, void *v)
{
	thread_cost_mark();
	return 0;
}

static int __init thread_cost_init(void)
{
	if (!proc_create_single("thread_cost", 0400, NULL, thread_cost_show) ||
	    !proc_create_single("thread_cost_mark", 0400, NULL, thread_cost_mark_show))
		return -ENOMEM;
	return 0;
}
late_initcall(thread_cost_init);
