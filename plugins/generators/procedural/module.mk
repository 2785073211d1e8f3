# procedural generator plugin: synthetic street scenes, no weights. The renderer (pr_*.c) is
# also linked directly by tools/make_demo_photos and tests/procedural.
PROCEDURAL_RENDER_SRCS := plugins/generators/procedural/pr_raster.c \
                          plugins/generators/procedural/pr_objects.c \
                          plugins/generators/procedural/pr_items.c \
                          plugins/generators/procedural/pr_scene.c \
                          plugins/generators/procedural/pr_backdrop.c \
                          plugins/generators/procedural/pr_place.c \
                          plugins/generators/procedural/pr_edit.c \
                          plugins/generators/procedural/pr_describe.c \
                          plugins/generators/procedural/pr_hints.c \
                          plugins/generators/procedural/pr_options.c
PLUGINS += procedural
procedural_SRCS := plugins/generators/procedural/procedural.c $(PROCEDURAL_RENDER_SRCS)
procedural_LIBS :=
