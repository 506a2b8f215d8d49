// SPDX-License-Identifier: GPL-2.0
/*
 * init (PID 1) of the make stress kernel. At the same time:
 *
 *   the kernel load of kunit/stress/thread_stress.c: kernel threads
 *   created and stopped from every CPU, and user-mode kernel threads that
 *   exec /exec_entry;
 *   fork() + _exit() + waitpid() from user space;
 *   CPU hotplug: every CPU but the boot one taken offline and online;
 *   failslab, limited to kthreadd (PID 2, /proc/2/make-it-fail) and the
 *   threads it creates meanwhile, fails a share of their allocations, so
 *   that a share of kernel thread creations and execs fail and must come
 *   back to the caller as an error code.
 *
 * Forks and hotplug go on until the kernel load is done, so that all of it
 * runs at once. Then it turns the injection off, checks that every CPU is online, asks
 * kmemleak for new leaks, prints the figures as "stress: NAME VALUE" lines
 * and exits 0, or 1 if anything failed. The kernel command line sets the
 * amounts (init gets unknown "name=value" parameters as its environment):
 * stress_kthreads, stress_execs, stress_forks, stress_hotplug (cycles over
 * all CPUs), stress_fail_percent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KMEMLEAK "/sys/kernel/debug/kmemleak"
#define FAILSLAB "/sys/kernel/debug/failslab/"
#define MAX_CPUS 64
#define ONLINE_TRIES 50

/* Counts the load processes report back, in memory shared with them. */
struct counts {
	int kernel_done;	/* the loads go on, past their amount, until then */
	long forks, fork_errors;
	long hotplug_cycles, offline_retries, online_retries, hotplug_errors;
};

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("stress: error: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	failures++;
}

static long setting(const char *name, long fallback)
{
	const char *value = getenv(name);

	return value ? strtol(value, NULL, 0) : fallback;
}

/* Write TEXT to PATH; returns 0 or the errno of the write. */
static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fputs(text, f) == EOF)
		err = errno;
	if (fclose(f) == EOF && !err)
		err = errno;
	return err;
}

static void must_put(const char *path, const char *text)
{
	int err = put(path, text);

	if (err)
		fail("writing \"%s\" to %s: %s", text, path, strerror(err));
}

static int read_line(const char *path, char *line, int size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(line, size, f) != NULL;
	fclose(f);
	return ok ? 0 : -1;
}

/* The error codes the failed creations and execs came back with. */
static void print_errors(void)
{
	FILE *f = fopen("/proc/thread_stress", "r");
	char line[256], kind[16];
	int err, n;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "thread_stress: %15s error %d %d", kind, &err, &n) == 3)
			printf("stress: %s failed with %s %d times\n", kind, strerrorname_np(-err) ?: "?", n);
	if (f)
		fclose(f);
}

static void fork_load(struct counts *c, long forks)
{
	int status;
	pid_t pid;

	for (; forks > 0 || !__atomic_load_n(&c->kernel_done, __ATOMIC_RELAXED); forks--) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
			__atomic_add_fetch(&c->fork_errors, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&c->forks, 1, __ATOMIC_RELAXED);
	}
}

/* Set a CPU online or offline, retrying what injected failures refuse. */
static int set_online(int cpu, int online, long *retries)
{
	char path[64];
	int tries, err = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	for (tries = 0; tries < ONLINE_TRIES; tries++) {
		err = put(path, online ? "1" : "0");
		if (!err)
			return 0;
		(*retries)++;
		usleep(20000);
	}
	printf("stress: cpu%d %s: %s after %d tries\n", cpu, online ? "online" : "offline",
	       strerror(err), ONLINE_TRIES);
	return -1;
}

static int hotpluggable_cpus(int *cpus)
{
	char path[64];
	int cpu, n = 0;

	for (cpu = 1; cpu < MAX_CPUS; cpu++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (access(path, W_OK) == 0)
			cpus[n++] = cpu;
	}
	return n;
}

static void hotplug_load(struct counts *c, long cycles)
{
	int cpus[MAX_CPUS], n = hotpluggable_cpus(cpus), i;

	for (; cycles > 0 || !__atomic_load_n(&c->kernel_done, __ATOMIC_RELAXED); cycles--) {
		for (i = 0; i < n; i++) {
			if (set_online(cpus[i], 0, &c->offline_retries) ||
			    set_online(cpus[i], 1, &c->online_retries))
				c->hotplug_errors++;
		}
		c->hotplug_cycles++;
	}
}

static pid_t start(void (*load)(struct counts *, long), struct counts *c, long amount)
{
	pid_t pid = fork();

	if (pid == 0) {
		load(c, amount);
		_exit(0);
	}
	if (pid < 0)
		fail("fork of a load process: %s", strerror(errno));
	return pid;
}

static void injection(long percent)
{
	char text[16];

	snprintf(text, sizeof(text), "%ld", percent);
	if (percent) {
		must_put(FAILSLAB "ignore-gfp-wait", "N");
		must_put(FAILSLAB "task-filter", "Y");
		must_put(FAILSLAB "verbose", "0");
		must_put(FAILSLAB "times", "-1");
		must_put(FAILSLAB "interval", "1");
	}
	must_put(FAILSLAB "probability", text);
	must_put("/proc/2/make-it-fail", percent ? "1" : "0");
}

static int kmemleak_leaks(void)
{
	char line[256];
	FILE *f;
	int leaks = 0;

	/* An object is reported once it has been unreferenced for 5 s. */
	must_put(KMEMLEAK, "scan");
	sleep(6);
	must_put(KMEMLEAK, "scan");
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		fail("%s: %s", KMEMLEAK, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		leaks += strncmp(line, "unreferenced object", 19) == 0;
		if (leaks && leaks <= 3)
			printf("stress: kmemleak: %s", line);
	}
	fclose(f);
	return leaks;
}

int main(void)
{
	long kthreads = setting("stress_kthreads", 1000), execs = setting("stress_execs", 100);
	long forks = setting("stress_forks", 1000), hotplug = setting("stress_hotplug", 3);
	long percent = setting("stress_fail_percent", 3);
	struct counts *c;
	char line[256], comm[32];
	pid_t forker, plugger;
	int kthread_ok, kthread_failed, early, umh_ok, umh_failed, bad, leaks, cpus[MAX_CPUS];
	unsigned long long ms;
	time_t deadline;

	mkdir("/sys", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) || mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL)) {
		printf("stress: mounting /proc, /sys and debugfs: %s\n", strerror(errno));
		return 1;
	}
	if (read_line("/proc/2/comm", comm, sizeof(comm)) || strcmp(comm, "kthreadd\n")) {
		printf("stress: PID 2 is not kthreadd\n");
		return 1;
	}
	/* Leaks are counted from here: what boot left is not this run's. */
	must_put(KMEMLEAK, "scan=off");
	must_put(KMEMLEAK, "scan");
	must_put(KMEMLEAK, "clear");
	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED || failures) {
		printf("stress: cannot set up (is kmemleak on?)\n");
		return 1;
	}
	memset(c, 0, sizeof(*c));
	printf("stress: %ld kthreads, %ld execs, %ld forks, %ld hotplug cycles of %d CPUs, "
	       "%ld%% of kthreadd's allocations failed\n",
	       kthreads, execs, forks, hotplug, hotpluggable_cpus(cpus), percent);
	fflush(stdout);

	/* Its drivers first: they are kthreadd's children too. */
	snprintf(line, sizeof(line), "%ld %ld", kthreads, execs);
	must_put("/proc/thread_stress", line);
	injection(percent);
	forker = start(fork_load, c, forks);
	plugger = start(hotplug_load, c, hotplug);
	/* The harness's timeout is the real limit; this one names the stuck part. */
	deadline = time(NULL) + 3600;
	while (!read_line("/proc/thread_stress", line, sizeof(line)) &&
	       strncmp(line, "thread_stress: done", 19) && time(NULL) < deadline)
		sleep(1);
	__atomic_store_n(&c->kernel_done, 1, __ATOMIC_RELAXED);
	if (forker > 0)
		waitpid(forker, NULL, 0);
	if (plugger > 0)
		waitpid(plugger, NULL, 0);
	injection(0);

	if (sscanf(line, "thread_stress: done kthread %d ok %d failed %d early-stopped umh %d ok %d failed bad %d ms %llu",
		   &kthread_ok, &kthread_failed, &early, &umh_ok, &umh_failed, &bad, &ms) != 7) {
		fail("the kernel load did not finish: %s", line);
		return 1;
	}
	if (kthread_ok + kthread_failed + early + umh_ok + umh_failed + bad != kthreads + execs)
		fail("the kernel load accounted for %d cycles, not %ld",
		     kthread_ok + kthread_failed + early + umh_ok + umh_failed + bad, kthreads + execs);
	if (bad)
		fail("%d thread stops or execs had an unexpected result (see the kernel log)", bad);
	if (percent && !kthread_failed)
		fail("no injected failure reached a kthread_create() caller");
	if (!percent && (kthread_failed || umh_failed))
		fail("%d thread creations and %d execs failed without injected failures",
		     kthread_failed, umh_failed);
	if (c->fork_errors || c->hotplug_errors)
		fail("%ld forks and %ld hotplug steps failed", c->fork_errors, c->hotplug_errors);
	leaks = kmemleak_leaks();
	if (leaks)
		fail("kmemleak: %d new suspected leaks", leaks);

	printf("stress: kthreads created %d\n", kthread_ok + early);
	printf("stress: kthreads per second %llu\n",
	       ms ? (kthread_ok + early + kthread_failed) * 1000ULL / ms : 0);
	printf("stress: kthreads stopped before running %d\n", early);
	printf("stress: execs %d\n", umh_ok);
	printf("stress: faults injected and handled %d (kthread_create %d, exec %d)\n",
	       kthread_failed + umh_failed, kthread_failed, umh_failed);
	print_errors();
	printf("stress: forks %ld\n", c->forks);
	printf("stress: hotplug cycles %ld (offline retried %ld, online retried %ld)\n",
	       c->hotplug_cycles, c->offline_retries, c->online_retries);
	printf("stress: load took %llu ms\n", ms);
	printf("stress: leaks %d\n", leaks);
	printf("stress: init %s\n", failures ? "FAILED" : "done");
	fflush(stdout);
	return failures ? 1 : 0;
}
