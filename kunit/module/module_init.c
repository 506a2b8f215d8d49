// SPDX-License-Identifier: GPL-2.0
/*
 * init (PID 1) of the module boot (boot_init.py CONFIG load): loads the
 * KUnit test modules /NAME.ko in the order of init's argument
 * modules=NAME,NAME... (init gets unknown "name=value" parameters as its
 * environment); each module's suites run as it loads and print their KTAP
 * on the console after the line "module_init: loading /NAME.ko". Then it
 * unloads them in reverse, and checks that no thread the tests started is
 * left after each load and each unload. Prints "module_init: WHAT [NAME]
 * VALUE" lines and exits 0, or 1 if anything failed; a module that does
 * not load stops the loading, and those loaded before it are unloaded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* What the tests name their threads: ppc_kt_arg, ppc_kt_many, ppc_kt/0... */
#define THREAD_PREFIX "ppc_kt"

static int failures;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fail(const char *what, const char *name)
{
	printf("module_init: error: %s%s%s\n", name ? name : "", name ? " " : "", what);
	failures++;
}

/* The tasks whose name starts with THREAD_PREFIX; -1 if /proc is unreadable. */
static int test_threads_left(void)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;	/* gone meanwhile */
		if (fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, THREAD_PREFIX, strlen(THREAD_PREFIX))) {
			printf("module_init: thread left: pid %s, %s", d->d_name, comm);
			n++;
		}
		fclose(f);
	}
	closedir(proc);
	return n;
}

static void check_no_threads(const char *when, const char *name)
{
	int n = test_threads_left();

	printf("module_init: threads_left_%s %s %d\n", when, name, n);
	if (n)
		fail(n < 0 ? "cannot read /proc" : "test threads left running", NULL);
}

/* Loads /NAME.ko; 0 if it loaded. */
static int load(const char *name)
{
	char path[256];
	double start;
	int fd;

	snprintf(path, sizeof(path), "/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail("is not in the initramfs", name);
		return -1;
	}
	printf("module_init: loading %s\n", path);
	start = now_ms();
	if (syscall(SYS_finit_module, fd, "", 0)) {
		perror("module_init: finit_module");
		close(fd);
		fail("did not load", name);
		return -1;
	}
	printf("module_init: load_ms %s %.0f\n", name, now_ms() - start);
	close(fd);
	check_no_threads("after_load", name);
	return 0;
}

static void unload(const char *name)
{
	double start = now_ms();

	if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
		perror("module_init: delete_module");
		fail("did not unload", name);
	} else {
		printf("module_init: unload_ms %s %.0f\n", name, now_ms() - start);
	}
	check_no_threads("after_unload", name);
}

int main(void)
{
	const char *list = getenv("modules");
	char *names[16], *copy, *name;
	int n = 0, loaded = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mount("proc", "/proc", "proc", 0, NULL))
		fail("cannot mount /proc", NULL);
	if (!list || !*list) {
		fail("no modules=NAME,... on the kernel command line", NULL);
		return 1;
	}
	copy = strdup(list);
	for (name = strtok(copy, ","); name && n < 16; name = strtok(NULL, ","))
		names[n++] = name;

	/* A later module may use what an earlier one exports: in order. */
	while (loaded < n && !load(names[loaded]))
		loaded++;
	while (loaded > 0)
		unload(names[--loaded]);

	printf("module_init: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
