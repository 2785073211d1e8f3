/* rng.h — the core's generator: sdk/proctor_rng.h (xoshiro256** seeded by splitmix64), the
 * same one plugins use, so a recorded seed replays everywhere. */
#ifndef PC_BASE_RNG_H
#define PC_BASE_RNG_H

#include "proctor_rng.h"

typedef proctor_rng pc_rng;

static inline void pc_rng_seed(pc_rng *r, uint64_t seed) { proctor_rng_seed(r, seed); }
static inline uint64_t pc_rng_next(pc_rng *r) { return proctor_rng_next(r); }
static inline double pc_rng_uniform(pc_rng *r) { return proctor_rng_unit(r); } /* [0, 1) */
/* adapter for callbacks taking (void *) */
static inline uint64_t pc_rng_callback(void *rng) { return proctor_rng_next(rng); }
/* A seed from the OS (never 0), for "seed: 0". */
uint64_t pc_random_seed(void);

#endif
