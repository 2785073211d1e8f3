# bench/crypto: sr25519 signing/verification speed (make bench; not part of make test).
BENCHES += bench_sr25519
bench_sr25519_SRCS := bench/crypto/bench_sr25519.c
# bench/crypto: BLS12-381 pairing, hash to G1 and timelock commit encryption vs @noble/curves.
BENCHES += bench_bls
bench_bls_SRCS := bench/crypto/bench_bls.c
