// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for Rust kernel threads on powerpc: `kernel::kthread`
//! threads, started through copy_thread() and start_kernel_thread like any
//! kernel thread, from a module or built in.
//!
//! The C suites of `kthread_kunit.c` run on every kernel, Rust or not; this
//! suite adds what Rust brings: a closure that runs exactly once or, when
//! stopped first, never; its value at the stop; and threads bound to each
//! CPU and many at once. See Documentation/arch/powerpc/kernel-threads.rst.

use kernel::prelude::*;

mod test_thread;

module! {
    type: KthreadRustTests,
    name: "kthread_kunit_rust",
    description: "KUnit tests for Rust kernel threads on powerpc",
    license: "GPL",
}

struct KthreadRustTests;

impl kernel::Module for KthreadRustTests {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // KUnit runs the suite, from the `.kunit_test_suites` section.
        Ok(Self)
    }
}

#[kunit_tests(powerpc_kthread_rust)]
mod kthread_rust {
    use super::*;
    use crate::test_thread::TestThread;
    use kernel::{
        bindings, c_str,
        cpu::{nr_cpu_ids, CpuId},
        ffi::c_ulong,
        kthread::Stop,
        new_condvar, new_mutex,
        sync::{Arc, CondVar, CondVarTimeoutResult, Mutex},
        time::msecs_to_jiffies,
    };

    /// What a thread returns when it is stopped.
    const SPAWN_RET: u32 = 0x5eed;
    const NR_CONCURRENT: usize = 256;
    /// How long all the threads of a case may take to start.
    const START_TIMEOUT_MS: u32 = 10_000;

    /// Where a thread reports that it started, and on which CPU.
    #[pin_data]
    struct Slot {
        #[pin]
        cpu: Mutex<Option<u32>>,
        #[pin]
        changed: CondVar,
    }

    impl Slot {
        fn new() -> Result<Arc<Self>> {
            Arc::pin_init(
                pin_init!(Self {
                    cpu <- new_mutex!(None),
                    changed <- new_condvar!(),
                }),
                GFP_KERNEL,
            )
        }

        /// Waits at most `left` jiffies, less what it waited, for the thread
        /// to start: the CPU it started on, or `None` if it did not in time.
        fn wait_started(&self, left: &mut c_ulong) -> Option<u32> {
            let mut cpu = self.cpu.lock();
            while cpu.is_none() {
                match self.changed.wait_interruptible_timeout(&mut cpu, *left) {
                    CondVarTimeoutResult::Woken { jiffies } => *left = jiffies,
                    // A signal: KUnit's timeout stops the test thread.
                    CondVarTimeoutResult::Timeout | CondVarTimeoutResult::Signal { .. } => {
                        *left = 0;
                        break;
                    }
                }
            }
            *cpu
        }
    }

    /// The closure of every thread here: reports, then waits for the stop.
    fn report_and_wait(slot: Arc<Slot>) -> impl FnOnce(&Stop<'_>) -> Result<u32> + Send + 'static {
        move |stop| {
            *slot.cpu.lock() = Some(CpuId::current().as_u32());
            slot.changed.notify_all();
            stop.wait().map(|()| SPAWN_RET)
        }
    }

    #[test]
    fn stop_returns_value() -> Result {
        let slot = Slot::new()?;
        let thread = TestThread::new(c_str!("ppc_kt_rust_ret"), report_and_wait(slot.clone()))?;
        thread.start();
        let started = slot.wait_started(&mut msecs_to_jiffies(START_TIMEOUT_MS));
        let exit = thread.stop();
        assert!(started.is_some());
        assert_eq!(exit, Some(Ok(SPAWN_RET)));
        Ok(())
    }

    #[test]
    fn stopped_before_start() -> Result {
        let slot = Slot::new()?;
        let thread = TestThread::new(c_str!("ppc_kt_rust_stop"), report_and_wait(slot.clone()))?;
        assert_eq!(thread.stop(), None);
        assert!(slot.cpu.lock().is_none());
        // The closure, and its reference to the slot, went with the thread.
        assert!(Arc::into_unique_or_drop(slot).is_some());
        Ok(())
    }

    /// Holds the CPU hotplug lock, so that online CPUs stay online. It
    /// blocks hotplug for the whole case, up to 10 s per CPU.
    struct CpusReadLocked(());

    impl CpusReadLocked {
        fn new() -> Self {
            #[cfg(CONFIG_HOTPLUG_CPU)]
            // SAFETY: Paired with `cpus_read_unlock()` in `drop()`.
            unsafe {
                bindings::cpus_read_lock()
            };
            Self(())
        }
    }

    impl Drop for CpusReadLocked {
        fn drop(&mut self) {
            #[cfg(CONFIG_HOTPLUG_CPU)]
            // SAFETY: `new()` took the lock.
            unsafe {
                bindings::cpus_read_unlock()
            };
        }
    }

    fn cpu_online(cpu: CpuId) -> bool {
        const BITS: u32 = c_ulong::BITS;
        let cpu = cpu.as_u32();
        // SAFETY: `cpu` is below `nr_cpu_ids`, so within the mask, which is
        // read as cpu_online() reads it; neither base has a Rust helper for
        // that inline function.
        let word = unsafe {
            core::ptr::read_volatile(core::ptr::addr_of!(
                bindings::__cpu_online_mask.bits[(cpu / BITS) as usize]
            ))
        };
        word & (1 << (cpu % BITS)) != 0
    }

    /// Of the online CPUs, on how many a thread bound there ran there, and
    /// how many of those threads returned [`SPAWN_RET`] when stopped.
    struct BoundCounts {
        online: u32,
        ran_there: u32,
        stopped: u32,
    }

    fn bound_to_each_online_cpu() -> Result<BoundCounts> {
        let mut counts = BoundCounts {
            online: 0,
            ran_there: 0,
            stopped: 0,
        };
        for cpu in (0..nr_cpu_ids()).filter_map(CpuId::from_u32) {
            if !cpu_online(cpu) {
                continue;
            }
            counts.online += 1;
            let slot = Slot::new()?;
            let thread = TestThread::new_on_cpu(
                cpu,
                c_str!("ppc_kt_rust_cpu"),
                report_and_wait(slot.clone()),
            )?;
            thread.start();
            if slot.wait_started(&mut msecs_to_jiffies(START_TIMEOUT_MS)) == Some(cpu.as_u32()) {
                counts.ran_there += 1;
            }
            if thread.stop() == Some(Ok(SPAWN_RET)) {
                counts.stopped += 1;
            }
        }
        Ok(counts)
    }

    #[test]
    fn bound_to_each_cpu() -> Result {
        // Released before any assertion, which would end the test at once.
        let counts = {
            let _online = CpusReadLocked::new();
            bound_to_each_online_cpu()
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

    // The C twin of this case is KUNIT_CASE_SLOW; #[kunit_tests] has no
    // way to mark a case slow, and it takes under a second here.
    #[test]
    fn many_concurrent() -> Result {
        let mut slots = KVec::with_capacity(NR_CONCURRENT, GFP_KERNEL)?;
        let mut threads = KVec::with_capacity(NR_CONCURRENT, GFP_KERNEL)?;
        for _ in 0..NR_CONCURRENT {
            let slot = Slot::new()?;
            let thread =
                TestThread::new(c_str!("ppc_kt_rust_many"), report_and_wait(slot.clone()))?;
            thread.start();
            slots.push(slot, GFP_KERNEL)?;
            threads.push(thread, GFP_KERNEL)?;
        }
        // All of them run at once: none stops before all started, and all
        // share one timeout.
        let mut left = msecs_to_jiffies(START_TIMEOUT_MS);
        let started = slots
            .iter()
            .take_while(|slot| slot.wait_started(&mut left).is_some())
            .count();
        let stopped = threads
            .into_iter()
            .map(TestThread::stop)
            .filter(|value| *value == Some(Ok(SPAWN_RET)))
            .count();
        assert_eq!(started, NR_CONCURRENT);
        assert_eq!(stopped, NR_CONCURRENT);
        Ok(())
    }
}
