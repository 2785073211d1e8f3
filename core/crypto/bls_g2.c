/* bls_g2.c — G2 = E'(Fp2): y^2 = x^3 + 4(u + 1); group law (bls_point.inc) and the
 * 96-byte compressed encoding (x.c1 then x.c0, big-endian). */
#include "crypto/bls.h"
#include "crypto/bls_fp_inline.h"

#include <stdio.h>
#include <string.h>

#define PT pc_g2
#define FE pc_fp2
#define NAME(x) pc_g2_##x
#define FE_ADD fp2i_add
#define FE_SUB fp2i_sub
#define FE_MUL pc_fp2_mul
#define FE_SQR pc_fp2_sqr
#define FE_NEG pc_fp2_neg
#define FE_INV pc_fp2_inv
#define FE_EQ pc_fp2_eq
#define FE_IS_ZERO pc_fp2_is_zero
#define FE_CMOV pc_fp2_cmov
#define FE_ZERO pc_fp2_zero
#define FE_ONE pc_fp2_one

static void FE_B(pc_fp2 *r)
{
    pc_fp_set_u64(&r->c0, 4);
    r->c1 = r->c0;
}

/* 3b' = 12 (1 + u) */
static void FE_MUL_B3(pc_fp2 *r, const pc_fp2 *a)
{
    pc_fp2 t, t4, t8;
    pc_fp2_mul_xi(&t, a);
    pc_fp2_add(&t4, &t, &t);
    pc_fp2_add(&t4, &t4, &t4);
    pc_fp2_add(&t8, &t4, &t4);
    pc_fp2_add(r, &t8, &t4);
}

#include "crypto/bls_point.inc"

void pc_g2_generator(pc_g2 *r) { pc_g2_from_affine(r, &pc_g2_gen_x, &pc_g2_gen_y); }

void pc_g2_compress(uint8_t out[96], const pc_g2 *a)
{
    pc_fp2 x, y;
    if (!pc_g2_to_affine(&x, &y, a)) {
        memset(out, 0, 96);
        out[0] = 0xc0;
        return;
    }
    pc_fp_to_be(out, &x.c1);
    pc_fp_to_be(out + 48, &x.c0);
    out[0] |= (uint8_t)(0x80 | (pc_fp2_is_lex_largest(&y) ? 0x20 : 0));
}

int pc_g2_decompress(pc_g2 *r, const uint8_t in[96], char *err, size_t errlen)
{
    uint8_t buf[48];
    pc_fp2 x, y, rhs, b;
    if (!(in[0] & 0x80)) {
        snprintf(err, errlen, "G2 point: compression flag (0x80) not set");
        return -1;
    }
    if (in[0] & 0x40) {
        int stray = (in[0] & 0x3f) != 0;
        for (int i = 1; i < 96; i++) stray |= in[i] != 0;
        if (stray) {
            snprintf(err, errlen, "G2 point: infinity flag with other bits set");
            return -1;
        }
        pc_g2_infinity(r);
        return 0;
    }
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    if (pc_fp_from_be(&x.c1, buf) != 0 || pc_fp_from_be(&x.c0, in + 48) != 0) {
        snprintf(err, errlen, "G2 point: an x coordinate is not below p");
        return -1;
    }
    pc_fp2_sqr(&rhs, &x);
    pc_fp2_mul(&rhs, &rhs, &x);
    FE_B(&b);
    pc_fp2_add(&rhs, &rhs, &b);
    if (!pc_fp2_sqrt(&y, &rhs)) {
        snprintf(err, errlen, "G2 point: x is not on the curve");
        return -1;
    }
    if (pc_fp2_is_lex_largest(&y) != ((in[0] & 0x20) != 0)) pc_fp2_neg(&y, &y);
    pc_g2_from_affine(r, &x, &y);
    if (!pc_g2_in_subgroup(r)) {
        snprintf(err, errlen, "G2 point: not in the prime-order subgroup");
        return -1;
    }
    return 0;
}
