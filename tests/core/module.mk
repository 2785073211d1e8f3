# tests/core: the core of issue 2 (loader, SDK example, pipeline, cache, local_folder, supervisor,
# CLI) and the challenge loop of issue 3 (loop, kill -9). Test plugins are built here into
# $(BUILD)/tests-plugins/, not $(BUILD)/plugins/ (the real plugin path `proctor plugins` lists).
CT_PLUGDIR := $(BUILD)/tests-plugins
CT_PLUGINS := $(CT_PLUGDIR)/ct_good.so $(CT_PLUGDIR)/zz_dup.so $(CT_PLUGDIR)/ct_badabi.so \
              $(CT_PLUGDIR)/ct_norefresh.so $(CT_PLUGDIR)/ct_notplugin.so $(CT_PLUGDIR)/ct_crash.so \
              $(CT_PLUGDIR)/ct_flaky.so
CT_PLUGCC = $(CC) -shared -fPIC -std=gnu11 $(OPT) $(WARN) $(SANFLAGS) -Isdk

# zz_dup.so: the same source as ct_good.so with the same plugin name (a duplicate); named so a
# directory scan meets it after ct_good.so.
$(CT_PLUGDIR)/ct_good.so: tests/core/plugins/ct_good.c sdk/proctor.h
	@mkdir -p $(dir $@)
	$(CT_PLUGCC) -DCT_NAME='"ct_good"' -o $@ $<
$(CT_PLUGDIR)/zz_dup.so: tests/core/plugins/ct_good.c sdk/proctor.h
	@mkdir -p $(dir $@)
	$(CT_PLUGCC) -DCT_NAME='"ct_good"' -o $@ $<
$(CT_PLUGDIR)/ct_%.so: tests/core/plugins/ct_%.c sdk/proctor.h
	@mkdir -p $(dir $@)
	$(CT_PLUGCC) -o $@ $<

CT_UTIL := tests/core/ctutil.c

TESTS += test_loader
test_loader_SRCS := tests/core/test_loader.c $(CT_UTIL)
test_loader_DEPS = $(PROCTOR) $(CT_PLUGINS) $(BUILD)/plugins/local_folder.so

TESTS += test_sdk_example
test_sdk_example_SRCS := tests/core/test_sdk_example.c $(CT_UTIL)
test_sdk_example_LIBS := -lcjson
test_sdk_example_DEPS = $(PROCTOR)

TESTS += test_pipeline
test_pipeline_SRCS := tests/core/test_pipeline.c $(CT_UTIL)
test_pipeline_DEPS = $(PROCTOR) $(BUILD)/plugins/local_folder.so $(BUILD)/plugins/natix.so \
                     $(BUILD)/plugins/scorer_natix.so

TESTS += test_cache
test_cache_SRCS := tests/core/test_cache.c $(CT_UTIL)
test_cache_LIBS := -lcjson

TESTS += test_local_folder
test_local_folder_SRCS := tests/core/test_local_folder.c $(CT_UTIL)
test_local_folder_LIBS := -lcjson
test_local_folder_DEPS = $(BUILD)/plugins/local_folder.so

TESTS += test_supervisor
test_supervisor_SRCS := tests/core/test_supervisor.c $(CT_UTIL)
test_supervisor_LIBS := -lcjson
test_supervisor_DEPS = $(PROCTOR) $(CT_PLUGDIR)/ct_crash.so $(CT_PLUGDIR)/ct_flaky.so $(BUILD)/plugins/local_folder.so

TESTS += test_loop
test_loop_SRCS := tests/core/test_loop.c $(CT_UTIL)
test_loop_LIBS := -lcjson
test_loop_DEPS = $(BUILD)/demo_miner $(BUILD)/plugins/local_folder.so $(BUILD)/plugins/scorer_natix.so \
                 $(BUILD)/plugins/scorer_accuracy.so $(BUILD)/plugins/scorer_brier.so

TESTS += test_kill9
test_kill9_SRCS := tests/core/test_kill9.c $(CT_UTIL)
test_kill9_LIBS := -lcjson
test_kill9_DEPS = $(PROCTOR) $(BUILD)/demo_miner $(BUILD)/plugins/scorer_natix.so

TESTS += test_cli
test_cli_SRCS := tests/core/test_cli.c $(CT_UTIL)
test_cli_DEPS = $(PROCTOR) $(BUILD)/plugins/local_folder.so $(BUILD)/plugins/scorer_natix.so

# `make test` (no T=) builds `all`, which knows nothing of the test plugins: hang them on the
# test binaries as order-only prerequisites (built first, never linked in).
$(BUILD)/tests/test_loader $(BUILD)/tests/test_supervisor: | $(CT_PLUGINS)

TESTS += test_layers
test_layers_SRCS := tests/core/test_layers.c

TESTS += test_operator
test_operator_SRCS := tests/core/test_operator.c $(CT_UTIL)
test_operator_DEPS = $(PROCTOR) $(BUILD)/plugins/local_folder.so $(BUILD)/plugins/scorer_natix.so

TESTS += test_sdk_kinds
test_sdk_kinds_SRCS := tests/core/test_sdk_kinds.c $(CT_UTIL)

TESTS += test_loop_answers
test_loop_answers_SRCS := tests/core/test_loop_answers.c $(CT_UTIL)
test_loop_answers_LIBS := -lcjson -lmicrohttpd -lpthread
test_loop_answers_DEPS = $(BUILD)/plugins/local_folder.so $(BUILD)/plugins/scorer_natix.so
