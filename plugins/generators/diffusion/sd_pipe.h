/* sd_pipe.h — a whole Stable Diffusion pipeline folder (model_index.json and its components)
 * and text-to-image / image-to-image generation with classifier-free guidance, following
 * diffusers' StableDiffusion[XL][Img2Img]Pipeline (spec sections 4.3, 4.4, 5.7, 5.8). */
#ifndef SD_PIPE_H
#define SD_PIPE_H

#include "sd_clip.h"
#include "sd_sched.h"
#include "sd_tokenizer.h"
#include "sd_unet.h"
#include "sd_vae.h"

#include <stdint.h>

typedef struct sd_model {
    const sd_ops *ops;
    char name[256];
    int xl, force_zeros, nte;
    sd_tokenizer tok[2];
    sd_clip te[2];
    sd_unet unet;
    sd_vae vae;
    sd_sched_cfg sched;
} sd_model;

typedef struct sd_load_opts {
    const char *variant;   /* e.g. "fp16": prefer *.fp16.safetensors; NULL = plain files */
    const char *scheduler; /* override of scheduler_config.json's class; NULL = as shipped */
} sd_load_opts;

int sd_model_load(sd_model *m, const sd_ops *ops, const char *dir, const sd_load_opts *opt, char *err,
                  size_t errlen);
void sd_model_free(sd_model *m);

/* Fill out[n] with N(0, 1) for draw number `draw` (see sd_rng.h for the order). */
typedef int (*sd_noise_fn)(void *ctx, int draw, float *out, size_t n);

typedef struct sd_gen {
    const char *prompt;
    const char *negative;    /* NULL: "" (SD) or zero embeddings (SDXL force_zeros) */
    int width, height, steps;
    double guidance;         /* CFG when > 1 */
    double strength;         /* i2i */
    uint64_t seed;
    const uint8_t *init_rgb; /* i2i when set: width x height RGB, row stride init_stride */
    int init_stride;
    sd_noise_fn noise;       /* NULL: seeded sd_rng */
    void *noise_ctx;
    /* called after every denoising step; nonzero return cancels */
    int (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
    /* debugging / tests: each UNet call's (unscaled CFG) input and raw output, host memory */
    void (*on_unet)(void *ctx, int call, float t, const float *in, const float *out, size_t n);
    void (*on_step)(void *ctx, int step, const float *latents, size_t n);
    void *hook_ctx;
    /* outputs (each optional) */
    uint8_t *rgb_out;        /* width x height RGB, row stride out_stride */
    int out_stride;
    float *image01_out;      /* [height, width, 3] in [0, 1] */
    float *latents_out;      /* [4, height/8, width/8] final latents */
} sd_gen;

/* 0 done, 1 cancelled, -1 error (err says why). */
int sd_generate(const sd_model *m, const sd_gen *g, char *err, size_t errlen);
/* The size rule: both sides multiples of this (VAE factor x UNet factor). */
int sd_model_size_multiple(const sd_model *m);

#endif
