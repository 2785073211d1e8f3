/* rng.c — OS seeds for the core's generator (base/rng.h). */
#include "base/rng.h"

#include <sodium.h>

uint64_t pc_random_seed(void)
{
    uint64_t seed = 0;
    while (seed == 0) randombytes_buf(&seed, sizeof seed);
    return seed;
}
