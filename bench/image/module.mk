# bench/image: challenge image preparation (decode + augmentation + JPEG + base64).
BENCHES += bench_prepare
bench_prepare_SRCS := bench/image/bench_prepare.c
