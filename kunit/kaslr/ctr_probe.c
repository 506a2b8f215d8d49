// SPDX-License-Identifier: GPL-2.0
/*
 * What CTR gives away after a system call, as init of a KASLR kernel.
 *
 * Calls getpid() with a bare "sc" and CTR poisoned, then looks the value
 * CTR came back with up in /proc/kallsyms (init runs as root, so it shows
 * the run-time addresses). Prints one line,
 *
 *   ctr_probe: ctr 0x<value> is <symbol>	(a kernel text address)
 *   ctr_probe: ctr 0x<value> is no kernel symbol
 *
 * and exits 0; the harness compares the symbol's run-time address with
 * its link-time address in System.map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#define POISON 0x5ca1ab1eUL

static unsigned long getpid_ctr(void)
{
	register unsigned long r0 asm("r0") = __NR_getpid;
	register unsigned long r3 asm("r3");
	unsigned long ctr = POISON;

	asm volatile("mtctr	%[ctr]\n\t"
		     "sc\n\t"
		     "mfctr	%[ctr]"
		     : "+r" (r0), "=r" (r3), [ctr] "+r" (ctr)
		     :
		     : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
		       "r12", "cr0", "ctr", "xer", "memory");
	return ctr;
}

int main(void)
{
	unsigned long ctr = getpid_ctr(), addr;
	char *line = NULL, name[128], type;
	size_t size = 0;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mount("proc", "/proc", "proc", 0, NULL))
		perror("ctr_probe: mount /proc");
	f = fopen("/proc/kallsyms", "r");
	if (!f) {
		perror("ctr_probe: /proc/kallsyms");
		return 1;
	}
	/* getline(): Rust symbols can be longer than any fixed buffer. */
	while (getline(&line, &size, f) > 0) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) == 3 &&
		    addr == ctr && ctr) {
			printf("ctr_probe: ctr %#lx is %s\n", ctr, name);
			free(line);
			return 0;
		}
	}
	free(line);
	printf("ctr_probe: ctr %#lx is no kernel symbol\n", ctr);
	return 0;
}
