/* sd_rng.h — the engine's seeded Gaussian noise when no noise is supplied by the caller.
 *
 * Documented so results can be reproduced elsewhere: the 64-bit seed is expanded with
 * splitmix64 into the state of xoshiro256**; each N(0, 1) pair comes from Box–Muller on two
 * uniforms u = (next() >> 11) * 2^-53 (u1 replaced by 2^-53 when 0):
 *   r = sqrt(-2 ln u1), z0 = r cos(2 pi u2), z1 = r sin(2 pi u2), computed in double, stored
 *   as float in that order. Draw d of a generation (initial latents / VAE posterior eps /
 *   img2img noise / one per ancestral step, in pipeline order) uses the stream seeded with
 *   seed + d. This is NOT torch's generator, so it does not reproduce diffusers' images for
 *   the same seed (the golden tests feed the reference's recorded noise instead). */
#ifndef SD_RNG_H
#define SD_RNG_H

#include "proctor_rng.h"

#include <stddef.h>
#include <stdint.h>

typedef proctor_rng sd_rng;

void sd_rng_seed(sd_rng *r, uint64_t seed);
uint64_t sd_rng_next(sd_rng *r);
void sd_rng_normal(sd_rng *r, float *out, size_t n);

#endif
