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
//!   r15, which is where the shims in `interrupt_64.S` and `entry_32.S`
//!   look for them;
//! - sanitises the user registers of a user-mode kernel thread, which stay in
//!   place until `kernel_execve()` fills them.
//!
//! The C prototypes are in `asm/processor.h`; bindgen provides them, and
//! `#[export]` checks [`ppc_init_kthread_frames`] against its own.
//!
//! See Documentation/arch/powerpc/kernel-threads.rst.

use core::mem::MaybeUninit;
use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
};

/// The function a new thread runs, `int (*fn)(void *)` in C.
type ThreadFn = unsafe extern "C" fn(*mut c_void) -> c_int;

/// A start shim: its address is branched to, it is never called from Rust.
type Shim = unsafe extern "C" fn();

// There is no Rust for ELFv1, whose function pointers point to descriptors.
#[cfg(CONFIG_PPC64_ELF_ABI_V1)]
compile_error!("KernelFunction::entry() does not read ELFv1 function descriptors");

/// The address of a kernel function.
///
/// # Invariants
///
/// `self.0` is the address of the first instruction of a kernel function.
struct KernelFunction(*mut c_void);

impl KernelFunction {
    fn of_shim(shim: Shim) -> Self {
        // INVARIANT: a function pointer always points to a function, and
        // without descriptors to its first instruction.
        Self(shim as *mut c_void)
    }

    fn of_thread_fn(thread_fn: ThreadFn) -> Self {
        // INVARIANT: as in `of_shim()`.
        Self(thread_fn as *mut c_void)
    }

    /// Where the CPU branches to when it calls the function, as
    /// `ppc_function_entry()` computes it.
    fn entry(&self) -> usize {
        let address = self.0 as usize;
        #[cfg(CONFIG_PPC64_ELF_ABI_V2)]
        if self.has_global_entry_sequence() {
            // Kernel text does not end the address space: this never wraps,
            // and needs no overflow check, nor its call to panic.
            return address.wrapping_add(global_entry::SIZE);
        }
        address
    }

    /// Whether the function begins with the ELFv2 global entry sequence,
    /// which calls from within the kernel skip: there is one TOC, and r2
    /// holds it already.
    #[cfg(CONFIG_PPC64_ELF_ABI_V2)]
    fn has_global_entry_sequence(&self) -> bool {
        use global_entry::*;

        let insn = self.0.cast::<u32>();
        // SAFETY: by the type invariant, `insn` is the first instruction of
        // a kernel function, which is mapped and readable. Text patching
        // writes whole words, so the word is read once, as a whole.
        let first = unsafe { insn.read_volatile() } & OPCODE_RT_RA;
        if first != ADDIS_R2_R12 && first != LIS_R2 {
            return false;
        }
        // SAFETY: a function's last instruction is a branch or a trap, and
        // `first` is neither, so the function's next instruction follows it.
        let second = unsafe { insn.add(1).read_volatile() } & OPCODE_RT_RA;
        second == ADDI_R2_R2
    }
}

/// The ELFv2 global entry sequence, which loads the TOC pointer into r2:
/// `addis r2,r12,hi` (or `lis r2,hi`, if the linker knew the address) and
/// `addi r2,r2,lo`. Only the opcode, RT and RA fields are compared, as
/// `ppc_function_entry()` compares them.
#[cfg(CONFIG_PPC64_ELF_ABI_V2)]
mod global_entry {
    /// A D-form instruction, without its immediate.
    const fn d_form(opcode: u32, rt: u32, ra: u32) -> u32 {
        (opcode << 26) | (rt << 21) | (ra << 16)
    }

    const ADDI: u32 = 14;
    const ADDIS: u32 = 15;

    pub(super) const OPCODE_RT_RA: u32 = 0xffff_0000;
    pub(super) const ADDIS_R2_R12: u32 = d_form(ADDIS, 2, 12);
    pub(super) const LIS_R2: u32 = d_form(ADDIS, 2, 0);
    pub(super) const ADDI_R2_R2: u32 = d_form(ADDI, 2, 2);
    /// Two instructions.
    pub(super) const SIZE: usize = 8;
}

/// The registers of a `pt_regs` by name.
///
/// bindgen names the anonymous union of `struct pt_regs` itself; only this
/// function depends on that name.
fn registers(regs: &mut bindings::pt_regs) -> &mut bindings::user_pt_regs {
    // SAFETY: both members of the union hold only integers, so whatever bytes
    // the other member wrote are a valid `user_pt_regs`.
    unsafe { &mut regs.__bindgen_anon_1.user_regs }
}

/// Clears the user registers of a new user-mode kernel thread, which hold
/// whatever the stack held until `kernel_execve()` fills them.
///
/// Every byte becomes zero, except on 64-bit `softe`, which says interrupts
/// are enabled. So `user_mode()` is false, the MSR has no FP, VEC or VSX
/// bit, and no stale kernel data can reach user space. `softe` must say
/// "enabled" because exec leaves it as it is, and a system call BUGs on
/// regs that say interrupts were masked (today the new program's first
/// instruction fetch faults first, and that interrupt stores the soft mask;
/// nothing should rely on it). 32-bit has no soft mask: all zero is right.
fn sanitise_user_regs(slot: &mut MaybeUninit<bindings::pt_regs>) {
    // `pt_regs` is all `unsigned long`s, without padding: every byte is 0.
    *slot = MaybeUninit::zeroed();
    #[cfg(CONFIG_PPC64)]
    {
        // SAFETY: `pt_regs` holds only integers, for which zero bytes are
        // valid.
        let regs = unsafe { slot.assume_init_mut() };
        registers(regs).softe = bindings::IRQS_ENABLED as c_ulong;
    }
}

/// Makes `_switch` enter `shim` when it first runs the task, with the entry
/// point of `thread_fn` in r14 and `arg` in r15. Nothing else in the frame
/// is written.
fn fill_switch_frame(
    frame: &mut bindings::pt_regs,
    shim: Shim,
    thread_fn: ThreadFn,
    arg: *mut c_void,
) {
    let regs = registers(frame);
    regs.nip = KernelFunction::of_shim(shim).entry();
    regs.gpr[14] = KernelFunction::of_thread_fn(thread_fn).entry();
    regs.gpr[15] = arg as c_ulong;
}

/// Sets up the first frames of a new thread that runs `thread_fn(arg)`.
///
/// With `user_regs` null the thread is a kernel thread, which starts in
/// `start_kernel_thread`; otherwise it is a user-mode kernel thread, which
/// starts in `ret_from_kernel_user_thread`, and `user_regs` are sanitised.
/// Returns the start shim, which the caller stores in the LR save slot above
/// the switch frame.
///
/// # Safety
///
/// - `switch_regs` points to the register area of the new task's switch
///   frame, valid for reads and writes, which nothing else accesses during
///   the call.
/// - `user_regs` is null or points to the user register area of the new
///   task, valid for writes, which does not overlap `switch_regs` and which
///   nothing else accesses during the call.
/// - `thread_fn` is not `None`.
#[export]
pub unsafe extern "C" fn ppc_init_kthread_frames(
    switch_regs: *mut bindings::pt_regs,
    user_regs: *mut bindings::pt_regs,
    thread_fn: Option<ThreadFn>,
    arg: *mut c_void,
) -> c_ulong {
    // SAFETY: the caller guarantees that `thread_fn` is not `None`.
    let thread_fn = unsafe { thread_fn.unwrap_unchecked() };
    // SAFETY: the caller guarantees that `switch_regs` is valid for reads and
    // writes and not accessed elsewhere during the call.
    let frame = unsafe { &mut *switch_regs };
    // SAFETY: the caller guarantees that `user_regs` is null or valid for
    // writes and not accessed elsewhere during the call; as a `MaybeUninit`
    // its contents need not be valid.
    match unsafe { user_regs.cast::<MaybeUninit<bindings::pt_regs>>().as_mut() } {
        None => {
            let shim: Shim = bindings::start_kernel_thread;
            fill_switch_frame(frame, shim, thread_fn, arg);
            shim as c_ulong
        }
        Some(slot) => {
            let shim: Shim = bindings::ret_from_kernel_user_thread;
            fill_switch_frame(frame, shim, thread_fn, arg);
            // Last, after the switch frame: the only call, to memset, is on
            // this path alone, and a kernel thread's set-up needs no stack
            // frame.
            sanitise_user_regs(slot);
            shim as c_ulong
        }
    }
}

/// The prefix of `pr_*!()` messages. This file is a crate of its own, not a
/// module, so nothing else defines it; only the tests print.
#[cfg(CONFIG_KUNIT = "y")]
const __LOG_PREFIX: &[u8] = b"powerpc_thread_setup\0";

#[kunit_tests(powerpc_thread_setup_rust)]
mod tests {
    use super::*;
    use core::mem::size_of;

    /// What the stack holds before the frames are set up: no field of a
    /// frame that is set up takes this value by chance.
    const POISON: u8 = 0x5a;

    /// A real kernel thread function.
    const THREAD_FN: ThreadFn = bindings::kthreadd;

    fn poisoned() -> bindings::pt_regs {
        let mut regs = MaybeUninit::<bindings::pt_regs>::uninit();
        // SAFETY: `regs` is valid for writes of one `pt_regs`. Then every
        // byte is written, and any bytes are a valid `pt_regs`, which holds
        // only integers.
        unsafe {
            regs.as_mut_ptr().write_bytes(POISON, 1);
            regs.assume_init()
        }
    }

    fn bytes(regs: &bindings::pt_regs) -> &[u8] {
        // SAFETY: `pt_regs` has no padding, so all its bytes are initialised,
        // and they live as long as `regs`.
        unsafe {
            core::slice::from_raw_parts(
                core::ptr::from_ref(regs).cast::<u8>(),
                size_of::<bindings::pt_regs>(),
            )
        }
    }

    /// Whether `got` and `want` have the same bytes; logs the first that
    /// differs, since KUnit's message cannot.
    fn same_bytes(what: &str, got: &bindings::pt_regs, want: &bindings::pt_regs) -> bool {
        let (got, want) = (bytes(got), bytes(want));
        match got.iter().zip(want).position(|(g, w)| g != w) {
            None => true,
            Some(i) => {
                pr_err!(
                    "{what}: byte {i} of pt_regs is {:#04x}, expected {:#04x}\n",
                    got[i],
                    want[i]
                );
                false
            }
        }
    }

    /// The address of `shim`, as `ppc_init_kthread_frames()` returns it.
    fn address_of(shim: Shim) -> c_ulong {
        shim as c_ulong
    }

    /// Where the CPU branches to for `func`, computed by C's
    /// `ppc_function_entry()`.
    fn c_entry(func: *mut c_void) -> c_ulong {
        // SAFETY: every caller passes a kernel function.
        unsafe { bindings::ppc_kthread_function_entry(func) }
    }

    /// A poisoned frame with what `fill_switch_frame()` must write, and
    /// nothing else, written.
    fn expected_switch_frame(shim: Shim, arg: *mut c_void) -> bindings::pt_regs {
        let mut frame = poisoned();
        let regs = registers(&mut frame);
        regs.nip = c_entry(shim as *mut c_void);
        regs.gpr[14] = c_entry(THREAD_FN as *mut c_void);
        regs.gpr[15] = arg as c_ulong;
        frame
    }

    /// What `sanitise_user_regs()` must leave: every byte zero, but a 64-bit
    /// softe that says "enabled".
    fn expected_user_regs() -> bindings::pt_regs {
        #[cfg_attr(not(CONFIG_PPC64), allow(unused_mut))]
        // SAFETY: `pt_regs` holds only integers, for which zero bytes are
        // valid.
        let mut regs: bindings::pt_regs = unsafe { core::mem::zeroed() };
        #[cfg(CONFIG_PPC64)]
        {
            registers(&mut regs).softe = bindings::IRQS_ENABLED as c_ulong;
        }
        regs
    }

    /// Runs `ppc_init_kthread_frames()` on poisoned frames, and returns the
    /// shim and both frames.
    fn set_up(user: bool, arg: *mut c_void) -> (c_ulong, bindings::pt_regs, bindings::pt_regs) {
        let (mut switch_regs, mut user_regs) = (poisoned(), poisoned());
        let user_regs_ptr = if user {
            core::ptr::from_mut(&mut user_regs)
        } else {
            core::ptr::null_mut()
        };
        // SAFETY: both frames are distinct locals, valid for reads and
        // writes, and `THREAD_FN` is a function.
        let shim = unsafe {
            ppc_init_kthread_frames(&mut switch_regs, user_regs_ptr, Some(THREAD_FN), arg)
        };
        (shim, switch_regs, user_regs)
    }

    #[test]
    fn registers_are_the_start_of_pt_regs() {
        let mut frame = poisoned();
        let start = core::ptr::from_ref(&frame) as usize;
        assert_eq!(core::ptr::from_ref(registers(&mut frame)) as usize, start);
    }

    #[test]
    fn entry_points_are_kernel_text() {
        let functions = [
            KernelFunction::of_shim(bindings::start_kernel_thread),
            KernelFunction::of_shim(bindings::ret_from_kernel_user_thread),
            KernelFunction::of_thread_fn(THREAD_FN),
        ];
        for function in functions {
            let entry = function.entry();
            assert_eq!(entry, c_entry(function.0));
            // SAFETY: `core_kernel_text()` only compares addresses.
            assert!(unsafe { bindings::core_kernel_text(entry) } != 0);
            // The global entry point, or the local one two instructions in.
            assert!(entry.wrapping_sub(function.0 as usize) <= 8);
        }
    }

    #[test]
    fn kernel_thread_frames() {
        let arg = 0x1234_5678 as *mut c_void;
        let (shim, switch_regs, user_regs) = set_up(false, arg);
        assert_eq!(shim, address_of(bindings::start_kernel_thread));
        let want = expected_switch_frame(bindings::start_kernel_thread, arg);
        assert!(same_bytes("switch frame", &switch_regs, &want));
        assert!(same_bytes("user regs, not passed", &user_regs, &poisoned()));
    }

    #[test]
    fn user_kthread_frames() {
        let arg = 0x8765_4321 as *mut c_void;
        let (shim, switch_regs, user_regs) = set_up(true, arg);
        assert_eq!(shim, address_of(bindings::ret_from_kernel_user_thread));
        let want = expected_switch_frame(bindings::ret_from_kernel_user_thread, arg);
        assert!(same_bytes("switch frame", &switch_regs, &want));
        assert!(same_bytes("user regs", &user_regs, &expected_user_regs()));
    }
}
