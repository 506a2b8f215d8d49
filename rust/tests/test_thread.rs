// SPDX-License-Identifier: GPL-2.0

//! Kernel threads that run a closure for a KUnit test.
//!
//! A [`TestThread`] is stopped when it is dropped, or when its test ends if
//! it never is: a failed `assert!` ends the test case without running
//! destructors, so the stop is also a KUnit action of the test. Either way
//! no thread runs this module's code after the test that started it.

use core::{cell::UnsafeCell, ptr::NonNull};
use kernel::{
    bindings, c_str,
    error::{from_err_ptr, to_result},
    ffi::{c_int, c_void},
    new_condvar, new_mutex,
    prelude::*,
    sync::{aref::ARef, CondVar, Mutex},
    task::Task,
};

/// The number of possible CPU ids, `nr_cpu_ids`, which some configurations
/// make a constant.
pub(crate) fn nr_cpu_ids() -> u32 {
    #[cfg(any(CONFIG_NR_CPUS = "1", CONFIG_FORCE_NR_CPUS))]
    return bindings::NR_CPUS;
    #[cfg(not(any(CONFIG_NR_CPUS = "1", CONFIG_FORCE_NR_CPUS)))]
    // SAFETY: `nr_cpu_ids` is set before any thread can run this.
    return unsafe { bindings::nr_cpu_ids };
}

/// What a thread shares with its owner.
///
/// # Invariants
///
/// Until `kthread_stop()` has returned, only the thread accesses `closure`;
/// afterwards only the owner does.
#[pin_data]
struct Shared<F> {
    /// Set before `kthread_stop()`, for [`Running::wait_for_stop`].
    #[pin]
    stop_requested: Mutex<bool>,
    #[pin]
    stop_wake: CondVar,
    /// Taken by the thread when it starts; still here if it never did.
    closure: UnsafeCell<Option<F>>,
}

// SAFETY: The thread takes `closure` and runs it, so `F` must be `Send`. The
// other fields are `Sync`, and the type invariant keeps the two sides from
// accessing `closure` at the same time.
unsafe impl<F: Send> Sync for Shared<F> {}

/// The owner's side of a thread: dropping it stops the thread.
///
/// # Invariants
///
/// `task` is a kernel thread created with `shared` as the argument of
/// [`thread_main::<F>`], and `kthread_stop()` has been called on it if and
/// only if `exit_code` is `Some`.
struct Owner<F> {
    shared: Pin<KBox<Shared<F>>>,
    task: ARef<Task>,
    exit_code: Option<c_int>,
}

impl<F> Owner<F> {
    /// Stops the thread, at most once, and returns what `kthread_stop()`
    /// returned: the closure's value, or `-EINTR` if it never started.
    fn stop(&mut self) -> c_int {
        if let Some(code) = self.exit_code {
            return code;
        }
        *self.shared.stop_requested.lock() = true;
        self.shared.stop_wake.notify_all();
        // SAFETY: `task` is a kernel thread (type invariant) on which
        // `kthread_stop()` was not called yet, and the reference `task`
        // holds keeps it from being freed even if it has exited.
        let code = unsafe { bindings::kthread_stop(self.task.as_ptr()) };
        // INVARIANT: `kthread_stop()` has now been called.
        self.exit_code = Some(code);
        code
    }

    /// Whether the closure was taken, which a stopped thread can no longer
    /// do: after [`Owner::stop`], whether it ran.
    fn closure_started(&self) -> bool {
        // SAFETY: Only called after `stop()`, when only the owner accesses
        // `closure` (invariant of `Shared`).
        unsafe { (*self.shared.closure.get()).is_none() }
    }
}

impl<F> Drop for Owner<F> {
    fn drop(&mut self) {
        // `shared` is freed after this, when the thread is gone.
        self.stop();
    }
}

/// Lets a thread's closure wait until its owner stops it.
pub(crate) struct Running<'a> {
    stop_requested: &'a Mutex<bool>,
    stop_wake: &'a CondVar,
}

impl Running<'_> {
    /// Sleeps until the owner stops the thread.
    pub(crate) fn wait_for_stop(&self) {
        let mut stop_requested = self.stop_requested.lock();
        while !*stop_requested {
            self.stop_wake.wait(&mut stop_requested);
        }
    }
}

/// The function of every [`TestThread`]: runs the closure in `shared`.
///
/// # Safety
///
/// `shared` points to a `Shared<F>` that stays valid until the thread has
/// exited.
unsafe extern "C" fn thread_main<F>(shared: *mut c_void) -> c_int
where
    F: FnOnce(&Running<'_>) -> c_int,
{
    // SAFETY: By the safety requirements, `shared` is a valid `Shared<F>`.
    let shared = unsafe { &*shared.cast::<Shared<F>>() };
    // SAFETY: The thread runs before `kthread_stop()` returns, when only it
    // accesses `closure` (invariant of `Shared`).
    let closure = unsafe { (*shared.closure.get()).take() };
    let running = Running {
        stop_requested: &shared.stop_requested,
        stop_wake: &shared.stop_wake,
    };
    // A kernel thread starts once, so the closure is there.
    closure.map_or(0, |closure| closure(&running))
}

/// The KUnit action that stops a thread its handle did not stop.
///
/// # Safety
///
/// `owner` comes from `KBox::into_raw()` of a `KBox<Owner<F>>`, and nothing
/// uses it after this.
unsafe extern "C" fn release_owner<F>(owner: *mut c_void) {
    // SAFETY: By the safety requirements, this owns `owner`.
    drop(unsafe { KBox::from_raw(owner.cast::<Owner<F>>()) });
}

/// A kernel thread that runs a closure for the current KUnit test.
///
/// The closure gets a [`Running`] to wait for the stop with, and returns the
/// thread's exit code. The thread is stopped by [`TestThread::stop`], when
/// the handle is dropped, or when the test ends, whichever comes first; so
/// no thread outlives the test, even when an assertion ends the test early.
///
/// The handle is neither `Send` nor `Sync`: it belongs to the KUnit test
/// running on the thread that created it.
///
/// # Invariants
///
/// `owner` comes from `KBox::into_raw()` and is the context of a KUnit action
/// of `test` registered with [`release_owner::<F>`]. Until that action runs,
/// which is when the handle is dropped at the latest, `owner` is valid and
/// used only by the handle. `test` is the test running on this thread.
pub(crate) struct TestThread<F: FnOnce(&Running<'_>) -> c_int + Send + 'static> {
    test: NonNull<bindings::kunit>,
    owner: NonNull<Owner<F>>,
}

impl<F: FnOnce(&Running<'_>) -> c_int + Send + 'static> TestThread<F> {
    /// Creates a thread named `name` that will run `closure` once started.
    ///
    /// Fails with `EINVAL` outside a KUnit test.
    pub(crate) fn new(name: &CStr, closure: F) -> Result<Self> {
        // SAFETY: Any thread may ask for its KUnit test.
        let test = NonNull::new(unsafe { bindings::kunit_get_current_test() }).ok_or(EINVAL)?;
        let shared = KBox::pin_init(
            pin_init!(Shared {
                stop_requested <- new_mutex!(false),
                stop_wake <- new_condvar!(),
                closure: UnsafeCell::new(Some(closure)),
            }),
            GFP_KERNEL,
        )?;
        let arg = core::ptr::from_ref::<Shared<F>>(&shared).cast_mut().cast();
        // SAFETY: `thread_main::<F>` takes the `Shared<F>` that `arg` points
        // to, which `Owner` frees only after the thread has exited. The name
        // is printed with "%s" from a NUL-terminated string.
        let task = from_err_ptr(unsafe {
            bindings::kthread_create_on_node(
                Some(thread_main::<F>),
                arg,
                bindings::NUMA_NO_NODE,
                c_str!("%s").as_char_ptr(),
                name.as_char_ptr(),
            )
        })?;
        // SAFETY: `Task` is a transparent wrapper of `task_struct`, and the
        // new thread cannot exit before it is woken, so `task` is valid.
        let task: ARef<Task> = unsafe { &*task.cast::<Task>() }.into();
        // INVARIANT: `task` was created with `shared` as its argument and
        // nothing stopped it yet. From here, dropping `owner` stops it.
        let owner = Owner {
            shared,
            task,
            exit_code: None,
        };
        let owner = KBox::into_raw(KBox::new(owner, GFP_KERNEL)?);
        // SAFETY: `release_owner::<F>` takes a `KBox<Owner<F>>`, which
        // `owner` is; if this fails, it runs at once.
        to_result(unsafe {
            bindings::kunit_add_action_or_reset(
                test.as_ptr(),
                Some(release_owner::<F>),
                owner.cast(),
            )
        })?;
        // INVARIANT: `owner` is now the context of that action.
        Ok(Self {
            test,
            // SAFETY: `KBox::into_raw()` never returns null.
            owner: unsafe { NonNull::new_unchecked(owner) },
        })
    }

    /// Creates a thread like [`TestThread::new`], bound to CPU `cpu`.
    ///
    /// Fails with `EINVAL` if there is no such possible CPU. The thread runs
    /// only while that CPU is online.
    pub(crate) fn new_on_cpu(cpu: u32, name: &CStr, closure: F) -> Result<Self> {
        if cpu >= nr_cpu_ids() {
            return Err(EINVAL);
        }
        let thread = Self::new(name, closure)?;
        // SAFETY: The thread was just created and is not woken yet, as
        // `kthread_bind()` requires, and `cpu` is below `nr_cpu_ids`.
        unsafe { bindings::kthread_bind(thread.owner().task.as_ptr(), cpu) };
        Ok(thread)
    }

    fn owner(&self) -> &Owner<F> {
        // SAFETY: `owner` is valid and only the handle uses it (invariant).
        unsafe { self.owner.as_ref() }
    }

    /// Lets the thread run its closure.
    pub(crate) fn start(&self) {
        // SAFETY: `task` is a valid task; waking it more than once is fine.
        unsafe { bindings::wake_up_process(self.owner().task.as_ptr()) };
    }

    /// Stops the thread and returns the closure's value, or `None` if the
    /// thread was stopped before its closure started (which then is
    /// dropped without running).
    pub(crate) fn stop(mut self) -> Option<c_int> {
        // SAFETY: `owner` is valid and only the handle uses it (invariant).
        let owner = unsafe { self.owner.as_mut() };
        let code = owner.stop();
        owner.closure_started().then_some(code)
    }
}

impl<F: FnOnce(&Running<'_>) -> c_int + Send + 'static> Drop for TestThread<F> {
    fn drop(&mut self) {
        // SAFETY: `owner` and `release_owner::<F>` are an action of `test`
        // (invariant). Releasing it runs it now, which stops the thread
        // unless `stop()` did, and frees `owner`, which no one uses after.
        unsafe {
            bindings::kunit_release_action(
                self.test.as_ptr(),
                Some(release_owner::<F>),
                self.owner.as_ptr().cast(),
            )
        };
    }
}
