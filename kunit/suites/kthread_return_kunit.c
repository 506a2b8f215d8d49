// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of a kernel thread whose function returns. start_kernel_thread
 * must trap on it, which oopses by design: the BUG kills the thread and the
 * kernel goes on. Run it on its own and check that the BUG report names the
 * shim: kunit.py run ... powerpc_kthread_return.
 */

#include <kunit/test.h>
#include <linux/panic.h>
#include <linux/sched/task.h>
#include <linux/signal.h>

static int return_at_once(void *arg)
{
	return 0;
}

static void returning_kthread_traps(struct kunit *test)
{
	int status = 0;
	pid_t pid;

	if (panic_on_oops)
		kunit_skip(test, "panic_on_oops is set: the BUG this provokes would panic");
	KUNIT_ASSERT_FALSE_MSG(test, test_taint(TAINT_DIE),
			       "an earlier oops would hide this one");
	/* See run_child() in kthread_kunit.c. */
	kernel_sigaction(SIGCHLD, SIG_DFL);
	pid = kernel_thread(return_at_once, NULL, "ppc_kt_returns", SIGCHLD);
	if (pid > 0)
		KUNIT_EXPECT_EQ(test, kernel_wait(pid, &status), pid);
	kernel_sigaction(SIGCHLD, SIG_IGN);
	KUNIT_ASSERT_GT(test, pid, 0);

	KUNIT_EXPECT_TRUE_MSG(test, test_taint(TAINT_DIE),
			      "the thread returned without a BUG");
	KUNIT_EXPECT_NE_MSG(test, status, 0, "the thread exited normally");
	kunit_info(test, "thread %d killed, wait status %#x\n", pid, status);
}

static struct kunit_case kthread_return_cases[] = {
	KUNIT_CASE(returning_kthread_traps),
	{}
};

static struct kunit_suite kthread_return_suite = {
	.name = "powerpc_kthread_return",
	.test_cases = kthread_return_cases,
};

kunit_test_suite(kthread_return_suite);

MODULE_DESCRIPTION("KUnit test of a returning powerpc kernel thread");
MODULE_LICENSE("GPL");
