// SPDX-License-Identifier: GPL-2.0
/*
 * A qemu TCG plugin for make bench: counts the guest instructions executed
 * inside given address ranges (the functions of thread set-up), and prints
 * the counts each time the guest executes a marker function, so that the
 * counts of one block of cycles are the difference of two lines.
 *
 *   -plugin insn-ranges.so,range=NAME@0xSTART+LEN,...,mark=0xADDR
 *   -d plugin -D FILE
 *
 * prints to FILE, at each execution of the marker,
 *
 *   insn_ranges: mark NAME=COUNT NAME=COUNT ...
 *
 * The counts are exact: they do not depend on what else the guest runs,
 * only on which instructions of the ranges it executes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_RANGES 16

static struct range {
	char name[160];	/* Rust names are long */
	uint64_t start, end;
	uint64_t count;
} ranges[MAX_RANGES];
static int n_ranges;
static uint64_t mark;

static void at_mark(unsigned int vcpu, void *data)
{
	char line[64 + MAX_RANGES * 192];
	size_t len = snprintf(line, sizeof(line), "insn_ranges: mark");
	int i;

	for (i = 0; i < n_ranges && len < sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%" PRIu64,
				ranges[i].name, ranges[i].count);
	if (len < sizeof(line) - 1)
		strcpy(line + len, "\n");
	qemu_plugin_outs(line);
}

static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	int r;

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);

		if (pc == mark)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, at_mark,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		for (r = 0; r < n_ranges; r++)
			if (pc >= ranges[r].start && pc < ranges[r].end)
				qemu_plugin_register_vcpu_insn_exec_inline(
					insn, QEMU_PLUGIN_INLINE_ADD_U64, &ranges[r].count, 1);
	}
}

static int parse_range(const char *spec)
{
	struct range *r = &ranges[n_ranges];
	const char *at = strchr(spec, '@');
	char *end;
	uint64_t len;

	if (n_ranges == MAX_RANGES || !at || at == spec || at - spec >= (long)sizeof(r->name))
		return -1;
	memcpy(r->name, spec, at - spec);
	r->name[at - spec] = '\0';
	r->start = strtoull(at + 1, &end, 0);
	if (*end != '+')
		return -1;
	len = strtoull(end + 1, &end, 0);
	if (*end || !len)
		return -1;
	r->end = r->start + len;
	n_ranges++;
	return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "range=", 6) && !parse_range(argv[i] + 6))
			continue;
		if (!strncmp(argv[i], "mark=", 5)) {
			mark = strtoull(argv[i] + 5, NULL, 0);
			continue;
		}
		fprintf(stderr, "insn-ranges: bad argument '%s' (want range=NAME@0xSTART+LEN or mark=0xADDR)\n",
			argv[i]);
		return -1;
	}
	if (!n_ranges || !mark) {
		fprintf(stderr, "insn-ranges: need at least one range= and a mark=\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
	return 0;
}
