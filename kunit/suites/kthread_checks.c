// SPDX-License-Identifier: GPL-2.0
/*
 * What copy_thread(), ppc_init_kthread_frames() and the start shims leave
 * for fn(arg) in a new kernel thread or user-mode kernel thread, and what
 * reaches the program a user-mode kernel thread execs: the checks that read
 * arch state, each the whole of a KUnit test case. Built in and exported to
 * the suites; see asm/kthread_checks.h and
 * Documentation/arch/powerpc/kernel-threads.rst.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/binfmts.h>
#include <linux/initrd.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <asm/hw_irq.h>
#include <asm/kthread_checks.h>
#include <asm/ptrace.h>
#include <asm/reg.h>
#include <asm/sections.h>
#include <asm/switch_to.h>

/*
 * tools/testing/selftests/powerpc/user_regs/exec_entry, which checks the
 * registers exec gave it, if the root filesystem (for built-in tests, the
 * initramfs) has it there. KUnit cannot run kselftest programs, so this
 * execs the selftest's own; the selftest runs it too (umh_exec_regs).
 */
#define EXEC_ENTRY_PATH	"/exec_entry"
#define MSR_NOT_YET	(MSR_PR | MSR_FP | MSR_VEC | MSR_VSX)
#define TRACE_DEPTH	32

/* What a new thread saw when it first ran, for the test to check. */
struct child_report {
	struct pt_regs regs;		/* *current_pt_regs(), user-mode only */
	bool regs_are_thread_regs;	/* current->thread.regs == &that */
	bool thread_regs_null;
	bool kthread_flag;
	unsigned long soft_mask;
	bool hard_enabled;
	bool irqs_disabled;
	int preempt;
	unsigned long trace[TRACE_DEPTH];
	unsigned int trace_len;
	int reliable;			/* entries, or -EINVAL if unreliable */
	bool exec;			/* user-mode child: exec exec_entry */
	int exec_ret;
};

static void record_stack(struct child_report *r)
{
	unsigned long reliable[TRACE_DEPTH];

	r->trace_len = stack_trace_save(r->trace, TRACE_DEPTH, 0);
	r->reliable = stack_trace_save_tsk_reliable(current, reliable, TRACE_DEPTH);
}

/* Runs straight from start_kernel_thread: nothing else ran in between. */
static int kthread_entry_recorder(void *data)
{
	struct child_report *r = data;

	r->soft_mask = irq_soft_mask_return();
	r->hard_enabled = mfmsr() & MSR_EE;
	r->irqs_disabled = irqs_disabled();
	r->preempt = preempt_count();
	r->kthread_flag = current->flags & PF_KTHREAD;
	r->thread_regs_null = !current->thread.regs;
	record_stack(r);
	do_exit(0);
}

/* Runs from ret_from_kernel_user_thread, like init or a usermode helper. */
static int user_mode_entry_recorder(void *data)
{
	static const char *const argv[] = { EXEC_ENTRY_PATH, NULL };
	static const char *const envp[] = { NULL };
	struct child_report *r = data;

	r->regs = *current_pt_regs();
	r->regs_are_thread_regs = current->thread.regs == current_pt_regs();
	r->kthread_flag = current->flags & PF_KTHREAD;
	record_stack(r);
	if (r->exec) {
		r->exec_ret = kernel_execve(EXEC_ENTRY_PATH, argv, envp);
		if (!r->exec_ret)
			return 0; /* to user space, through the syscall exit */
	}
	do_exit(0);
}

/*
 * Start a child of the test thread, as kthreadd or rest_init() would, and
 * reap it. Returns its wait status.
 */
static int run_child(struct kunit *test, int (*fn)(void *),
		     struct child_report *r, bool user_mode)
{
	int status = 0;	/* kernel_wait() only writes a non-zero status */
	pid_t pid;

	/*
	 * The test runs in a kthread, which ignores SIGCHLD: its children
	 * would reap themselves and kernel_wait() would find nothing.
	 */
	kernel_sigaction(SIGCHLD, SIG_DFL);
	if (user_mode)
		pid = user_mode_thread(fn, r, SIGCHLD);
	else
		pid = kernel_thread(fn, r, "ppc_kthread_test", SIGCHLD);
	if (pid > 0)
		KUNIT_EXPECT_EQ(test, kernel_wait(pid, &status), pid);
	kernel_sigaction(SIGCHLD, SIG_IGN);
	KUNIT_ASSERT_GT_MSG(test, pid, 0, "cannot create the thread");
	return status;
}

static struct child_report *new_report(struct kunit *test)
{
	struct child_report *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

static bool is_in_function(unsigned long addr, void *func)
{
	unsigned long size, offset;

	if (!kallsyms_lookup_size_offset(addr, &size, &offset))
		return false;
	return addr - offset ==
	       (unsigned long)dereference_kernel_function_descriptor(func);
}

static void expect_trace_ends_in(struct kunit *test, struct child_report *r,
				 void *shim, const char *shim_name)
{
	unsigned long last;
	unsigned int i;

	KUNIT_ASSERT_GT(test, r->trace_len, 0);
	for (i = 0; i < r->trace_len; i++)
		KUNIT_EXPECT_TRUE_MSG(test, kernel_text_address(r->trace[i]),
				      "entry %u (%pS) is not kernel text",
				      i, (void *)r->trace[i]);
	last = r->trace[r->trace_len - 1];
	KUNIT_EXPECT_TRUE_MSG(test, is_in_function(last, shim),
			      "outermost frame is %pS, not in %s",
			      (void *)last, shim_name);
	/*
	 * The reliable unwinder insists on a frame chain that ends exactly
	 * where copy_thread() put the first frame.
	 */
	KUNIT_EXPECT_GT_MSG(test, r->reliable, 0,
			    "reliable unwind failed: garbage or missing frames");
}

/*
 * --- softe ---
 *
 * IRQS_ENABLED is 0, so no test can see a missing softe store: these see a
 * wrong value that reaches fn, as the frame checks below do on poisoned
 * frames. What these add is the whole path: copy_thread() and the shim
 * running for real, up to fn.
 */

void ppc_kthread_check_user_kthread_softe_enabled(struct kunit *test)
{
	struct child_report *r = new_report(test);

	if (!IS_ENABLED(CONFIG_PPC64))
		kunit_skip(test, "ppc32 has no softe: interrupts are masked in the MSR only");
	KUNIT_ASSERT_EQ(test, run_child(test, user_mode_entry_recorder, r, true), 0);
#ifdef CONFIG_PPC64
	KUNIT_EXPECT_EQ_MSG(test, r->regs.softe, (unsigned long)IRQS_ENABLED,
			    "the first syscall after exec would BUG on masked interrupts");
#endif
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_softe_enabled);

void ppc_kthread_check_kthread_entry_soft_enabled(struct kunit *test)
{
	struct child_report *r = new_report(test);

	if (!IS_ENABLED(CONFIG_PPC64))
		kunit_skip(test, "ppc32 has no PACA soft mask");
	KUNIT_ASSERT_EQ(test, run_child(test, kthread_entry_recorder, r, false), 0);
	KUNIT_EXPECT_EQ(test, r->soft_mask, (unsigned long)IRQS_ENABLED);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_kthread_entry_soft_enabled);

void ppc_kthread_check_kthread_entry_hard_enabled_preemptible(struct kunit *test)
{
	struct child_report *r = new_report(test);

	KUNIT_ASSERT_EQ(test, run_child(test, kthread_entry_recorder, r, false), 0);
	KUNIT_EXPECT_TRUE_MSG(test, r->hard_enabled, "MSR_EE clear at entry");
	KUNIT_EXPECT_FALSE(test, r->irqs_disabled);
	KUNIT_EXPECT_EQ(test, r->preempt, 0);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_kthread_entry_hard_enabled_preemptible);

/* --- user_mode --- */

void ppc_kthread_check_user_kthread_not_user_mode(struct kunit *test)
{
	struct child_report *r = new_report(test);

	KUNIT_ASSERT_EQ(test, run_child(test, user_mode_entry_recorder, r, true), 0);
	KUNIT_EXPECT_TRUE(test, r->regs_are_thread_regs);
	KUNIT_EXPECT_FALSE(test, r->kthread_flag);
	KUNIT_EXPECT_FALSE(test, user_mode(&r->regs));
	KUNIT_EXPECT_EQ(test, r->regs.msr & MSR_NOT_YET, 0UL);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_not_user_mode);

/*
 * This sees a wrong value that reaches fn, but not a missing clear, as
 * thread stacks come zeroed; the frame checks, on poisoned frames, see it.
 */
void ppc_kthread_check_user_kthread_regs_zero(struct kunit *test)
{
	struct child_report *r = new_report(test);
	struct pt_regs *want = kunit_kzalloc(test, sizeof(*want), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, want);
#ifdef CONFIG_PPC64
	want->softe = IRQS_ENABLED;
#endif
	KUNIT_ASSERT_EQ(test, run_child(test, user_mode_entry_recorder, r, true), 0);
	KUNIT_EXPECT_MEMEQ_MSG(test, &r->regs, want, sizeof(*want),
			       "user regs carry data before exec");
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_regs_zero);

void ppc_kthread_check_kthread_has_no_user_regs(struct kunit *test)
{
	struct child_report *r = new_report(test);

	KUNIT_ASSERT_EQ(test, run_child(test, kthread_entry_recorder, r, false), 0);
	KUNIT_EXPECT_TRUE(test, r->kthread_flag);
	KUNIT_EXPECT_TRUE(test, r->thread_regs_null);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_kthread_has_no_user_regs);

/* --- spawning --- */

void ppc_kthread_check_kthread_trace_ends_at_shim(struct kunit *test)
{
	struct child_report *r = new_report(test);

	KUNIT_ASSERT_EQ(test, run_child(test, kthread_entry_recorder, r, false), 0);
	expect_trace_ends_in(test, r, start_kernel_thread, "start_kernel_thread");
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_kthread_trace_ends_at_shim);

void ppc_kthread_check_user_kthread_trace_ends_at_shim(struct kunit *test)
{
	struct child_report *r = new_report(test);

	KUNIT_ASSERT_EQ(test, run_child(test, user_mode_entry_recorder, r, true), 0);
	expect_trace_ends_in(test, r, ret_from_kernel_user_thread,
			     "ret_from_kernel_user_thread");
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_trace_ends_at_shim);

/* --- exec --- */

/* Exit codes of exec_entry; the console has its full report. */
static void expect_exec_entry_passed(struct kunit *test, int code)
{
	static const char *const fixed[] = {
		[0x3c] = "rt_sigaction() failed",
		[0x3d] = "kill() failed",
		[0x3f] = "its signal handler never ran",
		[0xa0] = "CTR not zero at entry",
		[0xa1] = "LR not zero at entry",
		[0xa2] = "XER not zero at entry",
	};

	if (!code)
		return;
	if (code < ARRAY_SIZE(fixed) && fixed[code])
		KUNIT_FAIL(test, "exec_entry: %s", fixed[code]);
	else if ((code & 0xe0) == 0x80)
		KUNIT_FAIL(test, "exec_entry: r%d not as exec set it at entry",
			   code & 0x1f);
	else if ((code & 0xe0) == 0x40)
		KUNIT_FAIL(test, "exec_entry: r%d in its signal frame differs from what it had",
			   code & 0x1f);
	else if (code >= 0xb0 && code < 0xb0 + ELF_NGREG)
		KUNIT_FAIL(test, "exec_entry: a kernel address in its signal frame, entry %d",
			   code - 0xb0);
	else
		KUNIT_FAIL(test, "exec_entry: unknown exit code %#x", code);
}

void ppc_kthread_check_user_kthread_exec_regs(struct kunit *test)
{
	struct child_report *r = new_report(test);
	int status;

	r->exec = true;
	/* Built-in tests run before init waits for the initramfs to unpack. */
	wait_for_initramfs();
	status = run_child(test, user_mode_entry_recorder, r, true);
	if (r->exec_ret == -ENOENT)
		kunit_skip(test, "no %s in the initramfs (CONFIG_INITRAMFS_SOURCE)",
			   EXEC_ENTRY_PATH);
	KUNIT_ASSERT_EQ_MSG(test, r->exec_ret, 0, "kernel_execve(%s) failed",
			    EXEC_ENTRY_PATH);
	KUNIT_ASSERT_EQ_MSG(test, status & 0x7f, 0,
			    "exec_entry died of signal %d", status & 0x7f);
	expect_exec_entry_passed(test, (status >> 8) & 0xff);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_exec_regs);

/* --- ppc_init_kthread_frames() on its own, C and Rust --- */

#define POISON	0xa5

/* Guards show any write outside the two register areas. */
struct frames {
	u8 guard0[64];
	struct pt_regs switch_regs;
	u8 guard1[64];
	struct pt_regs user_regs;
	u8 guard2[64];
};

/*
 * It reads a global, so with a TOC its ELFv2 local entry point is not its
 * address: r14 must get the local one, which the check can then tell apart.
 */
static int frames_fn_result;

static int frames_fn(void *arg)
{
	return READ_ONCE(frames_fn_result);
}

/* Every implementation the kernel has: both when the Rust one is built. */
static const struct frames_impl {
	const char *name;
	unsigned long (*init)(struct pt_regs *switch_regs,
			      struct pt_regs *user_regs,
			      int (*fn)(void *), void *arg);
} frames_impls[] = {
	{ "C", ppc_init_kthread_frames_c },
#ifdef CONFIG_PPC_RUST_THREAD_SETUP
	{ "Rust", ppc_init_kthread_frames },
#endif
};

/*
 * Name the first byte that differs: a dump of the whole struct frames is
 * longer than KUnit prints.
 */
static void expect_frames_eq(struct kunit *test, const char *impl,
			     const struct frames *got, const struct frames *want)
{
	static const struct {
		const char *name;
		size_t start;
	} parts[] = {
		{ "the guard before switch_regs", offsetof(struct frames, guard0) },
		{ "switch_regs", offsetof(struct frames, switch_regs) },
		{ "the guard between the frames", offsetof(struct frames, guard1) },
		{ "user_regs", offsetof(struct frames, user_regs) },
		{ "the guard after user_regs", offsetof(struct frames, guard2) },
	};
	const u8 *g = (const u8 *)got, *w = (const u8 *)want;
	size_t off = 0;
	int i = ARRAY_SIZE(parts) - 1;

	while (off < sizeof(*got) && g[off] == w[off])
		off++;
	if (off == sizeof(*got))
		return;
	while (parts[i].start > off)
		i--;
	KUNIT_FAIL(test, "%s version: byte %zu of %s (word %zu) is %#x, want %#x",
		   impl, off - parts[i].start, parts[i].name,
		   (off - parts[i].start) / sizeof(unsigned long), g[off], w[off]);
}

static void check_frames_of(struct kunit *test, const struct frames_impl *impl,
			    bool user_mode)
{
	struct frames *got = kunit_kmalloc(test, sizeof(*got), GFP_KERNEL);
	struct frames *want = kunit_kmalloc(test, sizeof(*want), GFP_KERNEL);
	void *arg = (void *)0x1234abcdUL;
	void (*shim)(void);
	unsigned long ret;

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	memset(got, POISON, sizeof(*got));
	memset(want, POISON, sizeof(*want));

	ret = impl->init(&got->switch_regs, user_mode ? &got->user_regs : NULL,
			 frames_fn, arg);

	shim = user_mode ? ret_from_kernel_user_thread : start_kernel_thread;
	if (user_mode) {
		memset(&want->user_regs, 0, sizeof(want->user_regs));
#ifdef CONFIG_PPC64
		want->user_regs.softe = IRQS_ENABLED;
#endif
	}
	want->switch_regs.nip = ppc_function_entry(shim);
	want->switch_regs.gpr[14] = ppc_function_entry(frames_fn);
	want->switch_regs.gpr[15] = (unsigned long)arg;

	if (IS_ENABLED(CONFIG_PPC64_ELF_ABI_V2) && !IS_ENABLED(CONFIG_PPC_KERNEL_PCREL))
		KUNIT_EXPECT_NE_MSG(test, want->switch_regs.gpr[14], (unsigned long)frames_fn,
				    "frames_fn has no global entry code to skip");
	KUNIT_EXPECT_EQ_MSG(test, ret, (unsigned long)shim, "%s version", impl->name);
	expect_frames_eq(test, impl->name, got, want);
}

/* The same poisoned frames and the same expectations for each. */
static void check_frames(struct kunit *test, bool user_mode)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(frames_impls); i++)
		check_frames_of(test, &frames_impls[i], user_mode);
}

void ppc_kthread_check_kthread_frames(struct kunit *test)
{
	check_frames(test, false);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_kthread_frames);

void ppc_kthread_check_user_kthread_frames(struct kunit *test)
{
	check_frames(test, true);
}
EXPORT_SYMBOL_IF_KUNIT(ppc_kthread_check_user_kthread_frames);
