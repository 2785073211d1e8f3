/* bls_h2c.c — RFC 9380 hash_to_curve for BLS12-381 G1, suite BLS12381G1_XMD:SHA-256_SSWU_RO_:
 * expand_message_xmd (5.3.1), hash_to_field (5.2, m = 1, L = 64, count = 2), simplified SWU
 * on the 11-isogenous curve E' (6.6.2), the isogeny map (appendix E.2) and cofactor clearing
 * by h_eff = 0xd201000000010001 (8.8.1). Inputs are public (round numbers), so the map may
 * branch on them. */
#include "crypto/bls.h"

#include <sodium.h>
#include <string.h>

enum { B_IN_BYTES = 32, S_IN_BYTES = 64, L_BYTES = 64 };

int pc_bls_expand_message_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len,
                              const uint8_t *dst, size_t dst_len)
{
    size_t ell = (len + B_IN_BYTES - 1) / B_IN_BYTES;
    if (ell > 255 || len > 65535 || dst_len > 255) return -1;
    static const uint8_t zpad[S_IN_BYTES];
    uint8_t lib[2] = {(uint8_t)(len >> 8), (uint8_t)len}, zero = 0, dlen = (uint8_t)dst_len;
    uint8_t b0[32], bi[32], x[32];
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st); /* b_0 = H(Z_pad || msg || l_i_b_str || 0 || DST') */
    crypto_hash_sha256_update(&st, zpad, sizeof zpad);
    crypto_hash_sha256_update(&st, msg, msg_len);
    crypto_hash_sha256_update(&st, lib, 2);
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, dst, dst_len);
    crypto_hash_sha256_update(&st, &dlen, 1);
    crypto_hash_sha256_final(&st, b0);

    memset(bi, 0, sizeof bi);
    for (size_t i = 1; i <= ell; i++) { /* b_i = H((b_0 xor b_(i-1)) || i || DST') */
        uint8_t idx = (uint8_t)i;
        for (int j = 0; j < 32; j++) x[j] = (uint8_t)(b0[j] ^ (i == 1 ? 0 : bi[j]));
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, i == 1 ? b0 : x, 32);
        crypto_hash_sha256_update(&st, &idx, 1);
        crypto_hash_sha256_update(&st, dst, dst_len);
        crypto_hash_sha256_update(&st, &dlen, 1);
        crypto_hash_sha256_final(&st, bi);
        size_t off = (i - 1) * B_IN_BYTES, n = len - off < B_IN_BYTES ? len - off : B_IN_BYTES;
        memcpy(out + off, bi, n);
    }
    return 0;
}

/* k[n-1] x^(n-1) + ... + k[0], plus x^n when monic */
static void horner(pc_fp *r, const pc_fp *k, int n, const pc_fp *x, int monic)
{
    pc_fp acc;
    if (monic) {
        pc_fp_add(&acc, x, &k[n - 1]);
    } else {
        acc = k[n - 1];
    }
    for (int i = n - 2; i >= 0; i--) {
        pc_fp_mul(&acc, &acc, x);
        pc_fp_add(&acc, &acc, &k[i]);
    }
    *r = acc;
}

static void curve_rhs(pc_fp *r, const pc_fp *x) /* x^3 + A' x + B' */
{
    pc_fp t;
    pc_fp_sqr(&t, x);
    pc_fp_add(&t, &t, &pc_sswu_a);
    pc_fp_mul(&t, &t, x);
    pc_fp_add(r, &t, &pc_sswu_b);
}

void pc_bls_map_to_g1(pc_g1 *r, const pc_fp *u)
{
    pc_fp u2, zu2, tv1, x1, x2, gx, y, one = pc_fp_one, t;
    /* simplified SWU onto E' */
    pc_fp_sqr(&u2, u);
    pc_fp_mul(&zu2, &pc_sswu_z, &u2);
    pc_fp_sqr(&tv1, &zu2);
    pc_fp_add(&tv1, &tv1, &zu2);
    pc_fp_inv(&tv1, &tv1); /* inv0: 0 stays 0 */
    if (pc_fp_is_zero(&tv1)) {
        x1 = pc_sswu_b_over_za;
    } else {
        pc_fp_add(&t, &one, &tv1);
        pc_fp_mul(&x1, &pc_sswu_minus_b_over_a, &t);
    }
    curve_rhs(&gx, &x1);
    if (pc_fp_sqrt(&y, &gx)) {
        x2 = x1;
    } else {
        pc_fp_mul(&x2, &zu2, &x1);
        curve_rhs(&gx, &x2);
        pc_fp_sqrt(&y, &gx); /* gx1 * gx2 = Z^3 u^6 gx1^2 is a non-residue times a square */
    }
    if (pc_fp_sgn0(u) != pc_fp_sgn0(&y)) pc_fp_neg(&y, &y);

    /* the 11-isogeny E' -> E, in projective form: Z = xd yd, X = xn yd, Y = y' yn xd */
    pc_fp xn, xd, yn, yd;
    horner(&xn, pc_iso_k1, 12, &x2, 0);
    horner(&xd, pc_iso_k2, 10, &x2, 1);
    horner(&yn, pc_iso_k3, 16, &x2, 0);
    horner(&yd, pc_iso_k4, 15, &x2, 1);
    pc_fp_mul(&r->z, &xd, &yd);
    if (pc_fp_is_zero(&r->z)) { /* a pole of the isogeny: the identity (RFC 9380 6.6.3) */
        pc_g1_infinity(r);
        return;
    }
    pc_fp_mul(&r->x, &xn, &yd);
    pc_fp_mul(&r->y, &y, &yn);
    pc_fp_mul(&r->y, &r->y, &xd);
}

/* h_eff P, double-and-add over the public 64-bit h_eff */
static void clear_cofactor(pc_g1 *r, const pc_g1 *p)
{
    const uint64_t h_eff = 0xd201000000010001ULL;
    pc_g1 acc = *p;
    for (int i = 62; i >= 0; i--) {
        pc_g1_dbl(&acc, &acc);
        if (h_eff >> i & 1) pc_g1_add(&acc, &acc, p);
    }
    *r = acc;
}

int pc_bls_hash_to_g1(pc_g1 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                      size_t dst_len)
{
    uint8_t uniform[2 * L_BYTES];
    pc_fp u0, u1;
    pc_g1 q0, q1;
    if (pc_bls_expand_message_xmd(uniform, sizeof uniform, msg, msg_len, dst, dst_len) != 0)
        return -1;
    pc_fp_from_be_mod(&u0, uniform, L_BYTES);
    pc_fp_from_be_mod(&u1, uniform + L_BYTES, L_BYTES);
    pc_bls_map_to_g1(&q0, &u0);
    pc_bls_map_to_g1(&q1, &u1);
    pc_g1_add(&q0, &q0, &q1);
    clear_cofactor(r, &q0);
    return 0;
}
