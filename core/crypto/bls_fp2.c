/* bls_fp2.c — Fp2 = Fp[u] / (u^2 + 1). */
#include "crypto/bls_field.h"
#include "crypto/bls_fp_inline.h"

#include <string.h>

void pc_fp2_zero(pc_fp2 *r) { memset(r, 0, sizeof *r); }

void pc_fp2_one(pc_fp2 *r)
{
    r->c0 = pc_fp_one;
    pc_fp_zero(&r->c1);
}

void pc_fp2_add(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b)
{
    fpi_add(&r->c0, &a->c0, &b->c0);
    fpi_add(&r->c1, &a->c1, &b->c1);
}

void pc_fp2_sub(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b)
{
    fpi_sub(&r->c0, &a->c0, &b->c0);
    fpi_sub(&r->c1, &a->c1, &b->c1);
}

void pc_fp2_neg(pc_fp2 *r, const pc_fp2 *a)
{
    fpi_neg(&r->c0, &a->c0);
    fpi_neg(&r->c1, &a->c1);
}

void pc_fp2_dbl(pc_fp2 *r, const pc_fp2 *a) { pc_fp2_add(r, a, a); }

void pc_fp2_conj(pc_fp2 *r, const pc_fp2 *a)
{
    r->c0 = a->c0;
    fpi_neg(&r->c1, &a->c1);
}

/* Karatsuba with lazy reduction (bls_fp_inline.h) */
void pc_fp2_mul(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b) { fp2i_mul(r, a, b); }

/* (a0 + a1)(a0 - a1) + 2 a0 a1 u */
void pc_fp2_sqr(pc_fp2 *r, const pc_fp2 *a)
{
    pc_fp s, d, m;
    fpi_add(&s, &a->c0, &a->c1);
    fpi_sub(&d, &a->c0, &a->c1);
    fpi_mul(&m, &a->c0, &a->c1);
    fpi_mul(&r->c0, &s, &d);
    fpi_add(&r->c1, &m, &m);
}

void pc_fp2_mul_fp(pc_fp2 *r, const pc_fp2 *a, const pc_fp *b)
{
    fpi_mul(&r->c0, &a->c0, b);
    fpi_mul(&r->c1, &a->c1, b);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
void pc_fp2_mul_xi(pc_fp2 *r, const pc_fp2 *a)
{
    pc_fp t;
    fpi_sub(&t, &a->c0, &a->c1);
    fpi_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

void pc_fp2_inv(pc_fp2 *r, const pc_fp2 *a)
{
    pc_fp n, t;
    pc_fp_sqr(&n, &a->c0);
    pc_fp_sqr(&t, &a->c1);
    fpi_add(&n, &n, &t);
    pc_fp_inv(&n, &n);
    fpi_mul(&r->c0, &a->c0, &n);
    fpi_mul(&t, &a->c1, &n);
    fpi_neg(&r->c1, &t);
}

static void fp2_pow(pc_fp2 *r, const pc_fp2 *a, const uint64_t e[6])
{
    pc_fp2 acc, base = *a;
    pc_fp2_one(&acc);
    int top = 383;
    while (top >= 0 && !(e[top / 64] >> (top % 64) & 1)) top--;
    for (int i = top; i >= 0; i--) {
        pc_fp2_sqr(&acc, &acc);
        if (e[i / 64] >> (i % 64) & 1) pc_fp2_mul(&acc, &acc, &base); /* e is public */
    }
    *r = acc;
}

int pc_fp2_is_zero(const pc_fp2 *a) { return pc_fp_is_zero(&a->c0) & pc_fp_is_zero(&a->c1); }

int pc_fp2_eq(const pc_fp2 *a, const pc_fp2 *b)
{
    return pc_fp_eq(&a->c0, &b->c0) & pc_fp_eq(&a->c1, &b->c1);
}

void pc_fp2_cmov(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b, int c)
{
    pc_fp_cmov(&r->c0, &a->c0, &b->c0, c);
    pc_fp_cmov(&r->c1, &a->c1, &b->c1, c);
}

/* Square root for p = 3 mod 4 (Adj and Rodríguez-Henríquez, "Square root computation over
 * even extension fields", algorithm 9); the candidate is checked by squaring it. */
int pc_fp2_sqrt(pc_fp2 *r, const pc_fp2 *a)
{
    pc_fp2 a1, alpha, x0, one, minus_one, b, xa, xb, chk;
    fp2_pow(&a1, a, pc_fp_exp_p_minus_3_div_4);
    pc_fp2_sqr(&alpha, &a1);
    pc_fp2_mul(&alpha, &alpha, a);
    pc_fp2_mul(&x0, &a1, a);
    pc_fp2_one(&one);
    pc_fp2_neg(&minus_one, &one);
    /* alpha = -1: the root is u * x0 */
    fpi_neg(&xa.c0, &x0.c1);
    xa.c1 = x0.c0;
    pc_fp2_add(&b, &one, &alpha);
    fp2_pow(&b, &b, pc_fp_exp_legendre);
    pc_fp2_mul(&xb, &b, &x0);
    pc_fp2_cmov(r, &xb, &xa, pc_fp2_eq(&alpha, &minus_one));
    pc_fp2_sqr(&chk, r);
    return pc_fp2_eq(&chk, a);
}

int pc_fp2_is_lex_largest(const pc_fp2 *a)
{
    int c1_zero = pc_fp_is_zero(&a->c1);
    return c1_zero ? pc_fp_is_lex_largest(&a->c0) : pc_fp_is_lex_largest(&a->c1);
}
