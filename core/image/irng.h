/* irng.h — xoshiro256** seeded by splitmix64: the augmentation's private random stream.
 * Everything an augmentation draws comes from one of these, seeded from the challenge's
 * recorded 64-bit seed, so a challenge replays byte for byte. */
#ifndef PC_IMAGE_IRNG_H
#define PC_IMAGE_IRNG_H

#include <math.h>
#include "proctor_rng.h"

#include <stdint.h>

typedef proctor_rng pc_irng;

static inline void pc_irng_seed(pc_irng *r, uint64_t seed) { proctor_rng_seed(r, seed); }
static inline uint64_t pc_irng_u64(pc_irng *r) { return proctor_rng_next(r); }

/* uniform in [0, 1) with 53 random bits */
static inline double pc_irng_double(pc_irng *r) { return (double)(pc_irng_u64(r) >> 11) * 0x1.0p-53; }

/* uniform in [a, b) */
static inline double pc_irng_uniform(pc_irng *r, double a, double b)
{
    return a + (b - a) * pc_irng_double(r);
}

/* uniform integer in [lo, hi] (hi >= lo), without modulo bias */
static inline int64_t pc_irng_int(pc_irng *r, int64_t lo, int64_t hi)
{
    uint64_t range = (uint64_t)(hi - lo) + 1, x;
    if (range == 0) return (int64_t)pc_irng_u64(r);
    uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    do x = pc_irng_u64(r);
    while (x >= limit);
    return lo + (int64_t)(x % range);
}

/* standard normal, Marsaglia-Tsang ziggurat (Doornik's 128-layer variant), in irng.c */
double pc_irng_normal(pc_irng *r);

#endif
