/* sr25519.h — Schnorr signatures on ristretto255 as Substrate and bittensor use them
 * (schnorrkel; specs/bittensor.md 2.4-2.8): signing context "substrate", Merlin transcripts,
 * randomized nonces, keys from a mini secret in ExpandEd25519 mode.
 *
 * Group and scalar arithmetic is libsodium's (constant time); secrets are wiped after use.
 * Call sodium_init() once before using these (pc_sr25519_init does it). */
#ifndef PC_CRYPTO_SR25519_H
#define PC_CRYPTO_SR25519_H

#include <stddef.h>
#include <stdint.h>

#define PC_SR25519_PUBLIC_BYTES 32
#define PC_SR25519_SIGNATURE_BYTES 64

typedef struct pc_sr25519_keypair {
    uint8_t secret[32]; /* key scalar x, canonical (< l), little-endian */
    uint8_t nonce[32];  /* the secret nonce seed z mixed into every signature's witness */
    uint8_t pub[32];    /* x*B, ristretto255 encoding */
} pc_sr25519_keypair;

/* sodium_init(); returns 0, -1 when libsodium cannot start. Safe to call more than once. */
int pc_sr25519_init(void);

/* From a 32-byte mini secret, ExpandEd25519 mode (sp-core from_seed, btwallet secretSeed). */
int pc_sr25519_from_mini(const uint8_t mini[32], pc_sr25519_keypair *out);
/* From schnorrkel's 64-byte secret x || z (btwallet privateKey); -1 when x is not canonical. */
int pc_sr25519_from_secret64(const uint8_t secret[64], pc_sr25519_keypair *out);
/* From the "ed25519 form" (8x || z, polkadot-js exports); -1 when x is not canonical. */
int pc_sr25519_from_ed25519_secret(const uint8_t secret[64], pc_sr25519_keypair *out);
/* From a BIP-39 English phrase by Substrate's rule (passphrase NULL = none). Returns 0, or -1
 * with one line in err (never quoting the phrase). */
int pc_sr25519_from_mnemonic(const char *phrase, const char *passphrase, pc_sr25519_keypair *out,
                             char *err, size_t errlen);

/* Sign msg with context "substrate"; the witness takes 32 bytes from randombytes_buf.
 * Returns 0, -1 on failure (message of 4 GiB or more, or a degenerate nonce). */
int pc_sr25519_sign(const pc_sr25519_keypair *kp, const void *msg, size_t len,
                    uint8_t sig[PC_SR25519_SIGNATURE_BYTES]);
/* The same with the 32 RNG bytes given: deterministic, for test vectors only. */
int pc_sr25519_sign_with_entropy(const pc_sr25519_keypair *kp, const void *msg, size_t len,
                                 const uint8_t entropy[32], uint8_t sig[PC_SR25519_SIGNATURE_BYTES]);

/* 1 when sig is a valid signature of msg under pub (context "substrate"), else 0. Rejects
 * signatures without schnorrkel's marker bit, non-canonical s and invalid public keys. */
int pc_sr25519_verify(const uint8_t pub[PC_SR25519_PUBLIC_BYTES], const void *msg, size_t len,
                      const uint8_t sig[PC_SR25519_SIGNATURE_BYTES]);

/* Zero the secret halves (and the public key) of a keypair. */
void pc_sr25519_keypair_wipe(pc_sr25519_keypair *kp);

#endif
