// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the start of powerpc kernel threads and user-mode kernel
 * threads. The cases that read arch state, or start threads with calls a
 * module cannot make, are the built-in checks of kthread_checks.c; the
 * cases here only use the kthread API. See
 * Documentation/arch/powerpc/kernel-threads.rst.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <asm/kthread_checks.h>

/* A case that is one of the shared checks, under the check's name. */
#define CHECK_CASE(case_name)						\
	{ .run_case = ppc_kthread_check_##case_name, .name = #case_name,	\
	  .module_name = KBUILD_MODNAME }

static struct kunit_case softe_cases[] = {
	CHECK_CASE(user_kthread_softe_enabled),
	CHECK_CASE(kthread_entry_soft_enabled),
	CHECK_CASE(kthread_entry_hard_enabled_preemptible),
	{}
};

static struct kunit_suite softe_suite = {
	.name = "powerpc_kthread_softe",
	.test_cases = softe_cases,
};

static struct kunit_case user_mode_cases[] = {
	CHECK_CASE(user_kthread_not_user_mode),
	CHECK_CASE(user_kthread_regs_zero),
	CHECK_CASE(kthread_has_no_user_regs),
	{}
};

static struct kunit_suite user_mode_suite = {
	.name = "powerpc_kthread_user_mode",
	.test_cases = user_mode_cases,
};

#define SPAWN_RET	0x5eed
#define NR_CONCURRENT	256

struct spawn_slot {
	struct task_struct *task;
	struct completion started;
	atomic_t runs;
	void *seen_arg;
	int cpu;
};

static int spawn_fn(void *data)
{
	struct spawn_slot *slot = data;

	slot->seen_arg = data;
	slot->cpu = raw_smp_processor_id();
	atomic_inc(&slot->runs);
	complete(&slot->started);

	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return SPAWN_RET;
}

static struct spawn_slot *new_slots(struct kunit *test, unsigned int n)
{
	struct spawn_slot *slots;
	unsigned int i;

	slots = kunit_kcalloc(test, n, sizeof(*slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	for (i = 0; i < n; i++)
		init_completion(&slots[i].started);
	return slots;
}

static bool wait_started(struct kunit *test, struct spawn_slot *slot)
{
	bool ok = wait_for_completion_timeout(&slot->started, 10 * HZ);

	KUNIT_EXPECT_TRUE_MSG(test, ok, "thread %s never ran", slot->task->comm);
	return ok;
}

static void kthread_arg_identity(struct kunit *test)
{
	struct spawn_slot *slot = new_slots(test, 1);

	slot->task = kthread_run(spawn_fn, slot, "ppc_kt_arg");
	KUNIT_ASSERT_FALSE(test, IS_ERR(slot->task));
	if (wait_started(test, slot))
		KUNIT_EXPECT_PTR_EQ(test, slot->seen_arg, (void *)slot);
	kthread_stop(slot->task);
}

static void kthread_stop_returns_value(struct kunit *test)
{
	struct spawn_slot *slot = new_slots(test, 1);

	slot->task = kthread_run(spawn_fn, slot, "ppc_kt_ret");
	KUNIT_ASSERT_FALSE(test, IS_ERR(slot->task));
	wait_started(test, slot);
	KUNIT_EXPECT_EQ(test, kthread_stop(slot->task), SPAWN_RET);
}

static void kthread_bound_to_each_cpu(struct kunit *test)
{
	struct spawn_slot *slots = new_slots(test, nr_cpu_ids);
	unsigned int cpu, ran = 0;

	for_each_online_cpu(cpu) {
		struct spawn_slot *slot = &slots[cpu];

		slot->cpu = -1;
		slot->task = kthread_create_on_cpu(spawn_fn, slot, cpu, "ppc_kt/%u");
		KUNIT_ASSERT_FALSE(test, IS_ERR(slot->task));
		wake_up_process(slot->task);
		if (wait_started(test, slot)) {
			KUNIT_EXPECT_EQ(test, slot->cpu, (int)cpu);
			ran++;
		}
		KUNIT_EXPECT_EQ(test, kthread_stop(slot->task), SPAWN_RET);
	}
	KUNIT_EXPECT_EQ(test, ran, num_online_cpus());
}

static void many_concurrent_kthreads(struct kunit *test)
{
	struct spawn_slot *slots = new_slots(test, NR_CONCURRENT);
	unsigned long deadline;
	unsigned int i, n;

	for (n = 0; n < NR_CONCURRENT; n++) {
		struct task_struct *t;

		t = kthread_run(spawn_fn, &slots[n], "ppc_kt_many/%u", n);
		if (IS_ERR(t))
			break;
		get_task_struct(t);	/* to see it reaped after the stop */
		slots[n].task = t;
	}
	KUNIT_EXPECT_EQ(test, n, NR_CONCURRENT);

	for (i = 0; i < n; i++)
		wait_started(test, &slots[i]);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, kthread_stop(slots[i].task), SPAWN_RET);
		KUNIT_EXPECT_EQ(test, atomic_read(&slots[i].runs), 1);
	}

	deadline = jiffies + 10 * HZ;
	for (i = 0; i < n; i++) {
		/* kthreadd ignores SIGCHLD, so its children reap themselves */
		while (READ_ONCE(slots[i].task->exit_state) != EXIT_DEAD &&
		       time_before(jiffies, deadline))
			usleep_range(1000, 2000);
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(slots[i].task->exit_state),
				    EXIT_DEAD, "thread %u not reaped", i);
		put_task_struct(slots[i].task);
	}
}

/* kthread() sees the stop before it would call the function. */
static void kthread_stopped_before_run(struct kunit *test)
{
	struct spawn_slot *slot = new_slots(test, 1);

	slot->task = kthread_create(spawn_fn, slot, "ppc_kt_stopped");
	KUNIT_ASSERT_FALSE(test, IS_ERR(slot->task));
	KUNIT_EXPECT_EQ(test, kthread_stop(slot->task), -EINTR);
	KUNIT_EXPECT_EQ(test, atomic_read(&slot->runs), 0);
}

static struct kunit_case spawn_cases[] = {
	KUNIT_CASE(kthread_arg_identity),
	KUNIT_CASE(kthread_stop_returns_value),
	KUNIT_CASE(kthread_stopped_before_run),
	KUNIT_CASE(kthread_bound_to_each_cpu),
	KUNIT_CASE_SLOW(many_concurrent_kthreads),
	CHECK_CASE(kthread_trace_ends_at_shim),
	CHECK_CASE(user_kthread_trace_ends_at_shim),
	{}
};

static struct kunit_suite spawn_suite = {
	.name = "powerpc_kthread_spawn",
	.test_cases = spawn_cases,
};

static struct kunit_case exec_cases[] = {
	CHECK_CASE(user_kthread_exec_regs),
	{}
};

static struct kunit_suite exec_suite = {
	.name = "powerpc_kthread_exec",
	.test_cases = exec_cases,
};

static struct kunit_case frames_cases[] = {
	CHECK_CASE(kthread_frames),
	CHECK_CASE(user_kthread_frames),
	{}
};

static struct kunit_suite frames_suite = {
	.name = "powerpc_thread_frames",
	.test_cases = frames_cases,
};

kunit_test_suites(&softe_suite, &user_mode_suite, &spawn_suite, &exec_suite,
		  &frames_suite);

MODULE_DESCRIPTION("KUnit tests for powerpc kernel thread creation");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
