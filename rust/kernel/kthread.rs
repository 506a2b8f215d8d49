// SPDX-License-Identifier: GPL-2.0

//! Kernel threads.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)
//!
//! A [`Thread`] runs a closure once on a new kernel thread. It is created
//! asleep, optionally bound to a CPU; [`Thread::start`] wakes it, and
//! [`Thread::stop`], or dropping the handle, stops it with `kthread_stop()`.
//!
//! `kthread_stop()` may come before the thread function ever runs: the
//! thread then exits with `-EINTR` and the function is never called, so a
//! C caller cannot tell that exit from a function that returned `-EINTR`.
//! [`Thread::stop`] tells them apart ([`Exit::NotRun`]), and the closure
//! that never ran is dropped then.
//!
//! A leaked handle never stops its thread, which may then run module code
//! after the module is gone; as with other deferred work, the module must
//! stop its threads before it unloads.

use crate::{
    bindings,
    cpu::CpuId,
    error::from_err_ptr,
    ffi::{c_int, c_void},
    new_condvar, new_mutex,
    prelude::*,
    str::CStr,
    sync::{aref::ARef, CondVar, Mutex},
    task::Task,
};
use core::cell::UnsafeCell;

/// How a stopped [`Thread`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The closure ran and returned this.
    Returned(i32),
    /// The thread was stopped before the closure ran; the closure was
    /// dropped without running.
    NotRun,
}

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
    /// does not look hung. `kthread_stop()` itself makes a signal pending
    /// (`TIF_NOTIFY_SIGNAL`), so a wake-up with a signal is a stop if the
    /// request is there; else this returns `EINTR`, as kernel threads
    /// ignore signals unless they allow them.
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
/// Until `kthread_stop()` has returned, only the thread accesses `closure`;
/// after it, only the owner does.
#[pin_data]
struct Shared<F> {
    #[pin]
    stop: StopRequest,
    /// Taken by the thread when it starts; still here if it never did.
    closure: UnsafeCell<Option<F>>,
}

// SAFETY: The thread takes `closure` and runs it, so `F` must be `Send`;
// the invariant keeps the thread and the owner from accessing it at once.
// The other fields are `Sync`.
unsafe impl<F: Send> Sync for Shared<F> {}

/// The thread function of every [`Thread<F>`]: runs the closure in `arg`.
///
/// # Safety
///
/// `arg` points to a `Shared<F>` that stays valid until the thread exits.
unsafe extern "C" fn thread_main<F>(arg: *mut c_void) -> c_int
where
    F: FnOnce(&Stop<'_>) -> i32 + Send + 'static,
{
    // SAFETY: By the safety requirements.
    let shared = unsafe { &*arg.cast::<Shared<F>>() };
    // SAFETY: `kthread_stop()` cannot return before this thread exits, so
    // only this thread accesses `closure` (invariant of `Shared`).
    let Some(closure) = (unsafe { (*shared.closure.get()).take() }) else {
        // kthread() calls its function once; a second call is a bug.
        crate::warn_on!(true);
        return EINVAL.to_errno();
    };
    closure(&Stop(&shared.stop))
}

/// A kernel thread that runs a closure once.
///
/// The closure gets a [`Stop`] and returns the thread's exit code.
///
/// # Invariants
///
/// `task` is a kernel thread created with [`thread_main::<F>`] and a
/// pointer to `*shared` as its argument. `kthread_stop()` has been called
/// on it if and only if `exit` is `Some`.
///
/// # Examples
///
/// A thread stopped before it runs never runs its closure:
///
/// ```
/// use kernel::{c_str, kthread::{Exit, Thread}};
///
/// let thread = Thread::new(c_str!("example"), |_stop| 0)?;
/// assert_eq!(thread.stop(), Exit::NotRun);
/// # Ok::<(), Error>(())
/// ```
///
/// A thread that works until it is stopped:
///
/// ```
/// use kernel::{c_str, kthread::{Exit, Thread}};
///
/// let thread = Thread::new(c_str!("worker"), |stop| {
///     while !stop.requested() {
///         // Work, then sleep until stopped.
///         if stop.wait().is_err() {
///             return -1;
///         }
///     }
///     7
/// })?;
/// thread.start();
/// // `NotRun` if the stop came before the thread was first scheduled.
/// assert!(matches!(thread.stop(), Exit::Returned(7) | Exit::NotRun));
/// # Ok::<(), Error>(())
/// ```
pub struct Thread<F>
where
    F: FnOnce(&Stop<'_>) -> i32 + Send + 'static,
{
    shared: Pin<KBox<Shared<F>>>,
    task: ARef<Task>,
    exit: Option<Exit>,
}

impl<F> Thread<F>
where
    F: FnOnce(&Stop<'_>) -> i32 + Send + 'static,
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
            }),
            GFP_KERNEL,
        )?;
        let arg = (&raw const *shared).cast_mut().cast::<c_void>();
        // SAFETY: `thread_main::<F>` takes the `Shared<F>` that `arg` points
        // to, which the handle frees only after `kthread_stop()`, when the
        // thread has exited. The name is printed with "%s".
        let task = from_err_ptr(unsafe {
            bindings::kthread_create_on_node(
                Some(thread_main::<F>),
                arg,
                bindings::NUMA_NO_NODE,
                crate::c_str!("%s").as_char_ptr(),
                name.as_char_ptr(),
            )
        })?;
        // SAFETY: `Task` is a transparent wrapper of `task_struct`, and a
        // new kernel thread cannot exit before it is woken or stopped.
        let task: ARef<Task> = unsafe { &*task.cast::<Task>() }.into();
        // INVARIANT: `task` was just created with `shared` and is not stopped.
        Ok(Self {
            shared,
            task,
            exit: None,
        })
    }

    /// Creates a thread like [`Thread::new`], bound to CPU `cpu`: it runs
    /// only there, and only while that CPU is online.
    pub fn new_on_cpu(cpu: CpuId, name: &CStr, closure: F) -> Result<Self> {
        let thread = Self::new(name, closure)?;
        // SAFETY: The thread was just created and was never woken, as
        // `kthread_bind()` requires; `cpu` is a possible CPU.
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

    /// Stops the thread, waiting for its closure to return if it runs, and
    /// says how the thread ended.
    pub fn stop(mut self) -> Exit {
        self.stop_once()
    }

    fn stop_once(&mut self) -> Exit {
        if let Some(exit) = self.exit {
            return exit;
        }
        *self.shared.stop.requested.lock() = true;
        self.shared.stop.wake.notify_all();
        // SAFETY: `task` is a kernel thread on which `kthread_stop()` was not
        // called yet (invariant), kept from being freed by `self.task`.
        let code = unsafe { bindings::kthread_stop(self.task.as_ptr()) };
        // SAFETY: The thread has exited, so only the owner accesses
        // `closure` now (invariant of `Shared`).
        let not_run = unsafe { (*self.shared.closure.get()).take() };
        let exit = match not_run {
            Some(closure) => {
                drop(closure);
                Exit::NotRun
            }
            None => Exit::Returned(code),
        };
        // INVARIANT: `kthread_stop()` was called.
        self.exit = Some(exit);
        exit
    }
}

impl<F> Drop for Thread<F>
where
    F: FnOnce(&Stop<'_>) -> i32 + Send + 'static,
{
    fn drop(&mut self) {
        // `shared` is freed after this, when the thread is gone.
        self.stop_once();
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
        let thread = Thread::new(c_str!("rust_kt_not_run"), move |_| {
            seen.raise(1);
            0
        })?;
        assert_eq!(thread.stop(), Exit::NotRun);
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
            match stop.wait() {
                Ok(()) => 42,
                Err(e) => e.to_errno(),
            }
        })?;
        thread.start();
        let started = flag.wait();
        // Stopped before any assertion, which would end the test at once.
        let exit = thread.stop();
        assert_eq!(started, Some(1));
        assert_eq!(exit, Exit::Returned(42));
        Ok(())
    }

    #[test]
    fn runs_on_its_cpu() -> Result {
        let cpu = CpuId::current();
        let flag = Flag::new()?;
        let seen = flag.clone();
        let thread = Thread::new_on_cpu(cpu, c_str!("rust_kt_cpu"), move |_| {
            seen.raise(CpuId::current().as_u32());
            0
        })?;
        thread.start();
        let ran_on = flag.wait();
        drop(thread);
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
            0
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
