/* fuzz_bls_decode — libFuzzer target for everything that parses untrusted BLS bytes:
 * compressed G1 and G2 points and drand timelock ciphertexts. The first input byte picks:
 *   0  G1 decompress of the next 48 bytes   1  G2 decompress of the next 96 bytes
 *   2  timelock decrypt of the rest, with a fixed valid round signature
 *   3  the rest XORed into a valid ciphertext (and cut to its length), then decrypted, so that
 *      mutations reach the pairing, the U check and AES-GCM
 * Properties checked: nothing crashes; an accepted point re-compresses to the same bytes and
 * lies in its subgroup; an accepted ciphertext yields exactly len - 244 bytes, and the unmodified
 * ciphertext yields the original message. `make fuzz-smoke` runs it. */
#include "crypto/bls.h"
#include "crypto/tle.h"

#include <stdlib.h>
#include <string.h>

enum { MSG = 40, CT = MSG + PC_TLE_OVERHEAD };
static uint8_t sig_bytes[48], good_ct[CT], good_msg[MSG];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    uint8_t sk[32], esk[32], sigma[32], nonce[12];
    char err[200];
    for (int i = 0; i < 32; i++) sk[i] = (uint8_t)(i * 7 + 1), esk[i] = (uint8_t)(3 * i), sigma[i] = (uint8_t)(5 * i + 2);
    for (int i = 0; i < 12; i++) nonce[i] = (uint8_t)i;
    for (int i = 0; i < MSG; i++) good_msg[i] = (uint8_t)('a' + i % 26);
    pc_fr_from_be_mod(sk, sk);
    pc_g2 pk;
    pc_g1 sig;
    pc_g2_generator(&pk);
    pc_g2_mul(&pk, &pk, sk);
    pc_tle_round_identity(&sig, 4242);
    pc_g1_mul(&sig, &sig, sk);
    pc_g1_compress(sig_bytes, &sig);
    if (pc_tle_encrypt_with(&pk, 4242, good_msg, MSG, esk, sigma, nonce, good_ct, err, sizeof err) != 0)
        abort();
    return 0;
}

static void decrypt(const uint8_t *ct, size_t len, int pristine)
{
    uint8_t *out = malloc(len + 1);
    size_t n = 0;
    char err[200];
    if (!out) return;
    int rc = pc_tle_decrypt(sig_bytes, ct, len, out, &n, err, sizeof err);
    if (rc == 0 && n != len - PC_TLE_OVERHEAD) abort();
    if (pristine && (rc != 0 || n != MSG || memcmp(out, good_msg, MSG) != 0)) abort();
    if (rc != 0 && err[0] == '\0') abort(); /* every failure says why */
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[200];
    if (size < 1) return 0;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    switch (data[0] % 4) {
    case 0: {
        uint8_t back[48];
        pc_g1 p;
        if (n < 48) return 0;
        if (pc_g1_decompress(&p, in, err, sizeof err) == 0) {
            pc_g1_compress(back, &p);
            if (memcmp(back, in, 48) != 0 || !pc_g1_in_subgroup(&p)) abort();
        }
        break;
    }
    case 1: {
        uint8_t back[96];
        pc_g2 q;
        if (n < 96) return 0;
        if (pc_g2_decompress(&q, in, err, sizeof err) == 0) {
            pc_g2_compress(back, &q);
            if (memcmp(back, in, 96) != 0 || !pc_g2_in_subgroup(&q)) abort();
        }
        break;
    }
    case 2:
        decrypt(in, n, 0);
        break;
    default: {
        uint8_t ct[CT];
        size_t len = n < CT ? n : CT;
        int pristine = len == CT;
        memcpy(ct, good_ct, CT);
        for (size_t i = 0; i < len; i++) {
            ct[i] ^= in[i];
            pristine &= in[i] == 0;
        }
        decrypt(ct, len, pristine);
    }
    }
    return 0;
}
