# bench/crypto: sr25519 signing/verification speed (make bench; not part of make test).
BENCHES += bench_sr25519
bench_sr25519_SRCS := bench/crypto/bench_sr25519.c
