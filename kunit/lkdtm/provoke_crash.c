// SPDX-License-Identifier: GPL-2.0
/*
 * Init of boot_init.py CONFIG lkdtm: provokes an LKDTM crash type as a
 * user does, by writing its name to /sys/kernel/debug/provoke-crash/DIRECT.
 * The name comes from the kernel command line ("crashtype=NAME", which
 * the kernel hands to init as an environment variable). Prints
 *
 *   provoke_crash: wrote NAME
 *
 * and exits 0 if the write returned; what the crash type printed is on the
 * console, for the harness to judge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define TRIGGER "/sys/kernel/debug/provoke-crash/DIRECT"

int main(void)
{
	const char *type = getenv("crashtype");
	ssize_t n;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!type || !*type) {
		printf("provoke_crash: error: no crashtype= on the kernel command line\n");
		return 1;
	}
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL)) {
		printf("provoke_crash: error: mounting sysfs and debugfs: %s\n", strerror(errno));
		return 1;
	}
	fd = open(TRIGGER, O_WRONLY);
	if (fd < 0) {
		printf("provoke_crash: error: %s: %s (is LKDTM built in?)\n", TRIGGER,
		       strerror(errno));
		return 1;
	}
	n = write(fd, type, strlen(type));
	if (n < 0) {
		printf("provoke_crash: error: writing %s: %s\n", type, strerror(errno));
		return 1;
	}
	close(fd);
	printf("provoke_crash: wrote %s\n", type);
	return 0;
}
