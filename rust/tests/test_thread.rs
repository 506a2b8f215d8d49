// SPDX-License-Identifier: GPL-2.0

//! Kernel threads that cannot outlive the KUnit test that starts them.
//!
//! A failed assertion ends a test case at once, without running
//! destructors, so a [`Thread`] handle on the test's stack would never stop
//! its thread, which would then run this module's code after the test, and
//! perhaps after the module is gone. A [`TestThread`] is a [`Thread`] whose
//! stop is also a KUnit action of the test: the handle's stop or drop takes
//! the action back first, and KUnit runs it when the test ends if the handle
//! did not.

use core::{mem::ManuallyDrop, ptr::NonNull};
use kernel::{
    bindings,
    cpu::CpuId,
    error::to_result,
    ffi::c_void,
    kthread::{Stop, Thread},
    prelude::*,
};

/// A KUnit action's function.
type Action = unsafe extern "C" fn(*mut c_void);

/// The KUnit action that stops a thread whose handle did not.
///
/// It runs on the thread that ends the test, not on the one that started
/// the thread, so it moves the [`Thread`] there: the bounds of [`Thread`]
/// (`F: Send`, `T: Send`) allow that.
///
/// # Safety
///
/// `thread` comes from `KBox::into_raw()` of a `KBox<Thread<T, F>>`, and
/// nothing uses it after this.
unsafe extern "C" fn release<T, F>(thread: *mut c_void)
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    // SAFETY: By the safety requirements, this owns `thread`. Dropping it
    // stops the thread.
    drop(unsafe { KBox::from_raw(thread.cast::<Thread<T, F>>()) });
}

/// A kernel thread that runs a closure for the current KUnit test.
///
/// The handle is neither `Send` nor `Sync`: its action belongs to the test
/// running on the thread that created it.
///
/// # Invariants
///
/// `thread` comes from `KBox::into_raw()` and, with `action`, which is
/// [`release::<T, F>`], is an action of `test`. Until that action runs or is
/// removed, `thread` is valid and used only by the handle. `test` is the
/// test running on the thread that made the handle.
pub(crate) struct TestThread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    test: NonNull<bindings::kunit>,
    thread: NonNull<Thread<T, F>>,
    /// The one pointer to the action's function, for KUnit to match:
    /// Rust does not promise that two mentions of it are equal.
    action: Action,
}

impl<T, F> TestThread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    /// Binds `thread` to the current test. Fails with `EINVAL` outside one.
    fn bind(thread: Thread<T, F>) -> Result<Self> {
        // SAFETY: Any thread may ask for its KUnit test.
        let test = NonNull::new(unsafe { bindings::kunit_get_current_test() }).ok_or(EINVAL)?;
        let thread = KBox::into_raw(KBox::new(thread, GFP_KERNEL)?);
        let action: Action = release::<T, F>;
        // SAFETY: `action` takes a `KBox<Thread<T, F>>`, which `thread` is;
        // if adding it fails, it runs at once.
        to_result(unsafe {
            bindings::kunit_add_action_or_reset(test.as_ptr(), Some(action), thread.cast())
        })?;
        // INVARIANT: `thread` and `action` are now an action of `test`.
        Ok(Self {
            test,
            // SAFETY: `KBox::into_raw()` never returns null.
            thread: unsafe { NonNull::new_unchecked(thread) },
            action,
        })
    }

    /// Creates a thread named `name` that will run `closure` once started.
    pub(crate) fn new(name: &CStr, closure: F) -> Result<Self> {
        Self::bind(Thread::new(name, closure)?)
    }

    /// Creates a thread like [`TestThread::new`], bound to CPU `cpu`.
    pub(crate) fn new_on_cpu(cpu: CpuId, name: &CStr, closure: F) -> Result<Self> {
        Self::bind(Thread::new_on_cpu(cpu, name, closure)?)
    }

    /// Lets the thread run its closure.
    pub(crate) fn start(&self) {
        // SAFETY: `thread` is valid and only the handle uses it (invariant).
        unsafe { self.thread.as_ref() }.start();
    }

    /// Stops the thread: the closure's value, or `None` if it never ran.
    pub(crate) fn stop(self) -> Option<T> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `thread` and `action` are an action of `test` (invariant).
        // Removing it without running it gives the box back to the handle,
        // which is not dropped.
        unsafe {
            bindings::kunit_remove_action(
                this.test.as_ptr(),
                Some(this.action),
                this.thread.as_ptr().cast(),
            )
        };
        // SAFETY: The action is gone, so `thread` is the handle's own box.
        KBox::into_inner(unsafe { KBox::from_raw(this.thread.as_ptr()) }).stop()
    }
}

impl<T, F> Drop for TestThread<T, F>
where
    F: FnOnce(&Stop<'_>) -> T + Send + 'static,
    T: Send + 'static,
{
    fn drop(&mut self) {
        // SAFETY: `thread` and `action` are an action of `test` (invariant).
        // Releasing it runs it now, which stops the thread and frees
        // `thread`, which no one uses after.
        unsafe {
            bindings::kunit_release_action(
                self.test.as_ptr(),
                Some(self.action),
                self.thread.as_ptr().cast(),
            )
        };
    }
}
