// SPDX-License-Identifier: GPL-2.0

//! First frames of new powerpc kernel threads and user-mode kernel threads.
//!
//! `copy_thread()` calls [`ppc_init_kthread_frames`] for every task that is
//! created to run a kernel function `fn(arg)`: kernel threads, and user-mode
//! kernel threads such as init or a usermode helper, which go to user space
//! once `fn` has done a successful `kernel_execve()`. Forked tasks do not
//! come here; they start from a copy of their parent's registers.
//!
//! This unit is the only code that
//!
//! - fills the switch frame that `_switch` pops when it first runs the task:
//!   the start shim in `nip`, the entry point of `fn` in r14 and `arg` in
//!   r15, which is where the shims in `interrupt_64.S` look for them;
//! - sanitises the user registers of a user-mode kernel thread, which stay in
//!   place until `kernel_execve()` fills them (see `UserKthreadRegs`).
//!
//! See Documentation/arch/powerpc/kernel-threads.rst.

use core::ffi::{c_int, c_ulong, c_void};
use core::mem::MaybeUninit;
use kernel::bindings;

/// The function a new thread runs: `int fn(void *arg)`.
type ThreadFn = unsafe extern "C" fn(*mut c_void) -> c_int;

// Declared in asm/switch_to.h, which bindgen does not see.
extern "C" {
    // Start shims in interrupt_64.S. Only their addresses are taken.
    fn start_kernel_thread();
    fn ret_from_kernel_user_thread();
    // ppc_function_entry(), out of line in process.c.
    fn ppc_kthread_function_entry(func: *mut c_void) -> c_ulong;
}

/// Address the CPU branches to when it calls `func`, as `ppc_function_entry()`.
fn function_entry(func: *const c_void) -> usize {
    // SAFETY: `func` is the address of a kernel function, whose first
    // instructions (ELFv2) or descriptor (ELFv1) are always readable.
    let entry = unsafe { ppc_kthread_function_entry(func.cast_mut()) };
    // `unsigned long` and `usize` are both 64 bits wide on ppc64.
    entry as usize
}

/// User registers of a user-mode kernel thread, from creation to exec.
///
/// # Invariants
///
/// Every byte of the registers, padding included, is zero, except `softe`,
/// which is `IRQS_ENABLED`. So `user_mode()` is false, the MSR has no FP,
/// VEC or VSX bit and no stale kernel data can reach user space. `softe`
/// must say "enabled" because exec leaves it as it is, and the first
/// syscall or interrupt from user space BUGs if the regs say interrupts
/// were masked.
struct UserKthreadRegs<'a> {
    // Held so that nothing else writes the registers while this exists.
    _regs: &'a mut bindings::pt_regs,
}

impl<'a> UserKthreadRegs<'a> {
    /// Overwrites whatever the stack held in `slot`.
    fn sanitise(slot: &'a mut MaybeUninit<bindings::pt_regs>) -> Self {
        // A whole-`MaybeUninit` write copies every byte, padding included.
        *slot = MaybeUninit::zeroed();
        // SAFETY: `pt_regs` holds only integers, so all-zero bytes are valid.
        let regs = unsafe { slot.assume_init_mut() };
        regs.__bindgen_anon_1.__bindgen_anon_1.softe = bindings::IRQS_ENABLED as usize;
        Self { _regs: regs }
    }
}

/// Register save area of the switch frame of a task that has never run.
///
/// # Invariants
///
/// `_switch` loads `nip` and the non-volatile GPRs from these registers
/// when it first switches to the task; nothing else reads them before.
struct SwitchFrame<'a>(&'a mut bindings::pt_regs);

impl SwitchFrame<'_> {
    /// Makes `_switch` enter `shim` with `entry` in r14 and `arg` in r15,
    /// leaving the rest of the frame alone. Returns the address of `shim`.
    fn start_in(
        &mut self,
        shim: unsafe extern "C" fn(),
        entry: ThreadFn,
        arg: *mut c_void,
    ) -> usize {
        // SAFETY: both views of the register union are plain integers, so
        // the named-register view is valid whatever bytes the frame holds.
        let regs = unsafe { &mut self.0.__bindgen_anon_1.__bindgen_anon_1 };
        regs.nip = function_entry(shim as *const c_void);
        regs.gpr[14] = function_entry(entry as *const c_void);
        regs.gpr[15] = arg as usize;
        shim as usize
    }

    /// Starts a kernel thread, which must never return from `entry`.
    fn start_kernel_thread(&mut self, entry: ThreadFn, arg: *mut c_void) -> usize {
        self.start_in(start_kernel_thread, entry, arg)
    }

    /// Starts a user-mode kernel thread. Taking `_user_regs` ensures that
    /// the shim that returns to user space only runs over sanitised regs.
    fn start_user_mode_thread(
        &mut self,
        _user_regs: UserKthreadRegs<'_>,
        entry: ThreadFn,
        arg: *mut c_void,
    ) -> usize {
        self.start_in(ret_from_kernel_user_thread, entry, arg)
    }
}

/// Sets up the first frames of a new thread that runs `thread_fn(arg)`.
///
/// With `user_regs` null the thread is a kernel thread; otherwise it is a
/// user-mode kernel thread and `user_regs` are sanitised. Returns the start
/// shim, which the caller stores in the LR save slot above the switch frame.
///
/// # Safety
///
/// - `switch_regs` points to the writable register area of the new task's
///   switch frame, which nothing else accesses during the call.
/// - `user_regs` is null or points to the writable user register area of
///   the new task, which does not overlap `switch_regs` and which nothing
///   else accesses during the call.
/// - `thread_fn` is a kernel function and `arg` is what it expects.
#[no_mangle]
pub unsafe extern "C" fn ppc_init_kthread_frames(
    switch_regs: *mut bindings::pt_regs,
    user_regs: *mut bindings::pt_regs,
    thread_fn: ThreadFn,
    arg: *mut c_void,
) -> usize {
    // SAFETY: the caller guarantees `switch_regs` is valid for writes and
    // unaliased; `pt_regs` holds only integers, so any bytes are valid.
    let mut frame = SwitchFrame(unsafe { &mut *switch_regs });
    // SAFETY: the caller guarantees `user_regs` is null or valid for writes
    // and unaliased; its current contents are never read.
    match unsafe { user_regs.cast::<MaybeUninit<bindings::pt_regs>>().as_mut() } {
        None => frame.start_kernel_thread(thread_fn, arg),
        Some(slot) => frame.start_user_mode_thread(UserKthreadRegs::sanitise(slot), thread_fn, arg),
    }
}
