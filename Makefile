# SPDX-License-Identifier: GPL-2.0
#
# sources (this repo) -> tree (build/linux + arch-powerpc-patches) ->
# build (kunit.py, one dir per configuration) -> qemu -> verdict.
# See README.md. Variables: KSRC, CONFIG, SUITE, LLVM, JOBS, TIMEOUT, BUILD.

SHELL := /bin/bash
BUILD ?= $(if $(KSRC),$(CURDIR)/build/ksrc,$(CURDIR)/build)
TREE := $(BUILD)/linux
CONFIG ?= ppc64le-rust
CONFIGS := $(basename $(notdir $(wildcard kunit/configs/*.conf)))
export BUILD TREE KSRC LLVM JOBS SUITE TIMEOUT SENDER

.PHONY: all kunit test setup tree regen check-drift mutants check-series \
	series apply mainline selftest clean help

all: help

help:
	@echo "make kunit         build, boot and run the KUnit suites (CONFIG=$(CONFIG))"
	@echo "make test          everything kunit checks, on all configurations, plus the other checks"
	@echo "make mutants       break the Rust helpers on purpose; the tests must notice"
	@echo "make check-series  checkpatch, bisectability, Rust lint and build checks"
	@echo "make series        the submission, git format-patch style, in $(BUILD)/series"
	@echo "make apply KSRC=   apply the series to your git tree, on a new branch"
	@echo "make mainline      the series on current mainline (Debian's newest linux-source), every"
	@echo "                   configuration, with and without the leak fixes"
	@echo "make regen         regenerate arch-powerpc-patches/ from the sources"
	@echo "configurations: $(CONFIGS)"

setup:
	@scripts/setup.sh

tree: setup
	@scripts/prepare-tree.sh

kunit: tree
	@rm -rf $(BUILD)/results-kunit
	@RESULTS=$(BUILD)/results-kunit scripts/kunit-run.sh $(CONFIG); rc=$$?; \
	 scripts/summary.py $(BUILD)/results-kunit $(CONFIG)$(if $(LLVM),-llvm) | tail -n 1; exit $$rc

test: tree
	@scripts/make-test.sh

regen: tree
	@scripts/series.py regen

check-drift: tree
	@scripts/series.py check

mutants: tree
	@scripts/mutants.py

check-series: tree
	@scripts/check-series.sh

series:
	@scripts/make_series.py

apply:
	@scripts/apply.sh

mainline: setup
	@rm -rf $(BUILD)/results-mainline
	@RESULTS=$(BUILD)/results-mainline BUILD=$(BUILD) scripts/mainline.sh; rc=$$?; \
	 scripts/summary.py $(BUILD)/results-mainline $$(. scripts/lib.sh; mainline_stages) | \
	 tail -n 1; exit $$rc

selftest:
	@scripts/selftest.sh

clean:
	rm -rf $(BUILD)/out $(BUILD)/results $(BUILD)/results-kunit $(BUILD)/results-mainline \
		$(BUILD)/mutants $(BUILD)/series $(BUILD)/mainline/out
