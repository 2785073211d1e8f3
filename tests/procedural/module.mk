# procedural generator: the plugin through its ABI, and the renderer linked directly.
TESTS += test_procedural test_procedural_render
test_procedural_SRCS := tests/procedural/test_procedural.c
test_procedural_DEPS = $(BUILD)/plugins/procedural.so
test_procedural_render_SRCS := tests/procedural/test_procedural_render.c $(PROCEDURAL_RENDER_SRCS)
test_procedural_render_CFLAGS := -Iplugins/generators/procedural
test_procedural_render_LIBS := -lcjson
