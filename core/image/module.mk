# core/image: decode/encode/resize (libjpeg-turbo, stb), augmentation levels 0..3, synapse image.
CORE_SRCS += core/image/irng.c core/image/image.c core/image/decode.c core/image/encode.c core/image/resize.c \
             core/image/distort.c core/image/augment.c core/image/synapse.c
CORE_LIBS += -lstb
# Bit-exact with OpenCV/torch float32: no fused multiply-add, whatever the compiler or -march
# (GCC's pragma alone does not bind clang). The pixel loops also want the vectoriser at -O2.
$(call obj,core/image/distort.c core/image/resize.c core/image/augment.c): EXTRA_CFLAGS += -ffp-contract=off
$(call obj,core/image/distort.c core/image/resize.c): EXTRA_CFLAGS += -ftree-vectorize
