/* bip39.h — BIP-39 English mnemonics as Substrate (and so bittensor) uses them: the phrase is
 * decoded back to its entropy, and the seed is PBKDF2-HMAC-SHA512 of that *entropy* with salt
 * "mnemonic" + passphrase (specs/bittensor.md 2.8), not of the sentence as in plain BIP-39. */
#ifndef PC_CRYPTO_BIP39_H
#define PC_CRYPTO_BIP39_H

#include <stddef.h>
#include <stdint.h>

extern const char *const pc_bip39_english[2048];

/* Phrase (12, 15, 18, 21 or 24 English words, any case, separated by white space) -> entropy
 * (16..32 bytes), checksum verified. Returns 0, or -1 with one line in err that never quotes the
 * phrase (it is a secret). */
int pc_bip39_to_entropy(const char *phrase, uint8_t entropy[32], size_t *entropy_len, char *err,
                        size_t errlen);

/* Entropy (16, 20, 24, 28 or 32 bytes) -> phrase, words separated by one space.
 * `out` needs at most 24*9 = 216 bytes. Returns 0, or -1 for a bad length or small buffer. */
int pc_bip39_from_entropy(const uint8_t *entropy, size_t entropy_len, char *out, size_t outlen);

/* PBKDF2-HMAC-SHA512 (RFC 8018) built on libsodium's HMAC; out_len any size. */
void pc_pbkdf2_hmac_sha512(const uint8_t *password, size_t password_len, const uint8_t *salt,
                           size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);

/* substrate-bip39: seed64 = PBKDF2-HMAC-SHA512(entropy, "mnemonic" + passphrase, 2048, 64).
 * passphrase NULL = "". The first 32 bytes are the sr25519 mini secret. Returns 0, -1 when the
 * passphrase is absurdly long (> 1 KiB). */
int pc_bip39_substrate_seed(const uint8_t *entropy, size_t entropy_len, const char *passphrase,
                            uint8_t seed64[64]);

#endif
