// SPDX-License-Identifier: GPL-2.0

//! Kernel threads.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)
//!
//! A [`Thread`] runs a closure once on a new kernel thread. It is created
//! asleep, optionally bound to a CPU; [`Thread::start`] wakes it, and
//! [`Thread::stop`], or dropping the handle, stops it with `kthread_stop()`
//! and gives back the closure's value.
//!
//! `kthread_stop()` may come before the thread function ever runs: the
//! thread then exits with `-EINTR` and the function is never called, which a
//! C caller cannot tell from a function that returned `-EINTR`. Here the
//! stop returns `None` then, and the closure that never ran is dropped.

use crate::{
    bindings,
    cpu::CpuId,
    error::from_err_ptr,
    ffi::{c_int, c_void},
    new_condvar, new_mutex,
    prelude::*,
    sync::{aref::ARef, CondVar, Mutex},
    task::Task,
};
use core::cell::UnsafeCell;

/// Set before `kthread_stop()`, so that a closure can sleep until then.
#[pin_data]
struct StopRequest {
    #[pin]
    requested: Mutex<bool>,
    #[pin]
    wake: CondVar,
}

/// What a [`Thread`]'s closure is given: the way to learn of its stop.
pub struct Stop<'a>(&'a StopRequest);

impl Stop<'_> {
    /// Whether the owner has asked the thread to stop.
    pub fn requested(&self) -> bool {
        *self.0.requested.lock()
    }

    /// Sleeps until the owner asks the thread to stop.
    ///
    /// The sleep is interruptible, so that a thread parked here for long
    /// does not look hung. `kthread_stop()` makes a signal pending
    /// (`TIF_NOTIFY_SIGNAL`, which stays set), and the stop request comes
    /// before it, so the wait ends with `Ok(())` then. Kernel threads
    /// ignore signals unless they allow them; one that does gets `EINTR`
    /// for a signal that is not a stop.
    ///
    /// After a stop, every interruptible sleep of the thread returns at
    /// once, as for any kernel thread that `kthread_stop()` woke.
    pub fn wait(&self) -> Result {
        let mut requested = self.0.requested.lock();
        while !*requested {
            if self.0.wake.wait_interruptible(&mut requested) && !*requested {
                return Err(EINTR);
            }
        }
        Ok(())
    }
}

/// What a thread shares with its owner.
///
/// # Invariants
///
/// Until `kthread_stop()` has returned, or if the thread was never
/// created, only the thread accesses `closure` and `value`; after it, only
/// the owner does.
#[pin_data]
struct Shared<F, T> {
    #[pin]
    stop: StopRequest,
    /// Taken by the thread when it starts; still here if it never did.
    closure: UnsafeCell<Option<F>>,
    /// The closure's value, put here by the thread.
    value: UnsafeCell<Option<T>>,
}

// SAFETY: The thread takes `closure` and runs it, and puts `value`, so both
// types must be `Send`; the invariant keeps the thread and the owner from
// accessing them at once. The other fields are `Sync`.
unsafe impl<F: Send, T: Send> Sync for Shared<F, T> {}

/// The thread function of every [`Thread<T, F>`]: runs the closure in `arg`.
///
/// # Safety
///
/// `arg` points to a `Shared<F, T>` that stays valid until the thread exits,
/// and until then only this thread accesses its `closure` and `value`.
unsafe extern "C" fn thread_main<T, F>(arg: *mut c_void) -> c_int
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    // SAFETY: By the safety requirements.
    let shared = unsafe { &*arg.cast::<Shared<F, T>>() };
    // SAFETY: Only this thread accesses `closure` (safety requirements).
    let Some(closure) = (unsafe { (*shared.closure.get()).take() }) else {
        // kthread() calls its function once; a second call is a bug.
        crate::warn_on!(true);
        return EINVAL.to_errno();
    };
    let value = closure(&Stop(&shared.stop));
    // SAFETY: Only this thread accesses `value` (safety requirements).
    unsafe { *shared.value.get() = Some(value) };
    0
}

/// A kernel thread that runs a closure once.
///
/// The closure gets a [`Stop`]; [`Thread::stop`] returns its value.
///
/// # Module unloading
///
/// The thread runs the closure's code, which may be a module's: stop every
/// thread before the module unloads, which dropping the handles does. A
/// leaked handle (`mem::forget`, a reference cycle) never stops its thread,
/// which may then run code of an unloaded module. Holding a module
/// reference would not help: it would keep the module from unloading, so
/// its exit could never stop the thread. Deferred work has this limit in
/// general.
///
/// # Hung tasks
///
/// A new kernel thread sleeps uninterruptibly until it is woken or stopped,
/// so start or stop a [`Thread`] well within `hung_task_timeout_secs`.
///
/// # Invariants
///
/// `task` is a reference to a kernel thread created with
/// [`thread_main::<T, F>`] and a pointer to `*shared` as its argument, so
/// `shared` outlives the thread. `kthread_stop()` has been called on it if
/// and only if `stopped` is true.
///
/// # Examples
///
/// A thread stopped before it runs never runs its closure:
///
/// ```
/// use kernel::{c_str, kthread::Thread};
///
/// let thread = Thread::new(c_str!("example"), |_stop| 42)?;
/// assert_eq!(thread.stop(), None);
/// # Ok::<(), Error>(())
/// ```
///
/// A thread that waits for its stop:
///
/// ```
/// use kernel::{c_str, kthread::Thread};
///
/// let thread = Thread::new(c_str!("waiter"), |stop| stop.wait().map(|()| 7))?;
/// thread.start();
/// // `None` if the stop came before the thread first ran.
/// if let Some(value) = thread.stop() {
///     assert_eq!(value, Ok(7));
/// }
/// # Ok::<(), Error>(())
/// ```
#[must_use = "dropping a Thread stops it at once"]
pub struct Thread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    shared: Pin<KBox<Shared<F, T>>>,
    task: ARef<Task>,
    stopped: bool,
}

impl<T, F> Thread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    /// Creates a thread named `name` that runs `closure` once started.
    pub fn new(name: &CStr, closure: F) -> Result<Self> {
        let shared = KBox::pin_init(
            pin_init!(Shared {
                stop <- pin_init!(StopRequest {
                    requested <- new_mutex!(false),
                    wake <- new_condvar!(),
                }),
                closure: UnsafeCell::new(Some(closure)),
                value: UnsafeCell::new(None),
            }),
            GFP_KERNEL,
        )?;
        let arg = core::ptr::from_ref::<Shared<F, T>>(&shared)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: `thread_main::<T, F>` takes the `Shared<F, T>` that `arg`
        // points to, which the handle frees only after `kthread_stop()`,
        // when the thread has exited, and which only the thread accesses
        // until then. If this fails, no thread runs the function: a thread
        // that kthreadd creates after `-EINTR` exits without calling it, so
        // `shared` may be dropped. The name is printed with "%s".
        let task = from_err_ptr(unsafe {
            bindings::kthread_create_on_node(
                Some(thread_main::<T, F>),
                arg,
                bindings::NUMA_NO_NODE,
                crate::c_str!("%s").as_char_ptr(),
                name.as_char_ptr(),
            )
        })?;
        // SAFETY: `Task` is a transparent wrapper of `task_struct`, and a
        // new kernel thread cannot exit before it is woken or stopped; the
        // `ARef` takes a reference, which `kthread_stop()` needs.
        let task: ARef<Task> = unsafe { &*task.cast::<Task>() }.into();
        // INVARIANT: `task` was just created with `shared` and is not stopped.
        Ok(Self {
            shared,
            task,
            stopped: false,
        })
    }

    /// Creates a thread like [`Thread::new`], bound to CPU `cpu`.
    ///
    /// The binding holds while `cpu` is online. If it is not when the
    /// thread is to run, the scheduler moves the thread to another CPU and
    /// the binding is gone, as for `kthread_bind()` in C.
    pub fn new_on_cpu(cpu: CpuId, name: &CStr, closure: F) -> Result<Self> {
        let thread = Self::new(name, closure)?;
        // SAFETY: The thread was just created and never woken, as
        // `kthread_bind()` requires, and `cpu` is below `nr_cpu_ids`, so its
        // mask is a valid one.
        unsafe { bindings::kthread_bind(thread.task.as_ptr(), cpu.as_u32()) };
        Ok(thread)
    }

    /// The thread's task.
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// Lets the thread run its closure. Waking it again does nothing.
    pub fn start(&self) {
        self.task.wake_up();
    }

    /// Stops the thread, sleeping until its closure returns if it runs, and
    /// returns the closure's value, or `None` if the stop came before the
    /// closure ran (it is dropped then, without running).
    pub fn stop(mut self) -> Option<T> {
        self.stop_once()
    }

    fn stop_once(&mut self) -> Option<T> {
        if self.stopped {
            return None;
        }
        *self.shared.stop.requested.lock() = true;
        self.shared.stop.wake.notify_all();
        // SAFETY: `task` is a kernel thread on which `kthread_stop()` was not
        // called yet (invariant), kept from being freed by `self.task`.
        unsafe { bindings::kthread_stop(self.task.as_ptr()) };
        // INVARIANT: `kthread_stop()` was called.
        self.stopped = true;
        // SAFETY: The thread has exited, so only the owner accesses
        // `closure` and `value` now (invariant of `Shared`).
        let (not_run, value) = unsafe {
            (
                (*self.shared.closure.get()).take(),
                (*self.shared.value.get()).take(),
            )
        };
        drop(not_run);
        value
    }
}

impl<T, F> Drop for Thread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    fn drop(&mut self) {
        // `shared` is freed after this, when the thread is gone.
        drop(self.stop_once());
    }
}

#[cfg(CONFIG_RUST_KTHREAD_KUNIT_TEST)]
#[macros::kunit_tests(rust_kernel_kthread)]
mod tests {
    use super::*;
    use crate::{
        c_str,
        sync::{Arc, CondVarTimeoutResult},
        time::msecs_to_jiffies,
    };

    /// A flag a thread raises and a test waits for.
    #[pin_data]
    struct Flag {
        #[pin]
        raised: Mutex<Option<u32>>,
        #[pin]
        changed: CondVar,
    }

    impl Flag {
        fn new() -> Result<Arc<Self>> {
            Arc::pin_init(
                pin_init!(Self {
                    raised <- new_mutex!(None),
                    changed <- new_condvar!(),
                }),
                GFP_KERNEL,
            )
        }

        fn raise(&self, value: u32) {
            *self.raised.lock() = Some(value);
            self.changed.notify_all();
        }

        /// The raised value, or `None` if it was not raised within 10 s.
        fn wait(&self) -> Option<u32> {
            let mut left = msecs_to_jiffies(10_000);
            let mut raised = self.raised.lock();
            while raised.is_none() {
                match self.changed.wait_interruptible_timeout(&mut raised, left) {
                    CondVarTimeoutResult::Woken { jiffies } => left = jiffies,
                    _ => break,
                }
            }
            *raised
        }
    }

    #[test]
    fn not_run_when_stopped_first() -> Result {
        let flag = Flag::new()?;
        let seen = flag.clone();
        let thread = Thread::new(c_str!("rust_kt_not_run"), move |_| seen.raise(1))?;
        assert_eq!(thread.stop(), None);
        assert_eq!(*flag.raised.lock(), None);
        // The closure, and its reference to the flag, were dropped.
        assert!(Arc::into_unique_or_drop(flag).is_some());
        Ok(())
    }

    #[test]
    fn returns_its_value() -> Result {
        let flag = Flag::new()?;
        let seen = flag.clone();
        let thread = Thread::new(c_str!("rust_kt_value"), move |stop| {
            seen.raise(1);
            stop.wait().map(|()| 42)
        })?;
        thread.start();
        let started = flag.wait();
        // Stopped before any assertion, which would end the test at once.
        let value = thread.stop();
        assert_eq!(started, Some(1));
        assert_eq!(value, Some(Ok(42)));
        Ok(())
    }

    #[test]
    fn runs_on_its_cpu() -> Result {
        // Another CPU than this one, where a thread that is not bound would
        // usually start. This takes that CPU to be online, as it is on the
        // machines KUnit runs on; a thread bound to an offline CPU is moved.
        let next = (CpuId::current().as_u32() + 1) % crate::cpu::nr_cpu_ids();
        let cpu = CpuId::from_u32(next).ok_or(EINVAL)?;
        let flag = Flag::new()?;
        let seen = flag.clone();
        let thread = Thread::new_on_cpu(cpu, c_str!("rust_kt_cpu"), move |_| {
            seen.raise(CpuId::current().as_u32())
        })?;
        thread.start();
        let ran_on = flag.wait();
        drop(thread);
        // Without CPU hotplug during the test, the binding held.
        assert_eq!(ran_on, Some(cpu.as_u32()));
        Ok(())
    }

    #[test]
    fn drop_stops_it() -> Result {
        let flag = Flag::new()?;
        let seen = flag.clone();
        let thread = Thread::new(c_str!("rust_kt_drop"), move |stop| {
            seen.raise(1);
            let _ = stop.wait();
            seen.raise(2);
        })?;
        thread.start();
        let started = flag.wait();
        drop(thread);
        assert_eq!(started, Some(1));
        // The thread got past its wait before the drop returned.
        assert_eq!(*flag.raised.lock(), Some(2));
        Ok(())
    }
}
