/* sr25519.c — schnorrkel signatures over libsodium's ristretto255 (specs/bittensor.md 2.4-2.8). */
#include "crypto/sr25519.h"
#include "crypto/bip39.h"
#include "crypto/merlin.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char signing_ctx[] = "substrate";

/* l, the order of the ristretto255 group, little-endian */
static const uint8_t group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* 1 when s < l. Branch-free over all bytes, since s may be a secret key. */
static int scalar_is_canonical(const uint8_t s[32])
{
    unsigned borrow = 0;
    for (int i = 0; i < 32; i++) borrow = (unsigned)(s[i] - group_order[i] - borrow) >> 8 & 1;
    return (int)borrow; /* s - l borrows exactly when s < l */
}

/* 256-bit little-endian right shift by 3: exact division by the cofactor for clamped keys */
static void divide_by_cofactor(uint8_t s[32])
{
    for (int i = 0; i < 31; i++) s[i] = (uint8_t)(s[i] >> 3 | s[i + 1] << 5);
    s[31] >>= 3;
}

int pc_sr25519_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

/* x -> public key; -1 for x = 0 (identity), which no real key has */
static int finish_keypair(pc_sr25519_keypair *kp)
{
    if (crypto_scalarmult_ristretto255_base(kp->pub, kp->secret) != 0) {
        pc_sr25519_keypair_wipe(kp);
        return -1;
    }
    return 0;
}

int pc_sr25519_from_mini(const uint8_t mini[32], pc_sr25519_keypair *out)
{
    uint8_t h[crypto_hash_sha512_BYTES];
    if (pc_sr25519_init() != 0) return -1;
    crypto_hash_sha512(h, mini, 32);
    h[0] &= 248;
    h[31] &= 63;
    h[31] |= 64;
    divide_by_cofactor(h);
    memcpy(out->secret, h, 32);
    memcpy(out->nonce, h + 32, 32);
    sodium_memzero(h, sizeof h);
    return finish_keypair(out);
}

int pc_sr25519_from_secret64(const uint8_t secret[64], pc_sr25519_keypair *out)
{
    if (pc_sr25519_init() != 0) return -1;
    if (!scalar_is_canonical(secret)) return -1;
    memcpy(out->secret, secret, 32);
    memcpy(out->nonce, secret + 32, 32);
    return finish_keypair(out);
}

int pc_sr25519_from_ed25519_secret(const uint8_t secret[64], pc_sr25519_keypair *out)
{
    uint8_t x[32];
    if (pc_sr25519_init() != 0) return -1;
    memcpy(x, secret, 32);
    divide_by_cofactor(x);
    int canonical = scalar_is_canonical(x);
    if (canonical) {
        memcpy(out->secret, x, 32);
        memcpy(out->nonce, secret + 32, 32);
    }
    sodium_memzero(x, sizeof x);
    return canonical ? finish_keypair(out) : -1;
}

int pc_sr25519_from_mnemonic(const char *phrase, const char *passphrase, pc_sr25519_keypair *out,
                             char *err, size_t errlen)
{
    uint8_t entropy[32], seed[64];
    size_t n = 0;
    if (pc_sr25519_init() != 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    if (pc_bip39_to_entropy(phrase, entropy, &n, err, errlen) != 0) return -1;
    int rc = pc_bip39_substrate_seed(entropy, n, passphrase, seed);
    if (rc != 0) snprintf(err, errlen, "mnemonic passphrase is too long");
    else if ((rc = pc_sr25519_from_mini(seed, out)) != 0)
        snprintf(err, errlen, "mnemonic gives an unusable key");
    sodium_memzero(entropy, sizeof entropy);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

/* Steps 1-5 of the signing transcript (specs/bittensor.md 2.4). */
static void signing_transcript(pc_merlin *t, const uint8_t pub[32], const void *msg, size_t len)
{
    pc_merlin_init(t, "SigningContext");
    pc_merlin_append(t, "", signing_ctx, sizeof signing_ctx - 1);
    pc_merlin_append(t, "sign-bytes", msg, len);
    pc_merlin_append(t, "proto-name", "Schnorr-sig", 11);
    pc_merlin_append(t, "sign:pk", pub, 32);
}

int pc_sr25519_sign_with_entropy(const pc_sr25519_keypair *kp, const void *msg, size_t len,
                                 const uint8_t entropy[32], uint8_t sig[64])
{
    if (len > UINT32_MAX) return -1; /* Merlin frames lengths as 32 bits */
    pc_merlin t;
    pc_merlin_rng rng;
    uint8_t wide[64], r[32], k[32], kx[32];
    int rc = -1;

    signing_transcript(&t, kp->pub, msg, len);
    pc_merlin_rng_init(&rng, &t);
    pc_merlin_rng_rekey(&rng, "signing", kp->nonce, 32);
    pc_merlin_rng_finalize(&rng, entropy);
    pc_merlin_rng_fill(&rng, wide, 64);
    crypto_core_ristretto255_scalar_reduce(r, wide);
    if (crypto_scalarmult_ristretto255_base(sig, r) != 0) goto done; /* r = 0: never in practice */

    pc_merlin_append(&t, "sign:R", sig, 32);
    pc_merlin_challenge(&t, "sign:c", wide, 64);
    crypto_core_ristretto255_scalar_reduce(k, wide);
    crypto_core_ristretto255_scalar_mul(kx, k, kp->secret);
    crypto_core_ristretto255_scalar_add(sig + 32, kx, r);
    sig[63] |= 0x80; /* schnorrkel's marker: tells sr25519 signatures from ed25519 ones */
    rc = 0;
done:
    pc_merlin_rng_wipe(&rng);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(r, sizeof r);
    sodium_memzero(kx, sizeof kx);
    if (rc != 0) sodium_memzero(sig, 64);
    return rc;
}

int pc_sr25519_sign(const pc_sr25519_keypair *kp, const void *msg, size_t len, uint8_t sig[64])
{
    uint8_t entropy[32];
    if (pc_sr25519_init() != 0) return -1;
    randombytes_buf(entropy, sizeof entropy);
    int rc = pc_sr25519_sign_with_entropy(kp, msg, len, entropy, sig);
    sodium_memzero(entropy, sizeof entropy);
    return rc;
}

int pc_sr25519_verify(const uint8_t pub[32], const void *msg, size_t len, const uint8_t sig[64])
{
    uint8_t s[32], wide[64], k[32], sB[32], kA[32], Rp[32];
    pc_merlin t;

    if (len > UINT32_MAX) return 0;
    if (!(sig[63] & 0x80)) return 0; /* not marked as schnorrkel */
    memcpy(s, sig + 32, 32);
    s[31] &= 0x7f;
    if (!scalar_is_canonical(s)) return 0;
    if (!crypto_core_ristretto255_is_valid_point(pub)) return 0;

    signing_transcript(&t, pub, msg, len);
    pc_merlin_append(&t, "sign:R", sig, 32);
    pc_merlin_challenge(&t, "sign:c", wide, 64);
    crypto_core_ristretto255_scalar_reduce(k, wide);

    /* R' = s*B - k*A. With A already checked, a multiplication fails only when the product is
     * the identity, whose encoding is all zeros; the subtraction takes that as a point. */
    if (crypto_scalarmult_ristretto255_base(sB, s) != 0) memset(sB, 0, 32);
    if (crypto_scalarmult_ristretto255(kA, k, pub) != 0) memset(kA, 0, 32);
    if (crypto_core_ristretto255_sub(Rp, sB, kA) != 0) return 0;
    return sodium_memcmp(Rp, sig, 32) == 0;
}

void pc_sr25519_keypair_wipe(pc_sr25519_keypair *kp)
{
    sodium_memzero(kp, sizeof *kp);
}
