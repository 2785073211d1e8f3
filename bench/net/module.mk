# bench/net: dendrite fan-out to many loopback demo miners.
BENCHES += bench_dendrite
bench_dendrite_SRCS := bench/net/bench_dendrite.c tests/net/netutil.c
bench_dendrite_LIBS := -ljpeg -lsodium
bench_dendrite_DEPS = $(BUILD)/demo_miner
