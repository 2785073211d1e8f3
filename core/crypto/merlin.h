/* merlin.h — Merlin transcripts (Fiat-Shamir for sr25519) and their witness RNG
 * (specs/bittensor.md 2.3). Labels are NUL-terminated byte strings ("" allowed). */
#ifndef PC_CRYPTO_MERLIN_H
#define PC_CRYPTO_MERLIN_H

#include "crypto/strobe.h"

#include <stddef.h>
#include <stdint.h>

typedef struct pc_merlin {
    pc_strobe strobe;
} pc_merlin;

/* new(label): STROBE with protocol "Merlin v1.0", then append("dom-sep", label). */
void pc_merlin_init(pc_merlin *t, const char *label);
/* Messages are at most 4 GiB - 1 bytes (their length is framed as 32 bits); longer ones are
 * truncated to that, which callers (sr25519) refuse before getting here. */
void pc_merlin_append(pc_merlin *t, const char *label, const void *msg, size_t len);
void pc_merlin_challenge(pc_merlin *t, const char *label, void *out, size_t len);

/* Witness RNG: works on a copy of the transcript, which is left unchanged. Sequence:
 * rng_init, rng_rekey (once per secret witness), rng_finalize (32 fresh random bytes),
 * rng_fill (as often as needed), then rng_wipe: the state holds secrets. */
typedef struct pc_merlin_rng {
    pc_strobe strobe;
} pc_merlin_rng;

void pc_merlin_rng_init(pc_merlin_rng *r, const pc_merlin *t);
void pc_merlin_rng_rekey(pc_merlin_rng *r, const char *label, const void *witness, size_t len);
void pc_merlin_rng_finalize(pc_merlin_rng *r, const uint8_t entropy[32]);
void pc_merlin_rng_fill(pc_merlin_rng *r, void *out, size_t len);
void pc_merlin_rng_wipe(pc_merlin_rng *r);

#endif
