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
//! The rules live in the types: the kind of thread ([`NewThread`]) decides
//! the shim and whether there are user registers to sanitise, and the frames
//! are only ever written, through [`MaybeUninit`]. Entry points come from C's
//! `ppc_function_entry()`, through its helper.
//!
//! The C prototype is in `asm/processor.h`; `#[export]` checks
//! [`ppc_init_kthread_frames`] against it. The C version it replaces,
//! `ppc_init_kthread_frames_c()`, is what the tests compare it with.
//!
//! See Documentation/arch/powerpc/kernel-threads.rst.

use core::{
    mem::{offset_of, MaybeUninit},
    ptr::{self, addr_of_mut},
};
use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
};

/// The function a new thread runs, `int (*fn)(void *)` in C.
type ThreadFn = unsafe extern "C" fn(*mut c_void) -> c_int;

// The registers `_switch` and the shims use are the start of `pt_regs`.
const _: () = assert!(offset_of!(bindings::pt_regs, __bindgen_anon_1) == 0);

/// Where `_switch` first enters a new thread. Its address is branched to;
/// it is never called.
#[derive(Clone, Copy)]
enum Shim {
    /// `start_kernel_thread`: calls `fn(arg)`, and traps if it returns.
    KernelThread,
    /// `ret_from_kernel_user_thread`: calls `fn(arg)`, then leaves through
    /// the system call exit to the program `fn` has exec'd.
    UserThread,
}

impl Shim {
    fn function(self) -> KernelFunction {
        let shim: unsafe extern "C" fn() = match self {
            Self::KernelThread => bindings::start_kernel_thread,
            Self::UserThread => bindings::ret_from_kernel_user_thread,
        };
        // INVARIANT: a function pointer points to a kernel function.
        KernelFunction(shim as *mut c_void)
    }

    /// The value `copy_thread()` stores in the LR save slot above the switch
    /// frame: the shim's address, as C takes it.
    fn address(self) -> c_ulong {
        self.function().0 as c_ulong
    }
}

/// The address of a kernel function, or null.
///
/// # Invariants
///
/// `self.0` is null or the address of a kernel function.
#[derive(Clone, Copy)]
struct KernelFunction(*mut c_void);

impl KernelFunction {
    /// The function a new thread runs; null if C passed none, which
    /// `copy_thread()` never does.
    fn of_thread_fn(thread_fn: Option<ThreadFn>) -> Self {
        // INVARIANT: null, or a function pointer, which points to a kernel
        // function.
        Self(thread_fn.map_or(ptr::null_mut(), |f| f as *mut c_void))
    }

    /// Where the CPU branches to when the kernel calls the function, as C's
    /// `ppc_function_entry()` says: the same code decides for C and Rust,
    /// for null too.
    fn entry(self) -> c_ulong {
        // SAFETY: by the type invariant, `ppc_function_entry()` gets what
        // `copy_thread()` would give it in C: a kernel function (whose first
        // instructions it may read), or the null it would get if C ever
        // passed one.
        unsafe { bindings::ppc_function_entry(self.0) }
    }
}

/// A thread being created to run `fn(arg)`.
enum NewThread<'a> {
    /// A kernel thread, which has no user registers.
    Kernel,
    /// A user-mode kernel thread, and its user registers, which hold
    /// whatever the stack held until they are sanitised.
    User(&'a mut MaybeUninit<bindings::pt_regs>),
}

impl NewThread<'_> {
    fn shim(&self) -> Shim {
        match self {
            Self::Kernel => Shim::KernelThread,
            Self::User(_) => Shim::UserThread,
        }
    }
}

/// The first frames of a new thread.
struct NewFrames<'a> {
    /// The register area of the switch frame. Only `nip`, r14 and r15 are
    /// written; what else `_switch` loads from it (CR, r16-r31) is never
    /// used, as the shim does not return.
    switch: &'a mut MaybeUninit<bindings::pt_regs>,
    thread: NewThread<'a>,
}

impl<'a> NewFrames<'a> {
    /// # Safety
    ///
    /// For `'a`:
    ///
    /// - `switch_regs` is valid for reads and writes of a `pt_regs`, aligned
    ///   for it, and accessed by nothing else;
    /// - `user_regs` is null or, likewise, valid for reads and writes of a
    ///   `pt_regs`, aligned for it, and accessed by nothing else,
    ///   `switch_regs` included.
    unsafe fn from_raw(
        switch_regs: *mut bindings::pt_regs,
        user_regs: *mut bindings::pt_regs,
    ) -> NewFrames<'a> {
        // SAFETY: the caller guarantees that `switch_regs` is valid, aligned
        // and ours alone for `'a`; as a `MaybeUninit` its bytes need not be
        // valid.
        let switch = unsafe { &mut *switch_regs.cast::<MaybeUninit<bindings::pt_regs>>() };
        // SAFETY: as above, for `user_regs` when it is not null.
        let thread = match unsafe { user_regs.cast::<MaybeUninit<bindings::pt_regs>>().as_mut() } {
            None => NewThread::Kernel,
            Some(regs) => NewThread::User(regs),
        };
        Self { switch, thread }
    }

    /// Sets up the frames for `thread_fn(arg)`; returns the start shim.
    fn set_up(self, thread_fn: KernelFunction, arg: *mut c_void) -> Shim {
        let shim = self.thread.shim();
        let regs = self.switch.as_mut_ptr();
        // SAFETY: `regs` comes from a reference, so it is valid for writes
        // and aligned. The places are integers inside it: projecting to them
        // makes no reference, and they are written, never read.
        unsafe {
            let user = addr_of_mut!((*regs).__bindgen_anon_1.user_regs);
            addr_of_mut!((*user).nip).write(shim.function().entry());
            addr_of_mut!((*user).gpr[14]).write(thread_fn.entry());
            addr_of_mut!((*user).gpr[15]).write(arg as c_ulong);
        }
        if let NewThread::User(regs) = self.thread {
            sanitise_user_regs(regs);
        }
        shim
    }
}

/// Clears the user registers of a new user-mode kernel thread.
///
/// Every byte becomes zero, as C's memset() makes them: so `user_mode()` is
/// false, the MSR has no FP, VEC or VSX bit, and no stale kernel data can
/// reach user space. Then 64-bit `softe` says interrupts are enabled, because
/// exec leaves it as it is, and a system call BUGs on regs that say they were
/// masked. `IRQS_ENABLED` is 0 today, so the store changes no byte; it is
/// there for the contract, as in C. 32-bit has no soft mask.
fn sanitise_user_regs(slot: &mut MaybeUninit<bindings::pt_regs>) {
    let regs = slot.as_mut_ptr();
    // SAFETY: `regs` comes from a reference, so it is valid for writes of
    // one `pt_regs` and aligned. Writing bytes is a memset: padding, if any,
    // is zeroed too.
    unsafe { regs.write_bytes(0, 1) };
    #[cfg(CONFIG_PPC64)]
    {
        // SAFETY: as above; the place is an integer inside `*regs`, written,
        // not read.
        unsafe {
            addr_of_mut!((*regs).__bindgen_anon_1.user_regs.softe)
                .write(bindings::IRQS_ENABLED as c_ulong);
        }
    }
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
///   frame: valid for writes of a `pt_regs`, aligned for it, and accessed by
///   nothing else during the call.
/// - `user_regs` is null or points to the user register area of the new
///   task: valid for writes of a `pt_regs`, aligned for it, not overlapping
///   `switch_regs`, and accessed by nothing else during the call.
/// - `thread_fn` is a kernel function. (`copy_thread()` only comes here with
///   one; a null one gets what C would do with it.)
#[export]
pub unsafe extern "C" fn ppc_init_kthread_frames(
    switch_regs: *mut bindings::pt_regs,
    user_regs: *mut bindings::pt_regs,
    thread_fn: Option<ThreadFn>,
    arg: *mut c_void,
) -> c_ulong {
    // SAFETY: the caller's guarantees are `from_raw()`'s, for this call.
    let frames = unsafe { NewFrames::from_raw(switch_regs, user_regs) };
    frames
        .set_up(KernelFunction::of_thread_fn(thread_fn), arg)
        .address()
}

/// The prefix of `pr_*!()` messages, which the tests print: this file is
/// a crate of its own, not a module, so `module!` does not define it.
/// Rust-for-Linux issue #362 tracks the missing default:
/// <https://github.com/Rust-for-Linux/linux/issues/362>.
#[cfg(CONFIG_PPC_RUST_THREAD_SETUP_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"powerpc_thread_setup\0";

/// The Rust unit against the C version it replaces, on the same poisoned
/// frames: the stacks of new threads come zeroed, so only poison shows a
/// missing store, and comparing bytes with C shows a wrong one.
#[cfg(CONFIG_PPC_RUST_THREAD_SETUP_KUNIT_TEST)]
#[kunit_tests(powerpc_thread_setup_rust)]
mod tests {
    use super::*;
    use core::mem::size_of;

    /// What the stack holds before the frames are set up: no field of a
    /// frame that is set up takes this value by chance.
    const POISON: u8 = 0x5a;

    const WORDS: usize = size_of::<bindings::pt_regs>() / size_of::<c_ulong>();

    /// A switch frame and user registers, as one new thread has them.
    struct Frames {
        switch: MaybeUninit<bindings::pt_regs>,
        user: MaybeUninit<bindings::pt_regs>,
    }

    impl Frames {
        /// Runs `set_up` (Rust's or C's) for `thread_fn(arg)` on poisoned
        /// frames; returns the shim and the frames.
        fn set_up(
            set_up: unsafe extern "C" fn(
                *mut bindings::pt_regs,
                *mut bindings::pt_regs,
                Option<ThreadFn>,
                *mut c_void,
            ) -> c_ulong,
            user: bool,
            thread_fn: ThreadFn,
            arg: *mut c_void,
        ) -> (c_ulong, Self) {
            let mut frames = Self {
                switch: MaybeUninit::uninit(),
                user: MaybeUninit::uninit(),
            };
            let (switch, user_regs) = (frames.switch.as_mut_ptr(), frames.user.as_mut_ptr());
            // SAFETY: both are distinct locals, aligned and valid for writes
            // of one `pt_regs`, and `thread_fn` is a kernel function.
            let shim = unsafe {
                switch.write_bytes(POISON, 1);
                user_regs.write_bytes(POISON, 1);
                set_up(
                    switch,
                    if user { user_regs } else { ptr::null_mut() },
                    Some(thread_fn),
                    arg,
                )
            };
            (shim, frames)
        }

        fn bytes(regs: &MaybeUninit<bindings::pt_regs>) -> &[u8] {
            // SAFETY: every byte was written, with poison first, and writes
            // of fields or bytes leave the others as they were; they live
            // as long as `regs`.
            unsafe {
                core::slice::from_raw_parts(
                    regs.as_ptr().cast::<u8>(),
                    size_of::<bindings::pt_regs>(),
                )
            }
        }

        fn words(regs: &MaybeUninit<bindings::pt_regs>) -> &[c_ulong] {
            // SAFETY: as in `bytes()`; `pt_regs` is aligned for words, and
            // holds `WORDS` of them.
            unsafe { core::slice::from_raw_parts(regs.as_ptr().cast::<c_ulong>(), WORDS) }
        }
    }

    /// Whether Rust and C set up byte-identical frames and return the same
    /// shim; logs the first byte that differs, which KUnit's message cannot.
    fn same_as_c(user: bool, thread_fn: ThreadFn, arg: *mut c_void) -> bool {
        let (shim, rust) = Frames::set_up(ppc_init_kthread_frames, user, thread_fn, arg);
        let (c_shim, c) = Frames::set_up(bindings::ppc_init_kthread_frames_c, user, thread_fn, arg);
        for (what, got, want) in [
            ("switch frame", &rust.switch, &c.switch),
            ("user regs", &rust.user, &c.user),
        ] {
            let (got, want) = (Frames::bytes(got), Frames::bytes(want));
            if let Some(i) = got.iter().zip(want).position(|(g, w)| g != w) {
                pr_err!(
                    "{what}: byte {i} is {:#04x} in Rust, {:#04x} in C\n",
                    got[i],
                    want[i]
                );
                return false;
            }
        }
        shim == c_shim
    }

    /// Real thread functions, which C calls through their local entry.
    const THREAD_FNS: [ThreadFn; 2] = [bindings::kthreadd, bindings::kthread_worker_fn];

    /// Arguments with every byte set somewhere, and none.
    const ARGS: [usize; 3] = [0, 0x1234_5678, usize::MAX];

    #[test]
    fn kernel_thread_frames_match_c() {
        for thread_fn in THREAD_FNS {
            for arg in ARGS {
                assert!(same_as_c(false, thread_fn, arg as *mut c_void));
            }
        }
    }

    #[test]
    fn user_kthread_frames_match_c() {
        for thread_fn in THREAD_FNS {
            for arg in ARGS {
                assert!(same_as_c(true, thread_fn, arg as *mut c_void));
            }
        }
    }

    fn entry(function: *mut c_void) -> c_ulong {
        // SAFETY: every caller passes a kernel function.
        unsafe { bindings::ppc_function_entry(function) }
    }

    /// What the frames must hold, word by word, without C's version: the
    /// comparisons above would pass if C and Rust were wrong alike.
    #[test]
    fn the_frames_hold_the_contract() {
        let poison = c_ulong::from_ne_bytes([POISON; size_of::<c_ulong>()]);
        let word = |field: usize| field / size_of::<c_ulong>();
        let (nip, gpr) = (
            word(offset_of!(bindings::user_pt_regs, nip)),
            word(offset_of!(bindings::user_pt_regs, gpr)),
        );
        let arg = 0x0bad_cafe_usize;
        for (user, start) in [
            (
                false,
                bindings::start_kernel_thread as unsafe extern "C" fn(),
            ),
            (true, bindings::ret_from_kernel_user_thread),
        ] {
            let thread_fn: ThreadFn = bindings::kthreadd;
            let (shim, frames) =
                Frames::set_up(ppc_init_kthread_frames, user, thread_fn, arg as *mut c_void);
            assert_eq!(shim, start as c_ulong);
            for (i, &w) in Frames::words(&frames.switch).iter().enumerate() {
                let want = match i {
                    _ if i == nip => entry(start as *mut c_void),
                    _ if i == gpr + 14 => entry(thread_fn as *mut c_void),
                    _ if i == gpr + 15 => arg as c_ulong,
                    _ => poison,
                };
                assert_eq!(w, want);
            }
            let user_words = Frames::words(&frames.user);
            assert!(user_words
                .iter()
                .all(|&w| w == if user { 0 } else { poison }));
        }
        // On ELFv2 without PC-relative code, C functions that use the TOC
        // are entered two instructions in: the comparisons see a function
        // address taken for its entry point.
        #[cfg(all(CONFIG_PPC64_ELF_ABI_V2, not(CONFIG_PPC_KERNEL_PCREL)))]
        {
            let kthreadd = bindings::kthreadd as *mut c_void;
            assert_ne!(entry(kthreadd), kthreadd as c_ulong);
        }
    }
}
