# tests/score: scorer plugins (dlopened from the build), history/EMA/weights, state file.
TESTS += test_score_natix
test_score_natix_SRCS := tests/score/test_score_natix.c
test_score_natix_DEPS = $(BUILD)/plugins/scorer_natix.so
TESTS += test_score_plugins
test_score_plugins_SRCS := tests/score/test_score_plugins.c
test_score_plugins_DEPS = $(BUILD)/plugins/scorer_natix.so $(BUILD)/plugins/scorer_accuracy.so \
                          $(BUILD)/plugins/scorer_brier.so
TESTS += test_score_core
test_score_core_SRCS := tests/score/test_score_core.c
TESTS += test_score_state
test_score_state_SRCS := tests/score/test_score_state.c
