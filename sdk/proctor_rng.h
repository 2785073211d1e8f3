/* proctor_rng.h — xoshiro256** (Blackman & Vigna) seeded through splitmix64, header-only.
 *
 * The one generator of the project: the core, its augmentation stream and every plugin draw
 * from this, so a recorded 64-bit seed replays the same numbers everywhere. Plugins include it
 * without linking anything of the core. Not cryptographic: never use it for keys or nonces. */
#ifndef PROCTOR_RNG_H
#define PROCTOR_RNG_H

#include <stdint.h>

typedef struct proctor_rng {
    uint64_t s[4];
} proctor_rng;

/* One splitmix64 step: advances *x and returns a well-mixed 64-bit value. */
static inline uint64_t proctor_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline void proctor_rng_seed(proctor_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = proctor_splitmix64(&seed);
}

static inline uint64_t proctor_rng_rotl_(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t proctor_rng_next(proctor_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = proctor_rng_rotl_(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = proctor_rng_rotl_(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double proctor_rng_unit(proctor_rng *r)
{
    return (double)(proctor_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
