# tests/image: codecs, resize, distortions, augmentation, synapse image.
# Reference values: tests/image/make_reference.py (Pillow + OpenCV) -> tests/image/reference.h
TESTS += test_image_codec test_image_ops test_image_augment test_image_synapse
test_image_codec_SRCS   := tests/image/test_image_codec.c
test_image_ops_SRCS     := tests/image/test_image_ops.c
test_image_augment_SRCS := tests/image/test_image_augment.c
test_image_synapse_SRCS := tests/image/test_image_synapse.c
