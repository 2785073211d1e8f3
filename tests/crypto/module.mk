# tests/crypto: hashing, transcripts, sr25519, SS58, wallet files, interop with an npm sr25519.
TESTS += test_keccak test_merlin test_sr25519 test_ss58 test_wallet test_sr25519_interop
test_keccak_SRCS := tests/crypto/test_keccak.c
test_merlin_SRCS := tests/crypto/test_merlin.c
test_sr25519_SRCS := tests/crypto/test_sr25519.c
test_ss58_SRCS := tests/crypto/test_ss58.c
test_wallet_SRCS := tests/crypto/test_wallet.c
test_sr25519_interop_SRCS := tests/crypto/test_sr25519_interop.c
# BLS12-381 + drand timelock: RFC 9380 vectors, quicknet vector, hostile encodings, round trips;
# and interop with @noble/curves (npm, installed into $(BUILD)/npm-bls).
TESTS += test_bls test_bls_interop
test_bls_SRCS := tests/crypto/test_bls.c
test_bls_interop_SRCS := tests/crypto/test_bls_interop.c
