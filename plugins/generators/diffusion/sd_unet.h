/* sd_unet.h — diffusers UNet2DConditionModel (SD 1.x, SD 2.x, SDXL) built from unet/config.json
 * and checked against the safetensors shapes (spec section 2). */
#ifndef SD_UNET_H
#define SD_UNET_H

#include "sd_nn.h"

#include <stdint.h>

#define SD_UNET_MAX_LEVELS 6

typedef struct sd_ublock {
    int cross, nres, cout;
    sd_resnet res[4];
    sd_xformer attn[4];
    int has_sample;  /* downsampler (down blocks) or upsampler (up blocks) */
    sd_conv sample;
} sd_ublock;

typedef struct sd_unet {
    const sd_ops *ops;
    sd_weights w;
    int in_ch, out_ch, levels, layers, groups, ctx_dim, time_dim, tproj_dim, flip, shift;
    float eps;
    int text_time, add_time_dim, add_in_dim; /* SDXL added conditioning ("text_time") */
    int sample_size;
    sd_conv conv_in, conv_out;
    const float *t1w, *t1b, *t2w, *t2b, *a1w, *a1b, *a2w, *a2b, *nog, *nob;
    sd_ublock down[SD_UNET_MAX_LEVELS], up[SD_UNET_MAX_LEVELS];
    sd_resnet mid_res[2];
    sd_xformer mid_attn;
} sd_unet;

/* Debug hook: every named intermediate the goldens store (conv_in, down_blocks.i, ...). */
typedef void (*sd_unet_dbg)(void *ctx, const char *name, const float *dev, size_t n);

int sd_unet_load(sd_unet *u, const sd_ops *ops, const char *dir, const char *variant, char *err,
                 size_t errlen);
/* The architecture of dir/config.json with synthetic weights (sd_weights_init_random): for
 * benchmarks at real sizes without downloading checkpoints. */
int sd_unet_load_random(sd_unet *u, const sd_ops *ops, const char *dir, uint64_t seed, char *err, size_t errlen);
void sd_unet_free(sd_unet *u);
/* x [B, in_ch, H, W] (device), t[B] host timesteps, ctx [B, Tc, ctx_dim] (device);
 * text_embeds [B, add_in_dim - 6*add_time_dim] and time_ids [B, 6] host (SDXL only).
 * out [B, out_ch, H, W] (device). H and W must be multiples of 2^(levels-1). */
int sd_unet_forward(const sd_unet *u, const float *x, int B, int H, int W, const float *t,
                    const float *ctx, int Tc, const float *text_embeds, const float *time_ids,
                    float *out, sd_unet_dbg dbg, void *dbg_ctx, char *err, size_t errlen);
/* Sinusoidal embedding (diffusers get_timestep_embedding), float32 like the reference. */
void sd_timestep_embedding(const float *t, int n, int dim, int flip, float shift, float *out);

#endif
