// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for the start of powerpc kernel threads and user-mode kernel
//! threads, in Rust: the same suites and cases as `kthread_kunit.c`, which
//! is built instead when the kernel has no Rust.
//!
//! The cases that read arch state (softe, the MSR, `pt_regs`, stack traces)
//! or start threads through calls modules cannot reach are the checks of
//! `asm/kthread_checks.h`, built in and shared with the C suites. The cases
//! here that only use the kthread API run their threads as [`TestThread`]s.
//!
//! See Documentation/arch/powerpc/kernel-threads.rst.

use kernel::{bindings, prelude::*};

mod test_thread;

module! {
    type: KthreadTests,
    name: "kthread_kunit_rust",
    description: "KUnit tests for powerpc kernel thread creation, in Rust",
    license: "GPL",
    imports_ns: ["EXPORTED_FOR_KUNIT_TESTING"],
}

struct KthreadTests;

impl kernel::Module for KthreadTests {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // KUnit runs the suites, from the `.kunit_test_suites` section.
        Ok(Self)
    }
}

/// Runs one of the shared checks as the body of the current test case.
///
/// # Safety
///
/// `check` is one of the checks of `asm/kthread_checks.h`, which take the
/// KUnit test that runs them.
unsafe fn run_check(check: unsafe extern "C" fn(*mut bindings::kunit)) {
    // SAFETY: Any thread may ask for its KUnit test.
    let test = unsafe { bindings::kunit_get_current_test() };
    assert!(!test.is_null());
    // SAFETY: `check` takes the KUnit test running on this thread, `test`.
    unsafe { check(test) };
}

#[kunit_tests(powerpc_kthread_softe)]
mod softe {
    use super::*;

    #[test]
    fn user_kthread_softe_enabled() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_softe_enabled) };
    }

    #[test]
    fn kthread_entry_soft_enabled() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_kthread_entry_soft_enabled) };
    }

    #[test]
    fn kthread_entry_hard_enabled_preemptible() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_kthread_entry_hard_enabled_preemptible) };
    }
}

#[kunit_tests(powerpc_kthread_user_mode)]
mod user_mode {
    use super::*;

    #[test]
    fn user_kthread_not_user_mode() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_not_user_mode) };
    }

    #[test]
    fn user_kthread_regs_zero() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_regs_zero) };
    }

    #[test]
    fn kthread_has_no_user_regs() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_kthread_has_no_user_regs) };
    }
}

#[kunit_tests(powerpc_kthread_spawn)]
mod spawn {
    use super::*;
    use crate::test_thread::{nr_cpu_ids, Running, TestThread};
    use kernel::{
        c_str,
        ffi::{c_int, c_ulong},
        new_condvar, new_mutex,
        sync::{Arc, CondVar, CondVarTimeoutResult, Mutex},
        time::msecs_to_jiffies,
    };

    /// What a spawned thread returns when it is stopped.
    const SPAWN_RET: c_int = 0x5eed;
    const NR_CONCURRENT: usize = 256;
    /// How long a thread may take to start.
    const START_TIMEOUT_MS: u32 = 10_000;

    /// What a thread saw when it started.
    #[derive(Clone, Copy)]
    struct Seen {
        /// The address of the [`Slot`] its closure captured.
        slot: usize,
        cpu: u32,
    }

    /// Where a thread reports that it started.
    #[pin_data]
    struct Slot {
        #[pin]
        seen: Mutex<Option<Seen>>,
        #[pin]
        changed: CondVar,
    }

    impl Slot {
        fn new() -> Result<Arc<Self>> {
            Arc::pin_init(
                pin_init!(Self {
                    seen <- new_mutex!(None),
                    changed <- new_condvar!(),
                }),
                GFP_KERNEL,
            )
        }

        fn address(&self) -> usize {
            core::ptr::from_ref(self) as usize
        }

        /// Waits for the thread to start; `None` if it did not in time.
        fn wait_seen(&self) -> Option<Seen> {
            let mut seen = self.seen.lock();
            while seen.is_none() {
                let timeout = msecs_to_jiffies(START_TIMEOUT_MS);
                if let CondVarTimeoutResult::Timeout =
                    self.changed.wait_interruptible_timeout(&mut seen, timeout)
                {
                    break;
                }
            }
            *seen
        }
    }

    /// The CPU the current task runs on, which a bound thread cannot leave.
    fn current_cpu() -> u32 {
        #[cfg(CONFIG_SMP)]
        // SAFETY: `current` is a valid task, and `thread_info.cpu` is what
        // `task_cpu()` reads (powerpc has THREAD_INFO_IN_TASK).
        return unsafe {
            core::ptr::read_volatile(core::ptr::addr_of!(
                (*bindings::get_current()).thread_info.cpu
            ))
        };
        #[cfg(not(CONFIG_SMP))]
        return 0;
    }

    /// The closure of the spawned threads: reports, then waits for the stop.
    fn report_and_wait(slot: Arc<Slot>) -> impl FnOnce(&Running<'_>) -> c_int + Send + 'static {
        move |running| {
            *slot.seen.lock() = Some(Seen {
                slot: slot.address(),
                cpu: current_cpu(),
            });
            slot.changed.notify_all();
            running.wait_for_stop();
            SPAWN_RET
        }
    }

    #[test]
    fn kthread_arg_identity() -> Result {
        let slot = Slot::new()?;
        let thread = TestThread::new(c_str!("ppc_kt_arg"), report_and_wait(slot.clone()))?;
        thread.start();
        let seen = slot.wait_seen();
        assert!(seen.is_some());
        assert_eq!(seen.map(|seen| seen.slot), Some(slot.address()));
        Ok(())
    }

    #[test]
    fn kthread_stop_returns_value() -> Result {
        let slot = Slot::new()?;
        let thread = TestThread::new(c_str!("ppc_kt_ret"), report_and_wait(slot.clone()))?;
        thread.start();
        assert!(slot.wait_seen().is_some());
        assert_eq!(thread.stop(), Some(SPAWN_RET));
        Ok(())
    }

    #[test]
    fn kthread_stopped_before_run() -> Result {
        let slot = Slot::new()?;
        let thread = TestThread::new(c_str!("ppc_kt_stopped"), report_and_wait(slot.clone()))?;
        assert_eq!(thread.stop(), None);
        assert!(slot.seen.lock().is_none());
        // The closure, and its reference to the slot, went with the thread.
        assert!(Arc::into_unique_or_drop(slot).is_some());
        Ok(())
    }

    #[test]
    fn kthread_bound_to_each_cpu() -> Result {
        // No assertion may end the test while the CPU hotplug lock is held.
        #[cfg(CONFIG_HOTPLUG_CPU)]
        // SAFETY: Keeps the online CPUs online until `cpus_read_unlock()`.
        unsafe {
            bindings::cpus_read_lock()
        };
        let counts = bound_to_each_online_cpu();
        #[cfg(CONFIG_HOTPLUG_CPU)]
        // SAFETY: Paired with the `cpus_read_lock()` above.
        unsafe {
            bindings::cpus_read_unlock()
        };
        let BoundCounts {
            online,
            ran_there,
            stopped,
        } = counts?;
        assert!(online > 0);
        assert_eq!(ran_there, online);
        assert_eq!(stopped, online);
        Ok(())
    }

    /// Of the online CPUs, on how many a thread bound there ran there, and
    /// how many of those threads returned [`SPAWN_RET`] when stopped.
    struct BoundCounts {
        online: u32,
        ran_there: u32,
        stopped: u32,
    }

    /// Starts a thread bound to each online CPU in turn.
    fn bound_to_each_online_cpu() -> Result<BoundCounts> {
        let mut counts = BoundCounts {
            online: 0,
            ran_there: 0,
            stopped: 0,
        };
        for cpu in (0..nr_cpu_ids()).filter(|&cpu| cpu_online(cpu)) {
            counts.online += 1;
            let slot = Slot::new()?;
            let thread =
                TestThread::new_on_cpu(cpu, c_str!("ppc_kt_cpu"), report_and_wait(slot.clone()))?;
            thread.start();
            if slot.wait_seen().map(|seen| seen.cpu) == Some(cpu) {
                counts.ran_there += 1;
            }
            if thread.stop() == Some(SPAWN_RET) {
                counts.stopped += 1;
            }
        }
        Ok(counts)
    }

    fn cpu_online(cpu: u32) -> bool {
        const BITS: u32 = c_ulong::BITS;
        // SAFETY: `cpu` is below `nr_cpu_ids`, so within the mask, which is
        // read as cpu_online() reads it.
        let word = unsafe {
            core::ptr::read_volatile(core::ptr::addr_of!(
                bindings::__cpu_online_mask.bits[(cpu / BITS) as usize]
            ))
        };
        word & (1 << (cpu % BITS)) != 0
    }

    #[test]
    fn many_concurrent_kthreads() -> Result {
        let mut slots = KVec::with_capacity(NR_CONCURRENT, GFP_KERNEL)?;
        let mut threads = KVec::with_capacity(NR_CONCURRENT, GFP_KERNEL)?;
        for _ in 0..NR_CONCURRENT {
            let slot = Slot::new()?;
            let thread = TestThread::new(c_str!("ppc_kt_many"), report_and_wait(slot.clone()))?;
            thread.start();
            slots.push(slot, GFP_KERNEL)?;
            threads.push(thread, GFP_KERNEL)?;
        }
        // All of them are running at once: none stops before all started.
        // Waiting ends at the first that does not start in time.
        let started = slots
            .iter()
            .take_while(|slot| slot.wait_seen().is_some())
            .count();
        assert_eq!(started, NR_CONCURRENT);
        let stopped = threads.into_iter().map(TestThread::stop);
        assert_eq!(
            stopped.filter(|code| *code == Some(SPAWN_RET)).count(),
            NR_CONCURRENT
        );
        Ok(())
    }

    #[test]
    fn kthread_trace_ends_at_shim() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_kthread_trace_ends_at_shim) };
    }

    #[test]
    fn user_kthread_trace_ends_at_shim() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_trace_ends_at_shim) };
    }
}

#[kunit_tests(powerpc_kthread_exec)]
mod exec {
    use super::*;

    #[test]
    fn user_kthread_exec_regs() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_exec_regs) };
    }
}

#[kunit_tests(powerpc_thread_frames)]
mod frames {
    use super::*;

    #[test]
    fn kthread_frames() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_kthread_frames) };
    }

    #[test]
    fn user_kthread_frames() {
        // SAFETY: A check of asm/kthread_checks.h.
        unsafe { run_check(bindings::ppc_kthread_check_user_kthread_frames) };
    }
}
