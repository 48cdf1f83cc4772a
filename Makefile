# reconciler: GitOps for LiveRamp -> Kargo distributions.
#
#   make            build build/reconciler
#   make run        build, then plan examples/basic against a fresh sandbox
#   make test       format-check, then build and run every suite; ends with
#                   "N passed, N failed"
#   make asan       the same tests under AddressSanitizer + UBSan
#   make format     clang-format the C sources in place (.clang-format)
#   make format-check  list the files that differ from it, and fail
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian package, in build/deb/
#   make clean
#
# Missing Debian packages are installed by ci/install-deps.sh, which runs
# before anything is compiled: the build set for `make` and `make install`,
# the test set too for `make test` and the other test goals.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
.DEFAULT_GOAL := all

PKGS := yaml-0.1 libcurl jansson libgit2
TEST_PKGS := cmocka
EMU_PKGS := libmicrohttpd jansson

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) \
             -Ireconciler -I$(BUILD)/gen $(DEP_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(SANITIZE),fuzz)
SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
endif

# pkg-config flags are read after ci/install-deps.sh has run: this file is
# (re)made before anything else, and make restarts with it included.
ifeq ($(filter clean help format format-check,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif

# The build set only (`make`, `make install`, `make deb`); the test tools
# are the test set, read into config-test.mk by the goals that need them.
$(BUILD)/config.mk: ci/install-deps.sh
	@mkdir -p $(BUILD)
	@sh ci/install-deps.sh
	@{ echo "DEP_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "DEP_LIBS := $$(pkg-config --libs $(PKGS))"; } > $@.tmp && mv $@.tmp $@

TEST_GOALS := test unit-tests emulator fuzz-replay fuzz bench asan
ifneq ($(filter $(TEST_GOALS) $(BUILD)/tests/% $(BUILD)/emulator $(BUILD)/fuzz-replay/%,$(MAKECMDGOALS)),)
-include $(BUILD)/config-test.mk
endif
$(BUILD)/config-test.mk: ci/install-deps.sh $(BUILD)/config.mk
	@sh ci/install-deps.sh --test
	@{ echo "TEST_CFLAGS := $$(pkg-config --cflags $(TEST_PKGS) $(EMU_PKGS))"; \
	   echo "TEST_LIBS := $$(pkg-config --libs $(TEST_PKGS))"; \
	   echo "EMU_LIBS := $$(pkg-config --libs $(EMU_PKGS))"; } > $@.tmp && mv $@.tmp $@

LIB_SRC := $(sort $(shell find reconciler -name '*.c' ! -path 'reconciler/gen/*' ! -name main.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/profiles.o
PROFILES := $(sort $(wildcard specs/destinations/*.yaml))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))

BIN := $(BUILD)/reconciler
GEN_DOCS := $(BUILD)/gen-docs

.PHONY: all run test asan install clean unit-tests help emulator fuzz fuzz-replay docs deb
all: $(BIN) $(GEN_DOCS)

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/embed: reconciler/gen/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror $< -o $@

$(BUILD)/gen/profiles.c: $(BUILD)/embed $(PROFILES)
	@mkdir -p $(dir $@)
	$(BUILD)/embed $@ $(foreach p,$(PROFILES),$(basename $(notdir $(p)))=$(p))

$(BUILD)/obj/gen/profiles.o: $(BUILD)/gen/profiles.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libreconciler.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/reconciler/main.o $(BUILD)/libreconciler.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

# The man page and completions' generator (reconciler/gen/gen_docs.c): the
# program's own command and option tables, printed as roff, bash and zsh.
$(GEN_DOCS): reconciler/gen/gen_docs.c $(BUILD)/libreconciler.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPERS) $(BUILD)/libreconciler.a $(BUILD)/config-test.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPERS) $(BUILD)/libreconciler.a \
		$(ALL_LDFLAGS) $(DEP_LIBS) $(TEST_LIBS)

unit-tests: $(UNIT_BIN)

# Fuzz targets (tests/fuzz/fuzz_NAME.c). `make test` replays each committed
# corpus (tests/fuzz/corpus/NAME) through a plain build of the target;
# `make fuzz` runs libFuzzer (clang, ASan + UBSan) for FUZZ_SECONDS each.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%)
FUZZ_SECONDS ?= 60
$(BUILD)/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(BUILD)/libreconciler.a $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(BUILD)/libreconciler.a \
		$(ALL_LDFLAGS) $(DEP_LIBS)
fuzz-replay: $(REPLAY_BIN)

fuzz: $(BUILD)/config.mk
	$(MAKE) BUILD=build/fuzz CC=clang SANITIZE=fuzz CFLAGS="-O1 -g" build/fuzz/libreconciler.a
	@mkdir -p build/fuzz/bin build/fuzz/crashes
	@for t in $(FUZZ_NAMES); do \
		clang -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -O1 -g -Ireconciler -Itests/fuzz \
			-fsanitize=fuzzer,address,undefined -o build/fuzz/bin/$$t tests/fuzz/fuzz_$$t.c \
			build/fuzz/libreconciler.a $(DEP_LIBS) || exit 1; \
		rm -rf build/fuzz/work/$$t && mkdir -p build/fuzz/work/$$t && \
		cp tests/fuzz/corpus/$$t/* build/fuzz/work/$$t/ 2>/dev/null; \
		echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
		build/fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=build/fuzz/crashes/$$t- build/fuzz/work/$$t \
			tests/fuzz/corpus/$$t || exit 1; \
	done
	@echo "fuzz: no crash. New inputs are in build/fuzz/work/; a crash would be in build/fuzz/crashes/."

# The Activation API emulator (tests only): C on libmicrohttpd + jansson,
# sharing the sandbox file code with the local backend.
EMU_SRC := $(sort $(wildcard tests/emulator/*.c))
EMULATOR := $(BUILD)/emulator
$(EMULATOR): $(EMU_SRC) $(wildcard tests/emulator/*.h) $(BUILD)/libreconciler.a $(BUILD)/config-test.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/emulator -o $@ $(EMU_SRC) $(BUILD)/libreconciler.a \
		$(ALL_LDFLAGS) $(EMU_LIBS) $(DEP_LIBS)
emulator: $(EMULATOR)

run: $(BIN)
	@rm -rf $(BUILD)/run && mkdir -p $(BUILD)/run
	$(BIN) validate examples/basic
	$(BIN) plan examples/basic --backend local:$(BUILD)/run/sandbox.json

test: format-check $(BIN) $(GEN_DOCS) unit-tests $(if $(EMU_SRC),$(EMULATOR)) fuzz-replay
	@BUILD=$(BUILD) sh tests/run.sh

# The mutation campaign (tests/mutation/): builds each mutant in a scratch
# copy of the tree, never in this one. Slow, so not part of `make test`.
.PHONY: mutation
mutation:
	@bash tests/mutation/run.sh

asan:
	$(MAKE) BUILD=build/asan SANITIZE=1 CFLAGS="-O1 -g" test

# The man page and shell completions, generated from the option tables
# by $(GEN_DOCS); the Debian package (ci/deb).
DOCS := $(BUILD)/docs/reconciler.1 $(BUILD)/docs/reconciler.bash $(BUILD)/docs/_reconciler
$(DOCS) &: $(GEN_DOCS)
	$(GEN_DOCS) $(BUILD)/docs
docs: $(DOCS)

install: $(BIN) $(DOCS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/reconciler/destinations \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/reconciler
	install -m 0644 $(PROFILES) $(DESTDIR)$(PREFIX)/share/reconciler/destinations/
	install -m 0644 $(BUILD)/docs/reconciler.1 $(DESTDIR)$(PREFIX)/share/man/man1/reconciler.1
	install -m 0644 $(BUILD)/docs/reconciler.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/reconciler
	install -m 0644 $(BUILD)/docs/_reconciler $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_reconciler

# The packaged binary is built apart, with Debian's hardening flags.
DEB_FLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get
deb: $(DOCS)
	@sh ci/install-deps.sh --deb
	$(MAKE) BUILD=$(BUILD)/deb-build CFLAGS="$$($(DEB_FLAGS) CFLAGS) $$($(DEB_FLAGS) CPPFLAGS)" \
		LDFLAGS="$$($(DEB_FLAGS) LDFLAGS)" $(BUILD)/deb-build/reconciler
	sh ci/deb/build-deb.sh $(BUILD)/deb-build/reconciler $(BUILD)/docs $(BUILD)/deb

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- make bench (issue 8) ----------------------------------------------------
# Benchmarks against the Activation API's physical limits; never part of
# `make test`. Synthetic orgs (tests/bench/bench_gen.c) against the API
# emulator, one table of figures (README.md, Performance). A few minutes.
BENCH_TOOLS := $(BUILD)/bench-bin/bench_gen $(BUILD)/bench-bin/yaml_events
$(BUILD)/bench-bin/bench_gen: tests/bench/bench_gen.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)
$(BUILD)/bench-bin/yaml_events: tests/bench/yaml_events.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(shell pkg-config --libs yaml-0.1)
.PHONY: bench
bench: $(BIN) $(EMULATOR) $(BENCH_TOOLS)
	@BUILD=$(BUILD) sh tests/bench/run.sh

# ---- make model (issue 19) ---------------------------------------------------
# The model-based test's long walks (tests/model/walk.sh); `make test` runs a
# few short seeds (tests/e2e/test_model.sh).
MODEL_STEPS ?= 500
MODEL_SEED ?= 1
.PHONY: model
model: $(BIN)
	@BUILD=$(BUILD) bash tests/model/walk.sh --seed $(MODEL_SEED) --steps $(MODEL_STEPS)

# ---- make format (issue 13) --------------------------------------------------
# `make format` rewrites the C sources in place by the repository's
# .clang-format; `make format-check` changes nothing, lists the files that
# differ and fails. Where clang-format is not installed, format-check says so
# in one line and passes (so `make test` still runs), and format fails.
CLANG_FORMAT ?= clang-format
FORMAT_SRC = $(sort $(shell find reconciler tests/unit tests/emulator tests/fuzz tests/bench -name '*.[ch]'))
.PHONY: format format-check
format:
	@command -v $(CLANG_FORMAT) >/dev/null 2>&1 || { echo "format: $(CLANG_FORMAT) is not installed"; exit 1; }
	@$(CLANG_FORMAT) -i $(FORMAT_SRC)
format-check:
	@if ! command -v $(CLANG_FORMAT) >/dev/null 2>&1; then \
		echo "format-check: skipped, $(CLANG_FORMAT) is not installed"; exit 0; fi; \
	out=$$($(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC) 2>&1); rc=$$?; \
	bad=$$(printf '%s\n' "$$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u); \
	if [ -n "$$bad" ]; then \
		echo "format-check: $$(echo "$$bad" | wc -l) files differ from .clang-format (make format):"; \
		echo "$$bad" | sed 's/^/  /'; exit 1; \
	elif [ $$rc -ne 0 ]; then \
		echo "format-check: $(CLANG_FORMAT) failed:"; printf '%s\n' "$$out" | head -20; exit 1; fi; \
	echo "format-check: $(words $(FORMAT_SRC)) files, every one formatted"
