/* bls_field.h — the BLS12-381 field tower (specs/bittensor.md 3.11):
 *   Fp   = integers mod p (381 bits), Montgomery form, 6 little-endian 64-bit limbs
 *   Fp2  = Fp[u] / (u^2 + 1)
 *   Fp6  = Fp2[v] / (v^3 - xi), xi = u + 1
 *   Fp12 = Fp6[w] / (w^2 - v)
 * Every operation is constant time in its operands (masks, no data-dependent branches);
 * exponentiations take public exponents only. Outputs may alias inputs. */
#ifndef PC_CRYPTO_BLS_FIELD_H
#define PC_CRYPTO_BLS_FIELD_H

#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t l[6]; } pc_fp;
typedef struct { pc_fp c0, c1; } pc_fp2;
typedef struct { pc_fp2 c0, c1, c2; } pc_fp6;
typedef struct { pc_fp6 c0, c1; } pc_fp12;

/* constants (bls_consts.c, generated) */
extern const uint64_t pc_fp_modulus[6], pc_fr_modulus[6];
extern const uint64_t pc_fp_exp_p_minus_2[6], pc_fp_exp_sqrt[6], pc_fp_exp_legendre[6],
    pc_fp_exp_p_minus_3_div_4[6];
extern const pc_fp pc_fp_one, pc_fp_r2, pc_fp_half;
extern const pc_fp2 pc_fp12_frob_gamma1, pc_fp12_frob_gamma2, pc_fp12_frob_gamma3,
    pc_fp12_frob_gamma4, pc_fp12_frob_gamma5;
extern const pc_fp pc_g1_gen_x, pc_g1_gen_y;
extern const pc_fp2 pc_g2_gen_x, pc_g2_gen_y;
extern const pc_fp pc_sswu_a, pc_sswu_b, pc_sswu_z, pc_sswu_minus_b_over_a, pc_sswu_b_over_za;
extern const pc_fp pc_iso_k1[12], pc_iso_k2[10], pc_iso_k3[16], pc_iso_k4[15];

/* ---- Fp ---- */
void pc_fp_zero(pc_fp *r);
void pc_fp_set_u64(pc_fp *r, uint64_t v);
void pc_fp_add(pc_fp *r, const pc_fp *a, const pc_fp *b);
void pc_fp_sub(pc_fp *r, const pc_fp *a, const pc_fp *b);
void pc_fp_neg(pc_fp *r, const pc_fp *a);
void pc_fp_dbl(pc_fp *r, const pc_fp *a);
void pc_fp_mul(pc_fp *r, const pc_fp *a, const pc_fp *b);
void pc_fp_sqr(pc_fp *r, const pc_fp *a);
/* a^e for a public exponent e (6 limbs, little-endian) */
void pc_fp_pow(pc_fp *r, const pc_fp *a, const uint64_t e[6]);
void pc_fp_inv(pc_fp *r, const pc_fp *a); /* 0 -> 0 */
/* 1 and r = sqrt(a) when a is a square (r is then one of the roots), else 0 */
int pc_fp_sqrt(pc_fp *r, const pc_fp *a);
int pc_fp_is_zero(const pc_fp *a);
int pc_fp_eq(const pc_fp *a, const pc_fp *b);
/* r = c ? b : a, without a branch on c (0 or 1) */
void pc_fp_cmov(pc_fp *r, const pc_fp *a, const pc_fp *b, int c);
/* the canonical integer (out of Montgomery form), its parity, and "a > (p-1)/2" */
void pc_fp_to_int(uint64_t out[6], const pc_fp *a);
int pc_fp_sgn0(const pc_fp *a);
int pc_fp_is_lex_largest(const pc_fp *a);
/* 48-byte big-endian; from_be fails (-1) for values >= p */
void pc_fp_to_be(uint8_t out[48], const pc_fp *a);
int pc_fp_from_be(pc_fp *r, const uint8_t in[48]);
void pc_fp_to_le(uint8_t out[48], const pc_fp *a);
/* any-length big-endian integer reduced mod p (hash_to_field's 64-byte blocks) */
void pc_fp_from_be_mod(pc_fp *r, const uint8_t *in, size_t len);

/* ---- Fp2 ---- */
void pc_fp2_zero(pc_fp2 *r);
void pc_fp2_one(pc_fp2 *r);
void pc_fp2_add(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b);
void pc_fp2_sub(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b);
void pc_fp2_neg(pc_fp2 *r, const pc_fp2 *a);
void pc_fp2_dbl(pc_fp2 *r, const pc_fp2 *a);
void pc_fp2_conj(pc_fp2 *r, const pc_fp2 *a);
void pc_fp2_mul(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b);
void pc_fp2_sqr(pc_fp2 *r, const pc_fp2 *a);
void pc_fp2_mul_fp(pc_fp2 *r, const pc_fp2 *a, const pc_fp *b);
void pc_fp2_mul_xi(pc_fp2 *r, const pc_fp2 *a); /* times u + 1 */
void pc_fp2_inv(pc_fp2 *r, const pc_fp2 *a);
int pc_fp2_sqrt(pc_fp2 *r, const pc_fp2 *a);
int pc_fp2_is_zero(const pc_fp2 *a);
int pc_fp2_eq(const pc_fp2 *a, const pc_fp2 *b);
void pc_fp2_cmov(pc_fp2 *r, const pc_fp2 *a, const pc_fp2 *b, int c);
/* zcash's sign rule for Fp2: c1 decides, c0 when c1 = 0 */
int pc_fp2_is_lex_largest(const pc_fp2 *a);

/* ---- Fp6 / Fp12 ---- */
void pc_fp6_add(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b);
void pc_fp6_sub(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b);
void pc_fp6_neg(pc_fp6 *r, const pc_fp6 *a);
void pc_fp6_mul(pc_fp6 *r, const pc_fp6 *a, const pc_fp6 *b);
void pc_fp6_sqr(pc_fp6 *r, const pc_fp6 *a);
void pc_fp6_mul_v(pc_fp6 *r, const pc_fp6 *a);
void pc_fp6_inv(pc_fp6 *r, const pc_fp6 *a);

void pc_fp12_one(pc_fp12 *r);
int pc_fp12_is_one(const pc_fp12 *a);
int pc_fp12_eq(const pc_fp12 *a, const pc_fp12 *b);
void pc_fp12_mul(pc_fp12 *r, const pc_fp12 *a, const pc_fp12 *b);
void pc_fp12_sqr(pc_fp12 *r, const pc_fp12 *a);
void pc_fp12_inv(pc_fp12 *r, const pc_fp12 *a);
void pc_fp12_conj(pc_fp12 *r, const pc_fp12 *a);
void pc_fp12_frob(pc_fp12 *r, const pc_fp12 *a); /* a^p */
/* f * (a0 + a1 v + b1 v w): the shape of a Miller-loop line */
void pc_fp12_mul_line(pc_fp12 *f, const pc_fp2 *a0, const pc_fp2 *a1, const pc_fp2 *b1);
/* squaring valid in the cyclotomic subgroup only (Granger–Scott) */
void pc_fp12_cyclotomic_sqr(pc_fp12 *r, const pc_fp12 *a);
/* 576 bytes: the 12 coefficients in tower order, each 48-byte little-endian (arkworks) */
void pc_fp12_to_bytes_le(uint8_t out[576], const pc_fp12 *a);
/* the same coefficient order, big-endian each (@noble/curves' Fp12.toBytes); -1 if any >= p */
int pc_fp12_from_bytes_be(pc_fp12 *r, const uint8_t in[576]);
void pc_fp12_to_bytes_be(uint8_t out[576], const pc_fp12 *a);

#endif
