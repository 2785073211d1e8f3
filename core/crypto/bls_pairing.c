/* bls_pairing.c — the optimal ate pairing on BLS12-381.
 *
 * Miller loop over |x| = 0xd201000000010000 with the G2 point in homogeneous projective
 * coordinates on the twist and the line functions of Costello, Lange and Naehrig ("Faster
 * pairing computations on curves with high-degree twists", 2010). Untwisting (x', y') ->
 * (x'/w^2, y'/w^3) and scaling each line by w^3 and by factors in Fp2 (which the final
 * exponentiation removes) leaves lines of the sparse shape a0 + a1 v + b1 v w.
 *
 * Final exponentiation: easy part f^((p^6 - 1)(p^2 + 1)), then the hard part of Hayashida,
 * Hayasaka and Teruya, 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3, which makes
 * the result the cube of the textbook pairing — the value arkworks and @noble/curves give. */
#include "crypto/bls.h"
#include "crypto/bls_fp_inline.h"

static const uint64_t X_ABS = 0xd201000000010000ULL; /* x = -X_ABS */

/* T = 2T; line a0 = 3b'Z^2 - Y^2, a1 = 3X^2 xp, b1 = -2YZ yp */
static void line_dbl(pc_g2 *t, pc_fp2 *a0, pc_fp2 *a1, pc_fp2 *b1, const pc_fp *xp,
                     const pc_fp *yp)
{
    pc_fp2 a, b, c, e, f, g, h, t0;
    pc_fp2_mul(&a, &t->x, &t->y);
    pc_fp2_mul_fp(&a, &a, &pc_fp_half);
    pc_fp2_sqr(&b, &t->y);
    pc_fp2_sqr(&c, &t->z);
    pc_fp2_mul_xi(&e, &c); /* e = 3b' c = 12 (1 + u) c */
    pc_fp2_dbl(&e, &e);
    pc_fp2_dbl(&e, &e);
    fp2i_add(&t0, &e, &e);
    fp2i_add(&e, &t0, &e);
    fp2i_add(&f, &e, &e);
    fp2i_add(&f, &f, &e);
    fp2i_add(&g, &b, &f);
    pc_fp2_mul_fp(&g, &g, &pc_fp_half);
    fp2i_add(&h, &t->y, &t->z);
    pc_fp2_sqr(&h, &h);
    fp2i_add(&t0, &b, &c);
    fp2i_sub(&h, &h, &t0);

    fp2i_sub(a0, &e, &b);
    pc_fp2_sqr(&t0, &t->x);
    fp2i_add(a1, &t0, &t0);
    fp2i_add(a1, a1, &t0);
    pc_fp2_mul_fp(a1, a1, xp);
    pc_fp2_mul_fp(b1, &h, yp);
    pc_fp2_neg(b1, b1);

    fp2i_sub(&t0, &b, &f);
    pc_fp2_mul(&t->x, &a, &t0);
    pc_fp2_sqr(&g, &g);
    pc_fp2_sqr(&t0, &e);
    fp2i_sub(&g, &g, &t0);
    pc_fp2_dbl(&t0, &t0);
    fp2i_sub(&t->y, &g, &t0);
    pc_fp2_mul(&t->z, &b, &h);
}

/* T = T + Q, Q affine (xq, yq); theta = Y - yq Z, lambda = X - xq Z;
 * line a0 = theta xq - lambda yq, a1 = -theta xp, b1 = lambda yp */
static void line_add(pc_g2 *t, const pc_fp2 *xq, const pc_fp2 *yq, pc_fp2 *a0, pc_fp2 *a1,
                     pc_fp2 *b1, const pc_fp *xp, const pc_fp *yp)
{
    pc_fp2 th, la, c, d, e, f, g, h, t0;
    pc_fp2_mul(&t0, yq, &t->z);
    fp2i_sub(&th, &t->y, &t0);
    pc_fp2_mul(&t0, xq, &t->z);
    fp2i_sub(&la, &t->x, &t0);

    pc_fp2_mul(a0, &th, xq);
    pc_fp2_mul(&t0, &la, yq);
    fp2i_sub(a0, a0, &t0);
    pc_fp2_mul_fp(a1, &th, xp);
    pc_fp2_neg(a1, a1);
    pc_fp2_mul_fp(b1, &la, yp);

    pc_fp2_sqr(&c, &th);
    pc_fp2_sqr(&d, &la);
    pc_fp2_mul(&e, &d, &la);
    pc_fp2_mul(&f, &t->z, &c);
    pc_fp2_mul(&g, &t->x, &d);
    fp2i_add(&h, &e, &f);
    fp2i_sub(&h, &h, &g);
    fp2i_sub(&h, &h, &g);
    pc_fp2_mul(&t->x, &la, &h);
    fp2i_sub(&t0, &g, &h);
    pc_fp2_mul(&t0, &t0, &th);
    pc_fp2_mul(&c, &t->y, &e);
    fp2i_sub(&t->y, &t0, &c);
    pc_fp2_mul(&t->z, &t->z, &e);
}

void pc_bls_miller_loop(pc_fp12 *f, const pc_g1 *p, const pc_g2 *q)
{
    pc_fp xp, yp;
    pc_fp2 xq, yq, a0, a1, b1;
    pc_fp12_one(f);
    if (!pc_g1_to_affine(&xp, &yp, p) || !pc_g2_to_affine(&xq, &yq, q)) return;
    pc_g2 t;
    pc_g2_from_affine(&t, &xq, &yq);
    for (int i = 62; i >= 0; i--) {
        pc_fp12_sqr(f, f);
        line_dbl(&t, &a0, &a1, &b1, &xp, &yp);
        pc_fp12_mul_line(f, &a0, &a1, &b1);
        if (X_ABS >> i & 1) {
            line_add(&t, &xq, &yq, &a0, &a1, &b1, &xp, &yp);
            pc_fp12_mul_line(f, &a0, &a1, &b1);
        }
    }
    pc_fp12_conj(f, f); /* x < 0 */
}

/* a^x for a in the cyclotomic subgroup, where a^-1 = conj(a) */
static void cyclotomic_exp_x(pc_fp12 *r, const pc_fp12 *a)
{
    pc_fp12 acc = *a;
    for (int i = 62; i >= 0; i--) {
        pc_fp12_cyclotomic_sqr(&acc, &acc);
        if (X_ABS >> i & 1) pc_fp12_mul(&acc, &acc, a);
    }
    pc_fp12_conj(r, &acc);
}

void pc_bls_final_exp(pc_gt *r, const pc_fp12 *f)
{
    pc_fp12 t, a, b, c;
    /* easy part: f^(p^6 - 1) = conj(f) / f, then ^(p^2 + 1) */
    pc_fp12_inv(&t, f);
    pc_fp12_conj(&a, f);
    pc_fp12_mul(&a, &a, &t);
    pc_fp12_frob(&t, &a);
    pc_fp12_frob(&t, &t);
    pc_fp12_mul(&a, &a, &t); /* a: cyclotomic from here on */

    /* b = a^((x - 1)^2) */
    cyclotomic_exp_x(&b, &a);
    pc_fp12_conj(&t, &a);
    pc_fp12_mul(&b, &b, &t);
    cyclotomic_exp_x(&t, &b);
    pc_fp12_conj(&b, &b);
    pc_fp12_mul(&b, &t, &b);
    /* c = b^(x + p) */
    cyclotomic_exp_x(&c, &b);
    pc_fp12_frob(&t, &b);
    pc_fp12_mul(&c, &c, &t);
    /* b = c^(x^2 + p^2 - 1) */
    cyclotomic_exp_x(&b, &c);
    cyclotomic_exp_x(&b, &b);
    pc_fp12_frob(&t, &c);
    pc_fp12_frob(&t, &t);
    pc_fp12_mul(&b, &b, &t);
    pc_fp12_conj(&t, &c);
    pc_fp12_mul(&b, &b, &t);
    /* times a^3 */
    pc_fp12_cyclotomic_sqr(&t, &a);
    pc_fp12_mul(&t, &t, &a);
    pc_fp12_mul(r, &b, &t);
}

void pc_bls_pairing(pc_gt *r, const pc_g1 *p, const pc_g2 *q)
{
    pc_fp12 f;
    pc_bls_miller_loop(&f, p, q);
    pc_bls_final_exp(r, &f);
}

void pc_gt_to_bytes(uint8_t out[576], const pc_gt *a) { pc_fp12_to_bytes_le(out, a); }
