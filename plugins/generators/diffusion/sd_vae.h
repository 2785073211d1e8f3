/* sd_vae.h — diffusers AutoencoderKL (spec section 3) from vae/config.json + safetensors. */
#ifndef SD_VAE_H
#define SD_VAE_H

#include "sd_nn.h"

#include <stdint.h>

#define SD_VAE_MAX_LEVELS 6

typedef struct sd_vblock {
    int nres, cout, has_sample;
    sd_resnet res[4];
    sd_conv sample;
} sd_vblock;

typedef struct sd_vae_half {
    sd_conv conv_in, conv_out;
    sd_vblock blocks[SD_VAE_MAX_LEVELS];
    sd_resnet mid_res[2];
    sd_vattn mid_attn;
    const float *nog, *nob;
} sd_vae_half;

typedef struct sd_vae {
    const sd_ops *ops;
    sd_weights w;
    int levels, layers, groups, in_ch, out_ch, latent, mid_attn, quant, post_quant;
    float scaling, shift;
    sd_vae_half enc, dec;
    sd_conv quant_conv, post_quant_conv;
} sd_vae;

typedef void (*sd_vae_dbg)(void *ctx, const char *name, const float *dev, size_t n);

int sd_vae_load(sd_vae *v, const sd_ops *ops, const char *dir, const char *variant, char *err,
                size_t errlen);
/* The architecture of dir/config.json with synthetic weights (sd_weights_init_random): for
 * benchmarks at real sizes without downloading checkpoints. */
int sd_vae_load_random(sd_vae *v, const sd_ops *ops, const char *dir, uint64_t seed, char *err, size_t errlen);
void sd_vae_free(sd_vae *v);
/* x [B, in_ch, H, W] in [-1, 1] (device) -> moments [B, 2*latent, H/8, W/8] (device). */
int sd_vae_encode(const sd_vae *v, const float *x, int B, int H, int W, float *moments, sd_vae_dbg dbg,
                  void *dbg_ctx, char *err, size_t errlen);
/* z [B, latent, h, w] = latents / scaling_factor (+ shift) (device) -> [B, out_ch, h*8, w*8]. */
int sd_vae_decode(const sd_vae *v, const float *z, int B, int h, int w, float *out, sd_vae_dbg dbg,
                  void *dbg_ctx, char *err, size_t errlen);
/* Downsampling factor: 2^(levels-1). */
int sd_vae_factor(const sd_vae *v);



/* Host-side latent distribution (DiagonalGaussianDistribution): from moments [B, 2L, hw]
 * and eps [B, L, hw], latents = scaling * (mean + exp(0.5 * clamp(logvar, -30, 20)) * eps)
 * (minus shift first when shift_factor is set). Any of mean/logvar/std may be NULL. */
void sd_vae_posterior(const sd_vae *v, const float *moments, int B, int hw, const float *eps,
                      float *latents, float *mean, float *logvar, float *std);

#endif
