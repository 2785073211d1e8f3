/* rng.c — xoshiro256** (Blackman & Vigna), seeded with splitmix64. Fast, small state, and
 * reproducible across machines: every recorded seed replays a challenge exactly. */
#include "host.h"

#include <sodium.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void pc_rng_seed(pc_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t pc_rng_next(pc_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pc_rng_uniform(pc_rng *r) { return (double)(pc_rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t pc_rng_callback(void *rng) { return pc_rng_next(rng); }

uint64_t pc_random_seed(void)
{
    uint64_t seed = 0;
    while (seed == 0) randombytes_buf(&seed, sizeof seed);
    return seed;
}
