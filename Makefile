# SPDX-License-Identifier: GPL-2.0
#
# sources (arch-powerpc-patches/) -> tree (scripts/tree/) -> build
# (scripts/build/, kunit.py) -> qemu (scripts/qemu/) -> verdict
# (scripts/verdict/, scripts/harness/results.py). See README.md.
# Variables: KDIR (KSRC is an alias), CONFIG, SUITE, LLVM, JOBS, TIMEOUT,
# BUILD, SENDER, FULL, BOOTS, BRANCH, DEBIAN_MIRROR: the only settings that
# scripts read from the environment. Where they work is on their command
# line, as everything else: --build-dir, --tree and --results-dir (DIRS).

SHELL := /bin/bash
# Debian's python3, rustc and bindgen, not a pyenv or rustup shim first on
# PATH; compilers through ccache, whose cache (~/.cache/ccache) every clone
# shares, with the clone's paths made relative (CCACHE_DISABLE=1 turns it
# off). A kernel's output is build[/mainline]/out/NAME, next to its linux/:
# __FILE__ starts with ../../linux/, which the map takes off as the kernel
# takes off an absolute path.
export PATH := /usr/lib/ccache:/usr/bin:/usr/local/bin:$(PATH)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
PREFIX_MAP := -fmacro-prefix-map=../../linux/=
# Once, however often make runs make: other flags would be other objects.
export KCPPFLAGS := $(PREFIX_MAP) $(filter-out $(PREFIX_MAP),$(KCPPFLAGS))
KDIR ?= $(KSRC)
KSRC := $(KDIR)
BUILD ?= $(if $(KSRC),$(CURDIR)/build/ksrc,$(CURDIR)/build)
TREE := $(BUILD)/linux
RESULTS := $(BUILD)/results
# Where a script works, on its command line: no script reads BUILD, TREE
# or RESULTS from its environment.
WHERE := --build-dir=$(BUILD) --tree=$(TREE)
DIRS := $(WHERE) --results-dir=$(RESULTS)
# $(shell) does not see exported variables before GNU make 4.4.
export PYTHONPATH := $(CURDIR)/scripts
export PYTHONUNBUFFERED := 1
configs_py := PYTHONPATH=scripts python3 scripts/harness/configs.py
CONFIGS := $(shell $(configs_py) names)
# Configurations are named only in kunit/configurations.toml; the Makefile
# and the scripts ask for a role (configs.py role ROLE).
role = $(shell $(configs_py) role $(1))
PRIMARY := $(call role,primary)
CONFIG ?= $(PRIMARY)
export KSRC LLVM JOBS SUITE TIMEOUT SENDER
# One identity and date for every commit the harness makes: the base
# commit, and so base-commit: in the cover letters, is the same everywhere.
export GIT_AUTHOR_NAME := ppc-threads harness
export GIT_AUTHOR_EMAIL := harness@localhost
export GIT_COMMITTER_NAME := ppc-threads harness
export GIT_COMMITTER_EMAIL := harness@localhost
export GIT_COMMITTER_DATE := 2025-01-01T00:00:00+0000

# make test: one stage/NAME target per stage, run with make -k, each
# leaving $(RESULTS)/NAME.tsv; the expected list is these names, so the
# total counts a stage that left nothing as failed. It runs, on each base,
# the configurations whose in_make_test names that base, and the quicker
# series checks; make test-full (FULL=1) runs everything.
in_make_test := $(if $(FULL),,--make-test)
TEST_CONFIGS := $(shell $(configs_py) names 6.12.y $(in_make_test))
TEST_MAINLINE_CONFIGS := $(shell $(configs_py) names mainline $(in_make_test))
KUNIT_STAGES := $(shell $(configs_py) stages '' 6.12.y $(in_make_test))
MAINLINE_STAGES := $(shell $(configs_py) stages mainline- mainline $(in_make_test))
CHECKS := $(if $(FULL),all,quick)
# The short stress run: the first stress kernel on 6.12.y (a debugging
# kernel is a cold build of its own); with FULL every one, on mainline too.
STRESSED := $(if $(FULL),$(call role,stress),$(firstword $(call role,stress)))
STRESS_STAGES := $(addsuffix -stress,$(STRESSED))
ALL_STRESS_STAGES := $(addsuffix -stress,$(call role,stress))
MAINLINE_STRESS_STAGES := $(addprefix mainline-,$(STRESS_STAGES))
# make selftests and make bench-upstream on every configuration of each
# base, with FULL only: two kernels of their own, which both share (make test
# runs the kselftests of make mainline's kernels). A configuration whose two
# kernels would be those of one before it (configs.py names BASE --pairs) is
# that one's run.
SELFTEST_STAGES := $(if $(FULL),\
	$(foreach c,$(shell $(configs_py) names 6.12.y --pairs),selftests-$(c) bench-upstream-$(c)) \
	$(foreach c,$(shell $(configs_py) names mainline --pairs),mainline-selftests-$(c) \
		mainline-bench-upstream-$(c)))
TEST_TARGETS := drift harness-tests $(KUNIT_STAGES) stress mainline \
	$(if $(FULL),mainline-stress) $(SELFTEST_STAGES) bad-input mutants check-series
TEST_RESULTS := drift harness-tests $(KUNIT_STAGES) $(STRESS_STAGES) $(MAINLINE_STAGES) \
	$(if $(FULL),$(MAINLINE_STRESS_STAGES)) $(SELFTEST_STAGES) bad-input mutants check-series
RECORD := scripts/harness/results.py run $(RESULTS)
# stage NAME, COMMAND: run it, say how long it took, keep the time: one line
# per stage in times.txt, the latest run's, so a stage run on its own
# replaces its line rather than adding to the total.
stage = @echo "==> stage $(1)"; start=$$SECONDS; $(2); rc=$$?; \
	sed -i '/^$(1) /d' $(RESULTS)/times.txt 2>/dev/null; \
	printf '%-30s %5d s  %s\n' $(1) $$((SECONDS - start)) $$([ $$rc = 0 ] && echo ok || echo FAILED) \
	| tee -a $(RESULTS)/times.txt; exit $$rc

.PHONY: all help kunit test test-full setup tree export generate mutants check-series series \
	apply mainline bad-input harness-tests bench bench-llvm bench-upstream selftests stress clean

all: help

# The list of targets is the README's.
help:
	@awk '/^Every target/ { on = 1; next } on && /^    / { print substr($$0, 5) } \
	      on && /^#/ { exit }' README.md
	@echo "configurations: $(CONFIGS); make test runs $(TEST_CONFIGS) on 6.12.y" \
	      "and $(TEST_MAINLINE_CONFIGS) on mainline"

setup:
	@scripts/setup/install-tools.sh

tree: setup
	@scripts/tree/prepare.sh $(WHERE)

export:
	@scripts/harness/series.py export $(TREE)

# The patches from their sources (make tree does it when they disagree).
generate: tree
	@scripts/harness/series.py generate $(TREE)

kunit: tree
	@rm -rf $(BUILD)/results-kunit
	@scripts/qemu/run_kunit.py $(WHERE) --results-dir=$(BUILD)/results-kunit $(CONFIG); rc=$$?; \
	 scripts/harness/results.py summary $(BUILD)/results-kunit | tail -n 1; exit $$rc

test: tree
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-@$(MAKE) -k --no-print-directory $(addprefix stage/,$(TEST_TARGETS))
	@echo; echo "==> time per stage"; cat $(RESULTS)/times.txt; \
	 awk '{ s += $$2 } END { printf "%-30s %5d s\n", "total", s }' $(RESULTS)/times.txt; echo
	@scripts/harness/results.py summary $(RESULTS) $(TEST_RESULTS)

test-full:
	@$(MAKE) --no-print-directory test FULL=1

# CONFIG= given: that configuration only.
MAINLINE_CONFIGS := $(if $(filter command line,$(origin CONFIG)),$(CONFIG))
mainline: setup
	@rm -rf $(BUILD)/results-mainline
	@scripts/tree/mainline.sh --build-dir=$(BUILD) --results-dir=$(BUILD)/results-mainline \
	 $(MAINLINE_CONFIGS); rc=$$?; \
	 scripts/harness/results.py summary $(BUILD)/results-mainline \
	 $$($(configs_py) stages mainline- mainline $(MAINLINE_CONFIGS)) | tail -n 1; exit $$rc

mutants bad-input harness-tests: tree
	@mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory stage/$@
check-series: tree
	@mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory stage/$@ FULL=1

series:
	@scripts/submit/submissions.py $(WHERE)

# make bench: GCC on 6.12.y, then LLVM on mainline (LLVM=, default -22, the
# LLVM of Debian's rustc); bench-llvm the LLVM part alone.
BENCH_LLVM := $(or $(LLVM),-22)
bench: tree
	@scripts/bench/bench.sh $(WHERE) --gcc --llvm=$(BENCH_LLVM)
bench-llvm: setup
	@scripts/bench/bench.sh $(WHERE) --llvm=$(BENCH_LLVM)

# The kernel's own powerpc benchmarks alone, base against patched, on CONFIG
# (make bench runs them on the configuration with the bench-upstream role).
bench-upstream: tree
	@scripts/bench/upstream.sh $(WHERE) $(CONFIG) $(or $(BOOTS),2)

# The kernel's own kselftests, base against patched: on CONFIG, by default
# on the configuration with the selftests role.
selftests: tree
	@scripts/selftests/run.sh $(WHERE) --results-dir=$(BUILD)/results-selftests \
	 $(if $(filter command line,$(origin CONFIG)),$(CONFIG),$(call role,selftests))

# The full variant on both bases; mainline's tree is make mainline's.
STRESS_RESULTS := $(BUILD)/results-stress
ON_MAINLINE := --build-dir=$(BUILD)/mainline --tree=$(BUILD)/mainline/linux
stress: tree
	@rm -rf $(STRESS_RESULTS)
	-@scripts/stress/stress.sh $(WHERE) --results-dir=$(STRESS_RESULTS) full
	-@scripts/stress/stress.sh $(ON_MAINLINE) --results-dir=$(STRESS_RESULTS) full
	@scripts/harness/results.py summary $(STRESS_RESULTS) $(ALL_STRESS_STAGES) \
	 $(addprefix mainline-,$(ALL_STRESS_STAGES)); rc=$$?; \
	 if [ $$rc = 0 ]; then echo "stress: PASS"; else echo "stress: FAIL (see the rows above)"; fi; \
	 exit $$rc

apply:
	@scripts/tree/apply.sh

clean:
	rm -rf $(BUILD)/out $(RESULTS) $(BUILD)/results-kunit $(BUILD)/results-mainline \
		$(BUILD)/mutants $(BUILD)/series $(BUILD)/mainline/out $(BUILD)/bench \
		$(BUILD)/stress $(BUILD)/mainline/stress $(BUILD)/upstream $(STRESS_RESULTS)

# The stages. Files named stage/... never exist, so each always runs.
stage/drift:
	$(call stage,drift,$(RECORD) drift scripts/harness/series.py check $(TREE))
stage/harness-tests:
	$(call stage,harness-tests,$(RECORD) harness-tests python3 -m pytest -q scripts/tests)
$(addprefix stage/,$(CONFIGS)): stage/%:
	$(call stage,$*,scripts/qemu/run_kunit.py $(DIRS) $*)
stage/%-lkdtm: stage/%
	$(call stage,$*-lkdtm,scripts/qemu/boot_init.py $(DIRS) $* lkdtm)
stage/%-init: stage/%
	$(call stage,$*-init,scripts/qemu/boot_init.py $(DIRS) $* init)
stage/%-user-regs: stage/%
	$(call stage,$*-user-regs,scripts/qemu/boot_init.py $(DIRS) $* user-regs)
stage/%-load: stage/%
	$(call stage,$*-load,scripts/qemu/boot_init.py $(DIRS) $* load)
stage/%-user-regs-compat: stage/%
	$(call stage,$*-user-regs-compat,scripts/qemu/boot_init.py $(DIRS) $* user-regs-compat)
stage/%-kaslr: stage/%
	$(call stage,$*-kaslr,scripts/qemu/boot_init.py $(DIRS) $* kaslr)
stage/mainline:
	$(call stage,mainline,scripts/tree/mainline.sh --build-dir=$(BUILD) --results-dir=$(RESULTS) \
		$(TEST_MAINLINE_CONFIGS))
# make selftests' two kernels and boots, on each base's tree (FULL). No
# prerequisite stage: they build their own kernels, and make -k would not
# run them after an unrelated failure.
stage/selftests-%:
	$(call stage,selftests-$*,scripts/selftests/run.sh $(DIRS) $*)
stage/mainline-selftests-%:
	$(call stage,mainline-selftests-$*,scripts/selftests/run.sh $(ON_MAINLINE) \
		--results-dir=$(RESULTS) --prefix=mainline- $*)
stage/bench-upstream-%:
	$(call stage,bench-upstream-$*,$(RECORD) bench-upstream-$* scripts/bench/upstream.sh $(WHERE) $*)
stage/mainline-bench-upstream-%:
	$(call stage,mainline-bench-upstream-$*,$(RECORD) mainline-bench-upstream-$* \
		scripts/bench/upstream.sh $(ON_MAINLINE) $*)
# The short stress variant, on each base's tree.
stage/stress: stage/$(CONFIG)
	$(call stage,stress,scripts/stress/stress.sh $(DIRS) short $(STRESSED))
stage/mainline-stress: stage/mainline
	$(call stage,mainline-stress,scripts/stress/stress.sh $(ON_MAINLINE) --results-dir=$(RESULTS) short)
# The hang and panic cases boot the primary kernel.
stage/bad-input: stage/$(CONFIG)
	$(call stage,bad-input,scripts/tests/bad-input.sh $(DIRS))
# The 32-bit mutants use the mainline tree: make test runs stage/mainline first.
stage/mutants: stage/$(CONFIG)
	$(call stage,mutants,scripts/checks/mutants.py $(DIRS))
# check-series lints and bisects the bisect role's kernels.
stage/check-series: $(addprefix stage/,$(filter $(call role,bisect),$(TEST_CONFIGS)))
	$(call stage,check-series,scripts/checks/check-series.sh $(DIRS) $(CHECKS))
