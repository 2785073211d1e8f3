/* bls_fp12.c — Fp6 = Fp2[v]/(v^3 - xi) and Fp12 = Fp6[w]/(w^2 - v), with what the pairing
 * needs beyond plain arithmetic: the Frobenius map, the sparse line product and the cyclotomic
 * squaring, and the GT byte layouts. */
#include "crypto/bls_field.h"
#include "crypto/bls_fp_inline.h"

#include <string.h>

/* ---- Fp6 ---- */

void pc_fp6_add(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b)
{
    fp2i_add(&r->c0, &a->c0, &b->c0);
    fp2i_add(&r->c1, &a->c1, &b->c1);
    fp2i_add(&r->c2, &a->c2, &b->c2);
}

void pc_fp6_sub(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b)
{
    fp2i_sub(&r->c0, &a->c0, &b->c0);
    fp2i_sub(&r->c1, &a->c1, &b->c1);
    fp2i_sub(&r->c2, &a->c2, &b->c2);
}

void pc_fp6_neg(pc_fp6 *r, const pc_fp6 *a)
{
    pc_fp2_neg(&r->c0, &a->c0);
    pc_fp2_neg(&r->c1, &a->c1);
    pc_fp2_neg(&r->c2, &a->c2);
}

/* Karatsuba-style: six Fp2 multiplications */
void pc_fp6_mul(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b)
{
    pc_fp2 t0, t1, t2, s, u, c0, c1, c2;
    pc_fp2_mul(&t0, &a->c0, &b->c0);
    pc_fp2_mul(&t1, &a->c1, &b->c1);
    pc_fp2_mul(&t2, &a->c2, &b->c2);

    fp2i_add(&s, &a->c1, &a->c2);
    fp2i_add(&u, &b->c1, &b->c2);
    pc_fp2_mul(&s, &s, &u);
    fp2i_sub(&s, &s, &t1);
    fp2i_sub(&s, &s, &t2);
    pc_fp2_mul_xi(&s, &s);
    fp2i_add(&c0, &s, &t0);

    fp2i_add(&s, &a->c0, &a->c1);
    fp2i_add(&u, &b->c0, &b->c1);
    pc_fp2_mul(&s, &s, &u);
    fp2i_sub(&s, &s, &t0);
    fp2i_sub(&s, &s, &t1);
    pc_fp2_mul_xi(&u, &t2);
    fp2i_add(&c1, &s, &u);

    fp2i_add(&s, &a->c0, &a->c2);
    fp2i_add(&u, &b->c0, &b->c2);
    pc_fp2_mul(&s, &s, &u);
    fp2i_sub(&s, &s, &t0);
    fp2i_sub(&s, &s, &t2);
    fp2i_add(&c2, &s, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Chung–Hasan SQR2: two squarings, three multiplications in Fp2 */
void pc_fp6_sqr(pc_fp6 *r, const pc_fp6 *a)
{
    pc_fp2 s0, s1, s2, s3, s4, t;
    pc_fp2_sqr(&s0, &a->c0);
    pc_fp2_mul(&s1, &a->c0, &a->c1);
    pc_fp2_dbl(&s1, &s1);
    fp2i_sub(&t, &a->c0, &a->c1);
    fp2i_add(&t, &t, &a->c2);
    pc_fp2_sqr(&s2, &t);
    pc_fp2_mul(&s3, &a->c1, &a->c2);
    pc_fp2_dbl(&s3, &s3);
    pc_fp2_sqr(&s4, &a->c2);

    pc_fp2_mul_xi(&t, &s3);
    fp2i_add(&r->c0, &s0, &t);
    pc_fp2_mul_xi(&t, &s4);
    fp2i_add(&t, &t, &s1);
    /* c2 = s1 + s2 + s3 - s0 - s4, computed before c1 overwrites anything it reads */
    pc_fp2 c2;
    fp2i_add(&c2, &s1, &s2);
    fp2i_add(&c2, &c2, &s3);
    fp2i_sub(&c2, &c2, &s0);
    fp2i_sub(&c2, &c2, &s4);
    r->c1 = t;
    r->c2 = c2;
}

/* times v: (a0, a1, a2) -> (xi a2, a0, a1) */
void pc_fp6_mul_v(pc_fp6 *r, const pc_fp6 *a)
{
    pc_fp2 t;
    pc_fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

void pc_fp6_inv(pc_fp6 *r, const pc_fp6 *a)
{
    pc_fp2 c0, c1, c2, t, n;
    pc_fp2_sqr(&c0, &a->c0); /* c0 = a0^2 - xi a1 a2 */
    pc_fp2_mul(&t, &a->c1, &a->c2);
    pc_fp2_mul_xi(&t, &t);
    fp2i_sub(&c0, &c0, &t);
    pc_fp2_sqr(&c1, &a->c2); /* c1 = xi a2^2 - a0 a1 */
    pc_fp2_mul_xi(&c1, &c1);
    pc_fp2_mul(&t, &a->c0, &a->c1);
    fp2i_sub(&c1, &c1, &t);
    pc_fp2_sqr(&c2, &a->c1); /* c2 = a1^2 - a0 a2 */
    pc_fp2_mul(&t, &a->c0, &a->c2);
    fp2i_sub(&c2, &c2, &t);
    /* n = a0 c0 + xi (a2 c1 + a1 c2) */
    pc_fp2_mul(&n, &a->c2, &c1);
    pc_fp2_mul(&t, &a->c1, &c2);
    fp2i_add(&n, &n, &t);
    pc_fp2_mul_xi(&n, &n);
    pc_fp2_mul(&t, &a->c0, &c0);
    fp2i_add(&n, &n, &t);
    pc_fp2_inv(&n, &n);
    pc_fp2_mul(&r->c0, &c0, &n);
    pc_fp2_mul(&r->c1, &c1, &n);
    pc_fp2_mul(&r->c2, &c2, &n);
}

/* ---- Fp12 ---- */

void pc_fp12_one(pc_fp12 *r)
{
    memset(r, 0, sizeof *r);
    r->c0.c0.c0 = pc_fp_one;
}

int pc_fp12_eq(const pc_fp12 *a, const pc_fp12 *b)
{
    const pc_fp2 *x = &a->c0.c0, *y = &b->c0.c0;
    int eq = 1;
    for (int i = 0; i < 6; i++) eq &= pc_fp2_eq(&x[i], &y[i]);
    return eq;
}

int pc_fp12_is_one(const pc_fp12 *a)
{
    pc_fp12 one;
    pc_fp12_one(&one);
    return pc_fp12_eq(a, &one);
}

void pc_fp12_mul(pc_fp12 *r, const pc_fp12 *a, const pc_fp12 *b)
{
    pc_fp6 t0, t1, s, u;
    pc_fp6_mul(&t0, &a->c0, &b->c0);
    pc_fp6_mul(&t1, &a->c1, &b->c1);
    pc_fp6_add(&s, &a->c0, &a->c1);
    pc_fp6_add(&u, &b->c0, &b->c1);
    pc_fp6_mul(&s, &s, &u);
    pc_fp6_sub(&s, &s, &t0);
    pc_fp6_sub(&r->c1, &s, &t1);
    pc_fp6_mul_v(&t1, &t1);
    pc_fp6_add(&r->c0, &t0, &t1);
}

/* complex squaring: c0 = (a0 + a1)(a0 + v a1) - t - v t, c1 = 2t with t = a0 a1 */
void pc_fp12_sqr(pc_fp12 *r, const pc_fp12 *a)
{
    pc_fp6 t, s, u, vt;
    pc_fp6_mul(&t, &a->c0, &a->c1);
    pc_fp6_add(&s, &a->c0, &a->c1);
    pc_fp6_mul_v(&u, &a->c1);
    pc_fp6_add(&u, &u, &a->c0);
    pc_fp6_mul(&s, &s, &u);
    pc_fp6_sub(&s, &s, &t);
    pc_fp6_mul_v(&vt, &t);
    pc_fp6_sub(&r->c0, &s, &vt);
    pc_fp6_add(&r->c1, &t, &t);
}

void pc_fp12_conj(pc_fp12 *r, const pc_fp12 *a)
{
    r->c0 = a->c0;
    pc_fp6_neg(&r->c1, &a->c1);
}

void pc_fp12_inv(pc_fp12 *r, const pc_fp12 *a)
{
    pc_fp6 t0, t1;
    pc_fp6_sqr(&t0, &a->c0);
    pc_fp6_sqr(&t1, &a->c1);
    pc_fp6_mul_v(&t1, &t1);
    pc_fp6_sub(&t0, &t0, &t1); /* a0^2 - v a1^2 */
    pc_fp6_inv(&t0, &t0);
    pc_fp6_mul(&r->c0, &a->c0, &t0);
    pc_fp6_mul(&t1, &a->c1, &t0);
    pc_fp6_neg(&r->c1, &t1);
}

/* (sum a_k w^k)^p = sum conj(a_k) w^k xi^(k(p-1)/6): coefficients of v^i sit at w^(2i), those
 * of v^i w at w^(2i+1). */
void pc_fp12_frob(pc_fp12 *r, const pc_fp12 *a)
{
    pc_fp12 t;
    pc_fp2_conj(&t.c0.c0, &a->c0.c0);
    pc_fp2_conj(&t.c0.c1, &a->c0.c1);
    pc_fp2_conj(&t.c0.c2, &a->c0.c2);
    pc_fp2_conj(&t.c1.c0, &a->c1.c0);
    pc_fp2_conj(&t.c1.c1, &a->c1.c1);
    pc_fp2_conj(&t.c1.c2, &a->c1.c2);
    pc_fp2_mul(&t.c0.c1, &t.c0.c1, &pc_fp12_frob_gamma2);
    pc_fp2_mul(&t.c0.c2, &t.c0.c2, &pc_fp12_frob_gamma4);
    pc_fp2_mul(&t.c1.c0, &t.c1.c0, &pc_fp12_frob_gamma1);
    pc_fp2_mul(&t.c1.c1, &t.c1.c1, &pc_fp12_frob_gamma3);
    pc_fp2_mul(&t.c1.c2, &t.c1.c2, &pc_fp12_frob_gamma5);
    *r = t;
}

/* x (a0 + a1 v): five Fp2 multiplications */
static void fp6_mul_01(pc_fp6 *r, const pc_fp6 *x, const pc_fp2 *a0, const pc_fp2 *a1)
{
    pc_fp2 t0, t1, s, u, c0, c1, c2;
    pc_fp2_mul(&t0, &x->c0, a0);
    pc_fp2_mul(&t1, &x->c1, a1);
    pc_fp2_mul(&c0, &x->c2, a1); /* c0 = t0 + xi x2 a1 */
    pc_fp2_mul_xi(&c0, &c0);
    fp2i_add(&c0, &c0, &t0);
    fp2i_add(&s, &x->c0, &x->c1); /* c1 = (x0 + x1)(a0 + a1) - t0 - t1 */
    fp2i_add(&u, a0, a1);
    pc_fp2_mul(&c1, &s, &u);
    fp2i_sub(&c1, &c1, &t0);
    fp2i_sub(&c1, &c1, &t1);
    pc_fp2_mul(&c2, &x->c2, a0); /* c2 = t1 + x2 a0 */
    fp2i_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* x (b1 v) = xi x2 b1 + x0 b1 v + x1 b1 v^2 */
static void fp6_mul_1(pc_fp6 *r, const pc_fp6 *x, const pc_fp2 *b1)
{
    pc_fp2 c0, c1, c2;
    pc_fp2_mul(&c0, &x->c2, b1);
    pc_fp2_mul_xi(&c0, &c0);
    pc_fp2_mul(&c1, &x->c0, b1);
    pc_fp2_mul(&c2, &x->c1, b1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* f (A + B w) with A = a0 + a1 v and B = b1 v: thirteen Fp2 multiplications */
void pc_fp12_mul_line(pc_fp12 *f, const pc_fp2 *a0, const pc_fp2 *a1, const pc_fp2 *b1)
{
    pc_fp6 t0, t1, s;
    pc_fp2 ab;
    fp6_mul_01(&t0, &f->c0, a0, a1);
    fp6_mul_1(&t1, &f->c1, b1);
    pc_fp6_add(&s, &f->c0, &f->c1);
    fp2i_add(&ab, a1, b1);
    fp6_mul_01(&s, &s, a0, &ab);
    pc_fp6_sub(&s, &s, &t0);
    pc_fp6_sub(&f->c1, &s, &t1);
    pc_fp6_mul_v(&t1, &t1);
    pc_fp6_add(&f->c0, &t0, &t1);
}

/* Fp4 = Fp2[t]/(t^2 - xi) squaring: (x + y t)^2 = (x^2 + xi y^2) + 2xy t */
static void fp4_sqr(pc_fp2 *rx, pc_fp2 *ry, const pc_fp2 *x, const pc_fp2 *y)
{
    pc_fp2 t0, t1, s;
    pc_fp2_sqr(&t0, x);
    pc_fp2_sqr(&t1, y);
    fp2i_add(&s, x, y);
    pc_fp2_sqr(&s, &s);
    fp2i_sub(&s, &s, &t0);
    fp2i_sub(ry, &s, &t1);
    pc_fp2_mul_xi(&t1, &t1);
    fp2i_add(rx, &t0, &t1);
}

/* 3 s - 2 g  and  3 s + 2 g, for one Fp2 coordinate */
static void three_minus_two(pc_fp2 *r, const pc_fp2 *s, const pc_fp2 *g)
{
    pc_fp2 t;
    fp2i_sub(&t, s, g);
    pc_fp2_dbl(&t, &t);
    fp2i_add(r, &t, s);
}

static void three_plus_two(pc_fp2 *r, const pc_fp2 *s, const pc_fp2 *g)
{
    pc_fp2 t;
    fp2i_add(&t, s, g);
    pc_fp2_dbl(&t, &t);
    fp2i_add(r, &t, s);
}

/* Granger–Scott: Fp12 seen as Fp4[z]/(z^3 - t) with t = w^3, z = w, so a = g0 + g1 z + g2 z^2
 * with g0 = (a.c0.c0, a.c1.c1), g1 = (a.c1.c0, a.c0.c2), g2 = (a.c0.c1, a.c1.c2). In the
 * cyclotomic subgroup a^2 = (3 g0^2 - 2 conj g0) + (3 t g2^2 + 2 conj g1) z + (3 g1^2 - 2 conj g2) z^2. */
void pc_fp12_cyclotomic_sqr(pc_fp12 *r, const pc_fp12 *a)
{
    pc_fp2 s0x, s0y, s1x, s1y, s2x, s2y, tx;
    fp4_sqr(&s0x, &s0y, &a->c0.c0, &a->c1.c1);
    fp4_sqr(&s1x, &s1y, &a->c1.c0, &a->c0.c2);
    fp4_sqr(&s2x, &s2y, &a->c0.c1, &a->c1.c2);
    pc_fp2_mul_xi(&tx, &s2y); /* t (x + y t) = xi y + x t */
    pc_fp12 o;
    three_minus_two(&o.c0.c0, &s0x, &a->c0.c0); /* conj flips the sign of the t part */
    three_plus_two(&o.c1.c1, &s0y, &a->c1.c1);
    three_plus_two(&o.c1.c0, &tx, &a->c1.c0);
    three_minus_two(&o.c0.c2, &s2x, &a->c0.c2);
    three_minus_two(&o.c0.c1, &s1x, &a->c0.c1);
    three_plus_two(&o.c1.c2, &s1y, &a->c1.c2);
    *r = o;
}

static const pc_fp *coeff(const pc_fp12 *a, int i)
{
    const pc_fp2 *c = &a->c0.c0;
    return i % 2 ? &c[i / 2].c1 : &c[i / 2].c0;
}

void pc_fp12_to_bytes_le(uint8_t out[576], const pc_fp12 *a)
{
    for (int i = 0; i < 12; i++) pc_fp_to_le(out + 48 * i, coeff(a, i));
}

void pc_fp12_to_bytes_be(uint8_t out[576], const pc_fp12 *a)
{
    for (int i = 0; i < 12; i++) pc_fp_to_be(out + 48 * i, coeff(a, i));
}

int pc_fp12_from_bytes_be(pc_fp12 *r, const uint8_t in[576])
{
    for (int i = 0; i < 12; i++)
        if (pc_fp_from_be((pc_fp *)coeff(r, i), in + 48 * i) != 0) return -1;
    return 0;
}
