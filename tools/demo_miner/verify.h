/* verify.h — what a bittensor axon checks before a request reaches the miner's forward function,
 * in the axon's order (specs/bittensor.md 1.4-1.7, 1.9):
 *
 *   1. headers Python cannot int()/float() parse            -> 400
 *   2. blacklist, NATIX miner rules (needs a metagraph):
 *        no bt_header_dendrite_hotkey                       -> 403 "Forbidden. Key is blacklisted: ..."
 *        hotkey not in the metagraph                        -> 500 (NATIX looks the uid up before its
 *                                                              "allow_non_registered" test and crashes)
 *        registered without validator_permit                -> 403 (force_validator_permit, as the
 *                                                              documented miner.env sets it)
 *   3. verify (needs a metagraph): nonce rules of 1.6 per "hotkey:uuid", then the sr25519
 *      signature over "nonce.dendrite_hotkey.axon_hotkey.uuid.body_hash" with this axon's own
 *      hotkey in the middle                                 -> 401 "Not Verified with error: ..."
 *      Stricter than upstream on one point: a request without a signature is refused (bittensor
 *      lets it through; the spec calls that a quirk not to rely on).
 *   4. computed_body_hash equal to the ImageSynapse hash     -> 500
 *
 * No stake minimum: NATIX uses stake only for priority, which this miner does not need. */
#ifndef DM_VERIFY_H
#define DM_VERIFY_H

#include "net/metagraph.h"

#include <stddef.h>
#include <stdint.h>

/* Case-insensitive header lookup; NULL when absent. */
typedef const char *(*dm_header_fn)(void *ctx, const char *name);

/* An axon's identity and its nonce memory. Thread-safe: one may serve many ports at once. */
typedef struct dm_axon dm_axon;

/* hotkey: this axon's own SS58 hotkey (must decode). metagraph: who may call us, borrowed for
 * the axon's lifetime. Returns NULL with err on a bad hotkey or no memory. */
dm_axon *dm_axon_new(const char *hotkey, const pc_metagraph *metagraph, char *err, size_t errlen);
void dm_axon_free(dm_axon *ax);

/* The HTTP status the axon answers at these stages: 200 to go on to forward, else the status
 * and msg, the "message" of the JSON error body. now_ns: CLOCK_REALTIME in ns (a parameter so
 * tests can move the clock). ax NULL = local development: only steps 1 and 4. */
int dm_axon_check(dm_axon *ax, dm_header_fn header, void *ctx, uint64_t now_ns, char *msg,
                  size_t msglen);

/* Steps 1 and 4 only (dm_axon_check without an identity). `body` is unused for ImageSynapse
 * (its hash covers no field) and kept for other synapses. */
int dm_verify_request(dm_header_fn header, void *ctx, const char *body, size_t len, char *msg,
                      size_t msglen);

/* CLOCK_REALTIME in nanoseconds. */
uint64_t dm_now_ns(void);

#endif
