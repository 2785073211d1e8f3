/* test_procedural — the procedural generator plugin through its ABI: dlopen procedural.so,
 * drive it with a minimal host implemented here (declared defaults, overrides, log,
 * set_error, image_alloc), and check what it draws. */
#include "orange.h"
#include "proctor.h"
#include "../tap.h"

#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a minimal host ---------------------------------------------------------------------- */

struct proctor_ctx {
    const proctor_config_key *keys;
    const char *override_key[4], *override_val[4];
    char error[512];
};

static const char *cfg_value(proctor_ctx *c, const char *key)
{
    for (int i = 0; i < 4; i++)
        if (c->override_key[i] && strcmp(c->override_key[i], key) == 0) return c->override_val[i];
    for (const proctor_config_key *k = c->keys; k && k->name; k++)
        if (strcmp(k->name, key) == 0) return k->default_value;
    fprintf(stderr, "test host: undeclared key %s\n", key);
    abort(); /* a plugin reading a key it did not declare is a bug the test must show */
}

static void h_log(proctor_ctx *c, proctor_log_level lv, const char *fmt, ...)
{
    (void)c, (void)lv, (void)fmt;
}
static void h_set_error(proctor_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
}
static const char *h_name(proctor_ctx *c) { return (void)c, "procedural"; }
static const char *h_string(proctor_ctx *c, const char *k) { return cfg_value(c, k); }
static int64_t h_int(proctor_ctx *c, const char *k) { return strtoll(cfg_value(c, k), NULL, 10); }
static double h_double(proctor_ctx *c, const char *k) { return strtod(cfg_value(c, k), NULL); }
static int h_bool(proctor_ctx *c, const char *k) { return strcmp(cfg_value(c, k), "true") == 0; }
static proctor_status h_image_alloc(proctor_ctx *c, proctor_image *img, int w, int h, int ch)
{
    (void)c;
    img->width = w, img->height = h, img->channels = ch, img->stride = w * ch;
    img->pixels = calloc((size_t)w * h * ch, 1);
    return img->pixels ? PROCTOR_OK : PROCTOR_NOMEM;
}
static void h_image_free(proctor_image *img)
{
    free(img->pixels);
    img->pixels = NULL;
}

static proctor_host host = {
    .size = sizeof(proctor_host), .abi_major = PROCTOR_ABI_MAJOR, .abi_minor = PROCTOR_ABI_MINOR,
    .log = h_log, .set_error = h_set_error, .instance_name = h_name, .config_string = h_string,
    .config_int = h_int, .config_double = h_double, .config_bool = h_bool,
    .image_alloc = h_image_alloc, .image_free = h_image_free, .free = free};

/* ---- helpers ------------------------------------------------------------------------------ */

static const proctor_plugin *plug;
static const proctor_generator_ops *ops;

static void *make(proctor_ctx *ctx)
{
    void *inst = NULL;
    ctx->keys = plug->config;
    proctor_status st = ops->create(&host, ctx, &inst);
    return st == PROCTOR_OK ? inst : NULL;
}

static proctor_generate_request req(proctor_task task, int label, int w, int h, uint64_t seed)
{
    proctor_generate_request q = {0};
    q.size = sizeof q, q.task = task, q.label = label, q.width = w, q.height = h, q.seed = seed;
    q.prompt = "A street photo."; /* names nothing: the renderer's own choices are tested */
    q.strength = 0.7, q.steps = 1;
    return q;
}

static proctor_status gen(void *inst, const proctor_generate_request *q, proctor_generate_result *res)
{
    memset(res, 0, sizeof *res);
    res->size = sizeof *res;
    h_image_alloc(NULL, &res->image, q->width, q->height, 3);
    return ops->generate(inst, q, res);
}

static void t2i(void *inst, int label, int w, int h, uint64_t seed, proctor_image *out)
{
    proctor_generate_request q = req(PROCTOR_TASK_T2I, label, w, h, seed);
    proctor_generate_result res;
    proctor_status st = gen(inst, &q, &res);
    if (st != PROCTOR_OK) diag("t2i seed %llu: status %d", (unsigned long long)seed, (int)st);
    *out = res.image;
}

static proctor_status i2i(void *inst, int label, const proctor_image *init, double strength,
                          uint64_t seed, proctor_image *out)
{
    proctor_generate_request q = req(PROCTOR_TASK_I2I, label, init->width, init->height, seed);
    q.init_image = init, q.strength = strength;
    proctor_generate_result res;
    proctor_status st = gen(inst, &q, &res);
    *out = res.image;
    return st;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_descriptor(void)
{
    is_int(plug->abi_major, PROCTOR_ABI_MAJOR, "ABI major matches");
    ok(plug->abi_minor <= PROCTOR_ABI_MINOR, "ABI minor not newer than the SDK");
    is_int(plug->kind, PROCTOR_KIND_GENERATOR, "kind is generator");
    is_str(plug->name, "procedural", "name");
    is_int(ops->size, sizeof(proctor_generator_ops), "ops table carries its size");
    int found = 0;
    for (const proctor_config_key *k = plug->config; k && k->name; k++)
        found += !strcmp(k->name, "style") || !strcmp(k->name, "scene") || !strcmp(k->name, "objects_max");
    is_int(found, 3, "declares style, scene and objects_max");
}

static void test_determinism(void *inst)
{
    proctor_image a, b, c;
    t2i(inst, 1, 320, 240, 42, &a);
    t2i(inst, 1, 320, 240, 42, &b);
    t2i(inst, 1, 320, 240, 43, &c);
    ok(memcmp(a.pixels, b.pixels, (size_t)320 * 240 * 3) == 0, "same seed -> identical pixels");
    double d = mean_abs_diff(&a, &c);
    ok(d > 8, "different seeds -> different images (mean |diff| %.1f)", d);
    /* not a flat fill: a real picture has many distinct colours */
    int seen = 0;
    static unsigned char hist[1 << 15];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < (size_t)320 * 240; i++) {
        const uint8_t *p = a.pixels + i * 3;
        int key = (p[0] >> 3) << 10 | (p[1] >> 3) << 5 | p[2] >> 3;
        seen += !hist[key], hist[key] = 1;
    }
    ok(seen > 300, "the scene has many colours (%d of 32768 bins)", seen);
    h_image_free(&a), h_image_free(&b), h_image_free(&c);

    proctor_generate_request q = req(PROCTOR_TASK_T2I, 0, 64, 48, 7);
    proctor_generate_result res;
    ok(gen(inst, &q, &res) == PROCTOR_OK, "t2i label 0 ok");
    is_str(res.model, "procedural-1", "result names the model");
    h_image_free(&res.image);
}

static void test_orange(void *inst)
{
    const int n = 20, w = 320, h = 240;
    long sum[2] = {0, 0}, with_orange = 0;
    for (int label = 0; label <= 1; label++)
        for (int s = 0; s < n; s++) {
            proctor_image im;
            t2i(inst, label, w, h, 1000 + (uint64_t)s, &im);
            long c = count_orange(&im);
            sum[label] += c;
            if (label == 1) with_orange += c >= 15;
            h_image_free(&im);
        }
    double m0 = (double)sum[0] / n, m1 = (double)sum[1] / n;
    diag("mean cone-orange pixels at %dx%d over %d seeds: label 0 %.1f, label 1 %.1f", w, h, n, m0, m1);
    ok(m1 > 5 * m0 + 50, "label 1 has clearly more cone orange than label 0");
    ok(with_orange >= n - 1, "label 1 shows orange in %ld of %d images", with_orange, n);
}

static void test_i2i(void *inst)
{
    const int w = 320, h = 240, n = 8;
    int unchanged = 0, grew = 0, l0_changed = 0;
    long add1 = 0, add0 = 0;
    double d_low = 0, d_high = 0;
    for (int s = 0; s < n; s++) {
        proctor_image init, out;
        t2i(inst, 0, w, h, 500 + (uint64_t)s, &init);
        long o0 = count_orange(&init);
        if (i2i(inst, 1, &init, 0.0, 9 + (uint64_t)s, &out) == PROCTOR_OK && mean_abs_diff(&init, &out) < 0.5)
            unchanged++;
        h_image_free(&out);
        i2i(inst, 1, &init, 0.7, 9 + (uint64_t)s, &out);
        long o1 = count_orange(&out);
        add1 += o1 - o0, grew += o1 - o0 >= 30;
        h_image_free(&out);
        i2i(inst, 0, &init, 0.7, 9 + (uint64_t)s, &out);
        add0 += count_orange(&out) - o0;
        l0_changed += mean_abs_diff(&init, &out) > 1.0;
        h_image_free(&out);
        i2i(inst, 0, &init, 0.2, 9 + (uint64_t)s, &out);
        d_low += mean_abs_diff(&init, &out);
        h_image_free(&out);
        i2i(inst, 0, &init, 1.0, 9 + (uint64_t)s, &out);
        d_high += mean_abs_diff(&init, &out);
        h_image_free(&out);
        h_image_free(&init);
    }
    is_int(unchanged, n, "i2i strength 0 leaves the init image unchanged");
    is_int(grew, n, "i2i label 1 adds cone-orange objects to every image");
    diag("orange pixels added on average: label 1 %.1f, label 0 %.1f", (double)add1 / n, (double)add0 / n);
    ok(add1 > 4 * (add0 > 0 ? add0 : 0) + 40 * n, "label 0 edits add far less orange than label 1");
    is_int(l0_changed, n, "i2i label 0 changes the image");
    ok(d_high > d_low, "strength 1.0 changes more than 0.2 (%.2f vs %.2f)", d_high / n, d_low / n);
}

static void test_strided(void *inst)
{
    /* odd sizes and a padded stride: the padding must stay untouched */
    static const int sizes[][2] = {{8, 8}, {1000, 50}, {33, 777}, {641, 479}};
    for (int i = 0; i < 4; i++) {
        int w = sizes[i][0], h = sizes[i][1], stride = w * 3 + 5;
        for (int task = PROCTOR_TASK_T2I; task <= PROCTOR_TASK_I2I; task++) {
            proctor_generate_request q = req((proctor_task)task, 1, w, h, 77);
            proctor_image init = {w, h, 3, w * 3, calloc((size_t)w * h * 3, 1)};
            memset(init.pixels, 90, (size_t)w * h * 3);
            q.init_image = &init;
            proctor_generate_result res = {0};
            res.size = sizeof res;
            res.image = (proctor_image){w, h, 3, stride, malloc((size_t)stride * h)};
            memset(res.image.pixels, 0xAB, (size_t)stride * h);
            proctor_status st = ops->generate(inst, &q, &res);
            int pad_ok = 1;
            for (int y = 0; y < h; y++)
                for (int k = w * 3; k < stride; k++) pad_ok &= res.image.pixels[(size_t)y * stride + k] == 0xAB;
            ok(st == PROCTOR_OK && pad_ok, "%s %dx%d with stride %d: ok, padding untouched",
               task == PROCTOR_TASK_T2I ? "t2i" : "i2i", w, h, stride);
            free(res.image.pixels);
            free(init.pixels);
        }
    }
}

static void expect_invalid(void *inst, proctor_ctx *ctx, proctor_generate_request *q, const char *what)
{
    proctor_generate_result res = {0};
    res.size = sizeof res;
    res.image = (proctor_image){64, 48, 3, 64 * 3, calloc(64 * 48 * 3, 1)};
    ctx->error[0] = 0;
    proctor_status st = ops->generate(inst, q, &res);
    int untouched = 1;
    for (int i = 0; i < 64 * 48 * 3; i++) untouched &= res.image.pixels[i] == 0;
    ok(st == PROCTOR_INVALID && ctx->error[0] && untouched, "%s -> PROCTOR_INVALID (\"%s\")", what, ctx->error);
    free(res.image.pixels);
}

static void test_bad_requests(void *inst, proctor_ctx *ctx)
{
    proctor_generate_request q;
    proctor_image init = {64, 48, 3, 64 * 3, calloc(64 * 48 * 3, 1)}, small = {32, 24, 3, 96, init.pixels};
    q = req(PROCTOR_TASK_T2I, 1, 0, 48, 1), expect_invalid(inst, ctx, &q, "width 0");
    q = req(PROCTOR_TASK_T2I, 1, 64, -5, 1), expect_invalid(inst, ctx, &q, "height -5");
    q = req(PROCTOR_TASK_T2I, 1, 100000, 100000, 1), expect_invalid(inst, ctx, &q, "100000x100000");
    q = req(PROCTOR_TASK_T2I, 1, 8192, 8192, 1), expect_invalid(inst, ctx, &q, "8192x8192 (over the pixel cap)");
    q = req(PROCTOR_TASK_T2I, 1, 128, 96, 1), expect_invalid(inst, ctx, &q, "request size differs from the result image");
    q = req(PROCTOR_TASK_T2I, 2, 64, 48, 1), expect_invalid(inst, ctx, &q, "label 2");
    q = req((proctor_task)7, 1, 64, 48, 1), expect_invalid(inst, ctx, &q, "task 7");
    q = req(PROCTOR_TASK_T2I, 1, 64, 48, 1), q.size = 8, expect_invalid(inst, ctx, &q, "truncated request struct");
    q = req(PROCTOR_TASK_I2I, 1, 64, 48, 1), expect_invalid(inst, ctx, &q, "i2i without init image");
    q = req(PROCTOR_TASK_I2I, 1, 64, 48, 1), q.init_image = &small, expect_invalid(inst, ctx, &q, "i2i init image of another size");
    q = req(PROCTOR_TASK_I2I, 1, 64, 48, 1), q.init_image = &init, q.strength = 1.5,
    expect_invalid(inst, ctx, &q, "strength 1.5");
    q = req(PROCTOR_TASK_I2I, 1, 64, 48, 1), q.init_image = &init, q.strength = NAN,
    expect_invalid(inst, ctx, &q, "strength NaN");
    ok(ops->generate(inst, NULL, NULL) == PROCTOR_INVALID, "NULL request -> PROCTOR_INVALID");
    free(init.pixels);
}

static void test_config(void)
{
    static const struct {
        const char *key, *val;
        proctor_status want;
    } cases[] = {{"style", "sepia", PROCTOR_INVALID},  {"scene", "moon", PROCTOR_INVALID},
                 {"objects_max", "0", PROCTOR_INVALID}, {"objects_max", "65", PROCTOR_INVALID},
                 {"cars_max", "-1", PROCTOR_INVALID},   {"grain", "100", PROCTOR_INVALID},
                 {"style", "dusk", PROCTOR_OK},         {"scene", "highway", PROCTOR_OK},
                 {"objects_max", "1", PROCTOR_OK}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        proctor_ctx ctx = {0};
        ctx.override_key[0] = cases[i].key, ctx.override_val[0] = cases[i].val;
        ctx.keys = plug->config;
        void *inst = NULL;
        proctor_status st = ops->create(&host, &ctx, &inst);
        ok(st == cases[i].want && (st == PROCTOR_OK ? inst != NULL : ctx.error[0] != 0),
           "%s: %s -> status %d %s", cases[i].key, cases[i].val, (int)st, ctx.error);
        if (inst) ops->destroy(inst);
    }
    /* a fixed style and scene change the picture for the same seed */
    proctor_ctx a = {0}, b = {0};
    b.override_key[0] = "style", b.override_val[0] = "dusk";
    b.override_key[1] = "scene", b.override_val[1] = "highway";
    void *ia = make(&a), *ib = make(&b);
    proctor_image x, y;
    t2i(ia, 1, 160, 120, 5, &x);
    t2i(ib, 1, 160, 120, 5, &y);
    ok(mean_abs_diff(&x, &y) > 5, "style dusk + scene highway render differently");
    h_image_free(&x), h_image_free(&y);
    ops->destroy(ia), ops->destroy(ib);
}

int main(void)
{
    const char *build = getenv("PROCTOR_BUILD");
    char path[4096];
    snprintf(path, sizeof path, "%s/plugins/procedural.so", build ? build : "build");
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!ok(dl != NULL, "dlopen %s", path)) {
        diag("%s", dlerror());
        return done_testing();
    }
    proctor_entry_fn entry = (proctor_entry_fn)dlsym(dl, PROCTOR_ENTRY_SYMBOL);
    plug = entry ? entry() : NULL;
    if (!ok(plug && plug->ops, "entry point returns a descriptor")) return done_testing();
    ops = plug->ops;
    test_descriptor();

    proctor_ctx ctx = {0};
    void *inst = make(&ctx);
    if (!ok(inst != NULL, "create with declared defaults")) return done_testing();
    test_determinism(inst);
    test_orange(inst);
    test_i2i(inst);
    test_strided(inst);
    test_bad_requests(inst, &ctx);
    ops->destroy(inst);
    test_config();
    dlclose(dl);
    return done_testing();
}
