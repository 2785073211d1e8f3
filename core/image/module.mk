# core/image: decode/encode/resize (libjpeg-turbo, stb), augmentation levels 0..3, synapse image.
CORE_SRCS += core/image/irng.c core/image/image.c core/image/decode.c core/image/encode.c core/image/resize.c \
             core/image/distort.c core/image/augment.c core/image/synapse.c
CORE_LIBS += -lstb
