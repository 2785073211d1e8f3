/* tle.c — drand timelock encryption (FullIdent + AES-256-GCM), byte-compatible with
 * Subtensor's `tld::<TinyBLS381, AESGCMStreamCipherProvider>` (see tle.h for the layout). */
#include "crypto/tle.h"
#include "crypto/drand_quicknet.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const uint8_t suite[8] = {'A', 'E', 'S', '_', 'G', 'C', 'M', '_'};

static void put_u64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void pc_tle_round_identity(pc_g1 *q, uint64_t round)
{
    uint8_t be[8], h[32];
    for (int i = 0; i < 8; i++) be[i] = (uint8_t)(round >> (56 - 8 * i));
    crypto_hash_sha256(h, be, sizeof be);
    pc_bls_hash_to_g1(q, h, sizeof h, (const uint8_t *)PC_DRAND_QUICKNET_DST,
                      sizeof PC_DRAND_QUICKNET_DST - 1);
}

/* H2: SHA-256 of the 576-byte arkworks serialisation of a GT element */
static void h2(uint8_t out[32], const pc_gt *g)
{
    uint8_t bytes[PC_GT_BYTES];
    pc_gt_to_bytes(bytes, g);
    crypto_hash_sha256(out, bytes, sizeof bytes);
}

/* H3: r = SHA-256(sigma || esk) read big-endian, reduced mod r */
static void h3(uint8_t r[32], const uint8_t sigma[32], const uint8_t esk[32])
{
    crypto_hash_sha256_state st;
    uint8_t h[32];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, sigma, 32);
    crypto_hash_sha256_update(&st, esk, 32);
    crypto_hash_sha256_final(&st, h);
    pc_fr_from_be_mod(r, h);
    sodium_memzero(h, sizeof h);
    sodium_memzero(&st, sizeof st);
}

/* AES-256-GCM, empty AAD; enc = 1 seals (tag out), 0 opens (tag in, checked) */
static int aes_gcm(int enc, const uint8_t key[32], const uint8_t nonce[12], const uint8_t *in,
                   size_t len, uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = ctx != NULL, n = 0;
    if (len > (size_t)0x7fffffff) ok = 0;
    ok = ok && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1;
    ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) == 1;
    ok = ok && (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1);
    if (ok && !enc) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    ok = ok && EVP_CipherFinal_ex(ctx, out + n, &n) == 1;
    if (ok && enc) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

static int check_master_pk(const pc_g2 *pk, char *err, size_t errlen)
{
    if (pc_g2_is_infinity(pk) || !pc_g2_in_subgroup(pk)) {
        snprintf(err, errlen, "timelock: master public key is not a valid G2 point");
        return -1;
    }
    return 0;
}

/* the encryption proper, for a master key already known to be a valid G2 point */
static int encrypt_core(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                        const uint8_t esk[32], const uint8_t sigma[32], const uint8_t nonce[12],
                        uint8_t *out, char *err, size_t errlen)
{
    uint8_t r[32], h[32], tag[16];
    pc_g1 q;
    pc_g2 u, rp;
    pc_gt g;
    pc_tle_round_identity(&q, round);
    h3(r, sigma, esk);
    pc_g2_generator(&u);
    pc_g2_mul(&u, &u, r);
    pc_g2_mul(&rp, master_pk, r);
    pc_bls_pairing(&g, &q, &rp);
    h2(h, &g);

    uint8_t *p = out;
    pc_g2_compress(p, &u); /* U */
    p += 96;
    put_u64le(p, 32); /* V = sigma xor H2(e(Q, r Ppub)) */
    for (int i = 0; i < 32; i++) p[8 + i] = sigma[i] ^ h[i];
    p += 40;
    crypto_hash_sha256(h, sigma, 32); /* W = esk xor H4(sigma) */
    put_u64le(p, 32);
    for (int i = 0; i < 32; i++) p[8 + i] = esk[i] ^ h[i];
    p += 40;
    put_u64le(p, (uint64_t)len + 44); /* body: the serialised AESOutput */
    put_u64le(p + 8, (uint64_t)len + 16);
    int rc = aes_gcm(1, esk, nonce, msg, len, p + 16, tag);
    memcpy(p + 16 + len, tag, 16);
    put_u64le(p + 32 + len, 12);
    memcpy(p + 40 + len, nonce, 12);
    p += 52 + len;
    put_u64le(p, sizeof suite);
    memcpy(p + 8, suite, sizeof suite);

    sodium_memzero(r, sizeof r);
    sodium_memzero(h, sizeof h);
    sodium_memzero(&rp, sizeof rp);
    sodium_memzero(&g, sizeof g);
    if (rc != 0) {
        sodium_memzero(out, len + PC_TLE_OVERHEAD);
        snprintf(err, errlen, "timelock: AES-256-GCM encryption failed");
        return -1;
    }
    return 0;
}

int pc_tle_encrypt_with(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                        const uint8_t esk[32], const uint8_t sigma[32], const uint8_t nonce[12],
                        uint8_t *out, char *err, size_t errlen)
{
    if (check_master_pk(master_pk, err, errlen) != 0) return -1;
    return encrypt_core(master_pk, round, msg, len, esk, sigma, nonce, out, err, errlen);
}

/* fresh esk, sigma and nonce from the OS CSPRNG */
static int encrypt_random(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                          uint8_t *out, char *err, size_t errlen)
{
    uint8_t esk[32], sigma[32], nonce[12];
    if (sodium_init() < 0) {
        snprintf(err, errlen, "timelock: libsodium failed to initialise");
        return -1;
    }
    randombytes_buf(esk, sizeof esk);
    randombytes_buf(sigma, sizeof sigma);
    randombytes_buf(nonce, sizeof nonce);
    int rc = encrypt_core(master_pk, round, msg, len, esk, sigma, nonce, out, err, errlen);
    sodium_memzero(esk, sizeof esk);
    sodium_memzero(sigma, sizeof sigma);
    return rc;
}

int pc_tle_encrypt_point(const pc_g2 *master_pk, uint64_t round, const uint8_t *msg, size_t len,
                         uint8_t *out, char *err, size_t errlen)
{
    if (check_master_pk(master_pk, err, errlen) != 0) return -1;
    return encrypt_random(master_pk, round, msg, len, out, err, errlen);
}

int pc_tle_encrypt(const uint8_t master_pk[96], uint64_t round, const uint8_t *msg, size_t len,
                   uint8_t *out, char *err, size_t errlen)
{
    pc_g2 pk;
    char why[160];
    if (pc_g2_decompress(&pk, master_pk, why, sizeof why) != 0) {
        snprintf(err, errlen, "timelock: master public key: %s", why);
        return -1;
    }
    return encrypt_random(&pk, round, msg, len, out, err, errlen); /* decompress checked it */
}

/* the decryption proper, for a signature already known to be a valid G1 point */
static int decrypt_core(const pc_g1 *signature, const uint8_t *ct, size_t ct_len, uint8_t *out,
                        size_t *out_len, char *err, size_t errlen)
{
    char why[160];
    *out_len = 0;
    if (pc_g1_is_infinity(signature)) {
        snprintf(err, errlen, "timelock: the round signature is the point at infinity");
        return -1;
    }
    if (ct_len < PC_TLE_OVERHEAD) {
        snprintf(err, errlen, "timelock: ciphertext of %zu bytes is shorter than the %d-byte frame",
                 ct_len, PC_TLE_OVERHEAD);
        return -1;
    }
    size_t m = ct_len - PC_TLE_OVERHEAD;
    pc_g2 u;
    if (pc_g2_decompress(&u, ct, why, sizeof why) != 0) {
        snprintf(err, errlen, "timelock: header U: %s", why);
        return -1;
    }
    const uint8_t *v = ct + 96, *w = ct + 136, *body = ct + 176;
    if (get_u64le(v) != 32 || get_u64le(w) != 32) {
        snprintf(err, errlen, "timelock: V and W must be 32-byte vectors");
        return -1;
    }
    if (get_u64le(body) != (uint64_t)m + 44 || get_u64le(body + 8) != (uint64_t)m + 16 ||
        get_u64le(body + 32 + m) != 12) {
        snprintf(err, errlen, "timelock: body lengths do not match a %zu-byte ciphertext", ct_len);
        return -1;
    }
    const uint8_t *cs = body + 52 + m;
    if (get_u64le(cs) != sizeof suite || memcmp(cs + 8, suite, sizeof suite) != 0) {
        snprintf(err, errlen, "timelock: cipher suite is not AES_GCM_");
        return -1;
    }
    uint8_t sigma[32], esk[32], h[32], r[32], tag[16];
    pc_gt g;
    pc_g2 chk;
    pc_bls_pairing(&g, signature, &u);
    h2(h, &g);
    for (int i = 0; i < 32; i++) sigma[i] = v[8 + i] ^ h[i];
    crypto_hash_sha256(h, sigma, 32);
    for (int i = 0; i < 32; i++) esk[i] = w[8 + i] ^ h[i];
    h3(r, sigma, esk);
    pc_g2_generator(&chk);
    pc_g2_mul(&chk, &chk, r);
    int rc = -1;
    if (!pc_g2_eq(&chk, &u)) {
        snprintf(err, errlen, "timelock: wrong signature for this ciphertext (U != rG2)");
    } else {
        memcpy(tag, body + 16 + m, 16);
        if (aes_gcm(0, esk, body + 40 + m, body + 16, m, out, tag) != 0) {
            sodium_memzero(out, m);
            snprintf(err, errlen, "timelock: AES-256-GCM authentication failed");
        } else {
            *out_len = m;
            rc = 0;
        }
    }
    sodium_memzero(sigma, sizeof sigma);
    sodium_memzero(esk, sizeof esk);
    sodium_memzero(h, sizeof h);
    sodium_memzero(r, sizeof r);
    sodium_memzero(&g, sizeof g);
    return rc;
}

int pc_tle_decrypt_point(const pc_g1 *signature, const uint8_t *ct, size_t ct_len, uint8_t *out,
                         size_t *out_len, char *err, size_t errlen)
{
    *out_len = 0;
    if (pc_g1_is_infinity(signature) || !pc_g1_in_subgroup(signature)) {
        snprintf(err, errlen, "timelock: signature is not a valid G1 point");
        return -1;
    }
    return decrypt_core(signature, ct, ct_len, out, out_len, err, errlen);
}

int pc_tle_decrypt(const uint8_t signature[48], const uint8_t *ct, size_t ct_len, uint8_t *out,
                   size_t *out_len, char *err, size_t errlen)
{
    pc_g1 sig;
    char why[160];
    *out_len = 0;
    if (pc_g1_decompress(&sig, signature, why, sizeof why) != 0) {
        snprintf(err, errlen, "timelock: round signature: %s", why);
        return -1;
    }
    return decrypt_core(&sig, ct, ct_len, out, out_len, err, errlen); /* decompress checked it */
}
