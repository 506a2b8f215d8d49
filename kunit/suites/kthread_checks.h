/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of what a new kernel thread or user-mode kernel thread starts
 * with, for the KUnit suites in arch/powerpc/kernel/tests/. They read
 * softe, the MSR and pt_regs, and start threads with calls that are not
 * exported, so they are built in and exported to the suites (built in or
 * a module) with EXPORT_SYMBOL_IF_KUNIT. Each is the whole of one test
 * case, named like it.
 */
#ifndef _ASM_POWERPC_KTHREAD_CHECKS_H
#define _ASM_POWERPC_KTHREAD_CHECKS_H

struct kunit;

void ppc_kthread_check_user_kthread_softe_enabled(struct kunit *test);
void ppc_kthread_check_kthread_entry_soft_enabled(struct kunit *test);
void ppc_kthread_check_kthread_entry_hard_enabled_preemptible(struct kunit *test);

void ppc_kthread_check_user_kthread_not_user_mode(struct kunit *test);
void ppc_kthread_check_user_kthread_regs_zero(struct kunit *test);
void ppc_kthread_check_kthread_has_no_user_regs(struct kunit *test);

void ppc_kthread_check_kthread_trace_ends_at_shim(struct kunit *test);
void ppc_kthread_check_user_kthread_trace_ends_at_shim(struct kunit *test);

void ppc_kthread_check_user_kthread_exec_regs(struct kunit *test);

void ppc_kthread_check_kthread_frames(struct kunit *test);
void ppc_kthread_check_user_kthread_frames(struct kunit *test);

#endif /* _ASM_POWERPC_KTHREAD_CHECKS_H */
