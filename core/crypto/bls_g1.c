/* bls_g1.c — G1 = E(Fp): y^2 = x^3 + 4; group law (bls_point.inc) and the 48-byte
 * compressed encoding. */
#include "crypto/bls.h"
#include "crypto/bls_fp_inline.h"

#include <stdio.h>
#include <string.h>

#define PT pc_g1
#define FE pc_fp
#define NAME(x) pc_g1_##x
#define FE_ADD fpi_add
#define FE_SUB fpi_sub
#define FE_MUL fpi_mul
#define FE_SQR(r, a) fpi_mul((r), (a), (a))
#define FE_NEG pc_fp_neg
#define FE_INV pc_fp_inv
#define FE_EQ pc_fp_eq
#define FE_IS_ZERO pc_fp_is_zero
#define FE_CMOV pc_fp_cmov
#define FE_ZERO pc_fp_zero
#define FE_ONE(r) (*(r) = pc_fp_one)
#define FE_B(r) pc_fp_set_u64((r), 4)

/* 3b = 12: 2a, 4a, 8a, 8a + 4a */
static void FE_MUL_B3(pc_fp *r, const pc_fp *a)
{
    pc_fp t4, t8;
    pc_fp_add(&t4, a, a);
    pc_fp_add(&t4, &t4, &t4);
    pc_fp_add(&t8, &t4, &t4);
    pc_fp_add(r, &t8, &t4);
}

#include "crypto/bls_point.inc"

void pc_g1_generator(pc_g1 *r) { pc_g1_from_affine(r, &pc_g1_gen_x, &pc_g1_gen_y); }

void pc_g1_compress(uint8_t out[48], const pc_g1 *a)
{
    pc_fp x, y;
    if (!pc_g1_to_affine(&x, &y, a)) {
        memset(out, 0, 48);
        out[0] = 0xc0;
        return;
    }
    pc_fp_to_be(out, &x);
    out[0] |= (uint8_t)(0x80 | (pc_fp_is_lex_largest(&y) ? 0x20 : 0));
}

int pc_g1_decompress(pc_g1 *r, const uint8_t in[48], char *err, size_t errlen)
{
    uint8_t buf[48];
    pc_fp x, y, rhs, b;
    if (!(in[0] & 0x80)) {
        snprintf(err, errlen, "G1 point: compression flag (0x80) not set");
        return -1;
    }
    if (in[0] & 0x40) {
        int stray = (in[0] & 0x3f) != 0;
        for (int i = 1; i < 48; i++) stray |= in[i] != 0;
        if (stray) {
            snprintf(err, errlen, "G1 point: infinity flag with other bits set");
            return -1;
        }
        pc_g1_infinity(r);
        return 0;
    }
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    if (pc_fp_from_be(&x, buf) != 0) {
        snprintf(err, errlen, "G1 point: x coordinate is not below p");
        return -1;
    }
    pc_fp_sqr(&rhs, &x);
    pc_fp_mul(&rhs, &rhs, &x);
    pc_fp_set_u64(&b, 4);
    pc_fp_add(&rhs, &rhs, &b);
    if (!pc_fp_sqrt(&y, &rhs)) {
        snprintf(err, errlen, "G1 point: x is not on the curve");
        return -1;
    }
    if (pc_fp_is_lex_largest(&y) != ((in[0] & 0x20) != 0)) pc_fp_neg(&y, &y);
    pc_g1_from_affine(r, &x, &y);
    if (!pc_g1_in_subgroup(r)) {
        snprintf(err, errlen, "G1 point: not in the prime-order subgroup");
        return -1;
    }
    return 0;
}
