// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_entry: check that a program exec'd from a user-mode kernel thread
 * (init, a usermode helper such as a core_pattern pipe helper) finds no
 * kernel data in its registers, at entry and in its first signal frame.
 *
 * user_regs runs it as a core_pattern pipe helper.  It can also be run as
 * init (rdinit=) or with kernel_execve() from a kernel test.  It has no
 * libc, whose start code would change the registers before they can be
 * checked, and is built static for ppc64 ELFv2, ppc64 ELFv1 and ppc32.
 * Build with -DEXEC_ENTRY_SKIP_ENTRY_CHECK to leave out check 1, for
 * smoke tests under qemu-user, whose initial registers are qemu's choice
 * rather than the kernel's.
 *
 * Check 1, registers at entry.  start_thread() clears every GPR except
 * r1 (the stack pointer), r2 (the TOC from the entry function descriptor,
 * ELFv1 only) and r12 (the entry address, ELFv2 only), and CTR, LR and
 * XER, and exec must return to user space with exactly that.  r0 is
 * expected to be 0 as well, which holds when a kernel thread did the
 * exec: after an execve() system call, r0 can still hold __NR_execve.
 * CR is saved but not checked.
 *
 * Check 2, the signal frame.  SIGUSR1 is sent with kill() while r5-r12
 * and r14-r31 hold markers 0x100 + n.  The handler checks the GPR image
 * of its ucontext, in which r5-r8 and r14-r31 must be the markers, and no
 * other entry up to PT_RESULT but MSR and r9-r12 may look like a kernel
 * address.  r9-r12 are scratch at syscall entry: 64-bit saves zeroes for
 * them, and so does 32-bit since "powerpc/32: Zero the unsaved volatile
 * register slots at syscall entry"; before it their slots held what the
 * task's last interrupt from user mode saved, any user value, 0xc0000000
 * included, so they stay exempt.  A 32-bit task of a 64-bit kernel
 * has user addresses up to 4GB and sees only the low halves of kernel
 * addresses, so there the last part is left out.
 *
 * Every problem is reported on a line of its own, then a last line
 * "exec_entry: N problems" or "exec_entry: ok".  The report goes to the
 * file named by argv[1], which is created or truncated, or without
 * argv[1] to fd 1 if it is open, else to /dev/console.
 *
 * The exit status is the code of the first problem, in this order:
 *   0x00          all checks passed
 *   0x80 | n      entry: GPR rn (0..31) has an unexpected value
 *   0xa0          entry: CTR != 0
 *   0xa1          entry: LR != 0
 *   0xa2          entry: XER != 0
 *   0x3c          rt_sigaction(SIGUSR1) failed
 *   0x3d          kill(getpid(), SIGUSR1) failed
 *   0x40 | n      signal frame: gpr[n] (n = 5..8, 14..31) != 0x100 + n
 *   0xb0 + i      signal frame: entry i (0..43) looks like a kernel address
 *   0x3f          signal handler never ran
 */

#include <stddef.h>
#include <asm/fcntl.h>
#include <asm/ptrace.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>

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

/*
 * ENTRY_GPR: the GPR that start_thread() sets from the entry point, which
 * _start passes to exec_entry_main() as the value to expect: the TOC in r2
 * on ELFv1, the entry address in r12 on ELFv2.
 */
#if defined(__PPC64__) && defined(_CALL_ELF) && _CALL_ELF == 2
#define EXEC_ENTRY_ELFV2	1
#define ABI_NAME		"ppc64 ELFv2"
#define ENTRY_GPR		12
#elif defined(__PPC64__)
#define EXEC_ENTRY_ELFV1	1
#define ABI_NAME		"ppc64 ELFv1"
#define ENTRY_GPR		2
#elif defined(__powerpc__)
#define EXEC_ENTRY_PPC32	1
#define ABI_NAME		"ppc32"
#define ENTRY_GPR		(-1)	/* none */
#else
#error "powerpc only"
#endif

#ifdef EXEC_ENTRY_PPC32
#define KERNEL_ADDR_MIN		0xc0000000UL
#define REG_BYTES		4
#define STL			"stw"
#define STLU			"stwu"
#define LDL			"lwz"
#define CLRRL			"clrrwi"
#define MIN_FRAME		16	/* back chain + LR save, 16-aligned */
#else
#define KERNEL_ADDR_MIN		0xc000000000000000UL
#define REG_BYTES		8
#define STL			"std"
#define STLU			"stdu"
#define LDL			"ld"
#define CLRRL			"clrrdi"
#ifdef EXEC_ENTRY_ELFV2
#define MIN_FRAME		32	/* ELFv2 minimum frame */
#else
#define MIN_FRAME		112	/* ELFv1: 48 header + 64 parameter save */
#endif
#endif

/*
 * Entry save area, filled by _start before any compiled code runs:
 * r0..r31, then CTR, LR, XER, CR.  It lives in _start's stack frame,
 * just above the minimum frame for the call into C, so saving needs no
 * register other than r1 and r0 (after r0 itself is saved).  The r1 slot
 * holds r1 at entry, where the kernel put argc, argv[] and envp[].
 */
#define SAVE_CTR		32
#define SAVE_LR			33
#define SAVE_XER		34
#define SAVE_CR			35
#define SAVE_WORDS		36
#define START_FRAME		(MIN_FRAME + SAVE_WORDS * REG_BYTES)

#if START_FRAME % 16
#error "the _start frame must keep r1 16-byte aligned"
#endif

#define STR_(x)			#x
#define STR(x)			STR_(x)
#define SAVE_SLOT(n)		STR(MIN_FRAME) "+" STR(n) "*" STR(REG_BYTES) "(1)"

/*
 * Push a frame (the store with update also records the old r1 as back
 * chain), save r0 and r2..r31, then the old r1 and the SPRs through r0.
 * Only then set up what C needs: r3 = the save area, a 16-byte aligned
 * r1 with a terminated back chain.
 */
#define START_SAVE_REGS							\
	"	" STLU "	1,-" STR(START_FRAME) "(1)\n"		\
	"	" STL "	0," SAVE_SLOT(0) "\n"				\
	"	.irp	reg,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"	\
	"	" STL "	\\reg," SAVE_SLOT(\\reg) "\n"			\
	"	.endr\n"						\
	"	.irp	reg,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n" \
	"	" STL "	\\reg," SAVE_SLOT(\\reg) "\n"			\
	"	.endr\n"						\
	"	" LDL "	0,0(1)\n"					\
	"	" STL "	0," SAVE_SLOT(1) "\n"				\
	"	mfctr	0\n"						\
	"	" STL "	0," SAVE_SLOT(SAVE_CTR) "\n"			\
	"	mflr	0\n"						\
	"	" STL "	0," SAVE_SLOT(SAVE_LR) "\n"			\
	"	mfxer	0\n"						\
	"	" STL "	0," SAVE_SLOT(SAVE_XER) "\n"			\
	"	mfcr	0\n"						\
	"	" STL "	0," SAVE_SLOT(SAVE_CR) "\n"			\
	"	addi	3,1," STR(MIN_FRAME) "\n"			\
	"	" CLRRL "	1,1,4\n"				\
	"	li	0,0\n"						\
	"	" STL "	0,0(1)\n"

#if defined(EXEC_ENTRY_ELFV2)
/*
 * ELFv2: the kernel sets r12 to the entry address.  Derive the TOC from
 * the PC rather than from r12 (the usual addis 2,12,.TOC.-_start@ha), so
 * that a wrong r12 is reported instead of crashing.  LR is already saved.
 */
#define START_CODE							\
	"	.pushsection .text\n"					\
	"	.p2align 4\n"						\
	"	.globl	_start\n"					\
	"	.type	_start,@function\n"				\
	"_start:\n"							\
	START_SAVE_REGS							\
	"	bcl	20,31,.Lexec_entry_pc\n"			\
	".Lexec_entry_pc:\n"						\
	"	mflr	2\n"						\
	"	addi	4,2,_start-.Lexec_entry_pc\n"			\
	"	addis	2,2,.TOC.-.Lexec_entry_pc@ha\n"			\
	"	addi	2,2,.TOC.-.Lexec_entry_pc@l\n"			\
	"	bl	exec_entry_main\n"				\
	"	nop\n"							\
	"	trap\n"							\
	"	.size	_start,.-_start\n"				\
	"	.popsection\n"
#elif defined(EXEC_ENTRY_ELFV1)
/*
 * ELFv1: e_entry is the _start function descriptor in .opd; the kernel
 * reads the code address and the TOC (into r2) from it.  Read the TOC
 * from the descriptor again, at its absolute address (static, non-PIE).
 */
#define START_CODE							\
	"	.pushsection .opd,\"aw\"\n"				\
	"	.p2align 3\n"						\
	"	.globl	_start\n"					\
	"	.type	_start,@function\n"				\
	"_start:\n"							\
	"	.quad	.L._start,.TOC.@tocbase,0\n"			\
	"	.popsection\n"						\
	"	.pushsection .text\n"					\
	"	.p2align 4\n"						\
	".L._start:\n"							\
	START_SAVE_REGS							\
	"	lis	4,_start@highest\n"				\
	"	ori	4,4,_start@higher\n"				\
	"	rldicr	4,4,32,31\n"					\
	"	oris	4,4,_start@h\n"					\
	"	ori	4,4,_start@l\n"					\
	"	ld	4,8(4)\n"					\
	"	bl	exec_entry_main\n"				\
	"	nop\n"							\
	"	trap\n"							\
	"	.size	_start,.-.L._start\n"				\
	"	.popsection\n"
#else
/* ppc32: static, non-PIC, no TOC; nothing to set up. */
#define START_CODE							\
	"	.pushsection .text\n"					\
	"	.p2align 4\n"						\
	"	.globl	_start\n"					\
	"	.type	_start,@function\n"				\
	"_start:\n"							\
	START_SAVE_REGS							\
	"	li	4,0\n"						\
	"	bl	exec_entry_main\n"				\
	"	trap\n"							\
	"	.size	_start,.-_start\n"				\
	"	.popsection\n"
#endif

/*
 * _start calls exec_entry_main(save area, ENTRY_GPR value to expect), and
 * traps should it return.
 */
asm(START_CODE);

/*
 * Raw system calls: number in r0, arguments in r3..r8, "sc".  On error
 * the kernel sets CR0.SO and r3 holds a positive errno; return -errno
 * then.  Treat r0 and r3..r12, CTR and XER as clobbered.
 */
static long sys_call4(long nr, long a1, long a2, long a3, long a4)
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

static long sys_call3(long nr, long a1, long a2, long a3)
{
	return sys_call4(nr, a1, a2, a3, 0);
}

static void sys_exit_group(int code)
{
	for (;;)
		sys_call3(__NR_exit_group, code, 0, 0);
}

/*
 * kill(pid, sig) with r5..r12 and r14..r31 = 0x100 + n, so that the
 * kernel saves known values at syscall entry and the signal frame can be
 * compared with them.  CR0.LT/GT are cleared so that the saved CR can
 * never look like a ppc32 kernel address (0xc0000000 needs both bits).
 * The handler runs on the way out; the memory clobber makes the compiler
 * reload what it wrote.
 */
static long sys_kill_with_markers(long pid, long sig)
{
	register long r0 asm("r0") = __NR_kill;
	register long r3 asm("r3") = pid;
	register long r4 asm("r4") = sig;

	asm volatile(".irp	reg,5,6,7,8,9,10,11,12\n\t"
		     "li	\\reg,0x100+\\reg\n\t"
		     ".endr\n\t"
		     ".irp	reg,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
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

/* Report output: one line at a time, written with a single write(). */
static long out_fd = -1;
static char line[160];
static unsigned int line_len;

static void put_str(const char *s)
{
	while (*s && line_len < sizeof(line) - 1)
		line[line_len++] = *s++;
}

static void put_dec(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	put_str(&buf[i]);
}

/* 0, or 0x and the digits without leading zeros */
static void put_hex(unsigned long v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	int i = sizeof(buf);

	if (!v) {
		put_str("0");
		return;
	}
	buf[--i] = '\0';
	while (v) {
		buf[--i] = digits[v & 0xf];
		v >>= 4;
	}
	buf[--i] = 'x';
	buf[--i] = '0';
	put_str(&buf[i]);
}

static void begin_line(void)
{
	line_len = 0;
	put_str("exec_entry: ");
}

static void end_line(void)
{
	line[line_len++] = '\n';
	if (out_fd >= 0)
		sys_call3(__NR_write, out_fd, (long)line, line_len);
	line_len = 0;
}

/* Ends a line begun with the name of a value: " = <value>, want <want>" */
static void end_value_line(unsigned long value, unsigned long want)
{
	put_str(" = ");
	put_hex(value);
	put_str(", want ");
	put_hex(want);
	end_line();
}

/* The report goes to argv[1], else to fd 1 if open, else /dev/console. */
static void open_report(unsigned long argc, char **argv)
{
	long err = 0;

	if (argc > 1 && argv[1]) {
		out_fd = sys_call3(__NR_open, (long)argv[1],
				   O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (out_fd >= 0)
			return;
		err = -out_fd;
	}

	if (sys_call3(__NR_fcntl, 1, F_GETFD, 0) >= 0)
		out_fd = 1;
	else
		out_fd = sys_call3(__NR_open, (long)"/dev/console",
				   O_WRONLY | O_NOCTTY, 0);

	if (err) {
		begin_line();
		put_str("cannot create ");
		put_str(argv[1]);
		put_str(", error ");
		put_dec(err);
		end_line();
	}
}

static int nr_problems;
static int first_code;

static void problem(int code)
{
	if (!nr_problems++)
		first_code = code;
}

#ifndef EXEC_ENTRY_SKIP_ENTRY_CHECK
static void check_entry(const unsigned long *regs, unsigned long want_entry_gpr)
{
	static const char * const spr_names[] = { "ctr", "lr", "xer" };
	static const int spr_codes[] = { EXIT_CTR, EXIT_LR, EXIT_XER };
	int n;

	for (n = 0; n < 32; n++) {
		unsigned long want = 0;

		if (n == 1) {
			/* the stack pointer: it only has to be there */
			if (!regs[1]) {
				begin_line();
				put_str("r1 = 0, want the stack pointer");
				end_line();
				problem(EXIT_GPR(1));
			}
			continue;
		}
		if (n == ENTRY_GPR)
			want = want_entry_gpr;
		if (regs[n] != want) {
			begin_line();
			put_str("r");
			put_dec(n);
			end_value_line(regs[n], want);
			problem(EXIT_GPR(n));
		}
	}

	for (n = 0; n < 3; n++) {
		if (regs[SAVE_CTR + n]) {
			begin_line();
			put_str(spr_names[n]);
			end_value_line(regs[SAVE_CTR + n], 0);
			problem(spr_codes[n]);
		}
	}
}
#endif

static const char *frame_reg_name(int i)
{
	static const char * const names[PT_RESULT + 1] = {
		[PT_NIP] = "nip", [PT_MSR] = "msr", [PT_ORIG_R3] = "orig_gpr3",
		[PT_CTR] = "ctr", [PT_LNK] = "link", [PT_XER] = "xer",
		[PT_CCR] = "ccr",
#ifdef EXEC_ENTRY_PPC32
		[PT_MQ] = "mq",
#else
		[PT_SOFTE] = "softe",
#endif
		[PT_TRAP] = "trap", [PT_DAR] = "dar", [PT_DSISR] = "dsisr",
		[PT_RESULT] = "result",
	};

	return i <= PT_RESULT ? names[i] : NULL;
}

/* Not on a 64-bit kernel, for a 32-bit task: see exec_entry_main() */
static int check_kernel_addresses = 1;

static void check_frame(const elf_greg_t *gregs)
{
	int i;

	for (i = 5; i < 32; i++) {
		/* syscall entry uses r9-r12 as scratch */
		if (i >= 9 && i <= 13)
			continue;
		if (gregs[i] != MARKER(i)) {
			begin_line();
			put_str("signal frame gpr[");
			put_dec(i);
			put_str("]");
			end_value_line(gregs[i], MARKER(i));
			problem(EXIT_FRAME_MARKER(i));
		}
	}

	/*
	 * The other entries up to PT_RESULT hold user values and addresses.
	 * MSR has high bits set on ppc64 (MSR_SF); the entries past
	 * PT_RESULT are register masks (PPR, AMR, IAMR), not addresses.
	 */
	for (i = 0; check_kernel_addresses && i <= PT_RESULT; i++) {
		if ((i >= 5 && i <= 12) || (i >= 14 && i <= 31) || i == PT_MSR)
			continue;
		if (gregs[i] >= KERNEL_ADDR_MIN) {
			begin_line();
			put_str("signal frame gpr[");
			put_dec(i);
			put_str("]");
			if (frame_reg_name(i)) {
				put_str(" (");
				put_str(frame_reg_name(i));
				put_str(")");
			}
			put_str(" = ");
			put_hex(gregs[i]);
			put_str(", a kernel address");
			end_line();
			problem(EXIT_FRAME_KADDR(i));
		}
	}
}

static int handler_ran;

static void handler(int sig, void *info, void *ctx)
{
	struct ucontext *uc = ctx;

	(void)sig;
	(void)info;
	handler_ran = 1;
#ifdef EXEC_ENTRY_PPC32
	check_frame(uc->uc_regs->mc_gregs);
#else
	check_frame(uc->uc_mcontext.gp_regs);
#endif
}

static void check_signal_frame(void)
{
	struct sigaction act;
	long pid, ret;
	int w;

	/* powerpc ignores sa_restorer: it returns via the vDSO or the stack */
	act.sa_handler = (__sighandler_t)(void (*)(void))handler;
	act.sa_flags = SA_SIGINFO;
	act.sa_restorer = NULL;
	for (w = 0; w < _NSIG_WORDS; w++)
		act.sa_mask.sig[w] = 0;

	ret = sys_call4(__NR_rt_sigaction, SIGUSR1, (long)&act, 0,
			sizeof(act.sa_mask));
	if (ret < 0) {
		begin_line();
		put_str("rt_sigaction(SIGUSR1) failed, error ");
		put_dec(-ret);
		end_line();
		problem(EXIT_SIGACTION);
		return;
	}

	pid = sys_call3(__NR_getpid, 0, 0, 0);
	ret = sys_kill_with_markers(pid, SIGUSR1);
	if (ret < 0) {
		begin_line();
		put_str("kill(getpid(), SIGUSR1) failed, error ");
		put_dec(-ret);
		end_line();
		problem(EXIT_KILL);
		return;
	}

	/* The signal is delivered on the way out of kill(). */
	if (!handler_ran) {
		begin_line();
		put_str("the SIGUSR1 handler never ran");
		end_line();
		problem(EXIT_NO_HANDLER);
	}
}

void exec_entry_main(unsigned long *regs, unsigned long want_entry_gpr);

/* Called from _start with the entry save area; does not return. */
void exec_entry_main(unsigned long *regs, unsigned long want_entry_gpr)
{
	/* start_thread() clears r3/r4: argc and argv[] are on the stack. */
	unsigned long *sp = (unsigned long *)regs[1];

	open_report(sp[0], (char **)&sp[1]);

	begin_line();
	put_str(ABI_NAME);
#ifdef EXEC_ENTRY_PPC32
	/*
	 * User space ends below the kernel on a 32-bit kernel, but a 32-bit
	 * task of a 64-bit kernel has its stack just below 4GB.
	 */
	if (regs[1] >= KERNEL_ADDR_MIN) {
		put_str(", stack at ");
		put_hex(regs[1]);
		put_str(": 64-bit kernel, kernel addresses not recognisable");
		check_kernel_addresses = 0;
	}
#endif
#ifdef EXEC_ENTRY_SKIP_ENTRY_CHECK
	put_str(", entry registers not checked (EXEC_ENTRY_SKIP_ENTRY_CHECK)");
	end_line();
	(void)want_entry_gpr;
#else
	end_line();
	check_entry(regs, want_entry_gpr);
#endif

	check_signal_frame();

	begin_line();
	if (nr_problems) {
		put_dec(nr_problems);
		put_str(nr_problems == 1 ? " problem" : " problems");
	} else {
		put_str("ok");
	}
	end_line();

	sys_exit_group(first_code);
}
