# make_demo_photos: renders demo/photos with the procedural renderer (linked directly).
#   make BUILD=build/proc build/proc/make_demo_photos && build/proc/make_demo_photos --out demo/photos
TOOLS += make_demo_photos
make_demo_photos_SRCS := tools/make_demo_photos/make_demo_photos.c $(PROCEDURAL_RENDER_SRCS)
make_demo_photos_CFLAGS := -Iplugins/generators/procedural
make_demo_photos_LIBS := -ljpeg -lcjson
