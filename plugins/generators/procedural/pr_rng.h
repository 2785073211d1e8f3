/* pr_rng.h — the procedural renderer's own small RNG (splitmix64 seeding, xoshiro256**).
 * The renderer never uses the host's RNG: the same request seed must give the same pixels
 * in the plugin, in the demo-photo tool and in tests. Keep one draw per function argument list
 * or operand pair: C leaves their evaluation order open, and compilers differ. */
#ifndef PR_RNG_H
#define PR_RNG_H

#include "proctor_rng.h"

#include <stdint.h>

typedef proctor_rng pr_rng;

static inline uint64_t pr_splitmix64(uint64_t *x) { return proctor_splitmix64(x); }
static inline void pr_rng_seed(pr_rng *r, uint64_t seed) { proctor_rng_seed(r, seed); }
static inline uint64_t pr_next(pr_rng *r) { return proctor_rng_next(r); }

/* uniform in [0, 1) */
static inline double pr_unit(pr_rng *r) { return (double)(pr_next(r) >> 11) * 0x1.0p-53; }
static inline double pr_uniform(pr_rng *r, double lo, double hi) { return lo + (hi - lo) * pr_unit(r); }
/* uniform integer in [lo, hi] */
static inline int pr_int(pr_rng *r, int lo, int hi)
{
    return hi <= lo ? lo : lo + (int)(pr_next(r) % (uint64_t)(hi - lo + 1));
}
static inline int pr_chance(pr_rng *r, double p) { return pr_unit(r) < p; }

/* A stateless hash of (seed, x, y) for per-pixel grain. */
static inline uint32_t pr_hash3(uint64_t seed, uint32_t x, uint32_t y)
{
    uint64_t h = seed ^ ((uint64_t)x * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)y * 0xc2b2ae3d27d4eb4fULL);
    return (uint32_t)(pr_splitmix64(&h) >> 32);
}

#endif
