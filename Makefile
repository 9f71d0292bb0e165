# permitd — GNU Makefile.
#
# The two commands a newcomer needs:   make run     make test
# Everything else:                     make deps all bench leak drill fuzz deb psql clean
#
# Three build variants share one source tree:
#   $(BUILD)/release   -O2, the programs `make run` starts
#   $(BUILD)/asan      -O1 -fsanitize=address,undefined, built and run by `make test`
#   $(BUILD)/fuzz      clang, libFuzzer's coverage + ASan/UBSan: the fuzz targets
#
# Modules are archives, so a test links only what it needs:
#   core   arena, log, config                 (no project dependencies)
#   crypto keyring, seal, bidx, pw, token     -> core
#   db     libpq connection, tx, statements   -> core
#   pipe   the request pipeline (corridor)    -> db crypto core
#   app    the resources (rooms), routes      -> pipe db crypto core
#   fcgi   the edge (all but fcgi/main.c)     -> app pipe db crypto core
#   cli    permitctl (all but cli/main.c)     -> db crypto core

SHELL     := /bin/bash
BUILD     ?= build
# `make V=1` shows every command; by default one short line per file.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif
CC        ?= cc
PKGS      := fcgi libpq libsodium jansson libsystemd libseccomp
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) cmocka 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wvla -Wno-missing-field-initializers
CSTD      := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
INCLUDES  := -I.
# Fuzz targets need clang's libFuzzer; `make fuzz` and `make test` skip them
# (with a message) without clang.
FUZZ_CC   ?= clang
CC_release = $(CC)
CC_asan    = $(CC)
CC_fuzz    = $(FUZZ_CC)
CFLAGS_release := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=undefined
# clang finds fault with some code gcc's -Werror builds accept (a va_list
# format, say). Those builds are the gate: here warnings are shown, not
# fatal, but in the fuzz targets' own code.
CFLAGS_fuzz    := -O1 -g -fno-omit-frame-pointer \
                  -fsanitize=fuzzer-no-link,address,undefined \
                  -fno-sanitize-recover=undefined -Wno-error
$(BUILD)/fuzz/tests/fuzz/%.o: CFLAGS_fuzz += -Werror
LDFLAGS_release :=
LDFLAGS_asan    := -fsanitize=address,undefined
LDFLAGS_fuzz    := -fsanitize=fuzzer,address,undefined

MODULES   := core crypto db pipe app fcgi cli
core_SRC   := $(wildcard core/*.c)
crypto_SRC := $(wildcard crypto/*.c)
db_SRC     := $(wildcard db/*.c)
pipe_SRC   := $(wildcard pipe/*.c)
app_SRC    := $(wildcard app/*.c)
fcgi_SRC   := $(filter-out fcgi/main.c,$(wildcard fcgi/*.c))
cli_SRC    := $(filter-out cli/main.c,$(wildcard cli/*.c))

# What each module's archive needs after it on the link line (order matters).
core_DEPS   := core
crypto_DEPS := crypto core
db_DEPS     := db core
pipe_DEPS   := pipe db crypto core
app_DEPS    := app pipe db crypto core
fcgi_DEPS   := fcgi app pipe db crypto core
cli_DEPS    := cli db crypto core
integration_DEPS := app pipe db crypto core
bench_DEPS  := app pipe db crypto core
# Every fuzz target may call any parser up to the edge's; the linker takes
# only what it calls, and nothing it calls opens a database.
fuzz_DEPS   := $(fcgi_DEPS)

UNIT_SRC  := $(wildcard tests/unit/*/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all release asan deps run test leak drill bench fuzz deb psql clean tests-built
.DEFAULT_GOAL := all

all: release man

# The man pages: man/*.scd, in scdoc, as roff in $(BUILD)/man/.
MAN_PAGES := $(patsubst man/%.scd,$(BUILD)/man/%,$(wildcard man/*.scd))
man: $(MAN_PAGES)
$(BUILD)/man/%: man/%.scd
	@mkdir -p $(@D)
	$(call say,SCDOC,$@)
	$(Q)scdoc <$< >$@.tmp && mv $@.tmp $@
.PHONY: man

# ---------------------------------------------------------------------------
# Rules, instantiated for each variant ($(1)) and each module or test file ($(2)).

define OBJ_RULE
$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(CFLAGS_$(1)) $(INCLUDES) $$(PKG_CFLAGS) -MMD -MP -c $$< -o $$@
endef

define OBJ_RULES
$(BUILD)/$(1)/permitd: $(BUILD)/$(1)/fcgi/main.o $(foreach d,$(fcgi_DEPS),$(BUILD)/$(1)/lib$(d).a)
	$$(call say,LINK,$$@)
	$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(PKG_LIBS)

$(BUILD)/$(1)/permitctl: $(BUILD)/$(1)/cli/main.o $(foreach d,$(cli_DEPS),$(BUILD)/$(1)/lib$(d).a)
	$$(call say,LINK,$$@)
	$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(PKG_LIBS)

$(1)-programs: $(BUILD)/$(1)/permitd $(BUILD)/$(1)/permitctl
$(1)-tests: $(patsubst %.c,$(BUILD)/$(1)/%,$(UNIT_SRC) $(INTEG_SRC))
$(1)-bench: $(patsubst %.c,$(BUILD)/$(1)/%,$(BENCH_SRC))
$(1): $(1)-programs $(1)-tests
.PHONY: $(1) $(1)-programs $(1)-tests $(1)-bench
endef

define LIB_RULE
$(BUILD)/$(1)/lib$(2).a: $(patsubst %.c,$(BUILD)/$(1)/%.o,$($(2)_SRC))
	@mkdir -p $$(@D)
	$$(call say,AR,$$@)
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef

# $(3): the module list to link, $(4): extra libraries.
define PROG_RULE
$(BUILD)/$(1)/$(2:.c=): $(BUILD)/$(1)/$(2:.c=.o) $(foreach d,$(3),$(BUILD)/$(1)/lib$(d).a)
	$$(call say,LINK,$$@)
	$(Q)$$(CC_$(1)) $$(LDFLAGS_$(1)) -o $$@ $$^ $(4) $$(PKG_LIBS)
endef

VARIANTS := release asan
$(foreach v,$(VARIANTS) fuzz,$(eval $(call OBJ_RULE,$(v))))
$(foreach v,$(VARIANTS),$(eval $(call OBJ_RULES,$(v))))
$(foreach v,$(VARIANTS) fuzz,$(foreach m,$(MODULES),$(eval $(call LIB_RULE,$(v),$(m)))))
# tests/unit/<module>/test_x.c links <module> and what it depends on.
$(foreach v,$(VARIANTS),$(foreach t,$(UNIT_SRC),\
  $(eval $(call PROG_RULE,$(v),$(t),$($(word 3,$(subst /, ,$(t)))_DEPS),$$(CMOCKA_LIBS)))))
$(foreach v,$(VARIANTS),$(foreach t,$(INTEG_SRC),\
  $(eval $(call PROG_RULE,$(v),$(t),$(integration_DEPS),$$(CMOCKA_LIBS)))))
$(foreach v,$(VARIANTS),$(foreach t,$(BENCH_SRC),\
  $(eval $(call PROG_RULE,$(v),$(t),$(bench_DEPS),))))

# tests/fuzz/fuzz_x.c is $(BUILD)/fuzz/tests/fuzz/fuzz_x (scripts/fuzz.sh).
$(foreach t,$(FUZZ_SRC),$(eval $(call PROG_RULE,fuzz,$(t),$(fuzz_DEPS),)))

fuzz-built: $(patsubst %.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
.PHONY: fuzz-built

# ---------------------------------------------------------------------------
# The entry points. Each re-invokes make after `deps`, so pkg-config is read
# only once the libraries are installed.

deps:
	@scripts/deps.sh all

tests-built:
	$(MAKE) --no-print-directory release asan

# `make run` builds only what it runs: the programs, not the tests.
run:
	@scripts/deps.sh run
	@$(MAKE) -s --no-print-directory release-programs
	@scripts/run.sh

test:
	@scripts/deps.sh test
	@$(MAKE) -s --no-print-directory -j$$(nproc) release asan
	@scripts/test.sh

# The leak test's long run (tests/e2e/leak.bats): 20,000 reads.
leak:
	@scripts/deps.sh test
	@$(MAKE) -s --no-print-directory -j$$(nproc) release asan
	@PERMIT_TEST_ONLY=tests/e2e/leak.bats LEAK_REQUESTS=$${LEAK_REQUESTS:-20000} scripts/test.sh

# The failover drill's long run (tests/drill/): more clients, a longer load.
drill:
	@scripts/deps.sh test
	@$(MAKE) -s --no-print-directory -j$$(nproc) release asan
	@PERMIT_TEST_ONLY=tests/drill/ PERMIT_TEST_TIMEOUT=$${PERMIT_TEST_TIMEOUT:-900} \
	    DRILL_CLIENTS=$${DRILL_CLIENTS:-16} DRILL_BEFORE_S=$${DRILL_BEFORE_S:-30} \
	    DRILL_AFTER_S=$${DRILL_AFTER_S:-60} scripts/test.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) -s --no-print-directory release release-bench
	@scripts/bench.sh

fuzz:
	@scripts/deps.sh fuzz
	@if command -v $(FUZZ_CC) >/dev/null; then \
	    $(MAKE) -s --no-print-directory -j$$(nproc) fuzz-built && \
	    scripts/fuzz.sh $${FUZZ_SECONDS:-60}; \
	 else echo "fuzz: $(FUZZ_CC) not found, skipped"; fi

# The Debian package, under $(BUILD)/deb-src (scripts/deb.sh).
deb:
	@scripts/deps.sh deb
	@BUILD=$(abspath $(BUILD)) scripts/deb.sh

psql:
	@scripts/psql.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
