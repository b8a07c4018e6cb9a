# Unrolled: every figure, table and number of the book, rebuilt from source.
# `make` alone lists the targets. Variables can be overridden: make test DATA=/path/to/datasets

SWIFT   ?= swift
# Where the datasets live (one folder per dataset); `make data` fills it.
DATA    ?= data
# PyTorch float64 reference cases (Tests/Fixtures/reference/SCHEMA.md): the committed set by default,
# written by Tools/make_fixtures.py. Any directory in that schema works: make conformance FIXTURES=DIR
FIXTURES ?= Tests/Fixtures/reference
# Scratch space for test runs; never committed.
SCRATCH ?= .scratch
# One executable per chapter; each writes Figures/<slug>/. `diagrams` draws the book's diagrams of
# the networks into Figures/diagrams/ and is run and checked like a chapter.
# Longest run first: make test and make reproduce start them in this order, two at a time.
CHAPTERS := word-model classifier bidirectional time-series char-model bptt diagrams

RELEASE := .build/release
DEBUG   := .build/debug

.DEFAULT_GOAL := help
.PHONY: help build data reproduce test conformance bless bench flops format clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## build the library, the chapter executables and the book tool (release)
	$(SWIFT) build -c release

data: build ## download every dataset the chapters read that is missing from $(DATA), and verify its SHA-256
	$(RELEASE)/book data --into $(DATA)

reproduce: data ## run every chapter, refresh Figures/ and the listings and numbers in Chapters/
	@rm -rf $(SCRATCH)/reproduce
	@# Chapters are independent: two at a time, the longest first; no schedule changes a byte.
	@$(MAKE) --no-print-directory -j2 $(addprefix run-,$(CHAPTERS)) DATA=$(DATA)
	@# Every chapter succeeded: only now replace the committed outputs, then the chapters. Each
	@# chapter's folder is copied beside its old one, then swapped in whole (the old one renamed
	@# away, the new one renamed in, the old one deleted), so a failed copy changes nothing.
	@mkdir -p Figures
	@for c in $(CHAPTERS); do \
	  rm -rf Figures/.$$c.new Figures/.$$c.old; \
	  cp -R $(SCRATCH)/reproduce/$$c Figures/.$$c.new || { rm -rf Figures/.$$c.new; echo "Figures/$$c unchanged: copying $(SCRATCH)/reproduce/$$c failed"; exit 1; }; \
	  if [ -e Figures/$$c ]; then mv Figures/$$c Figures/.$$c.old || { rm -rf Figures/.$$c.new; echo "Figures/$$c unchanged: it cannot be renamed"; exit 1; }; fi; \
	  mv Figures/.$$c.new Figures/$$c || { [ ! -e Figures/.$$c.old ] || mv Figures/.$$c.old Figures/$$c; rm -rf Figures/.$$c.new; echo "Figures/$$c unchanged: the new copy cannot be renamed in"; exit 1; }; \
	  rm -rf Figures/.$$c.old; \
	done
	$(RELEASE)/book sync

bless: reproduce ## rewrite Figures/ from a real run, then show what changed
	@git status --short Figures Chapters; git diff --stat -- Figures Chapters

test: data ## unit tests, golden outputs, debug/release agreement, chapters in sync
	$(SWIFT) build -c release
	$(SWIFT) build --build-tests
	UNROLLED_DATA=$(abspath $(DATA)) UNROLLED_FIXTURES=$(abspath $(FIXTURES)) $(SWIFT) test --skip-build
	Tests/product-count.sh $(RELEASE) $(DATA)
	@rm -rf $(SCRATCH)/test
	@# Chapters are independent: two at a time, the longest first (outputs do not depend on the schedule).
	@$(MAKE) --no-print-directory -j2 $(addprefix golden-,$(CHAPTERS)) DATA=$(DATA)
	$(RELEASE)/book conformance $(FIXTURES)
	@echo "== book refuses bad input"
	@Tests/cli-errors-book.sh $(RELEASE)/book $(DATA) > $(SCRATCH)/test/cli-errors-book.log || { cat $(SCRATCH)/test/cli-errors-book.log; exit 1; }
	$(RELEASE)/book sync --check
	@$(MAKE) --no-print-directory format
	@echo "All tests passed."

# Two chapters at a time already fill both cores, so each chapter splits no product across
# threads: a product split across a core that is busy with the other chapter only waits for it.
# Outputs never depend on the number of threads.
THREADS ?= 1

# Chapters that read no dataset refuse --data; every other chapter gets --data $(DATA).
READS_NO_DATA := bptt diagrams
data-flag = $(if $(filter $(READS_NO_DATA),$(1)),,--data $(DATA))

# What --count-products must print: a positive count of operations (in Double, in Float or in
# both) for a chapter that trains, exactly zero for one that multiplies no matrix (the diagrams).
MULTIPLIES_NOTHING := diagrams
comma := ,
product-line = $(if $(filter $(MULTIPLIES_NOTHING),$(1)),$(1)$(comma)0$(comma)0,$(1)$(comma)([1-9][0-9]*$(comma)[0-9]+|0$(comma)[1-9][0-9]*))

# One chapter's run, into scratch space.
run-%:
	@echo "== $*"
	@$(RELEASE)/$* --threads $(THREADS) $(call data-flag,$*) --output $(SCRATCH)/reproduce/$*

# One chapter's checks: golden outputs, debug = release on --quick, bad input refused.
golden-%:
	@mkdir -p $(SCRATCH)/test
	@echo "== golden outputs of $*"
	@$(RELEASE)/$* --quiet --threads $(THREADS) $(call data-flag,$*) --output $(SCRATCH)/test/release/$*
	@$(RELEASE)/book diff Figures/$* $(SCRATCH)/test/release/$*
	@echo "== $* --quick: debug (every core per product) and release (one, counting products) builds write the same bytes"
	@$(DEBUG)/$* --quiet --quick $(call data-flag,$*) --output $(SCRATCH)/test/quick-debug/$*
	@$(RELEASE)/$* --quiet --quick --threads 1 --count-products $(call data-flag,$*) --output $(SCRATCH)/test/quick-release/$* > $(SCRATCH)/test/count-$*.csv
	@$(RELEASE)/book diff $(SCRATCH)/test/quick-release/$* $(SCRATCH)/test/quick-debug/$*
	@grep -Eqx '$(call product-line,$*)' $(SCRATCH)/test/count-$*.csv || { echo "FAIL: --count-products printed '$$(cat $(SCRATCH)/test/count-$*.csv)'"; exit 1; }
	@echo "== $* refuses bad input"
	@Tests/cli-errors-$*.sh $(RELEASE)/$* $(DATA) > $(SCRATCH)/test/cli-errors-$*.log || { cat $(SCRATCH)/test/cli-errors-$*.log; exit 1; }
	@echo "== $* passed"

conformance: ## run every PyTorch reference case in $(FIXTURES); fail beyond 1e-12 or on a case that cannot run
	$(SWIFT) build -c release --product book
	$(RELEASE)/book conformance $(FIXTURES)

bench: ## time each chapter's training step (release build; CSV on stdout, remarks and build output on stderr)
	@$(SWIFT) build -c release 1>&2
	@echo "experiment,steps,seconds,ms_per_step"
	@$(RELEASE)/classifier --data $(DATA) --bench
	@$(RELEASE)/char-model --data $(DATA) --bench
	@$(RELEASE)/word-model --data $(DATA) --bench
	@$(RELEASE)/time-series --data $(DATA) --bench
	@$(RELEASE)/bidirectional --data $(DATA) --bench
	@$(RELEASE)/bptt --bench

# One core's limit in GFLOP/s (numpy's 1,024-square product on the machine of the README's table):
# make flops divides each chapter's product arithmetic by it, a time no kernel can beat.
DOUBLE_LIMIT ?= 43
FLOAT_LIMIT  ?= 91

flops: ## count the arithmetic of every chapter's matrix products: a full run of each, outputs to scratch (CSV on stdout)
	@$(MAKE) --no-print-directory data DATA=$(DATA) 1>&2
	@rm -rf $(SCRATCH)/flops
	@$(MAKE) --no-print-directory -j2 $(addprefix flops-,$(CHAPTERS)) DATA=$(DATA) 1>&2
	@echo "chapter,double_operations,float_operations,seconds_at_limit"
	@for c in $(CHAPTERS); do cat $(SCRATCH)/flops/$$c.csv; done | awk -F, -v d=$(DOUBLE_LIMIT) -v f=$(FLOAT_LIMIT) \
	  '{ s = $$2 / (d * 1e9) + $$3 / (f * 1e9); D += $$2; F += $$3; S += s; printf "%s,%s,%s,%.1f\n", $$1, $$2, $$3, s } \
	   END { printf "total,%.0f,%.0f,%.1f\n", D, F, S }'

# One chapter's count of product arithmetic (ProductCount), into scratch space.
flops-%:
	@mkdir -p $(SCRATCH)/flops
	@$(RELEASE)/$* --quiet --count-products --threads $(THREADS) $(call data-flag,$*) --output $(SCRATCH)/flops/$* > $(SCRATCH)/flops/$*.csv

# The house style is .swift-format. Its layout findings (spacing, line breaks, indentation, line
# length, trailing commas) are left out: swift-format's printer would undo the aligned shape
# comments the listings rely on, e.g. `let a = x * w.Wih.transposed ...      // [B, 4H]`.
FORMAT_LAYOUT := \[(Spacing|AddLines|RemoveLine|Indentation|LineLength|TrailingComma)\]

format: ## check the style with swift-format (ships with the toolchain): every rule of .swift-format
	@mkdir -p $(SCRATCH)
	@$(SWIFT) format lint --recursive Sources Tests 2>&1 | grep -Ev '$(FORMAT_LAYOUT)' > $(SCRATCH)/format.log || true
	@if [ -s $(SCRATCH)/format.log ]; then cat $(SCRATCH)/format.log; echo "FAIL: swift format lint (fix the lines above)"; exit 1; fi
	@echo "swift format lint: clean (the rules of .swift-format)."

clean: ## remove build products and scratch outputs
	rm -rf .build $(SCRATCH)
