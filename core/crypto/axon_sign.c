/* axon_sign.c — signing and verifying dendrite requests (axon_sign.h). */
#include "crypto/axon_sign.h"
#include "crypto/keccak.h"
#include "crypto/ss58.h"

#include <stdio.h>
#include <string.h>

int pc_axon_message(const char *nonce, const char *dendrite_ss58, const char *axon_ss58,
                    const char *uuid, const char *body_hash_hex, char *out, size_t outlen)
{
    if (!nonce || !dendrite_ss58 || !axon_ss58 || !uuid || !body_hash_hex) return -1;
    /* no part contains a '.', so the text splits back into its parts one way only */
    if (strchr(nonce, '.') || strchr(dendrite_ss58, '.') || strchr(axon_ss58, '.') || strchr(uuid, '.') ||
        strchr(body_hash_hex, '.'))
        return -1;
    int n = snprintf(out, outlen, "%s.%s.%s.%s.%s", nonce, dendrite_ss58, axon_ss58, uuid,
                     body_hash_hex);
    if (n < 0 || (size_t)n >= outlen) return -1;
    return n;
}

void pc_axon_body_hash(const char *const *field_values, size_t n, char out[65])
{
    pc_sha3_256_ctx c;
    uint8_t d[32];
    char hex[65];
    pc_sha3_256_init(&c);
    for (size_t i = 0; i < n; i++) {
        pc_sha3_256(field_values[i], strlen(field_values[i]), d);
        pc_hex_encode(d, 32, hex);
        pc_sha3_256_update(&c, hex, 64);
    }
    pc_sha3_256_final(&c, d);
    pc_hex_encode(d, 32, out);
}

int pc_axon_sign(const pc_wallet *w, const char *nonce, const char *dendrite_ss58,
                 const char *axon_ss58, const char *uuid, const char *body_hash_hex,
                 char out_sig[PC_AXON_SIG_HEX_LEN + 1])
{
    char msg[PC_AXON_MESSAGE_MAX];
    uint8_t sig[PC_SR25519_SIGNATURE_BYTES];
    out_sig[0] = '\0';
    int n = pc_axon_message(nonce, dendrite_ss58 ? dendrite_ss58 : w->ss58, axon_ss58, uuid,
                            body_hash_hex, msg, sizeof msg);
    if (n < 0) return -1;
    if (pc_sr25519_sign(&w->kp, msg, (size_t)n, sig) != 0) return -1;
    out_sig[0] = '0';
    out_sig[1] = 'x';
    pc_hex_encode(sig, sizeof sig, out_sig + 2);
    return 0;
}

int pc_axon_verify(const char *nonce, const char *dendrite_ss58, const char *axon_ss58,
                   const char *uuid, const char *body_hash_hex, const char *sig_hex,
                   const uint8_t pub[32])
{
    static const char open_tag[] = "<Bytes>", close_tag[] = "</Bytes>";
    char msg[sizeof open_tag - 1 + PC_AXON_MESSAGE_MAX + sizeof close_tag];
    uint8_t sig[PC_SR25519_SIGNATURE_BYTES], key[32];

    if (!sig_hex || strncmp(sig_hex, "0x", 2) != 0 || pc_hex_decode(sig_hex + 2, sig, sizeof sig))
        return 0;
    if (!pub) {
        char err[128];
        if (!dendrite_ss58 || pc_ss58_decode(dendrite_ss58, key, NULL, err, sizeof err) != 0)
            return 0;
        pub = key;
    }
    /* the text sits after the opening tag so the wrapped form needs no second copy */
    const size_t off = sizeof open_tag - 1;
    int n = pc_axon_message(nonce, dendrite_ss58, axon_ss58, uuid, body_hash_hex, msg + off,
                            PC_AXON_MESSAGE_MAX);
    if (n < 0) return 0;
    if (pc_sr25519_verify(pub, msg + off, (size_t)n, sig)) return 1;
    memcpy(msg, open_tag, off);
    memcpy(msg + off + (size_t)n, close_tag, sizeof close_tag - 1);
    return pc_sr25519_verify(pub, msg, off + (size_t)n + sizeof close_tag - 1, sig);
}
