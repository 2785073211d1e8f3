/* strobe.h — the subset of STROBE-128 (v1.0.2) that the Merlin transcript needs: meta-AD, AD,
 * PRF and KEY over Keccak-f[1600] with a 166-byte rate (specs/bittensor.md 2.2).
 *
 * `more` continues the previous operation (same flags) instead of starting a new one; Merlin uses
 * it to split one meta-AD into label and length. Continuing an operation with different flags is
 * a programming error: the call is then treated as the start of a new operation. */
#ifndef PC_CRYPTO_STROBE_H
#define PC_CRYPTO_STROBE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pc_strobe {
    uint8_t st[200];
    uint8_t pos;       /* next byte of the rate, 0..165                         */
    uint8_t pos_begin; /* where the current operation began (+1), 0 after run_f */
    uint8_t cur_flags; /* flags of the current operation                        */
} pc_strobe;

void pc_strobe_init(pc_strobe *s, const void *proto, size_t len);
void pc_strobe_meta_ad(pc_strobe *s, const void *data, size_t len, int more);
void pc_strobe_ad(pc_strobe *s, const void *data, size_t len, int more);
void pc_strobe_prf(pc_strobe *s, void *out, size_t len, int more);
void pc_strobe_key(pc_strobe *s, const void *data, size_t len, int more);

#endif
