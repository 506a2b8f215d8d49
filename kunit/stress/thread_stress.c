// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel load for make stress: kernel threads and user-mode kernel threads
 * created and ended from every CPU at once, while user space forks and
 * takes CPUs offline and online (kunit/stress/stress_init.c).
 *
 * Not part of the series: make stress adds this file to its kernel.
 * Writing "KTHREADS EXECS" to /proc/thread_stress starts, without waiting:
 *
 *   one kthread driver per online CPU, which between them run KTHREADS
 *   cycles: kthread_create(), bound in turn to each online CPU, then either
 *   woken, and stopped once it has run and returned (kthread_stop() must
 *   return its 0), or, every EARLY_STOP_EVERY-th cycle, stopped before it
 *   ever ran (kthread_stop() must return -EINTR and the function must not
 *   run);
 *
 *   UMH_DRIVERS umh drivers, which between them run EXECS user-mode kernel
 *   threads that exec the selftest's /exec_entry: it checks the registers
 *   exec gave it and exits 0 only if none holds a kernel value.
 *
 * make stress injects allocation failures into kthreadd, which its
 * children (kworkers among them) inherit: a kthread_create() or an exec
 * that fails with an error code came back clean, and is counted by code.
 * "bad" is anything else: a kthread_stop() that did not return what the
 * thread did, a thread function that ran after an early stop, or an
 * /exec_entry that exited non-zero (it found a kernel value in a register).
 * Reading /proc/thread_stress prints
 *
 *   thread_stress: <idle|running|done> kthread <ok> ok <failed> failed
 *   <early> early-stopped umh <ok> ok <failed> failed bad <bad> ms <ms>
 *
 * and then, for each error code seen, "thread_stress: <kthread|umh> error
 * <code> <count>".
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/umh.h>

#define EARLY_STOP_EVERY 8
#define UMH_DRIVERS 2

enum kind { KTHREAD, UMH, KINDS };
static const char * const kind_name[KINDS] = { "kthread", "umh" };

static struct {
	atomic_t drivers;	/* still running */
	atomic_t left[KINDS], ok[KINDS], failed[KINDS];
	atomic_t errors[KINDS][MAX_ERRNO + 1];
	atomic_t early_stopped, bad;
	atomic_t started, finished;	/* finished: end_ns is written */
	u64 start_ns, end_ns;
} stress;

static void bad(const char *what, long ret)
{
	atomic_inc(&stress.bad);
	pr_err("thread_stress: %s: unexpected result %ld\n", what, ret);
}

static void failed(enum kind kind, long err)
{
	atomic_inc(&stress.failed[kind]);
	atomic_inc(&stress.errors[kind][-err]);
}

/* Returns at once: kthread_stop() then reaps a thread that has exited. */
static int stress_child(void *started)
{
	complete(started);
	return 0;
}

static void kthread_cycle(unsigned int cpu, bool early_stop)
{
	DECLARE_COMPLETION_ONSTACK(started);
	struct task_struct *t;
	int ret;

	t = kthread_create(stress_child, &started, "thread_stress/%u", cpu);
	if (IS_ERR(t)) {
		failed(KTHREAD, PTR_ERR(t));
		return;
	}
	/* An offline CPU is left to the scheduler's fallback, as for any kthread. */
	kthread_bind(t, cpu);
	if (early_stop) {
		ret = kthread_stop(t);
		if (ret != -EINTR || completion_done(&started))
			bad("kthread_stop before the first run", ret);
		else
			atomic_inc(&stress.early_stopped);
		return;
	}
	/* It may exit before kthread_stop(): keep its task_struct until then. */
	get_task_struct(t);
	wake_up_process(t);
	wait_for_completion(&started);
	ret = kthread_stop_put(t);
	if (ret)
		bad("kthread_stop", ret);
	else
		atomic_inc(&stress.ok[KTHREAD]);
}

static void driver_done(void)
{
	if (atomic_dec_and_test(&stress.drivers)) {
		stress.end_ns = ktime_get_ns();
		atomic_set_release(&stress.finished, 1);
	}
}

static int kthread_driver(void *first_cpu)
{
	unsigned int cpu = (unsigned long)first_cpu;
	int n;

	while ((n = atomic_dec_return(&stress.left[KTHREAD])) >= 0) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		kthread_cycle(cpu, n % EARLY_STOP_EVERY == 0);
		cond_resched();
	}
	driver_done();
	return 0;
}

static int umh_driver(void *index)
{
	char report[32];
	char *argv[] = { "/exec_entry", report, NULL };
	char *envp[] = { "HOME=/", "PATH=/", NULL };
	int ret;

	/* exec_entry writes its report to this file, not the console. */
	snprintf(report, sizeof(report), "/tmp/thread_stress.%lu", (unsigned long)index);
	while (atomic_dec_return(&stress.left[UMH]) >= 0) {
		/* An error code, or the wait status of /exec_entry. */
		ret = call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
		if (ret == 0)
			atomic_inc(&stress.ok[UMH]);
		else if (IS_ERR_VALUE((long)ret))
			failed(UMH, ret);
		else
			bad("/exec_entry from a user-mode thread, wait status", ret);
	}
	driver_done();
	return 0;
}

static int start_driver(int (*fn)(void *), unsigned long arg, const char *name)
{
	struct task_struct *t = kthread_run(fn, (void *)arg, "%s/%lu", name, arg);

	if (IS_ERR(t)) {
		driver_done();
		return PTR_ERR(t);
	}
	return 0;
}

static ssize_t thread_stress_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *pos)
{
	unsigned int kthreads, execs, cpu;
	unsigned long i;
	char text[32];
	int err = 0;

	if (count >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	text[count] = '\0';
	if (sscanf(text, "%u %u", &kthreads, &execs) != 2)
		return -EINVAL;
	/* One run per boot, so that the figures are its own. */
	if (atomic_cmpxchg(&stress.started, 0, 1))
		return -EBUSY;
	atomic_set(&stress.left[KTHREAD], kthreads);
	atomic_set(&stress.left[UMH], execs);
	/* The drivers, and one for this function, so none finishes the run early. */
	atomic_set(&stress.drivers, num_online_cpus() + UMH_DRIVERS + 1);
	stress.start_ns = ktime_get_ns();
	for_each_online_cpu(cpu)
		err = start_driver(kthread_driver, cpu, "stress_kthreads") ?: err;
	for (i = 0; i < UMH_DRIVERS; i++)
		err = start_driver(umh_driver, i, "stress_umh") ?: err;
	driver_done();
	return err ?: count;
}

static int thread_stress_show(struct seq_file *m, void *v)
{
	bool started = atomic_read(&stress.started);
	bool done = atomic_read_acquire(&stress.finished);
	int kind, err, n;

	seq_printf(m, "thread_stress: %s kthread %d ok %d failed %d early-stopped umh %d ok %d failed bad %d ms %llu\n",
		   done ? "done" : started ? "running" : "idle",
		   atomic_read(&stress.ok[KTHREAD]), atomic_read(&stress.failed[KTHREAD]),
		   atomic_read(&stress.early_stopped), atomic_read(&stress.ok[UMH]),
		   atomic_read(&stress.failed[UMH]), atomic_read(&stress.bad),
		   done ? div_u64(stress.end_ns - stress.start_ns, NSEC_PER_MSEC) : 0);
	for (kind = 0; kind < KINDS; kind++) {
		for (err = 1; err <= MAX_ERRNO; err++) {
			n = atomic_read(&stress.errors[kind][err]);
			if (n)
				seq_printf(m, "thread_stress: %s error %d %d\n",
					   kind_name[kind], -err, n);
		}
	}
	return 0;
}

static int thread_stress_open(struct inode *inode, struct file *file)
{
	return single_open(file, thread_stress_show, NULL);
}

static const struct proc_ops thread_stress_ops = {
	.proc_open = thread_stress_open,
	.proc_read = seq_read,
	.proc_write = thread_stress_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init thread_stress_init(void)
{
	return proc_create("thread_stress", 0600, NULL, &thread_stress_ops) ? 0 : -ENOMEM;
}
late_initcall(thread_stress_init);
