/* bls_fp_inline.h — the hot Fp operations as inline functions, so that the Fp2/Fp12 and
 * curve code built on them keeps operands in registers instead of calling out for every limb
 * loop. Internal to core/crypto/pc_bls_*.c; bls_field.h exports the same operations. */
#ifndef PC_CRYPTO_BLS_FP_INLINE_H
#define PC_CRYPTO_BLS_FP_INLINE_H

#include "crypto/bls_field.h"

typedef unsigned __int128 pc_u128;
#define u128 pc_u128
#define P pc_fp_modulus
#define N0 0x89f3fffcfffcfffdULL /* -p^-1 mod 2^64 */

/* add/subtract with carry: the x86-64 intrinsics compile to adc/sbb chains; the portable
 * form is the same arithmetic through 128-bit integers */
#if defined(__x86_64__)
#include <x86intrin.h>
#define FPI_ADDC(c, a, b, out) ((c) = _addcarry_u64((c), (a), (b), (unsigned long long *)(out)))
#define FPI_SUBB(c, a, b, out) ((c) = _subborrow_u64((c), (a), (b), (unsigned long long *)(out)))
typedef unsigned char fpi_carry;
#else
#define FPI_ADDC(c, a, b, out)                                   \
    do {                                                         \
        u128 s_ = (u128)(a) + (b) + (c);                         \
        *(out) = (uint64_t)s_;                                   \
        (c) = (uint64_t)(s_ >> 64);                              \
    } while (0)
#define FPI_SUBB(c, a, b, out)                                   \
    do {                                                         \
        u128 d_ = (u128)(a) - (b) - (c);                         \
        *(out) = (uint64_t)d_;                                   \
        (c) = (uint64_t)(d_ >> 64) & 1;                          \
    } while (0)
typedef uint64_t fpi_carry;
#endif

/* r = t - p if t >= p else t, for t < 2p (p < 2^382, so t fits in six limbs) */
static inline void fpi_reduce_once(uint64_t r[6], const uint64_t t[6])
{
    uint64_t s[6];
    fpi_carry b = 0;
    FPI_SUBB(b, t[0], P[0], &s[0]);
    FPI_SUBB(b, t[1], P[1], &s[1]);
    FPI_SUBB(b, t[2], P[2], &s[2]);
    FPI_SUBB(b, t[3], P[3], &s[3]);
    FPI_SUBB(b, t[4], P[4], &s[4]);
    FPI_SUBB(b, t[5], P[5], &s[5]);
    uint64_t keep = 0 - (uint64_t)b; /* t < p: keep t */
    for (int i = 0; i < 6; i++) r[i] = (t[i] & keep) | (s[i] & ~keep);
}

static inline void fpi_add(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    uint64_t t[6];
    fpi_carry c = 0;
    FPI_ADDC(c, a->l[0], b->l[0], &t[0]);
    FPI_ADDC(c, a->l[1], b->l[1], &t[1]);
    FPI_ADDC(c, a->l[2], b->l[2], &t[2]);
    FPI_ADDC(c, a->l[3], b->l[3], &t[3]);
    FPI_ADDC(c, a->l[4], b->l[4], &t[4]);
    FPI_ADDC(c, a->l[5], b->l[5], &t[5]);
    fpi_reduce_once(r->l, t);
}

static inline void fpi_sub(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    uint64_t t[6];
    fpi_carry bw = 0, c = 0;
    FPI_SUBB(bw, a->l[0], b->l[0], &t[0]);
    FPI_SUBB(bw, a->l[1], b->l[1], &t[1]);
    FPI_SUBB(bw, a->l[2], b->l[2], &t[2]);
    FPI_SUBB(bw, a->l[3], b->l[3], &t[3]);
    FPI_SUBB(bw, a->l[4], b->l[4], &t[4]);
    FPI_SUBB(bw, a->l[5], b->l[5], &t[5]);
    uint64_t mask = 0 - (uint64_t)bw; /* add p back when it borrowed */
    FPI_ADDC(c, t[0], P[0] & mask, &r->l[0]);
    FPI_ADDC(c, t[1], P[1] & mask, &r->l[1]);
    FPI_ADDC(c, t[2], P[2] & mask, &r->l[2]);
    FPI_ADDC(c, t[3], P[3] & mask, &r->l[3]);
    FPI_ADDC(c, t[4], P[4] & mask, &r->l[4]);
    FPI_ADDC(c, t[5], P[5] & mask, &r->l[5]);
}

static inline void fpi_neg(pc_fp *r, const pc_fp *a)
{
    pc_fp z = {{0}};
    fpi_sub(r, &z, a);
}

/* the limbs of p as immediates, so the multiplications need no loads */
#define FPI_P0 0xb9feffffffffaaabULL
#define FPI_P1 0x1eabfffeb153ffffULL
#define FPI_P2 0x6730d2a0f6b0f624ULL
#define FPI_P3 0x64774b84f38512bfULL
#define FPI_P4 0x4b1ba7b6434bacd7ULL
#define FPI_P5 0x1a0111ea397fe69aULL

/* one CIOS round: t = (t + a b_i + m p) / 2^64 with m chosen to clear the low limb; the
 * multiplication and reduction carry chains are interleaved limb by limb */
#define FPI_STEP(aj, pj, tj, tprev)                 \
    s = (u128)(aj) * b_ + tj + c;                   \
    tj = (uint64_t)s;                               \
    c = (uint64_t)(s >> 64);                        \
    s = (u128)m * (pj) + tj + c2;                   \
    tprev = (uint64_t)s;                            \
    c2 = (uint64_t)(s >> 64);
#define FPI_ROUND(bi)                               \
    do {                                            \
        uint64_t c, c2, m, b_ = (bi);               \
        u128 s = (u128)a0 * b_ + t0;                \
        t0 = (uint64_t)s;                           \
        c = (uint64_t)(s >> 64);                    \
        m = t0 * N0;                                \
        s = (u128)m * FPI_P0 + t0;                  \
        c2 = (uint64_t)(s >> 64);                   \
        FPI_STEP(a1, FPI_P1, t1, t0)                \
        FPI_STEP(a2, FPI_P2, t2, t1)                \
        FPI_STEP(a3, FPI_P3, t3, t2)                \
        FPI_STEP(a4, FPI_P4, t4, t3)                \
        FPI_STEP(a5, FPI_P5, t5, t4)                \
        t5 = c + c2;                                \
    } while (0)

/* CIOS Montgomery multiplication, fully unrolled, with the "no carry" shortcut: the top limb
 * of p is below 2^62, so the running value fits in six limbs and no seventh word is carried. */
static inline void fpi_mul(pc_fp *r, const pc_fp *a, const pc_fp *b)
{
    const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3], a4 = a->l[4],
                   a5 = a->l[5];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0;
    FPI_ROUND(b->l[0]);
    FPI_ROUND(b->l[1]);
    FPI_ROUND(b->l[2]);
    FPI_ROUND(b->l[3]);
    FPI_ROUND(b->l[4]);
    FPI_ROUND(b->l[5]);
    uint64_t s0, s1, s2, s3, s4, s5;
    fpi_carry bw = 0;
    FPI_SUBB(bw, t0, FPI_P0, &s0);
    FPI_SUBB(bw, t1, FPI_P1, &s1);
    FPI_SUBB(bw, t2, FPI_P2, &s2);
    FPI_SUBB(bw, t3, FPI_P3, &s3);
    FPI_SUBB(bw, t4, FPI_P4, &s4);
    FPI_SUBB(bw, t5, FPI_P5, &s5);
    uint64_t keep = 0 - (uint64_t)bw; /* t < p: keep t */
    r->l[0] = (t0 & keep) | (s0 & ~keep);
    r->l[1] = (t1 & keep) | (s1 & ~keep);
    r->l[2] = (t2 & keep) | (s2 & ~keep);
    r->l[3] = (t3 & keep) | (s3 & ~keep);
    r->l[4] = (t4 & keep) | (s4 & ~keep);
    r->l[5] = (t5 & keep) | (s5 & ~keep);
}
#undef FPI_STEP
#undef FPI_ROUND

static inline void fpi_dbl(pc_fp *r, const pc_fp *a) { fpi_add(r, a, a); }

/* Fp2 additive operations */
static inline void fp2i_add(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b)
{
    fpi_add(&r->c0, &a->c0, &b->c0);
    fpi_add(&r->c1, &a->c1, &b->c1);
}

static inline void fp2i_sub(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b)
{
    fpi_sub(&r->c0, &a->c0, &b->c0);
    fpi_sub(&r->c1, &a->c1, &b->c1);
}

/* ---- lazy reduction: 768-bit products and one Montgomery reduction for a sum of them ---- */

/* t = a b, 12 limbs; a and b may be unreduced up to 2^382 */
static inline void fpi_mul_wide(uint64_t t[12], const uint64_t a[6], const uint64_t b[6])
{
    for (int i = 0; i < 12; i++) t[i] = 0;
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            u128 s = (u128)a[j] * b[i] + t[i + j] + c;
            t[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        t[i + 6] = c;
    }
}

/* r = t / 2^384 mod p for t < p 2^384 (REDC); the quotient is below 2p before the final
 * subtraction */
static inline void fpi_redc(pc_fp *r, const uint64_t in[12])
{
    uint64_t t[12], c2 = 0;
    for (int i = 0; i < 12; i++) t[i] = in[i];
#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t m = t[i] * N0, c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            u128 s = (u128)m * P[j] + t[i + j] + c;
            t[i + j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[i + 6] + c + c2;
        t[i + 6] = (uint64_t)s;
        c2 = (uint64_t)(s >> 64);
    }
    fpi_reduce_once(r->l, t + 6);
}

/* plain 6-limb sum without reduction (a + b < 2p < 2^382 for reduced inputs) */
static inline void fpi_add_nr(uint64_t r[6], const pc_fp *a, const pc_fp *b)
{
    fpi_carry c = 0;
    FPI_ADDC(c, a->l[0], b->l[0], &r[0]);
    FPI_ADDC(c, a->l[1], b->l[1], &r[1]);
    FPI_ADDC(c, a->l[2], b->l[2], &r[2]);
    FPI_ADDC(c, a->l[3], b->l[3], &r[3]);
    FPI_ADDC(c, a->l[4], b->l[4], &r[4]);
    FPI_ADDC(c, a->l[5], b->l[5], &r[5]);
}

/* Fp2 product with two reductions instead of three:
 * c0 = a0 b0 - a1 b1 (+ p 2^384 when negative), c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 */
static inline void fp2i_mul(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b)
{
    uint64_t t0[12], t1[12], t2[12], sa[6], sb[6], d[12];
    fpi_mul_wide(t0, a->c0.l, b->c0.l);
    fpi_mul_wide(t1, a->c1.l, b->c1.l);
    fpi_add_nr(sa, &a->c0, &a->c1);
    fpi_add_nr(sb, &b->c0, &b->c1);
    fpi_mul_wide(t2, sa, sb);
    fpi_carry bw = 0, c = 0;
    for (int i = 0; i < 12; i++) FPI_SUBB(bw, t0[i], t1[i], &d[i]);
    uint64_t mask = 0 - (uint64_t)bw;
    for (int i = 0; i < 6; i++) FPI_ADDC(c, d[i + 6], P[i] & mask, &d[i + 6]);
    fpi_redc(&r->c0, d);
    bw = 0;
    for (int i = 0; i < 12; i++) FPI_SUBB(bw, t2[i], t0[i], &t2[i]);
    bw = 0;
    for (int i = 0; i < 12; i++) FPI_SUBB(bw, t2[i], t1[i], &t2[i]);
    fpi_redc(&r->c1, t2);
}

#undef u128
#undef P
#undef N0
#endif
