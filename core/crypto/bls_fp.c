/* bls_fp.c — arithmetic mod the BLS12-381 prime p in Montgomery form (R = 2^384).
 * Branch-free: carries and the final conditional subtraction are masks. */
#include "crypto/bls_field.h"
#include "crypto/bls_fp_inline.h"

#include <string.h>

typedef unsigned __int128 u128;

#define P pc_fp_modulus

void pc_fp_zero(pc_fp *r) { memset(r, 0, sizeof *r); }

void pc_fp_add(pc_fp *r, const pc_fp *a, const pc_fp *b) { fpi_add(r, a, b); }
void pc_fp_dbl(pc_fp *r, const pc_fp *a) { fpi_add(r, a, a); }
void pc_fp_sub(pc_fp *r, const pc_fp *a, const pc_fp *b) { fpi_sub(r, a, b); }
void pc_fp_neg(pc_fp *r, const pc_fp *a) { fpi_neg(r, a); }
void pc_fp_mul(pc_fp *r, const pc_fp *a, const pc_fp *b) { fpi_mul(r, a, b); }

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
