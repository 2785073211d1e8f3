/* sd_rng.c — see sd_rng.h. */
#include "sd_rng.h"

#include <math.h>

void sd_rng_seed(sd_rng *r, uint64_t seed) { proctor_rng_seed(r, seed); }

uint64_t sd_rng_next(sd_rng *r) { return proctor_rng_next(r); }

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
