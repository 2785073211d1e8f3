/* test_sd_plugin.c — the diffusion generator plugin through its ABI (dlopen diffusion.so with
 * a minimal host): descriptor and keys, t2i and i2i on sd-tiny with result->model set, the same
 * seed giving the same pixels, progress per step, cancellation, and PROCTOR_INVALID for sizes
 * that are not multiples of 8 (or of the UNet factor), a missing init image, a missing model
 * folder and an unknown scheduler override. */
#include "../tap.h"
#include "proctor.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct proctor_ctx {
    const proctor_config_key *keys;
    const char *model, *scheduler;
    char error[1024];
    int progress_calls, cancel_after;
    uint64_t last_done, last_total;
};

static const char *cfg_value(proctor_ctx *c, const char *key)
{
    if (strcmp(key, "model") == 0) return c->model;
    if (strcmp(key, "scheduler") == 0 && c->scheduler) return c->scheduler;
    for (const proctor_config_key *k = c->keys; k && k->name; k++)
        if (strcmp(k->name, key) == 0) return k->default_value;
    fprintf(stderr, "test host: undeclared key %s\n", key);
    abort();
}

static void h_log(proctor_ctx *c, proctor_log_level lv, const char *fmt, ...) { (void)c, (void)lv, (void)fmt; }
static void h_set_error(proctor_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
}
static const char *h_string(proctor_ctx *c, const char *k) { return cfg_value(c, k); }
static int64_t h_int(proctor_ctx *c, const char *k) { return strtoll(cfg_value(c, k), NULL, 10); }
static void h_progress(proctor_ctx *c, const char *what, uint64_t done, uint64_t total)
{
    (void)what;
    c->progress_calls++;
    c->last_done = done, c->last_total = total;
}
static int h_cancelled(proctor_ctx *c) { return c->cancel_after && c->progress_calls >= c->cancel_after; }

static proctor_host host = {.size = sizeof(proctor_host), .abi_major = PROCTOR_ABI_MAJOR,
                            .abi_minor = PROCTOR_ABI_MINOR, .log = h_log, .set_error = h_set_error,
                            .config_string = h_string, .config_int = h_int, .progress = h_progress,
                            .cancelled = h_cancelled};

static const proctor_plugin *plug;
static const proctor_generator_ops *ops;

static uint8_t *img_new(proctor_image *im, int w, int h)
{
    im->width = w, im->height = h, im->channels = 3, im->stride = w * 3;
    return im->pixels = calloc((size_t)w * h * 3, 1);
}

static proctor_status gen(void *inst, proctor_task task, int w, int h, uint64_t seed, const proctor_image *init,
                          proctor_generate_result *res)
{
    proctor_generate_request rq = {sizeof rq, task, 1, "orange traffic cones on a city street", NULL, init, 0.7,
                                   w, h, 2, 7.5, seed};
    memset(res, 0, sizeof *res);
    res->size = sizeof *res;
    img_new(&res->image, w, h);
    return ops->generate(inst, &rq, res);
}

int main(void)
{
    const char *shared = getenv("PROCTOR_SHARED"), *build = getenv("PROCTOR_BUILD");
    char model[4096], so[4096];
    snprintf(model, sizeof model, "%s/fixtures/diffusion/sd-tiny", shared && *shared ? shared : "../shared");
    snprintf(so, sizeof so, "%s/plugins/diffusion.so", build && *build ? build : "build");
    struct stat st;
    if (stat(model, &st) != 0) skip_all("diffusion fixtures (sd-tiny) not found; set PROCTOR_SHARED");
    void *dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        ok(0, "dlopen %s: %s", so, dlerror());
        return done_testing();
    }
    proctor_entry_fn entry = (proctor_entry_fn)dlsym(dl, PROCTOR_ENTRY_SYMBOL);
    plug = entry ? entry() : NULL;
    if (!ok(plug && plug->kind == PROCTOR_KIND_GENERATOR && strcmp(plug->name, "diffusion") == 0,
            "descriptor: a generator named diffusion")) {
        dlclose(dl);
        return done_testing();
    }
    ops = plug->ops;
    int model_required = 0;
    for (const proctor_config_key *k = plug->config; k->name; k++)
        if (strcmp(k->name, "model") == 0) model_required = k->default_value == NULL;
    ok(model_required, "the model key is declared and required");

    proctor_ctx ctx = {.keys = plug->config, .model = "/nonexistent/model"};
    void *inst = NULL;
    is_int(ops->create(&host, &ctx, &inst), PROCTOR_INVALID, "missing model folder: PROCTOR_INVALID");
    ok(strstr(ctx.error, "/nonexistent/model") != NULL, "... naming the folder (%s)", ctx.error);
    ctx = (proctor_ctx){.keys = plug->config, .model = model, .scheduler = "lms"};
    is_int(ops->create(&host, &ctx, &inst), PROCTOR_INVALID, "unknown scheduler override: PROCTOR_INVALID");
    ok(strstr(ctx.error, "lms") != NULL, "... naming it (%s)", ctx.error);

    ctx = (proctor_ctx){.keys = plug->config, .model = model};
    if (!ok(ops->create(&host, &ctx, &inst) == PROCTOR_OK, "create on sd-tiny")) {
        diag("%s", ctx.error);
        dlclose(dl);
        return done_testing();
    }
    proctor_generate_result a, b, c;
    is_int(gen(inst, PROCTOR_TASK_T2I, 96, 128, 42, NULL, &a), PROCTOR_OK, "t2i 96x128");
    is_str(a.model, "sd-tiny", "result->model is the folder name");
    ok(ctx.progress_calls == 3 && ctx.last_done == 3 && ctx.last_total == 3,
       "progress per UNet step (PNDM 2 steps = 3 calls): %d calls, %llu/%llu", ctx.progress_calls,
       (unsigned long long)ctx.last_done, (unsigned long long)ctx.last_total);
    int varied = 0;
    for (size_t i = 1; i < (size_t)96 * 128 * 3; i++) varied |= a.image.pixels[i] != a.image.pixels[0];
    ok(varied, "the image is not flat");
    gen(inst, PROCTOR_TASK_T2I, 96, 128, 42, NULL, &b);
    ok(memcmp(a.image.pixels, b.image.pixels, (size_t)96 * 128 * 3) == 0, "same seed, same pixels");
    gen(inst, PROCTOR_TASK_T2I, 96, 128, 43, NULL, &c);
    ok(memcmp(a.image.pixels, c.image.pixels, (size_t)96 * 128 * 3) != 0, "another seed, other pixels");
    free(b.image.pixels), free(c.image.pixels);

    is_int(gen(inst, PROCTOR_TASK_I2I, 96, 128, 7, &a.image, &b), PROCTOR_OK, "i2i from the t2i image");
    ok(memcmp(a.image.pixels, b.image.pixels, (size_t)96 * 128 * 3) != 0, "i2i changed the image");
    free(b.image.pixels);
    is_int(gen(inst, PROCTOR_TASK_I2I, 96, 128, 7, NULL, &b), PROCTOR_INVALID, "i2i without init image: INVALID");
    free(b.image.pixels);
    is_int(gen(inst, PROCTOR_TASK_T2I, 100, 128, 1, NULL, &b), PROCTOR_INVALID, "width 100 (not /8): INVALID");
    ok(strstr(ctx.error, "multiple") != NULL, "... says why (%s)", ctx.error);
    free(b.image.pixels);
    is_int(gen(inst, PROCTOR_TASK_T2I, 104, 128, 1, NULL, &b), PROCTOR_INVALID,
           "width 104 (/8 but not a multiple of the UNet factor): INVALID");
    free(b.image.pixels);
    ctx.progress_calls = 0, ctx.cancel_after = 1;
    is_int(gen(inst, PROCTOR_TASK_T2I, 96, 128, 1, NULL, &b), PROCTOR_CANCELLED, "cancel: PROCTOR_CANCELLED");
    is_int(ctx.progress_calls, 1, "... after the first step");
    free(b.image.pixels);
    free(a.image.pixels);
    ops->destroy(inst);
    dlclose(dl);
    return done_testing();
}
