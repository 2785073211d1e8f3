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

# libFuzzer target for BLS point and timelock ciphertext decoding; joins `make fuzz-smoke`
# (FUZZ_SECONDS, default 60). Needs clang with libFuzzer (Debian: clang, libclang-rt-*-dev).
BLS_FUZZ      := $(BUILD)/fuzz/bls_decode_fuzz
BLS_FUZZ_DIR  := $(BUILD)/fuzz/bls-corpus
BLS_FUZZ_SRCS := tests/crypto/fuzz/fuzz_bls_decode.c core/crypto/bls_consts.c \
                 core/crypto/bls_fp.c core/crypto/bls_fp2.c core/crypto/bls_fp12.c \
                 core/crypto/bls_g1.c core/crypto/bls_g2.c core/crypto/bls_fr.c \
                 core/crypto/bls_h2c.c core/crypto/bls_pairing.c core/crypto/tle.c
FUZZ_SECONDS  ?= 60
$(BLS_FUZZ): $(BLS_FUZZ_SRCS) $(wildcard core/crypto/bls*.h core/crypto/tle.h core/crypto/bls_point.inc)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -Wall -Wextra -Wshadow -Icore -o $@ $(BLS_FUZZ_SRCS) -lsodium -lcrypto
.PHONY: bls-fuzz-smoke
fuzz-smoke: bls-fuzz-smoke
bls-fuzz-smoke: $(BLS_FUZZ)
	@mkdir -p $(BLS_FUZZ_DIR)
	cp tests/crypto/fuzz/corpus/* $(BLS_FUZZ_DIR)/
	$(BLS_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=1024 -rss_limit_mb=2048 -timeout=30 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/bls- $(BLS_FUZZ_DIR)
