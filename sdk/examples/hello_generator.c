/* hello_generator.c — a complete proctor generator plugin; copy it to start your own.
 *
 * Build out of tree with nothing but the sdk/ directory:
 *   cc -shared -fPIC -Wall -Wextra -I path/to/sdk hello_generator.c -o hello_generator.so
 * and name it in pipeline.yaml:
 *   generators:
 *     - name: stripes
 *       plugin: ./hello_generator.so
 *       tasks: [t2i, i2i]
 *       stripes: 8
 *
 * YAML keys: stripes (1..64, default 6). The core's generator worker picks the label, the
 * prompt and (for i2i) the init image from the real cache, allocates the output image, calls
 * generate, and writes the result with its metadata to Synthetic/t2i or Synthetic/i2i.
 * This example draws stripes whose colour comes from the seed, blended with the init image
 * for i2i by `strength`. It uses the SDK's optional wrappers (PROCTOR_USE_HOST): proctor_log(...)
 * instead of host->log(...). */
#define PROCTOR_USE_HOST
#include "proctor.h"
#include "proctor_rng.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct stripes {
    proctor_ctx *ctx;
    int count;
} stripes;

static const proctor_config_key keys[] = {
    PROCTOR_KEY_RANGE("stripes", PROCTOR_CFG_INT, "6", "number of stripes", "1", "64"),
    PROCTOR_KEY_END,
};

static proctor_status stripes_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    PROCTOR_HOST_INIT(host); /* once per plugin; every instance gets the same table */
    stripes *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->ctx = ctx;
    s->count = (int)proctor_config_int(ctx, "stripes");
    *instance = s;
    return PROCTOR_OK;
}

static proctor_status stripes_generate(void *instance, const proctor_generate_request *req,
                                       proctor_generate_result *res)
{
    stripes *s = instance;
    proctor_image *img = &res->image; /* allocated by the core: req->width x req->height, RGB */
    if (req->task == PROCTOR_TASK_I2I && !req->init_image) {
        proctor_set_error(s->ctx, "i2i without an init image");
        return PROCTOR_INVALID;
    }
    proctor_rng rng; /* the request's seed makes the image reproducible */
    proctor_rng_seed(&rng, req->seed);
    unsigned char colour[2][3];
    for (int k = 0; k < 2; k++)
        for (int c = 0; c < 3; c++) colour[k][c] = (unsigned char)(proctor_rng_next(&rng) >> 56);
    double keep = req->task == PROCTOR_TASK_I2I ? 1.0 - req->strength : 0.0;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            const unsigned char *src = colour[(x * s->count / img->width) & 1];
            unsigned char *dst = img->pixels + (size_t)y * img->stride + (size_t)x * 3;
            const unsigned char *init = keep > 0 ? req->init_image->pixels + (size_t)y * req->init_image->stride + (size_t)x * 3 : NULL;
            for (int c = 0; c < 3; c++) dst[c] = (unsigned char)(init ? keep * init[c] + (1 - keep) * src[c] : src[c]);
        }
    snprintf(res->model, sizeof res->model, "hello_generator/%d-stripes", s->count);
    proctor_log(s->ctx, PROCTOR_LOG_DEBUG, "%s image %dx%d, seed %llu", req->task == PROCTOR_TASK_I2I ? "i2i" : "t2i",
                img->width, img->height, (unsigned long long)req->seed);
    return PROCTOR_OK;
}

static void stripes_destroy(void *instance) { free(instance); }

static const proctor_generator_ops ops = {sizeof ops, stripes_create, stripes_generate, stripes_destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_GENERATOR, "hello_generator", "1.0.0",
    "draws seeded stripes (SDK example)", keys, &ops,
};

PROCTOR_PLUGIN(descriptor)
