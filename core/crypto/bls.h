/* bls.h — BLS12-381 groups, hashing to G1 and the pairing (specs/bittensor.md 3.11).
 *
 * G1 = E(Fp): y^2 = x^3 + 4, G2 = E'(Fp2): y^2 = x^3 + 4(u + 1) (the M-twist), both of prime
 * order r on the subgroup used here. Points are kept in homogeneous projective coordinates
 * (X : Y : Z), affine (X/Z, Y/Z), Z = 0 the point at infinity, and combined with the complete
 * Renes–Costello–Batina formulas: no exceptional cases, so the same code path runs for every
 * input, which is what makes scalar multiplication constant time.
 *
 * Byte formats are the zcash / arkworks compressed ones: x big-endian (G2: c1 then c0), top
 * three bits of the first byte 0x80 compressed, 0x40 infinity, 0x20 "y is the larger of +-y".
 * GT elements serialise as 576 bytes, 12 little-endian Fp coefficients (arkworks).
 *
 * Errors: functions that parse return 0, or -1 with a one-line reason in err. */
#ifndef PC_CRYPTO_BLS_H
#define PC_CRYPTO_BLS_H

#include "crypto/bls_field.h"

#include <stddef.h>
#include <stdint.h>

typedef struct { pc_fp x, y, z; } pc_g1;
typedef struct { pc_fp2 x, y, z; } pc_g2;
typedef pc_fp12 pc_gt;

enum { PC_G1_COMPRESSED = 48, PC_G2_COMPRESSED = 96, PC_GT_BYTES = 576 };

/* ---- G1 ---- */
void pc_g1_generator(pc_g1 *r);
void pc_g1_infinity(pc_g1 *r);
int pc_g1_is_infinity(const pc_g1 *a);
void pc_g1_add(pc_g1 *r, const pc_g1 *a, const pc_g1 *b);
void pc_g1_dbl(pc_g1 *r, const pc_g1 *a);
void pc_g1_neg(pc_g1 *r, const pc_g1 *a);
int pc_g1_eq(const pc_g1 *a, const pc_g1 *b);
int pc_g1_is_on_curve(const pc_g1 *a);
int pc_g1_in_subgroup(const pc_g1 *a); /* r a = O (and a on the curve) */
/* r = k a, k a 32-byte big-endian integer (any value, not reduced); constant time in k */
void pc_g1_mul(pc_g1 *r, const pc_g1 *a, const uint8_t k[32]);
/* affine coordinates; the infinity point gives (0, 0) and returns 0, else 1 */
int pc_g1_to_affine(pc_fp *x, pc_fp *y, const pc_g1 *a);
void pc_g1_from_affine(pc_g1 *r, const pc_fp *x, const pc_fp *y);
void pc_g1_compress(uint8_t out[48], const pc_g1 *a);
/* rejects: missing compression bit, stray bits with infinity, x >= p, x not on the curve,
 * points outside the r-torsion subgroup */
int pc_g1_decompress(pc_g1 *r, const uint8_t in[48], char *err, size_t errlen);

/* ---- G2 ---- */
void pc_g2_generator(pc_g2 *r);
void pc_g2_infinity(pc_g2 *r);
int pc_g2_is_infinity(const pc_g2 *a);
void pc_g2_add(pc_g2 *r, const pc_g2 *a, const pc_g2 *b);
void pc_g2_dbl(pc_g2 *r, const pc_g2 *a);
void pc_g2_neg(pc_g2 *r, const pc_g2 *a);
int pc_g2_eq(const pc_g2 *a, const pc_g2 *b);
int pc_g2_is_on_curve(const pc_g2 *a);
int pc_g2_in_subgroup(const pc_g2 *a);
void pc_g2_mul(pc_g2 *r, const pc_g2 *a, const uint8_t k[32]);
int pc_g2_to_affine(pc_fp2 *x, pc_fp2 *y, const pc_g2 *a);
void pc_g2_from_affine(pc_g2 *r, const pc_fp2 *x, const pc_fp2 *y);
void pc_g2_compress(uint8_t out[96], const pc_g2 *a);
int pc_g2_decompress(pc_g2 *r, const uint8_t in[96], char *err, size_t errlen);

/* ---- scalars mod r ---- */
/* out = in mod r, both 32-byte big-endian (arkworks' Fr::from_be_bytes_mod_order) */
void pc_fr_from_be_mod(uint8_t out[32], const uint8_t in[32]);

/* ---- RFC 9380 hashing to G1 (BLS12381G1_XMD:SHA-256_SSWU_RO_) ---- */
/* expand_message_xmd with SHA-256; len <= 8160, dst_len <= 255; -1 otherwise */
int pc_bls_expand_message_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len,
                              const uint8_t *dst, size_t dst_len);
/* the simplified SWU map to E' followed by the 11-isogeny to E (no cofactor clearing) */
void pc_bls_map_to_g1(pc_g1 *r, const pc_fp *u);
/* hash_to_curve: two field elements, two maps, add, clear the cofactor (h_eff = 1 - x) */
int pc_bls_hash_to_g1(pc_g1 *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                      size_t dst_len);

/* ---- pairing ---- */
/* Miller loop of the optimal ate pairing (loop parameter x = -0xd201000000010000) */
void pc_bls_miller_loop(pc_fp12 *f, const pc_g1 *p, const pc_g2 *q);
/* f^(3 (p^12 - 1) / r): the cube of the textbook reduced pairing, as arkworks and
 * @noble/curves compute it (Hayashida–Hayasaka–Teruya hard part) */
void pc_bls_final_exp(pc_gt *r, const pc_fp12 *f);
void pc_bls_pairing(pc_gt *r, const pc_g1 *p, const pc_g2 *q);
void pc_gt_to_bytes(uint8_t out[576], const pc_gt *a);

#endif
