/* sd_rng.c — see sd_rng.h. */
#include "sd_rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void sd_rng_seed(sd_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sd_rng_next(sd_rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void sd_rng_normal(sd_rng *r, float *out, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        double u1 = (double)(sd_rng_next(r) >> 11) * 0x1.0p-53, u2 = (double)(sd_rng_next(r) >> 11) * 0x1.0p-53;
        if (u1 <= 0) u1 = 0x1.0p-53;
        double rad = sqrt(-2.0 * log(u1));
        out[i] = (float)(rad * cos(2 * M_PI * u2));
        if (i + 1 < n) out[i + 1] = (float)(rad * sin(2 * M_PI * u2));
    }
}
