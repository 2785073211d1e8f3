/* keccak.h — Keccak-f[1600] permutation, SHA3-256 (FIPS 202) and hex helpers.
 *
 * SHA3-256 is what bittensor uses for `computed_body_hash` (specs/bittensor.md 1.4); the bare
 * permutation is the engine of STROBE-128 / Merlin (strobe.h), hence sr25519. */
#ifndef PC_CRYPTO_KECCAK_H
#define PC_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

/* The 24-round permutation over a 200-byte state read as 25 little-endian 64-bit lanes,
 * lane (x, y) at byte offset 8*(x + 5*y). */
void pc_keccak_f1600(uint8_t state[200]);

/* Incremental SHA3-256, for inputs that arrive in pieces. */
typedef struct pc_sha3_256_ctx {
    uint8_t st[200];
    size_t pos;
} pc_sha3_256_ctx;

void pc_sha3_256_init(pc_sha3_256_ctx *c);
void pc_sha3_256_update(pc_sha3_256_ctx *c, const void *data, size_t len);
void pc_sha3_256_final(pc_sha3_256_ctx *c, uint8_t out[32]);

/* One-shot SHA3-256 (FIPS 202, padding 0x06, not the original Keccak-256). */
void pc_sha3_256(const void *data, size_t len, uint8_t out[32]);

/* Lower-case hex of `len` bytes; `out` holds 2*len+1 chars (NUL-terminated). */
void pc_hex_encode(const uint8_t *in, size_t len, char *out);

/* Decode exactly 2*len hex digits (either case, no prefix) into `out`.
 * Returns 0, or -1 when `hex` is not exactly 2*len hex digits (out is then unspecified). */
int pc_hex_decode(const char *hex, uint8_t *out, size_t len);

#endif
