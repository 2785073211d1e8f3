/* axon_sign.h — the sr25519 signature of a bittensor dendrite request (specs/bittensor.md
 * 1.4-1.5). The signed text is "{nonce}.{dendrite_ss58}.{axon_ss58}.{uuid}.{body_hash}" and the
 * header value is "0x" + 128 lower-case hex digits. Used by the dendrite (sign) and the demo
 * miner (verify). */
#ifndef PC_CRYPTO_AXON_SIGN_H
#define PC_CRYPTO_AXON_SIGN_H

#include "crypto/wallet.h"

#include <stddef.h>
#include <stdint.h>

#define PC_AXON_SIG_HEX_LEN 130 /* "0x" + 128 hex; buffers need 131 */
#define PC_AXON_MESSAGE_MAX 512 /* longest signed text accepted (real ones are ~180 bytes) */

/* The signed text into out; returns its length, or -1 when a part is NULL or contains a '.'
 * (which would make the text ambiguous), or the text does not fit. */
int pc_axon_message(const char *nonce, const char *dendrite_ss58, const char *axon_ss58,
                    const char *uuid, const char *body_hash_hex, char *out, size_t outlen);

/* computed_body_hash: SHA3-256 hex of the concatenated SHA3-256 hex digests of the
 * required_hash_fields values rendered as text (n may be 0: NATIX's ImageSynapse has none, which
 * gives SHA3-256("") = a7ffc6f8...434a). out gets 64 hex digits and a NUL. */
void pc_axon_body_hash(const char *const *field_values, size_t n, char out[65]);

/* Sign with the wallet's hotkey (dendrite_ss58 NULL = the wallet's own address). Writes
 * "0x" + 128 hex + NUL into out_sig. Returns 0, or -1 for a bad part or a failed signature. */
int pc_axon_sign(const pc_wallet *w, const char *nonce, const char *dendrite_ss58,
                 const char *axon_ss58, const char *uuid, const char *body_hash_hex,
                 char out_sig[PC_AXON_SIG_HEX_LEN + 1]);

/* 1 when sig_hex ("0x" + 128 hex digits, either case) signs the request text, or the same text
 * wrapped as "<Bytes>...</Bytes>" as btwallet also accepts; else 0. pub NULL = the key named by
 * dendrite_ss58 (what an axon does with the bt_header_dendrite_hotkey header). */
int pc_axon_verify(const char *nonce, const char *dendrite_ss58, const char *axon_ss58,
                   const char *uuid, const char *body_hash_hex, const char *sig_hex,
                   const uint8_t pub[32]);

#endif
