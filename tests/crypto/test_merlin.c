/* test_merlin — STROBE-128 and Merlin against public vectors (specs/bittensor.md 2.10 V1-V3):
 * gtank/merlin's simple and complex transcripts, the STROBE conformance PRFs and the per-step
 * transcript states of micro-sr25519's signing run (which also pins the witness RNG). */
#include "crypto/keccak.h"
#include "crypto/merlin.h"
#include "crypto/strobe.h"
#include "../tap.h"

#include <sodium.h>

static void hex32(const uint8_t *b, char out[65]) { pc_hex_encode(b, 32, out); }

static void check_state(const pc_merlin *t, const char *want_hex, int pos, int pos_begin,
                        int flags, const char *what)
{
    char hex[401];
    pc_hex_encode(t->strobe.st, 200, hex);
    is_str(hex, want_hex, "%s: state", what);
    is_int(t->strobe.pos, pos, "%s: pos", what);
    is_int(t->strobe.pos_begin, pos_begin, "%s: pos_begin", what);
    is_int(t->strobe.cur_flags, flags, "%s: flags", what);
}

static void strobe_conformance(void)
{
    pc_strobe s;
    uint8_t msg[1024], prf[32];
    char hex[65];
    memset(msg, 99, sizeof msg);
    pc_strobe_init(&s, "Conformance Test Protocol", 25);
    pc_strobe_meta_ad(&s, "ms", 2, 0);
    pc_strobe_meta_ad(&s, "g", 1, 1);
    pc_strobe_ad(&s, msg, sizeof msg, 0);
    pc_strobe_meta_ad(&s, "prf", 3, 0);
    pc_strobe_prf(&s, prf, 32, 0);
    hex32(prf, hex);
    is_str(hex, "b48e645ca17c667fd5206ba57a6a228d72d8e1903814d3f17f622996d7cfefb0",
           "STROBE conformance: first PRF");
    pc_strobe_meta_ad(&s, "key", 3, 0);
    pc_strobe_key(&s, prf, 32, 0);
    pc_strobe_meta_ad(&s, "prf", 3, 0);
    pc_strobe_prf(&s, prf, 32, 0);
    hex32(prf, hex);
    is_str(hex, "07e45cce8078cee259e3e375bb85d75610e2d1e1201c5f645045a194edd49ff8",
           "STROBE conformance: PRF after KEY");
}

static void merlin_simple_and_complex(void)
{
    pc_merlin t;
    uint8_t c[32];
    char hex[65];

    pc_merlin_init(&t, "test protocol");
    pc_merlin_append(&t, "some label", "some data", 9);
    pc_merlin_challenge(&t, "challenge", c, 32);
    hex32(c, hex);
    is_str(hex, "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615",
           "Merlin simple transcript (V1)");

    static uint8_t bigdata[1024];
    memset(bigdata, 99, sizeof bigdata);
    pc_merlin_init(&t, "test protocol");
    pc_merlin_append(&t, "step1", "some data", 9);
    for (int i = 0; i < 32; i++) {
        pc_merlin_challenge(&t, "challenge", c, 32);
        pc_merlin_append(&t, "bigdata", bigdata, sizeof bigdata);
        pc_merlin_append(&t, "challengedata", c, 32);
    }
    hex32(c, hex);
    is_str(hex, "a8c933f54fae76e3f9bea93648c1308e7dfa2152dd51674ff3ca438351cf003c",
           "Merlin complex transcript (V2)");
}

/* The sr25519 signing transcript of V9 step by step (key of V6, message "this is a message",
 * RNG bytes all zero). */
static void signing_transcript_steps(void)
{
    static const char st_after_msg[] =
        "9c7f5bea8a913cb40ad10d0d65642707b3616a2f306528f6733be420a205d212ba710f6d09609d77fa3e6c30"
        "08ee1394096d3989d45e4760f2b8f7d9b457c5918f9b62ec9747c8eac845e58e6be196140fa47a07f19e78f5"
        "ac5d93020c63727321c92a603907035349ccbb1b92b7b0057e8fa87fcebc7e88656fcb45ae04bc34cabeaebe"
        "79d91750c0e8bf13b966504d1343597265dd8865adf91409cc9b20d5f47444041f97b699ddfbdee91ea87bd0"
        "9bf8b02da75a96e947f07f5b65bb4e6efefaa16abfd9fbf6";
    static const char st_after_proto[] =
        "9c7f5bea8a913cb40ad10d0d65642707b3616a2f306528f6733be420a205d212ba710f6d09609d77fa3e6c30"
        "08ee1394096d3989d45e4760f2b8f7d9b457c5918f9b62ec9747c8eac845e58e6be196140fa47a07f19e78f5"
        "ac5d93020c633e6151bb4514562a6d3224a9b01b92b7ef072decc011a1ce0ca51606ac45ae04bc34cabeaebe"
        "79d91750c0e8bf13b966504d1343597265dd8865adf91409cc9b20d5f47444041f97b699ddfbdee91ea87bd0"
        "9bf8b02da75a96e947f07f5b65bb4e6efefaa16abfd9fbf6";
    static const char st_after_pk[] =
        "25983478d55267650c96a61a372cebf0b52bb618bf7877b00174c12381dd40ac4ac83ee90e158d33d89bec0e"
        "6d3943c624b33391ce0982930f74b87e1c480acd07b648d05ef617f19ca48dc583bc35252d7f0973676cea0d"
        "1c04f065fa64265b720068c2f8fe7be60233613289a6e18ed875a4863ac4c0c174974a7de44765a5b0cd4fd7"
        "46edc4dc6e6d031a429d78c5c0b213cf3df51a3f036d5b9b8f9dc25de752f816e05ed7f6217c801684840a61"
        "6aff8448176ea0c3fb6311ca229b4f340b0085c9423ff6a1";
    static const char st_after_r[] =
        "25983478d540140c6bf89c48172cebf0b0296a508e4be4f6dd5d8c025cb3ba8e8ab0880268172e3c615d994e"
        "acc20de6b7dd3391ce0982930f74b87e1c480acd07b648d05ef617f19ca48dc583bc35252d7f0973676cea0d"
        "1c04f065fa64265b720068c2f8fe7be60233613289a6e18ed875a4863ac4c0c174974a7de44765a5b0cd4fd7"
        "46edc4dc6e6d031a429d78c5c0b213cf3df51a3f036d5b9b8f9dc25de752f816e05ed7f6217c801684840a61"
        "6aff8448176ea0c3fb6311ca229b4f340b0085c9423ff6a1";
    static const char st_after_k[] =
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000005e752598296d3d3f374f653ea9edefd01e45070a904cbb00"
        "a3b4c7ad5d14096356a360950f4673ba6ec688bfc00d470a913c392b722af11c3e91c525cab849a1b522363b"
        "268d34ed34b29fb76db3610b40c25acafdae42eeb8cc468bd541f55b79cdf3d8b0c3ef761f45aadd470ca75b"
        "e27a8d2b901f9f2ce601fd73dfe7400ed41107375a89749b";
    uint8_t pub[32], nonce[32], wide[64], r[32], R[32], k[32], zeros[32] = {0};
    char hex[65];
    pc_hex_decode("46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", pub, 32);
    pc_hex_decode("fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34", nonce, 32);

    pc_merlin t;
    pc_merlin_init(&t, "SigningContext");
    pc_merlin_append(&t, "", "substrate", 9);
    pc_merlin_append(&t, "sign-bytes", "this is a message", 17);
    check_state(&t, st_after_msg, 94, 76, 2, "after context and message");
    pc_merlin_append(&t, "proto-name", "Schnorr-sig", 11);
    check_state(&t, st_after_proto, 123, 111, 2, "after proto-name");
    pc_merlin_append(&t, "sign:pk", pub, 32);
    check_state(&t, st_after_pk, 4, 0, 2, "after sign:pk");

    pc_merlin_rng rng;
    pc_merlin_rng_init(&rng, &t);
    pc_merlin_rng_rekey(&rng, "signing", nonce, 32);
    pc_merlin_rng_finalize(&rng, zeros);
    pc_merlin_rng_fill(&rng, wide, 64);
    pc_merlin_rng_wipe(&rng);
    crypto_core_ristretto255_scalar_reduce(r, wide);
    hex32(r, hex);
    is_str(hex, "f94164e3428b58ce443e9e9a8dcb04fcb513da2afca5226ec6e3e698dc6fdf0a",
           "witness scalar r");
    check_state(&t, st_after_pk, 4, 0, 2, "witness RNG leaves the transcript alone");

    ok(crypto_scalarmult_ristretto255_base(R, r) == 0, "R = r*B");
    pc_merlin_append(&t, "sign:R", R, 32);
    check_state(&t, st_after_r, 50, 17, 2, "after sign:R");
    pc_merlin_challenge(&t, "sign:c", wide, 64);
    crypto_core_ristretto255_scalar_reduce(k, wide);
    hex32(k, hex);
    is_str(hex, "8b322786be1b44e2b8c662f1979357530b6a03a80fa076c06e0fe9b29f4a2a0b",
           "challenge scalar k");
    check_state(&t, st_after_k, 64, 0, 7, "after sign:c");

    /* a different witness must give a different r (the RNG really uses it) */
    nonce[0] ^= 1;
    pc_merlin t2;
    pc_merlin_init(&t2, "SigningContext");
    pc_merlin_rng_init(&rng, &t2);
    pc_merlin_rng_rekey(&rng, "signing", nonce, 32);
    pc_merlin_rng_finalize(&rng, zeros);
    uint8_t other[64];
    pc_merlin_rng_fill(&rng, other, 64);
    pc_merlin_rng_wipe(&rng);
    ok(memcmp(other, wide, 64) != 0, "witness RNG output depends on the witness");
}

int main(void)
{
    if (sodium_init() < 0) {
        ok(0, "sodium_init");
        return done_testing();
    }
    strobe_conformance();
    merlin_simple_and_complex();
    signing_transcript_steps();
    return done_testing();
}
