/* verify.h — the checks a bittensor axon makes before a request reaches the miner's forward
 * function (specs/bittensor.md 1.4, 1.7), as one step so the next ones (blacklist by the
 * metagraph, sr25519 signature, nonce window) slot in here. */
#ifndef DM_VERIFY_H
#define DM_VERIFY_H

#include <stddef.h>

/* Case-insensitive header lookup; NULL when absent. */
typedef const char *(*dm_header_fn)(void *ctx, const char *name);

/* Returns the HTTP status the axon would answer at this stage: 200 to go on, 400 for a header
 * Python cannot int()/float() parse, 500 for a computed_body_hash that does not match (upstream's
 * middleware turns that exception into a 500). msg gets a one-line reason otherwise.
 * `body` is unused for ImageSynapse (its hash covers no field) and kept for other synapses. */
int dm_verify_request(dm_header_fn header, void *ctx, const char *body, size_t len, char *msg,
                      size_t msglen);

#endif
