# bench/axon: what sr25519 signing adds to a 256-miner challenge (open and verifying miners).
BENCHES += bench_axon
bench_axon_SRCS := bench/axon/bench_axon.c tests/net/netutil.c
bench_axon_LIBS := -ljpeg -lsodium
bench_axon_DEPS = $(BUILD)/demo_miner
