/* pc_bls_fp.c — arithmetic mod the BLS12-381 prime p in Montgomery form (R = 2^384).
 * Branch-free: carries and the final conditional subtraction are masks. */
#include "crypto/pc_bls_field.h"

#include <string.h>

typedef unsigned __int128 u128;

#define P pc_fp_modulus
static const uint64_t N0 = 0x89f3fffcfffcfffdULL; /* -p^-1 mod 2^64 */

void pc_fp_zero(pc_fp *r) { memset(r, 0, sizeof *r); }

/* r = t - p if t >= p else t, for t < 2p given as 6 limbs plus a carry bit */
static void reduce_once(uint64_t r[6], const uint64_t t[6], uint64_t carry)
{
    uint64_t s[6], borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)t[i] - P[i] - borrow;
        s[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    /* keep t when the subtraction borrowed and there was no carry out */
    uint64_t keep = 0 - (borrow & ~carry & 1);
    for (int i = 0; i < 6; i++) r[i] = (t[i] & keep) | (s[i] & ~keep);
}

void pc_fp_add(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    uint64_t t[6], carry = 0;
    for (int i = 0; i < 6; i++) {
        u128 s = (u128)a->l[i] + b->l[i] + carry;
        t[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    reduce_once(r->l, t, carry);
}

void pc_fp_dbl(pc_fp *r, const pc_fp *a) { pc_fp_add(r, a, a); }

void pc_fp_sub(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    uint64_t t[6], borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)a->l[i] - b->l[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    uint64_t mask = 0 - borrow, carry = 0; /* add p back when it borrowed */
    for (int i = 0; i < 6; i++) {
        u128 s = (u128)t[i] + (P[i] & mask) + carry;
        r->l[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

void pc_fp_neg(pc_fp *r, const pc_fp *a)
{
    pc_fp z;
    pc_fp_zero(&z);
    pc_fp_sub(r, &z, a);
}

/* CIOS Montgomery multiplication. p < 2^382, so the running sum fits in 7 limbs and the
 * result is below 2p before the last subtraction. */
void pc_fp_mul(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    uint64_t t[8] = {0};
    for (int i = 0; i < 6; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 6; j++) {
            u128 s = (u128)a->l[j] * b->l[i] + t[j] + carry;
            t[j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[6] + carry;
        t[6] = (uint64_t)s;
        t[7] = (uint64_t)(s >> 64);

        uint64_t m = t[0] * N0;
        s = (u128)m * P[0] + t[0];
        carry = (uint64_t)(s >> 64);
        for (int j = 1; j < 6; j++) {
            s = (u128)m * P[j] + t[j] + carry;
            t[j - 1] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        s = (u128)t[6] + carry;
        t[5] = (uint64_t)s;
        t[6] = t[7] + (uint64_t)(s >> 64);
    }
    reduce_once(r->l, t, t[6]);
}

void pc_fp_sqr(pc_fp *r, const pc_fp *a) { pc_fp_mul(r, a, a); }

void pc_fp_set_u64(pc_fp *r, uint64_t v)
{
    pc_fp t;
    pc_fp_zero(&t);
    t.l[0] = v;
    pc_fp_mul(r, &t, &pc_fp_r2);
}

void pc_fp_pow(pc_fp *r, const pc_fp *a, const uint64_t e[6])
{
    pc_fp acc = pc_fp_one, base = *a;
    int top = 383;
    while (top >= 0 && !(e[top / 64] >> (top % 64) & 1)) top--;
    for (int i = top; i >= 0; i--) {
        pc_fp_sqr(&acc, &acc);
        if (e[i / 64] >> (i % 64) & 1) pc_fp_mul(&acc, &acc, &base); /* e is public */
    }
    *r = acc;
}

void pc_fp_inv(pc_fp *r, const pc_fp *a) { pc_fp_pow(r, a, pc_fp_exp_p_minus_2); }

int pc_fp_is_zero(const pc_fp *a)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->l[i];
    return (int)(((acc | (0 - acc)) >> 63) ^ 1);
}

int pc_fp_eq(const pc_fp *a, const pc_fp *b)
{
    uint64_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->l[i] ^ b->l[i];
    return (int)(((acc | (0 - acc)) >> 63) ^ 1);
}

int pc_fp_sqrt(pc_fp *r, const pc_fp *a)
{
    pc_fp s, chk;
    pc_fp_pow(&s, a, pc_fp_exp_sqrt);
    pc_fp_sqr(&chk, &s);
    *r = s;
    return pc_fp_eq(&chk, a);
}

void pc_fp_cmov(pc_fp *r, const pc_fp *a, const pc_fp *b, int c)
{
    uint64_t m = 0 - (uint64_t)(c & 1);
    for (int i = 0; i < 6; i++) r->l[i] = (a->l[i] & ~m) | (b->l[i] & m);
}

void pc_fp_to_int(uint64_t out[6], const pc_fp *a)
{
    pc_fp one, t;
    pc_fp_zero(&one);
    one.l[0] = 1;
    pc_fp_mul(&t, a, &one); /* a R * 1 / R */
    memcpy(out, t.l, sizeof t.l);
}

int pc_fp_sgn0(const pc_fp *a)
{
    uint64_t v[6];
    pc_fp_to_int(v, a);
    return (int)(v[0] & 1);
}

/* a > (p-1)/2  <=>  (p-1)/2 - a borrows */
int pc_fp_is_lex_largest(const pc_fp *a)
{
    uint64_t v[6], borrow = 0;
    pc_fp_to_int(v, a);
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)pc_fp_exp_legendre[i] - v[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return (int)borrow;
}

void pc_fp_to_be(uint8_t out[48], const pc_fp *a)
{
    uint64_t v[6];
    pc_fp_to_int(v, a);
    for (int i = 0; i < 48; i++) out[47 - i] = (uint8_t)(v[i / 8] >> (8 * (i % 8)));
}

void pc_fp_to_le(uint8_t out[48], const pc_fp *a)
{
    uint64_t v[6];
    pc_fp_to_int(v, a);
    for (int i = 0; i < 48; i++) out[i] = (uint8_t)(v[i / 8] >> (8 * (i % 8)));
}

int pc_fp_from_be(pc_fp *r, const uint8_t in[48])
{
    pc_fp t;
    pc_fp_zero(&t);
    for (int i = 0; i < 48; i++) t.l[i / 8] |= (uint64_t)in[47 - i] << (8 * (i % 8));
    uint64_t borrow = 0; /* canonical only when t - p borrows */
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)t.l[i] - P[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    if (!borrow) return -1;
    pc_fp_mul(r, &t, &pc_fp_r2);
    return 0;
}

/* Horner over bytes: r = r * 256 + byte, in Montgomery form throughout. */
void pc_fp_from_be_mod(pc_fp *r, const uint8_t *in, size_t len)
{
    pc_fp acc, k256, b;
    pc_fp_zero(&acc);
    pc_fp_set_u64(&k256, 256);
    for (size_t i = 0; i < len; i++) {
        pc_fp_mul(&acc, &acc, &k256);
        pc_fp_set_u64(&b, in[i]);
        pc_fp_add(&acc, &acc, &b);
    }
    *r = acc;
}
