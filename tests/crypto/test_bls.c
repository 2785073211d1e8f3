/* test_bls — BLS12-381 and drand timelock encryption without the network:
 * RFC 9380 vectors (expand_message_xmd, hash_to_field, map_to_curve, hash_to_curve), the drand
 * quicknet round-1000 pairing equation, field and group laws on seeded random values, every
 * kind of malformed point encoding, and timelock round trips, tampering and truncation.
 * The seed is printed; PC_TEST_SEED=<hex 32 bytes> replays a run. */
#include "crypto/keccak.h"
#include "crypto/bls.h"
#include "crypto/drand_quicknet.h"
#include "crypto/tle.h"
#include "../tap.h"
#include "rfc9380_vectors.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static uint8_t seed[randombytes_SEEDBYTES];
static uint64_t stream_pos;

/* deterministic test randomness from the printed seed */
static void rnd(void *buf, size_t n)
{
    uint8_t s[randombytes_SEEDBYTES];
    memcpy(s, seed, sizeof s);
    for (int i = 0; i < 8; i++) s[i] ^= (uint8_t)(stream_pos >> (8 * i));
    stream_pos++;
    randombytes_buf_deterministic(buf, n, s);
}

static void rnd_fp(pc_fp *r)
{
    uint8_t b[64];
    rnd(b, sizeof b);
    pc_fp_from_be_mod(r, b, sizeof b);
}

static void rnd_fp2(pc_fp2 *r)
{
    rnd_fp(&r->c0);
    rnd_fp(&r->c1);
}

static void rnd_fp12(pc_fp12 *r)
{
    pc_fp2 *c = &r->c0.c0;
    for (int i = 0; i < 6; i++) rnd_fp2(&c[i]);
}

static int fp_from_hex(pc_fp *r, const char *hex)
{
    uint8_t b[48];
    return pc_hex_decode(hex, b, 48) == 0 && pc_fp_from_be(r, b) == 0 ? 0 : -1;
}

static int hex_eq_fp(const pc_fp *a, const char *hex)
{
    pc_fp b;
    return fp_from_hex(&b, hex) == 0 && pc_fp_eq(a, &b);
}

static void test_rfc9380(void)
{
    for (size_t i = 0; i < sizeof xmd_vectors / sizeof xmd_vectors[0]; i++) {
        uint8_t out[128], want[128];
        size_t n = xmd_vectors[i].len;
        pc_hex_decode(xmd_vectors[i].uniform, want, n);
        int rc = pc_bls_expand_message_xmd(out, n, (const uint8_t *)xmd_vectors[i].msg,
                                           strlen(xmd_vectors[i].msg), (const uint8_t *)xmd_dst,
                                           strlen(xmd_dst));
        ok(rc == 0 && memcmp(out, want, n) == 0, "RFC 9380 K.1 expand_message_xmd(\"%.12s\", %zu)",
           xmd_vectors[i].msg, n);
    }
    const uint8_t *dst = (const uint8_t *)h2c_dst;
    for (size_t i = 0; i < sizeof h2c_vectors / sizeof h2c_vectors[0]; i++) {
        const char *msg = h2c_vectors[i].msg;
        uint8_t uniform[128];
        pc_fp u0, u1, x, y;
        pc_g1 q0, q1, p;
        pc_bls_expand_message_xmd(uniform, 128, (const uint8_t *)msg, strlen(msg), dst, strlen(h2c_dst));
        pc_fp_from_be_mod(&u0, uniform, 64);
        pc_fp_from_be_mod(&u1, uniform + 64, 64);
        ok(hex_eq_fp(&u0, h2c_vectors[i].u0) && hex_eq_fp(&u1, h2c_vectors[i].u1),
           "RFC 9380 J.9.1 hash_to_field(\"%.12s\")", msg);
        pc_bls_map_to_g1(&q0, &u0);
        pc_bls_map_to_g1(&q1, &u1);
        pc_g1_to_affine(&x, &y, &q0);
        int good = hex_eq_fp(&x, h2c_vectors[i].q0x) && hex_eq_fp(&y, h2c_vectors[i].q0y);
        pc_g1_to_affine(&x, &y, &q1);
        good &= hex_eq_fp(&x, h2c_vectors[i].q1x) && hex_eq_fp(&y, h2c_vectors[i].q1y);
        ok(good, "RFC 9380 J.9.1 map_to_curve Q0, Q1 (\"%.12s\")", msg);
        ok(pc_bls_hash_to_g1(&p, (const uint8_t *)msg, strlen(msg), dst, strlen(h2c_dst)) == 0,
           "hash_to_g1 runs");
        pc_g1_to_affine(&x, &y, &p);
        ok(hex_eq_fp(&x, h2c_vectors[i].px) && hex_eq_fp(&y, h2c_vectors[i].py),
           "RFC 9380 J.9.1 hash_to_curve P (\"%.12s\")", msg);
        ok(pc_g1_in_subgroup(&p), "hash_to_curve output lies in G1");
    }
    uint8_t big[256];
    ok(pc_bls_expand_message_xmd(big, 10, big, 0, big, 256) == -1, "DST over 255 bytes refused");
}

static void test_quicknet(void)
{
    uint8_t pkb[96], sigb[48], a[576], b[576];
    char err[160];
    pc_g2 pk, g2;
    pc_g1 sig, q;
    pc_gt lhs, rhs;
    pc_hex_decode(PC_DRAND_QUICKNET_PUBKEY_HEX, pkb, 96);
    pc_hex_decode(PC_DRAND_QUICKNET_ROUND1000_SIG_HEX, sigb, 48);
    ok(pc_g2_decompress(&pk, pkb, err, sizeof err) == 0, "quicknet public key decodes");
    ok(pc_g1_decompress(&sig, sigb, err, sizeof err) == 0, "round-1000 signature decodes");
    pc_tle_round_identity(&q, 1000);
    pc_g2_generator(&g2);
    pc_bls_pairing(&lhs, &sig, &g2);
    pc_bls_pairing(&rhs, &q, &pk);
    pc_gt_to_bytes(a, &lhs);
    pc_gt_to_bytes(b, &rhs);
    ok(memcmp(a, b, 576) == 0, "quicknet: e(sig_1000, G2) == e(H(1000), Ppub)");
    pc_tle_round_identity(&q, 1001);
    pc_bls_pairing(&rhs, &q, &pk);
    ok(!pc_fp12_eq(&lhs, &rhs), "quicknet: the signature does not verify for round 1001");
    uint8_t back[96];
    pc_g2_compress(back, &pk);
    ok(memcmp(back, pkb, 96) == 0, "quicknet public key re-compresses to the same bytes");
}

static void test_fields(void)
{
    int ok_inv = 1, ok_sqrt = 1, ok_frob = 1, ok_cyc = 1, ok_fp12inv = 1, ok_dist = 1;
    for (int i = 0; i < 20; i++) {
        pc_fp a, s, t;
        pc_fp2 x, y, z, w;
        pc_fp12 f, g, h;
        rnd_fp(&a);
        pc_fp_inv(&t, &a);
        pc_fp_mul(&t, &t, &a);
        ok_inv &= pc_fp_eq(&t, &pc_fp_one);
        pc_fp_sqr(&s, &a);
        ok_sqrt &= pc_fp_sqrt(&t, &s) && (pc_fp_eq(&t, &a) || (pc_fp_neg(&t, &t), pc_fp_eq(&t, &a)));
        rnd_fp2(&x);
        pc_fp2_sqr(&y, &x);
        ok_sqrt &= pc_fp2_sqrt(&z, &y) && (pc_fp2_eq(&z, &x) || (pc_fp2_neg(&z, &z), pc_fp2_eq(&z, &x)));
        pc_fp2_inv(&z, &x);
        pc_fp2_mul(&z, &z, &x);
        pc_fp2_one(&w);
        ok_inv &= pc_fp2_eq(&z, &w);
        rnd_fp2(&y);
        rnd_fp2(&z);
        pc_fp2_add(&w, &y, &z); /* x (y + z) = x y + x z */
        pc_fp2_mul(&w, &x, &w);
        pc_fp2_mul(&y, &x, &y);
        pc_fp2_mul(&z, &x, &z);
        pc_fp2_add(&y, &y, &z);
        ok_dist &= pc_fp2_eq(&w, &y);

        rnd_fp12(&f);
        rnd_fp12(&g);
        pc_fp12_mul(&h, &f, &g); /* frob is a ring map, frob^12 = id */
        pc_fp12_frob(&h, &h);
        pc_fp12_frob(&f, &f);
        pc_fp12_frob(&g, &g);
        pc_fp12_mul(&g, &f, &g);
        ok_frob &= pc_fp12_eq(&g, &h);
        g = f;
        for (int k = 0; k < 12; k++) pc_fp12_frob(&g, &g);
        ok_frob &= pc_fp12_eq(&g, &f);
        pc_fp12_inv(&g, &f);
        pc_fp12_mul(&g, &g, &f);
        ok_fp12inv &= pc_fp12_is_one(&g);
        pc_fp12_sqr(&g, &f);
        pc_fp12_mul(&h, &f, &f);
        ok_fp12inv &= pc_fp12_eq(&g, &h);
        /* f^((p^6-1)(p^2+1)) is cyclotomic: there the special squaring agrees */
        pc_fp12_inv(&g, &f);
        pc_fp12_conj(&h, &f);
        pc_fp12_mul(&h, &h, &g);
        g = h;
        pc_fp12_frob(&g, &g);
        pc_fp12_frob(&g, &g);
        pc_fp12_mul(&h, &h, &g);
        pc_fp12_sqr(&g, &h);
        pc_fp12_cyclotomic_sqr(&f, &h);
        ok_cyc &= pc_fp12_eq(&g, &f);
    }
    ok(ok_inv, "Fp and Fp2 inverses");
    ok(ok_sqrt, "Fp and Fp2 square roots of squares");
    ok(ok_dist, "Fp2 distributivity");
    ok(ok_frob, "Frobenius is multiplicative and of order 12 (checks the generated constants)");
    ok(ok_fp12inv, "Fp12 inverse and squaring");
    ok(ok_cyc, "cyclotomic squaring equals squaring in the cyclotomic subgroup");
    pc_fp m;
    uint8_t pbytes[48];
    for (int i = 0; i < 48; i++) pbytes[47 - i] = (uint8_t)(pc_fp_modulus[i / 8] >> (8 * (i % 8)));
    ok(pc_fp_from_be(&m, pbytes) == -1, "p itself is not a canonical field element");
    uint8_t ff[32], red[32], want[32];
    memset(ff, 0xff, 32);
    pc_fr_from_be_mod(red, ff);
    pc_hex_decode("1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffd", want, 32);
    ok(memcmp(red, want, 32) == 0, "(2^256 - 1) mod r");
}

static void test_groups(void)
{
    pc_g1 g, a, b, c;
    pc_g2 h, x, y, z;
    uint8_t k1[32] = {0}, k2[32] = {0}, k3[32] = {0}, order[32];
    pc_g1_generator(&g);
    pc_g2_generator(&h);
    for (int i = 0; i < 32; i++) order[31 - i] = (uint8_t)(pc_fr_modulus[i / 8] >> (8 * (i % 8)));
    ok(pc_g1_is_on_curve(&g) && pc_g1_in_subgroup(&g), "G1 generator on the curve, order r");
    ok(pc_g2_is_on_curve(&h) && pc_g2_in_subgroup(&h), "G2 generator on the curve, order r");
    /* 5G by additions against the ladder */
    k1[31] = 5;
    pc_g1_mul(&a, &g, k1);
    pc_g1_dbl(&b, &g);
    pc_g1_dbl(&b, &b);
    pc_g1_add(&b, &b, &g);
    ok(pc_g1_eq(&a, &b), "G1: 5G = 2(2G) + G");
    pc_g2_mul(&x, &h, k1);
    pc_g2_dbl(&y, &h);
    pc_g2_dbl(&y, &y);
    pc_g2_add(&y, &y, &h);
    ok(pc_g2_eq(&x, &y), "G2: 5G = 2(2G) + G");
    /* (k1 + k2) P = k1 P + k2 P for random 128-bit k1, k2 */
    memset(k1, 0, 32);
    rnd(k1 + 16, 16);
    rnd(k2 + 16, 16);
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned s = (unsigned)k1[i] + k2[i] + carry;
        k3[i] = (uint8_t)s;
        carry = s >> 8;
    }
    pc_g1_mul(&a, &g, k1);
    pc_g1_mul(&b, &g, k2);
    pc_g1_add(&a, &a, &b);
    pc_g1_mul(&c, &g, k3);
    ok(pc_g1_eq(&a, &c), "G1: (k1 + k2) G = k1 G + k2 G");
    pc_g2_mul(&x, &h, k1);
    pc_g2_mul(&y, &h, k2);
    pc_g2_add(&x, &x, &y);
    pc_g2_mul(&z, &h, k3);
    ok(pc_g2_eq(&x, &z), "G2: (k1 + k2) G = k1 G + k2 G");
    pc_g1_mul(&a, &g, order);
    pc_g2_mul(&x, &h, order);
    ok(pc_g1_is_infinity(&a) && pc_g2_is_infinity(&x), "r G = O in both groups");
    pc_g1_neg(&b, &g);
    pc_g1_add(&a, &g, &b);
    ok(pc_g1_is_infinity(&a), "G + (-G) = O (complete addition)");
    pc_g1_infinity(&a);
    pc_g1_add(&b, &a, &g);
    pc_g1_dbl(&c, &a);
    ok(pc_g1_eq(&b, &g) && pc_g1_is_infinity(&c), "O + G = G, 2 O = O");
    memset(k1, 0, 32);
    pc_g2_mul(&x, &h, k1);
    ok(pc_g2_is_infinity(&x), "0 G = O");

    /* pairing: bilinearity and non-degeneracy */
    pc_gt e1, e2, e3;
    rnd(k1, 32);
    pc_g1_mul(&a, &g, k1);
    pc_g2_mul(&x, &h, k1);
    pc_bls_pairing(&e1, &a, &h);
    pc_bls_pairing(&e2, &g, &x);
    ok(pc_fp12_eq(&e1, &e2), "e(kP, Q) = e(P, kQ)");
    pc_g1_add(&b, &a, &g);
    pc_bls_pairing(&e3, &b, &h);
    pc_bls_pairing(&e2, &g, &h);
    pc_fp12_mul(&e2, &e2, &e1);
    ok(pc_fp12_eq(&e3, &e2), "e(P + P', Q) = e(P, Q) e(P', Q)");
    pc_bls_pairing(&e1, &g, &h);
    ok(!pc_fp12_is_one(&e1), "e(G1, G2) != 1");
    pc_g1_infinity(&a);
    pc_bls_pairing(&e1, &a, &h);
    ok(pc_fp12_is_one(&e1), "e(O, Q) = 1");
}

/* x with x^3 + 4 a non-square (not on G1's curve) and one on the curve outside G1 */
static void find_bad_g1_x(uint8_t off_curve[48], uint8_t off_group[48])
{
    int have_off = 0, have_group = 0;
    for (uint64_t v = 1; !(have_off && have_group); v++) {
        pc_fp x, r, b, y;
        pc_fp_set_u64(&x, v);
        pc_fp_sqr(&r, &x);
        pc_fp_mul(&r, &r, &x);
        pc_fp_set_u64(&b, 4);
        pc_fp_add(&r, &r, &b);
        uint8_t enc[48];
        pc_fp_to_be(enc, &x);
        enc[0] |= 0x80;
        if (!pc_fp_sqrt(&y, &r)) {
            if (!have_off) memcpy(off_curve, enc, 48), have_off = 1;
        } else if (!have_group) {
            memcpy(off_group, enc, 48); /* the cofactor is large: x this small is not in G1 */
            have_group = 1;
        }
    }
}

static void find_bad_g2_x(uint8_t off_curve[96], uint8_t off_group[96])
{
    int have_off = 0, have_group = 0;
    for (uint64_t v = 1; !(have_off && have_group); v++) {
        pc_fp2 x, r, b, y;
        pc_fp_set_u64(&x.c0, v);
        pc_fp_set_u64(&x.c1, 1);
        pc_fp2_sqr(&r, &x);
        pc_fp2_mul(&r, &r, &x);
        pc_fp_set_u64(&b.c0, 4);
        b.c1 = b.c0;
        pc_fp2_add(&r, &r, &b);
        uint8_t enc[96];
        pc_fp_to_be(enc, &x.c1);
        pc_fp_to_be(enc + 48, &x.c0);
        enc[0] |= 0x80;
        if (!pc_fp2_sqrt(&y, &r)) {
            if (!have_off) memcpy(off_curve, enc, 96), have_off = 1;
        } else if (!have_group) {
            memcpy(off_group, enc, 96);
            have_group = 1;
        }
    }
}

static void expect_g1_reject(const uint8_t enc[48], const char *needle, const char *what)
{
    pc_g1 p;
    char err[160] = "";
    int rc = pc_g1_decompress(&p, enc, err, sizeof err);
    ok(rc == -1 && strstr(err, needle), "G1 rejects %s (%s)", what, err);
}

static void expect_g2_reject(const uint8_t enc[96], const char *needle, const char *what)
{
    pc_g2 p;
    char err[160] = "";
    int rc = pc_g2_decompress(&p, enc, err, sizeof err);
    ok(rc == -1 && strstr(err, needle), "G2 rejects %s (%s)", what, err);
}

static void test_encodings(void)
{
    pc_g1 g, p, q;
    pc_g2 h, x, y;
    uint8_t e1[48], e2[96], k[32], bad1[48], bad2[96];
    char err[160];
    pc_g1_generator(&g);
    pc_g2_generator(&h);
    int rt1 = 1, rt2 = 1;
    for (int i = 0; i < 16; i++) {
        rnd(k, 32);
        pc_g1_mul(&p, &g, k);
        pc_g1_compress(e1, &p);
        rt1 &= pc_g1_decompress(&q, e1, err, sizeof err) == 0 && pc_g1_eq(&p, &q);
        pc_g2_mul(&x, &h, k);
        pc_g2_compress(e2, &x);
        rt2 &= pc_g2_decompress(&y, e2, err, sizeof err) == 0 && pc_g2_eq(&x, &y);
        /* the other sign bit decodes to the negated point */
        e1[0] ^= 0x20;
        pc_g1_neg(&p, &p);
        rt1 &= pc_g1_decompress(&q, e1, err, sizeof err) == 0 && pc_g1_eq(&p, &q);
    }
    ok(rt1, "G1 compression round trips (both signs)");
    ok(rt2, "G2 compression round trips");

    pc_g1_infinity(&p);
    pc_g1_compress(e1, &p);
    ok(e1[0] == 0xc0 && pc_g1_decompress(&q, e1, err, sizeof err) == 0 && pc_g1_is_infinity(&q),
       "G1 infinity encodes as c0 00.. and back");
    pc_g2_infinity(&x);
    pc_g2_compress(e2, &x);
    ok(e2[0] == 0xc0 && pc_g2_decompress(&y, e2, err, sizeof err) == 0 && pc_g2_is_infinity(&y),
       "G2 infinity encodes as c0 00.. and back");

    pc_g1_compress(e1, &g);
    memcpy(bad1, e1, 48);
    bad1[0] &= 0x7f;
    expect_g1_reject(bad1, "compression flag", "a missing compression flag");
    memset(bad1, 0, 48);
    bad1[0] = 0xe0;
    expect_g1_reject(bad1, "infinity", "infinity with the sign bit");
    bad1[0] = 0xc0;
    bad1[47] = 1;
    expect_g1_reject(bad1, "infinity", "infinity with a stray low bit");
    bad1[47] = 0;
    bad1[0] = 0xc1;
    expect_g1_reject(bad1, "infinity", "infinity with a stray bit in byte 0");
    memcpy(bad1, e1, 48);
    bad1[0] |= 0x40;
    expect_g1_reject(bad1, "infinity", "infinity flag on a real x");
    for (int i = 0; i < 48; i++) bad1[47 - i] = (uint8_t)(pc_fp_modulus[i / 8] >> (8 * (i % 8)));
    bad1[0] |= 0x80;
    expect_g1_reject(bad1, "not below p", "x = p");
    memset(bad1, 0xff, 48);
    bad1[0] = 0x9f;
    expect_g1_reject(bad1, "not below p", "x = 2^381 - 1");
    uint8_t off1[48], sub1[48];
    find_bad_g1_x(off1, sub1);
    expect_g1_reject(off1, "not on the curve", "x off the curve");
    expect_g1_reject(sub1, "subgroup", "a curve point outside G1");

    pc_g2_compress(e2, &h);
    memcpy(bad2, e2, 96);
    bad2[0] &= 0x7f;
    expect_g2_reject(bad2, "compression flag", "a missing compression flag");
    memset(bad2, 0, 96);
    bad2[0] = 0xe0;
    expect_g2_reject(bad2, "infinity", "infinity with the sign bit");
    bad2[0] = 0xc0;
    bad2[60] = 4;
    expect_g2_reject(bad2, "infinity", "infinity with a stray bit in x.c0");
    memcpy(bad2, e2, 96);
    for (int i = 0; i < 48; i++) bad2[95 - i] = (uint8_t)(pc_fp_modulus[i / 8] >> (8 * (i % 8)));
    expect_g2_reject(bad2, "not below p", "x.c0 = p");
    memcpy(bad2, e2, 96);
    for (int i = 0; i < 48; i++) bad2[47 - i] = (uint8_t)(pc_fp_modulus[i / 8] >> (8 * (i % 8)));
    bad2[0] |= 0x80;
    expect_g2_reject(bad2, "not below p", "x.c1 = p");
    uint8_t off2[96], sub2[96];
    find_bad_g2_x(off2, sub2);
    expect_g2_reject(off2, "not on the curve", "x off the curve");
    expect_g2_reject(sub2, "subgroup", "a curve point outside G2");
}

static void test_timelock(void)
{
    uint8_t sk[32], esk[32], sigma[32], nonce[12], msg[200], sigb[48], pkb[96];
    char err[200];
    pc_g1 q, sig;
    pc_g2 pk;
    rnd(sk, 32);
    pc_fr_from_be_mod(sk, sk);
    pc_g2_generator(&pk);
    pc_g2_mul(&pk, &pk, sk);
    pc_g2_compress(pkb, &pk);
    const uint64_t round = 123456789;
    pc_tle_round_identity(&q, round);
    pc_g1_mul(&sig, &q, sk);
    pc_g1_compress(sigb, &sig);

    size_t len = 77;
    rnd(msg, len);
    uint8_t ct[200 + PC_TLE_OVERHEAD], out[200], ct2[200 + PC_TLE_OVERHEAD];
    size_t outn = 0;
    ok(pc_tle_encrypt(pkb, round, msg, len, ct, err, sizeof err) == 0, "timelock encrypts");
    ok(pc_tle_decrypt(sigb, ct, len + PC_TLE_OVERHEAD, out, &outn, err, sizeof err) == 0 &&
           outn == len && memcmp(out, msg, len) == 0,
       "timelock round trip with the round signature");
    uint8_t lens[8] = {32, 0, 0, 0, 0, 0, 0, 0};
    ok(memcmp(ct + 96, lens, 8) == 0 && memcmp(ct + 136, lens, 8) == 0 &&
           memcmp(ct + len + PC_TLE_OVERHEAD - 8, "AES_GCM_", 8) == 0,
       "frame: V and W are 32-byte vectors, suite AES_GCM_ at the end");

    rnd(esk, 32);
    rnd(sigma, 32);
    rnd(nonce, 12);
    pc_tle_encrypt_with(&pk, round, msg, len, esk, sigma, nonce, ct, err, sizeof err);
    pc_tle_encrypt_with(&pk, round, msg, len, esk, sigma, nonce, ct2, err, sizeof err);
    ok(memcmp(ct, ct2, len + PC_TLE_OVERHEAD) == 0, "same randomness, same bytes");
    pc_tle_encrypt(pkb, round, msg, 0, ct2, err, sizeof err);
    ok(pc_tle_decrypt(sigb, ct2, PC_TLE_OVERHEAD, out, &outn, err, sizeof err) == 0 && outn == 0,
       "empty message round trip (244 bytes)");

    /* the wrong round's signature */
    pc_g1 other;
    uint8_t osig[48];
    pc_tle_round_identity(&other, round + 1);
    pc_g1_mul(&other, &other, sk);
    pc_g1_compress(osig, &other);
    ok(pc_tle_decrypt(osig, ct, len + PC_TLE_OVERHEAD, out, &outn, err, sizeof err) == -1 &&
           strstr(err, "wrong signature"),
       "another round's signature fails (%s)", err);
    /* tampering anywhere after U */
    size_t n = len + PC_TLE_OVERHEAD;
    struct { size_t at; const char *needle; const char *what; } tamper[] = {
        {110, "wrong signature", "V"},         {150, "wrong signature", "W"},
        {192 + 5, "authentication", "ct body"}, {192 + len + 3, "authentication", "tag"},
        {192 + len + 16 + 8 + 2, "authentication", "nonce"},
        {96, "32-byte", "V length"},            {176, "body lengths", "body length"},
        {n - 1, "suite", "suite"},              {5, "header U", "U"},
    };
    for (size_t i = 0; i < sizeof tamper / sizeof tamper[0]; i++) {
        memcpy(ct2, ct, n);
        ct2[tamper[i].at] ^= 0x04;
        err[0] = '\0';
        int rc = pc_tle_decrypt(sigb, ct2, n, out, &outn, err, sizeof err);
        ok(rc == -1 && strstr(err, tamper[i].needle), "tampered %s rejected (%s)", tamper[i].what, err);
    }
    int all = 1;
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(ct2, ct, cut);
        all &= pc_tle_decrypt(sigb, ct2, cut, out, &outn, err, sizeof err) == -1;
    }
    ok(all, "every truncation of the ciphertext is rejected");
    memcpy(ct2, ct, n);
    ct2[n] = 0;
    ok(pc_tle_decrypt(sigb, ct2, n + 1, out, &outn, err, sizeof err) == -1, "a trailing byte is rejected (%s)", err);
    uint8_t badpk[96];
    memset(badpk, 0, 96);
    ok(pc_tle_encrypt(badpk, round, msg, len, ct2, err, sizeof err) == -1 && strstr(err, "master public key"),
       "encryption refuses a malformed master key (%s)", err);
    pc_g2 inf;
    pc_g2_infinity(&inf);
    ok(pc_tle_encrypt_point(&inf, round, msg, len, ct2, err, sizeof err) == -1,
       "encryption refuses the infinity master key (%s)", err);
    uint8_t infsig[48] = {0xc0};
    ok(pc_tle_decrypt(infsig, ct, n, out, &outn, err, sizeof err) == -1 && strstr(err, "infinity"),
       "the infinity signature is refused (%s)", err);
}

int main(void)
{
    if (sodium_init() < 0) {
        ok(0, "libsodium initialises");
        return done_testing();
    }
    const char *env = getenv("PC_TEST_SEED");
    if (env && pc_hex_decode(env, seed, sizeof seed) == 0) {
    } else {
        randombytes_buf(seed, sizeof seed);
    }
    char hex[2 * sizeof seed + 1];
    pc_hex_encode(seed, sizeof seed, hex);
    diag("seed %s (PC_TEST_SEED to replay)", hex);
    test_rfc9380();
    test_quicknet();
    test_fields();
    test_groups();
    test_encodings();
    test_timelock();
    return done_testing();
}
