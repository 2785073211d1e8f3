/* diffusion.c — generator plugin "diffusion": Stable Diffusion 1.x / 2.x / SDXL text-to-image
 * and image-to-image from a Hugging Face diffusers folder, on the plain-C CPU path (OpenBLAS +
 * pthreads; see sd_ops.h for the backend interface a CUDA path plugs into).
 *
 * The request is honoured as diffusers would run it: prompt and negative prompt (NULL negative:
 * "" for SD 1.x/2.x, zero embeddings for SDXL with force_zeros_for_empty_prompt), classifier-
 * free guidance when guidance > 1, steps, seed (the engine's documented RNG, sd_rng.h), and for
 * i2i the init image at the request size and strength (diffusers' int(steps * strength)
 * rule). Width and height must be multiples of 8 (and of the model's UNet factor, 32 or 64
 * pixels for real models) and at most 2048: anything else is PROCTOR_INVALID. Progress is
 * reported per denoising step; a cancel request stops after the current step. result->model
 * is the model folder's name.
 *
 * YAML keys:
 *   model      path of the diffusers folder (model_index.json + components)   required
 *   scheduler  override the folder's scheduler: euler | euler_a | ddim | pndm  ("" = as shipped)
 *   variant    weights variant to prefer, e.g. fp16 ("" = plain files)
 *   threads    CPU threads (0 = all online CPUs)
 */
#include "proctor.h"
#include "sd_pipe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct diffusion {
    const proctor_host *host;
    proctor_ctx *ctx;
    sd_model model;
} diffusion;

static const proctor_config_key keys[] = {
    PROCTOR_KEY("model", PROCTOR_CFG_STRING, NULL, "diffusers pipeline folder (model_index.json, unet/, vae/, ...)"),
    PROCTOR_KEY("scheduler", PROCTOR_CFG_STRING, "", "scheduler override: euler, euler_a, ddim or pndm (empty: as shipped)"),
    PROCTOR_KEY("variant", PROCTOR_CFG_STRING, "", "weights variant to prefer, e.g. fp16 (empty: plain files)"),
    PROCTOR_KEY("threads", PROCTOR_CFG_INT, "0", "CPU threads (0: all online CPUs)"),
    PROCTOR_KEY_END};

static proctor_status create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    const char *dir = host->config_string(ctx, "model");
    const char *sched = host->config_string(ctx, "scheduler"), *variant = host->config_string(ctx, "variant");
    int64_t threads = host->config_int(ctx, "threads");
    if (!dir || !*dir) {
        host->set_error(ctx, "model: a diffusers folder is required");
        return PROCTOR_INVALID;
    }
    if (threads < 0 || threads > 1024) {
        host->set_error(ctx, "threads: %lld outside 0..1024", (long long)threads);
        return PROCTOR_INVALID;
    }
    sd_cpu_set_threads((int)threads);
    diffusion *d = calloc(1, sizeof *d);
    if (!d) return PROCTOR_NOMEM;
    d->host = host, d->ctx = ctx;
    sd_load_opts opt = {variant && *variant ? variant : NULL, sched && *sched ? sched : NULL};
    char err[1024];
    if (sd_model_load(&d->model, sd_ops_cpu(), dir, &opt, err, sizeof err) != 0) {
        host->set_error(ctx, "%s", err);
        free(d);
        return PROCTOR_INVALID;
    }
    host->log(ctx, PROCTOR_LOG_INFO, "loaded %s (%s, %d CPU threads)", d->model.name,
              d->model.xl ? "SDXL" : "SD", sd_cpu_threads());
    *instance = d;
    return PROCTOR_OK;
}

static int on_progress(void *p, int done, int total)
{
    diffusion *d = p;
    d->host->progress(d->ctx, "denoising", (uint64_t)done, (uint64_t)total);
    return d->host->cancelled(d->ctx);
}

static proctor_status generate(void *instance, const proctor_generate_request *rq, proctor_generate_result *res)
{
    diffusion *d = instance;
    const proctor_host *h = d->host;
    if (rq->task != PROCTOR_TASK_T2I && rq->task != PROCTOR_TASK_I2I) {
        h->set_error(d->ctx, "task %d is not supported (t2i, i2i)", (int)rq->task);
        return PROCTOR_UNSUPPORTED;
    }
    int mult = sd_model_size_multiple(&d->model);
    if (rq->width <= 0 || rq->height <= 0 || rq->width % 8 || rq->height % 8 || rq->width % mult ||
        rq->height % mult || rq->width > 2048 || rq->height > 2048) {
        h->set_error(d->ctx, "size %dx%d: width and height must be multiples of %d (at most 2048)", rq->width,
                     rq->height, mult);
        return PROCTOR_INVALID;
    }
    if (rq->steps < 1 || rq->steps > 1000 || !(rq->guidance >= 0 && rq->guidance <= 100)) {
        h->set_error(d->ctx, "steps %d or guidance %g out of range (1..1000, 0..100)", rq->steps, rq->guidance);
        return PROCTOR_INVALID;
    }
    const proctor_image *out = &res->image;
    if (!out->pixels || out->width != rq->width || out->height != rq->height || out->channels != 3) {
        h->set_error(d->ctx, "result image is not RGB %dx%d", rq->width, rq->height);
        return PROCTOR_INVALID;
    }
    sd_gen g = {0};
    g.prompt = rq->prompt ? rq->prompt : "";
    g.negative = rq->negative_prompt;
    g.width = rq->width, g.height = rq->height, g.steps = rq->steps;
    g.guidance = rq->guidance, g.seed = rq->seed;
    if (rq->task == PROCTOR_TASK_I2I) {
        const proctor_image *in = rq->init_image;
        if (!in || !in->pixels || in->width != rq->width || in->height != rq->height || in->channels != 3) {
            h->set_error(d->ctx, "i2i needs an RGB init image of %dx%d", rq->width, rq->height);
            return PROCTOR_INVALID;
        }
        if (!(rq->strength > 0 && rq->strength <= 1) || (int)(rq->steps * rq->strength) < 1) {
            h->set_error(d->ctx, "strength %g with %d steps runs no step (need steps x strength >= 1)",
                         rq->strength, rq->steps);
            return PROCTOR_INVALID;
        }
        g.init_rgb = in->pixels, g.init_stride = in->stride, g.strength = rq->strength;
    }
    g.progress = on_progress, g.progress_ctx = d;
    g.rgb_out = out->pixels, g.out_stride = out->stride;
    char err[1024];
    int rc = sd_generate(&d->model, &g, err, sizeof err);
    if (rc == 1) {
        h->set_error(d->ctx, "cancelled");
        return PROCTOR_CANCELLED;
    }
    if (rc != 0) {
        h->set_error(d->ctx, "%s", err);
        return PROCTOR_FAILED;
    }
    snprintf(res->model, sizeof res->model, "%s", d->model.name);
    return PROCTOR_OK;
}

static void destroy(void *instance)
{
    diffusion *d = instance;
    if (!d) return;
    sd_model_free(&d->model);
    free(d);
}

static const proctor_generator_ops ops = {sizeof(proctor_generator_ops), create, generate, destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_GENERATOR,
    "diffusion",
    "0.1.0",
    "Stable Diffusion 1.x/2.x/SDXL t2i and i2i from diffusers folders (CPU reference path)",
    keys,
    &ops,
};

PROCTOR_PLUGIN(descriptor)
