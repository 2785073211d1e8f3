# proctor — build, test, bench, install.
#
# Every component is described by a small `module.mk` fragment next to its sources
# (core/, each plugin directory, tools/*, tests/, bench/). A fragment only appends to the
# variables below and defines <name>_SRCS / <name>_LIBS; the rules are generated here, so
# fragments never need to know about build directories or sanitizer variants.
#
#   CORE_SRCS   sources of the core library (build/libproctor.a, linked into proctor + tests)
#   CORE_LIBS   link flags the core library needs
#   PLUGINS     plugin names; <name>_SRCS, <name>_LIBS, <name>_CFLAGS -> $(BUILD)/plugins/<name>.so
#   TOOLS       tool names;   <name>_SRCS, <name>_LIBS              -> $(BUILD)/<name>
#   TESTS       test names;   <name>_SRCS, <name>_LIBS  (+ libproctor.a) -> $(BUILD)/tests/<name>
#               <name>_DEPS: other targets it needs (e.g. $(BUILD)/plugins/natix.so, $(PROCTOR))
#   BENCHES     bench names;  <name>_SRCS, <name>_LIBS  (+ libproctor.a) -> $(BUILD)/bench/<name>
#   ARCHIVES    static libraries shared by plugins, tests and benches (an engine that is more than
#               one plugin's private code); <name>_SRCS, <name>_CFLAGS -> $(BUILD)/lib/lib<name>.a,
#               named in another component's _SRCS as $(call archive,<name>)
#
# Variants: `make` (release, -O2), `make SAN=1` (ASan+UBSan, into build/san).
# `make test` runs the whole suite under ASan/UBSan; `make test-fast` without sanitizers.

.DEFAULT_GOAL := all
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
SAN     ?= 0
WERROR  ?= 0

CC      ?= cc
ifeq ($(SAN),1)
BUILD   ?= build/san
OPT     ?= -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
BUILD   ?= build
OPT     ?= -O2 -g
SANFLAGS :=
endif

WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN    += -Werror
endif

CFLAGS_ALL  = -std=gnu11 $(OPT) $(WARN) $(SANFLAGS) -fPIC -pthread -MMD -MP \
              -Isdk -Icore -I/usr/include/stb -DPROCTOR_VERSION=\"$(VERSION)\" \
              -DPROCTOR_PREFIX=\"$(PREFIX)\" $(CFLAGS)
LDFLAGS_ALL = $(SANFLAGS) -pthread $(LDFLAGS)

CORE_SRCS :=
CORE_LIBS :=
PLUGINS   :=
TOOLS     :=
TESTS     :=
BENCHES   :=
ARCHIVES  :=
archive = $(BUILD)/lib/lib$(1).a
# objects of sources (fragments may use it for per-file flags, so it comes before them)
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(filter %.c,$(1))) \
      $(patsubst %.cu,$(BUILD)/obj/%.o,$(filter %.cu,$(1)))

include core/module.mk
include $(sort $(wildcard core/*/module.mk))
include $(sort $(wildcard plugins/*/*/module.mk))
include $(sort $(wildcard tools/*/module.mk))
include $(sort $(wildcard tests/module.mk tests/*/module.mk))
include $(sort $(wildcard bench/module.mk bench/*/module.mk))

CORE_LIB  := $(BUILD)/libproctor.a
CORE_OBJS := $(call obj,$(CORE_SRCS))
PROCTOR   := $(BUILD)/proctor

.PHONY: all clean test test-fast check-tests bench install fuzz-smoke plugins tools tests benches demo demo-photos
all: $(PROCTOR) plugins tools

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_CFLAGS) -c $< -o $@

# CUDA sources build only where nvcc exists (it does on the dev machines, with or without a GPU).
NVCC ?= $(firstword $(wildcard /usr/local/cuda/bin/nvcc) $(shell command -v nvcc 2>/dev/null))
$(BUILD)/obj/%.o: %.cu
	@mkdir -p $(dir $@)
	$(NVCC) -O3 -std=c++17 -Xcompiler -fPIC,-Wall -Isdk -Icore $(EXTRA_NVCCFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(PROCTOR): $(call obj,$(CORE_MAIN)) $(CORE_LIB)
	$(CC) $(LDFLAGS_ALL) -rdynamic -o $@ $^ $(CORE_LIBS) -ldl -lm

# --- generated rules --------------------------------------------------------------------
# objects and archives of a component: sources compile, archives (.a) link as they are
srcs_objs = $(call obj,$(1)) $(filter %.a,$(1))
define plugin_rule
$(BUILD)/plugins/$(1).so: $(call srcs_objs,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	$$(CC) -shared $(LDFLAGS_ALL) -o $$@ $$^ $($(1)_LIBS) -lm
endef
define archive_rule
$(BUILD)/lib/lib$(1).a: $(call obj,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && $$(AR) rcs $$@ $$^
endef
# per-component compile flags (<name>_CFLAGS), as target-specific variables on its objects
define cflags_rule
$(call obj,$($(1)_SRCS)): EXTRA_CFLAGS += $($(1)_CFLAGS)
endef
define tool_rule
$(BUILD)/$(1): $(call srcs_objs,$($(1)_SRCS)) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $(LDFLAGS_ALL) -o $$@ $$^ $($(1)_LIBS) $(CORE_LIBS) -ldl -lm
endef
define test_rule
$(BUILD)/$(2)/$(1): $(call srcs_objs,$($(1)_SRCS)) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $(LDFLAGS_ALL) -rdynamic -o $$@ $$^ $($(1)_LIBS) $(CORE_LIBS) -ldl -lm
endef
$(foreach n,$(ARCHIVES) $(PLUGINS) $(TOOLS) $(TESTS) $(BENCHES),$(if $($(n)_CFLAGS),$(eval $(call cflags_rule,$(n)))))
$(foreach a,$(ARCHIVES),$(eval $(call archive_rule,$(a))))
$(foreach p,$(PLUGINS),$(eval $(call plugin_rule,$(p))))
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t),tests)))
$(foreach b,$(BENCHES),$(eval $(call test_rule,$(b),bench)))

plugins: $(foreach p,$(PLUGINS),$(BUILD)/plugins/$(p).so)
tools:   $(foreach t,$(TOOLS),$(BUILD)/$(t))
tests:   all $(foreach t,$(TESTS),$(BUILD)/tests/$(t))
benches: all $(foreach b,$(BENCHES),$(BUILD)/bench/$(b))

# The suite runs from the repository root; tests find the build through PROCTOR_BUILD and
# the shared fixtures through PROCTOR_SHARED (default ../shared; absent -> visible skips).
PROVE_ENV = PROCTOR_BUILD=$(abspath $(BUILD)) ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test:
	$(MAKE) SAN=1 check-tests
test-fast:
	$(MAKE) SAN=0 check-tests
# `make test T="test_a test_b"` builds and runs only those (plus what they list in <name>_DEPS).
TEST_BINS = $(if $(T),$(addprefix $(BUILD)/tests/,$(T)),$(foreach t,$(TESTS),$(BUILD)/tests/$(t)))
TEST_DEPS = $(if $(T),$(foreach t,$(T),$($(t)_DEPS)),all)
check-tests: $(TEST_DEPS) $(TEST_BINS)
	$(PROVE_ENV) prove -j2 -v -f $(TEST_BINS)

bench: benches
	@for b in $(foreach b,$(BENCHES),$(BUILD)/bench/$(b)); do echo "== $$b"; PROCTOR_BUILD=$(abspath $(BUILD)) $$b || exit 1; done

# The README's first command: the whole exam on this machine (demo photos, demo miners).
demo: all
	$(PROCTOR) demo

# Regenerate the committed demo photos with the procedural renderer.
demo-photos: $(BUILD)/make_demo_photos
	$(BUILD)/make_demo_photos --out demo/photos

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/proctor/plugins \
	           $(DESTDIR)$(PREFIX)/include/proctor $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(PROCTOR) $(DESTDIR)$(PREFIX)/bin/proctor
	install -m 755 $(BUILD)/demo_miner $(DESTDIR)$(PREFIX)/bin/proctor-demo_miner
	install -m 755 $(foreach p,$(PLUGINS),$(BUILD)/plugins/$(p).so) $(DESTDIR)$(PREFIX)/lib/proctor/plugins/
	install -m 644 sdk/proctor.h $(DESTDIR)$(PREFIX)/include/proctor/
	install -d $(DESTDIR)$(PREFIX)/share/proctor/demo/photos/roadwork $(DESTDIR)$(PREFIX)/share/proctor/demo/photos/none \
	           $(DESTDIR)$(PREFIX)/share/doc/proctor/examples
	install -m 644 demo/photos/roadwork/* $(DESTDIR)$(PREFIX)/share/proctor/demo/photos/roadwork/
	install -m 644 demo/photos/none/* $(DESTDIR)$(PREFIX)/share/proctor/demo/photos/none/
	install -m 644 sdk/README.md sdk/examples/*.c pipeline.yaml $(DESTDIR)$(PREFIX)/share/doc/proctor/examples/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' sdk/proctor-sdk.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/proctor-sdk.pc

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
