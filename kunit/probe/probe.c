// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - user-space probe for kernel register leaks at exec and in
 * signal frames (powerpc: ppc64le ELFv2, ppc64 ELFv1, ppc32).
 *
 * A KUnit test runs this static binary with kernel_execve() from a
 * user-mode kernel thread (user_mode_thread(), like init or a usermode
 * helper).  The probe has no libc and no open file descriptors, so it
 * reports through its exit status, which the test expects to be 0; on
 * failure it also writes the offending value to /dev/console.
 *
 * Build (any of powerpc64le-, powerpc64-, powerpc-linux-gnu-gcc):
 *   $CC -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie \
 *       -no-pie -O2 -Wall -Wextra -Werror -o probe probe.c
 * -DPROBE_SKIP_ENTRY_CHECK skips check 1 (for qemu-user smoke tests,
 * whose initial register state is not the kernel's).
 *
 * Check 1: registers at entry, as left by start_thread() plus the syscall
 *   exit path: r1 != 0; r2 == 0 (not checked on ELFv1: TOC from .opd);
 *   r12 == _start on ELFv2, else 0; all other GPRs, CTR, LR, XER == 0.
 *   CR is only recorded (probe_entry_cr), never checked.
 * Check 2: SIGUSR1 is raised with kill() while r5..r12 and r14..r31 hold
 *   markers 0x100 + n; the handler checks the saved GPR image in the
 *   ucontext: the markers, except r9..r12 which syscall entry uses as
 *   scratch, and that no other entry up to PT_RESULT except MSR (index
 *   33) looks like a kernel address (>= 0xc0000000 / 0xc000000000000000).
 *
 * Exit codes (first failure wins, checks run in the order below):
 *   0x00          all checks passed
 *   0x80 | n      entry: GPR rn (0..31) has an unexpected value
 *   0xa0          entry: CTR != 0
 *   0xa1          entry: LR != 0
 *   0xa2          entry: XER != 0
 *   0x3c          rt_sigaction(SIGUSR1) failed
 *   0x3d          kill(getpid(), SIGUSR1) failed
 *   0x40 | n      signal frame: gp_regs[n] (n = 5..8, 14..31) != 0x100 + n
 *   0xb0 + i      signal frame: entry i (0..43) looks like a kernel address
 *   0x3f          signal handler never ran
 */

/* Syscall numbers, from asm/unistd.h (same on ppc32 and ppc64). */
#define __NR_write		4
#define __NR_open		5
#define __NR_getpid		20
#define __NR_kill		37
#define __NR_rt_sigaction	173
#define __NR_exit_group		234

/* From asm/signal.h and asm-generic/signal-defs.h. */
#define SIGUSR1			10
#define SA_SIGINFO		0x00000004UL

#define EXIT_GPR(n)		(0x80 | (n))
#define EXIT_CTR		0xa0
#define EXIT_LR			0xa1
#define EXIT_XER		0xa2
#define EXIT_SIGACTION		0x3c
#define EXIT_KILL		0x3d
#define EXIT_FRAME_MARKER(n)	(0x40 | (n))
#define EXIT_FRAME_KADDR(i)	(0xb0 + (i))
#define EXIT_NO_HANDLER		0x3f

#define MARKER(n)		(0x100UL + (n))

#if defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
#define PROBE_ELFV2		1
#elif defined(__powerpc64__)
#define PROBE_ELFV1		1
#elif defined(__powerpc__)
#define PROBE_PPC32		1
#else
#error "probe.c is powerpc only"
#endif

#ifdef __powerpc64__
#define KERNEL_ADDR_MIN		0xc000000000000000UL
#else
#define KERNEL_ADDR_MIN		0xc0000000UL
#endif

/*
 * Entry save area, filled by _start before any compiled code runs:
 * r0..r31, then CTR, LR, XER, CR.  It lives in _start's stack frame,
 * just above the minimum frame for the call into C, so saving needs no
 * register other than r1 and r0 (after r0 itself is saved).
 */
#define SAVE_CTR		32
#define SAVE_LR			33
#define SAVE_XER		34
#define SAVE_CR			35
#define SAVE_WORDS		36

#define STR_(x)			#x
#define STR(x)			STR_(x)

#ifdef PROBE_PPC32
#define MIN_FRAME		16	/* back chain + LR save, 16-aligned */
#define SAVE_BYTES		(SAVE_WORDS * 4)
#else
#ifdef PROBE_ELFV2
#define MIN_FRAME		32	/* ELFv2 minimum frame */
#else
#define MIN_FRAME		112	/* ELFv1: 48 header + 64 param save */
#endif
#define SAVE_BYTES		(SAVE_WORDS * 8)
#endif
#define START_FRAME		(MIN_FRAME + SAVE_BYTES)

_Static_assert(START_FRAME % 16 == 0, "_start frame must keep 16-byte alignment");

#ifdef __powerpc64__
/*
 * ppc64: push a frame (stdu also records the old r1 as back chain), save
 * r0 and r2..r31, then the old r1 and the SPRs through r0.  Only then
 * set up what C needs: 16-byte aligned r1, terminated back chain, TOC.
 */
#define START_SAVE_REGS							\
	"	stdu	1,-" STR(START_FRAME) "(1)\n"			\
	"	std	0," STR(MIN_FRAME) "(1)\n"			\
	"	.irp	reg,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n" \
	"	std	\\reg," STR(MIN_FRAME) "+\\reg*8(1)\n"		\
	"	.endr\n"						\
	"	ld	0,0(1)\n"					\
	"	std	0," STR(MIN_FRAME) "+1*8(1)\n"			\
	"	mfctr	0\n"						\
	"	std	0," STR(MIN_FRAME) "+32*8(1)\n"			\
	"	mflr	0\n"						\
	"	std	0," STR(MIN_FRAME) "+33*8(1)\n"			\
	"	mfxer	0\n"						\
	"	std	0," STR(MIN_FRAME) "+34*8(1)\n"			\
	"	mfcr	0\n"						\
	"	std	0," STR(MIN_FRAME) "+35*8(1)\n"			\
	"	addi	3,1," STR(MIN_FRAME) "\n"			\
	"	clrrdi	1,1,4\n"					\
	"	li	0,0\n"						\
	"	std	0,0(1)\n"
#else
#define START_SAVE_REGS							\
	"	stwu	1,-" STR(START_FRAME) "(1)\n"			\
	"	stw	0," STR(MIN_FRAME) "(1)\n"			\
	"	.irp	reg,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n" \
	"	stw	\\reg," STR(MIN_FRAME) "+\\reg*4(1)\n"		\
	"	.endr\n"						\
	"	lwz	0,0(1)\n"					\
	"	stw	0," STR(MIN_FRAME) "+1*4(1)\n"			\
	"	mfctr	0\n"						\
	"	stw	0," STR(MIN_FRAME) "+32*4(1)\n"			\
	"	mflr	0\n"						\
	"	stw	0," STR(MIN_FRAME) "+33*4(1)\n"			\
	"	mfxer	0\n"						\
	"	stw	0," STR(MIN_FRAME) "+34*4(1)\n"			\
	"	mfcr	0\n"						\
	"	stw	0," STR(MIN_FRAME) "+35*4(1)\n"			\
	"	addi	3,1," STR(MIN_FRAME) "\n"			\
	"	clrrwi	1,1,4\n"					\
	"	li	0,0\n"						\
	"	stw	0,0(1)\n"
#endif

#if defined(PROBE_ELFV2)
/*
 * ELFv2: derive the TOC from the PC rather than from r12 (the usual
 * addis 2,12,.TOC.-_start@ha), so that a wrong r12 from the kernel is
 * reported as 0x8c instead of crashing.  LR is already saved.
 */
asm(
"	.pushsection .text\n"
"	.p2align 4\n"
"	.globl	_start\n"
"	.type	_start,@function\n"
"_start:\n"
	START_SAVE_REGS
"	bcl	20,31,.Lprobe_toc_base\n"
".Lprobe_toc_base:\n"
"	mflr	2\n"
"	addis	2,2,.TOC.-.Lprobe_toc_base@ha\n"
"	addi	2,2,.TOC.-.Lprobe_toc_base@l\n"
"	bl	probe_main\n"
"	nop\n"
"	trap\n"
"	.size	_start,.-_start\n"
"	.popsection\n"
);
#elif defined(PROBE_ELFV1)
/*
 * ELFv1: e_entry is the _start function descriptor in .opd; the kernel
 * reads the code address and the TOC (into r2) from it.
 */
asm(
"	.pushsection .opd,\"aw\"\n"
"	.p2align 3\n"
"	.globl	_start\n"
"	.type	_start,@function\n"
"_start:\n"
"	.quad	.L._start,.TOC.@tocbase,0\n"
"	.popsection\n"
"	.pushsection .text\n"
"	.p2align 4\n"
".L._start:\n"
	START_SAVE_REGS
"	bl	probe_main\n"
"	nop\n"
"	trap\n"
"	.size	_start,.-.L._start\n"
"	.popsection\n"
);
#else
/* ppc32: static, non-PIC, no TOC; nothing to set up. */
asm(
"	.pushsection .text\n"
"	.p2align 4\n"
"	.globl	_start\n"
"	.type	_start,@function\n"
"_start:\n"
	START_SAVE_REGS
"	bl	probe_main\n"
"	trap\n"
"	.size	_start,.-_start\n"
"	.popsection\n"
);
#endif

/*
 * Raw syscalls: number in r0, arguments in r3..r8, "sc".  On error the
 * kernel sets CR0.SO and r3 holds a positive errno; return -errno then.
 * r9..r12 are zeroed by the kernel on exit; treat r0, r3..r12 as clobbered.
 */
static long probe_syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r0 asm("r0") = nr;
	register long r3 asm("r3") = a1;
	register long r4 asm("r4") = a2;
	register long r5 asm("r5") = a3;
	register long r6 asm("r6") = a4;

	asm volatile("sc\n\t"
		     "bns+	1f\n\t"
		     "neg	%1,%1\n"
		     "1:"
		     : "+r" (r0), "+r" (r3), "+r" (r4), "+r" (r5), "+r" (r6)
		     :
		     : "r7", "r8", "r9", "r10", "r11", "r12",
		       "cr0", "ctr", "xer", "memory");
	return r3;
}

static long probe_syscall3(long nr, long a1, long a2, long a3)
{
	return probe_syscall4(nr, a1, a2, a3, 0);
}

static void __attribute__((noreturn)) probe_exit(int code)
{
	probe_syscall3(__NR_exit_group, code, 0, 0);
	__builtin_unreachable();
}

/*
 * kill(pid, sig) with r5..r12 and r14..r31 = 0x100 + n, so the kernel
 * saves known values at syscall entry and the signal frame can be
 * compared with them.
 * CR0.LT/GT are cleared so that the saved CR can never look like a ppc32
 * kernel address (0xc0000000 needs both bits set).
 */
static long probe_kill_with_markers(long pid, long sig)
{
	register long r0 asm("r0") = __NR_kill;
	register long r3 asm("r3") = pid;
	register long r4 asm("r4") = sig;

	asm volatile(".irp	reg,5,6,7,8,9,10,11,12,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		     "li	\\reg,0x100+\\reg\n\t"
		     ".endr\n\t"
		     "crclr	0\n\t"
		     "crclr	1\n\t"
		     "sc\n\t"
		     "bns+	1f\n\t"
		     "neg	%1,%1\n"
		     "1:"
		     : "+r" (r0), "+r" (r3), "+r" (r4)
		     :
		     : "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
		       "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21",
		       "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29",
		       "r30", "r31", "cr0", "ctr", "xer", "memory");
	return r3;
}

/*
 * struct sigaction as the powerpc rt_sigaction syscall takes it
 * (asm/signal.h): handler, flags, restorer, then a 64-bit sigset.
 * powerpc ignores sa_restorer (it returns via the vDSO sigtramp or a
 * stack trampoline), so it is left 0 and SA_RESTORER is not used.
 */
struct probe_sigaction {
	void (*sa_handler)(int, void *, void *);
	unsigned long sa_flags;
	void (*sa_restorer)(void);
	unsigned long sa_mask[64 / (8 * sizeof(unsigned long))];
};

/* stack_t from asm/signal.h */
struct probe_stack {
	void *ss_sp;
	int ss_flags;
	unsigned long ss_size;
};

#define PROBE_NGREG		48	/* ELF_NGREG, asm/elf.h */
#define PT_MSR			33	/* asm/ptrace.h */
#define PT_RESULT		43	/* asm/ptrace.h */

#ifdef __powerpc64__
/* struct sigcontext (asm/sigcontext.h), up to gp_regs */
struct probe_sigcontext {
	unsigned long _unused[4];
	int signal;
	int _pad0;
	unsigned long handler;
	unsigned long oldmask;
	void *regs;
	unsigned long gp_regs[PROBE_NGREG];
	/* fp_regs, v_regs, vmx_reserve follow; not needed */
};

/* struct ucontext (asm/ucontext.h), 64-bit layout */
struct probe_ucontext {
	unsigned long uc_flags;
	struct probe_ucontext *uc_link;
	struct probe_stack uc_stack;
	unsigned long uc_sigmask;
	unsigned long __unused[15];
	struct probe_sigcontext uc_mcontext;
};

_Static_assert(__builtin_offsetof(struct probe_ucontext, uc_mcontext) == 168,
	       "ppc64 ucontext layout");
_Static_assert(__builtin_offsetof(struct probe_sigcontext, gp_regs) == 64,
	       "ppc64 sigcontext layout");

static const unsigned long *probe_frame_gregs(void *ctx)
{
	return ((struct probe_ucontext *)ctx)->uc_mcontext.gp_regs;
}
#else
/* struct mcontext (asm/ucontext.h), 32-bit, up to mc_gregs */
struct probe_mcontext {
	unsigned long mc_gregs[PROBE_NGREG];
	/* mc_fregs, mc_pad, mc_vregs follow; not needed */
};

/* struct ucontext (asm/ucontext.h), 32-bit layout, up to uc_regs */
struct probe_ucontext {
	unsigned long uc_flags;
	struct probe_ucontext *uc_link;
	struct probe_stack uc_stack;
	int uc_pad[7];
	struct probe_mcontext *uc_regs;	/* points to uc_mcontext */
	/* uc_sigmask, uc_maskext, uc_pad2, uc_mcontext follow */
};

_Static_assert(__builtin_offsetof(struct probe_ucontext, uc_regs) == 48,
	       "ppc32 ucontext layout");

static const unsigned long *probe_frame_gregs(void *ctx)
{
	return ((struct probe_ucontext *)ctx)->uc_regs->mc_gregs;
}
#endif

/* -1: handler never ran; else the handler's exit code (0 = pass). */
static volatile int probe_sig_verdict = -1;

/* CR at entry: recorded only, not checked. */
volatile unsigned long probe_entry_cr;

/* The value behind a failure, reported on /dev/console for debugging. */
static volatile unsigned long probe_bad_value;

static void probe_handler(int sig, void *info, void *ctx)
{
	const unsigned long *gregs = probe_frame_gregs(ctx);
	int i;

	(void)sig;
	(void)info;

	for (i = 5; i < 32; i++) {
		/* Syscall entry uses r9-r12 as scratch (64-bit saves 0). */
		if (i >= 9 && i <= 13)
			continue;
		if (gregs[i] != MARKER(i)) {
			probe_bad_value = gregs[i];
			probe_sig_verdict = EXIT_FRAME_MARKER(i);
			return;
		}
	}
	/*
	 * Entries up to PT_RESULT hold user values and addresses. MSR has
	 * high bits set on ppc64 (MSR_SF); the entries past PT_RESULT are
	 * register masks (PPR, AMR, IAMR), not addresses.
	 */
	for (i = 0; i <= PT_RESULT; i++) {
		if ((i >= 5 && i <= 8) || (i >= 14 && i <= 31) || i == PT_MSR)
			continue;	/* markers, checked above */
		if (gregs[i] >= KERNEL_ADDR_MIN) {
			probe_bad_value = gregs[i];
			probe_sig_verdict = EXIT_FRAME_KADDR(i);
			return;
		}
	}
	probe_sig_verdict = 0;
}

#ifndef PROBE_SKIP_ENTRY_CHECK
static int probe_check_entry(const unsigned long *regs)
{
	int n;

	for (n = 0; n < 32; n++) {
		unsigned long want = 0;

		if (n == 1) {
			/* stack pointer: only needs to be there */
			if (!regs[1])
				return EXIT_GPR(1);
			continue;
		}
#ifdef PROBE_ELFV1
		if (n == 2)	/* TOC, loaded from the descriptor */
			continue;
#endif
#ifdef PROBE_ELFV2
		if (n == 12) {
			extern char _start[];

			want = (unsigned long)_start;
		}
#endif
		if (regs[n] != want) {
			probe_bad_value = regs[n];
			return EXIT_GPR(n);
		}
	}
	probe_bad_value = regs[SAVE_CTR] | regs[SAVE_LR] | regs[SAVE_XER];
	if (regs[SAVE_CTR])
		return EXIT_CTR;
	if (regs[SAVE_LR])
		return EXIT_LR;
	if (regs[SAVE_XER])
		return EXIT_XER;
	return 0;
}
#endif

static int probe_check_signal_frame(void)
{
	struct probe_sigaction act;
	long pid;

	act.sa_handler = probe_handler;
	act.sa_flags = SA_SIGINFO;
	act.sa_restorer = 0;
	act.sa_mask[0] = 0;
#ifndef __powerpc64__
	act.sa_mask[1] = 0;
#endif
	if (probe_syscall4(__NR_rt_sigaction, SIGUSR1, (long)&act, 0,
			   sizeof(act.sa_mask)) < 0)
		return EXIT_SIGACTION;

	pid = probe_syscall3(__NR_getpid, 0, 0, 0);
	if (probe_kill_with_markers(pid, SIGUSR1) < 0)
		return EXIT_KILL;

	/* The signal is delivered on the way out of kill(). */
	if (probe_sig_verdict < 0)
		return EXIT_NO_HANDLER;
	return probe_sig_verdict;
}

static int probe_append(char *buf, int len, const char *str)
{
	while (*str)
		buf[len++] = *str++;
	return len;
}

static int probe_append_hex(char *buf, int len, unsigned long v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits--)
		buf[len++] = hex[(v >> (digits * 4)) & 0xf];
	return len;
}

/* "ppc_kthread_probe: code 0x.. value 0x...\n" on /dev/console, if open */
static void probe_report(int code)
{
	static char line[64];
	int len;
	long fd;

	len = probe_append(line, 0, "ppc_kthread_probe: code 0x");
	len = probe_append_hex(line, len, code, 2);
	len = probe_append(line, len, " value 0x");
	len = probe_append_hex(line, len, probe_bad_value,
			       2 * sizeof(probe_bad_value));
	line[len++] = '\n';

	fd = probe_syscall3(__NR_open, (long)"/dev/console", 1 /* O_WRONLY */, 0);
	if (fd >= 0)
		probe_syscall3(__NR_write, fd, (long)line, len);
}

/* Called from _start with the entry save area; never returns. */
void __attribute__((noreturn, used)) probe_main(unsigned long *regs);

void __attribute__((noreturn, used)) probe_main(unsigned long *regs)
{
	int code = 0;

	probe_entry_cr = regs[SAVE_CR];
#ifndef PROBE_SKIP_ENTRY_CHECK
	code = probe_check_entry(regs);
#endif
	if (!code)
		code = probe_check_signal_frame();
	if (code)
		probe_report(code);
	probe_exit(code);
}
