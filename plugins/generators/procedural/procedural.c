/* procedural.c — generator plugin "procedural": synthetic street scenes without model weights.
 *
 * t2i draws a whole scene (sky, road in perspective with lane marks, kerbs, buildings or
 * trees, cars); label 1 adds a work zone (cones or drums, striped barriers, a diamond sign,
 * workers in hi-vis vests). i2i edits the init image: label 1 pastes roadwork objects on its
 * lower half in perspective, label 0 makes a roadwork-free change (a car, a shadow, a light or
 * colour shift). `strength` scales how much changes; 0 returns the init image. Everything is a
 * function of the request (seed, label, prompt, size), so a request reproduces its image
 * exactly. The label decides whether there is roadwork; the prompt only steers what: label 1
 * prompts become the image's scene_description, so roadwork objects they name (cones, drums,
 * barriers, signs, workers) are the ones drawn, and words like "highway" or "at dusk" pick
 * the street and light unless the YAML fixes them. result->model is "procedural-1".
 *
 * YAML keys:
 *   style        auto | day | overcast | dusk         lighting (auto: drawn per seed)
 *   scene        auto | city | suburb | highway       kind of street (auto: drawn per seed)
 *   objects_max  1..64 (8)                            most roadwork objects in one image
 *   cars_max     0..64 (4)                            most moving cars in a t2i scene
 *   grain        0..32 (2)                            sensor-like noise, in 8-bit levels
 */
#include "proctor.h"
#include "pr_render.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct procedural {
    const proctor_host *host;
    proctor_ctx *ctx;
    pr_options opt;
} procedural;

static const proctor_config_key keys[] = {
    PROCTOR_KEY("style", PROCTOR_CFG_STRING, "auto", "lighting: auto, day, overcast or dusk"),
    PROCTOR_KEY("scene", PROCTOR_CFG_STRING, "auto", "street: auto, city, suburb or highway"),
    PROCTOR_KEY("objects_max", PROCTOR_CFG_INT, "8", "most roadwork objects in one image (1..64)"),
    PROCTOR_KEY("cars_max", PROCTOR_CFG_INT, "4", "most moving cars in a t2i scene (0..64)"),
    PROCTOR_KEY("grain", PROCTOR_CFG_DOUBLE, "2", "per-pixel noise amplitude in 8-bit levels (0..32)"),
    PROCTOR_KEY_END};

static proctor_status create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    pr_options o;
    pr_options_default(&o);
    const char *style = host->config_string(ctx, "style"), *scene = host->config_string(ctx, "scene");
    if (style && pr_style_parse(style, &o.style) != 0) {
        host->set_error(ctx, "style: unknown value \"%s\" (auto, day, overcast, dusk)", style);
        return PROCTOR_INVALID;
    }
    if (scene && pr_setting_parse(scene, &o.setting) != 0) {
        host->set_error(ctx, "scene: unknown value \"%s\" (auto, city, suburb, highway)", scene);
        return PROCTOR_INVALID;
    }
    int64_t om = host->config_int(ctx, "objects_max"), cm = host->config_int(ctx, "cars_max");
    /* range-check as int64 before narrowing to int */
    o.objects_max = om < 1 || om > PR_OBJECTS_LIMIT ? -1 : (int)om;
    o.cars_max = cm < 0 || cm > PR_OBJECTS_LIMIT ? -1 : (int)cm;
    o.grain = host->config_double(ctx, "grain");
    const char *bad = pr_options_check(&o);
    if (bad) {
        host->set_error(ctx, "%s", bad);
        return PROCTOR_INVALID;
    }
    procedural *p = calloc(1, sizeof *p);
    if (!p) return PROCTOR_NOMEM;
    p->host = host, p->ctx = ctx, p->opt = o;
    *instance = p;
    return PROCTOR_OK;
}

/* Every field of the request and result we read must be present (size) and sane. */
static proctor_status check(procedural *p, const proctor_generate_request *q, proctor_generate_result *res)
{
    const proctor_host *h = p->host;
#define BAD(...) return h->set_error(p->ctx, __VA_ARGS__), PROCTOR_INVALID
    if (!q || !res) BAD("missing request or result");
    if (q->size < offsetof(proctor_generate_request, seed) + sizeof q->seed) BAD("request too old (size %zu)", q->size);
    if (res->size < offsetof(proctor_generate_result, model) + sizeof res->model) BAD("result too old (size %zu)", res->size);
    if (q->task != PROCTOR_TASK_T2I && q->task != PROCTOR_TASK_I2I) BAD("unknown task %d", (int)q->task);
    if (q->label != 0 && q->label != 1) BAD("label must be 0 or 1, not %d", q->label);
    if (q->width < 8 || q->height < 8 || q->width > PR_MAX_SIDE || q->height > PR_MAX_SIDE ||
        (uint64_t)q->width * (uint64_t)q->height > PR_MAX_PIXELS)
        BAD("image size %dx%d outside 8..%d per side and %u pixels", q->width, q->height, PR_MAX_SIDE, PR_MAX_PIXELS);
    const proctor_image *o = &res->image;
    if (!o->pixels || o->width != q->width || o->height != q->height || o->channels != 3 ||
        o->stride < o->width * 3)
        BAD("result image is not an RGB %dx%d buffer", q->width, q->height);
    if (q->task == PROCTOR_TASK_I2I) {
        const proctor_image *in = q->init_image;
        if (!in || !in->pixels) BAD("i2i needs an init image");
        if (in->width != q->width || in->height != q->height || in->channels != 3 || in->stride < in->width * 3)
            BAD("init image must be RGB %dx%d, got %dx%dx%d", q->width, q->height, in->width, in->height, in->channels);
        if (!(q->strength >= 0 && q->strength <= 1)) BAD("strength must be within 0..1");
    }
#undef BAD
    return PROCTOR_OK;
}

static proctor_status generate(void *instance, const proctor_generate_request *q, proctor_generate_result *res)
{
    procedural *p = instance;
    proctor_status st = check(p, q, res);
    if (st != PROCTOR_OK) return st;
    proctor_image *img = &res->image;
    if (q->task == PROCTOR_TASK_T2I) {
        pr_render_scene(img, q->seed, q->label, &p->opt, q->prompt, NULL);
    } else {
        const proctor_image *in = q->init_image;
        for (int y = 0; y < img->height; y++)
            memmove(img->pixels + (size_t)y * img->stride, in->pixels + (size_t)y * in->stride, (size_t)img->width * 3);
        pr_edit_image(img, q->seed, q->label, q->strength, &p->opt, q->prompt, NULL);
    }
    snprintf(res->model, sizeof res->model, "%s", PR_MODEL_NAME);
    return PROCTOR_OK;
}

static void destroy(void *instance) { free(instance); }

static const proctor_generator_ops ops = {sizeof(proctor_generator_ops), create, generate, destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_GENERATOR, "procedural", "1.0.0",
    "synthetic street scenes with or without roadwork, no model weights", keys, &ops};

PROCTOR_PLUGIN(descriptor)
