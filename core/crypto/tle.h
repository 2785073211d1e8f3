/* tle.h — drand timelock encryption exactly as Subtensor decrypts commit-reveal v4 weights
 * (specs/bittensor.md 3.11; ideal-lab5/timelock `tle`/`tld` with TinyBLS381 and AES-GCM).
 *
 * Boneh–Franklin FullIdent with identities and round signatures in G1 and the beacon key in G2:
 *   Q = hash_to_G1(SHA-256(round as u64 big-endian)), DST PC_DRAND_QUICKNET_DST
 *   esk, sigma: 32 random bytes; r = SHA-256(sigma || esk) mod r (big-endian)
 *   U = r G2, V = sigma xor SHA-256(GT bytes of e(Q, r Ppub)), W = esk xor SHA-256(sigma)
 *   body = AES-256-GCM(key esk, random 12-byte nonce, no AAD)
 * Bytes (arkworks, Vec<u8> = u64 LE length + bytes), m + 244 in all:
 *   U (96, compressed G2) | 32 | V | 32 | W | m+44 | [ m+16 | ct | tag | 12 | nonce ] | 8 | "AES_GCM_"
 *
 * Secrets come from libsodium's randombytes and are wiped before returning.
 * Errors: 0, or -1 with a one-line reason in err. */
#ifndef PC_CRYPTO_TLE_H
#define PC_CRYPTO_TLE_H

#include "crypto/bls.h"

#include <stddef.h>
#include <stdint.h>

enum { PC_TLE_OVERHEAD = 244 };

/* Q = hash_to_G1(SHA-256(round BE)): the identity of a round, also what the beacon signs */
void pc_tle_round_identity(pc_g1 *q, uint64_t round);

/* Encrypt msg for the round; out holds len + PC_TLE_OVERHEAD bytes. master_pk is the beacon's
 * compressed G2 key (decoded and subgroup-checked here). */
int pc_tle_encrypt(const uint8_t master_pk[96], uint64_t round, const uint8_t *msg, size_t len,
                   uint8_t *out, char *err, size_t errlen);
/* The same with an already decoded key (decode once, encrypt many). */
int pc_tle_encrypt_point(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                         uint8_t *out, char *err, size_t errlen);
/* Deterministic core, for tests: caller-chosen esk, sigma and nonce. */
int pc_tle_encrypt_with(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                        const uint8_t esk[32], const uint8_t sigma[32], const uint8_t nonce[12],
                        uint8_t *out, char *err, size_t errlen);

/* Decrypt with the round's signature (compressed G1). out holds ct_len - PC_TLE_OVERHEAD
 * bytes; *out_len gets the plaintext length. Fails on any malformed or tampered input. */
int pc_tle_decrypt(const uint8_t signature[48], const uint8_t *ct, size_t ct_len, uint8_t *out,
                   size_t *out_len, char *err, size_t errlen);
int pc_tle_decrypt_point(const pc_g1 *signature, const uint8_t *ct, size_t ct_len, uint8_t *out,
                         size_t *out_len, char *err, size_t errlen);

#endif
