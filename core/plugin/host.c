/* host.c — see host.h. */
#include "plugin/host.h"
#include "base/clock.h"
#include "image/image.h"
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct proctor_ctx {
    char *name;
    const pc_settings *config;
    pc_cache *cache;
    pc_rng rng;
    volatile sig_atomic_t *cancel;
    char error[1024];
    double last_progress;
    int tty;
};

proctor_ctx *pc_ctx_new(const char *instance_name, const pc_settings *config, pc_cache *cache,
                        uint64_t seed, volatile sig_atomic_t *cancel)
{
    proctor_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx || !(ctx->name = strdup(instance_name))) {
        free(ctx);
        return NULL;
    }
    ctx->config = config;
    ctx->cache = cache;
    ctx->cancel = cancel;
    ctx->tty = isatty(STDERR_FILENO);
    pc_rng_seed(&ctx->rng, seed ? seed : pc_random_seed());
    return ctx;
}

void pc_ctx_free(proctor_ctx *ctx)
{
    if (!ctx) return;
    free(ctx->name);
    free(ctx);
}

const char *pc_ctx_error(const proctor_ctx *ctx) { return ctx->error; }
void pc_ctx_clear_error(proctor_ctx *ctx) { ctx->error[0] = 0; }

static void host_log(proctor_ctx *ctx, proctor_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pc_vlog(level, ctx->name, fmt, ap);
    va_end(ap);
}

static void host_set_error(proctor_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
    va_end(ap);
}

static const char *host_instance_name(proctor_ctx *ctx) { return ctx->name; }

static const pc_setting *lookup(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = pc_settings_find(ctx->config, key);
    if (!s) pc_log(PROCTOR_LOG_WARNING, "%s: asked for undeclared config key '%s'", ctx->name, key);
    return s;
}

static const char *host_config_string(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = lookup(ctx, key);
    return s ? (s->text ? s->text : "") : NULL;
}

static int64_t host_config_int(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = lookup(ctx, key);
    return s ? s->i : 0;
}

static double host_config_double(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = lookup(ctx, key);
    if (!s) return 0;
    return s->type == PROCTOR_CFG_INT || s->type == PROCTOR_CFG_SIZE ? (double)s->i : s->d;
}

static int host_config_bool(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = lookup(ctx, key);
    return s ? (int)s->i : 0;
}

static size_t host_config_list_len(proctor_ctx *ctx, const char *key)
{
    const pc_setting *s = lookup(ctx, key);
    return s ? s->list_len : 0;
}

static const char *host_config_list_item(proctor_ctx *ctx, const char *key, size_t index)
{
    const pc_setting *s = lookup(ctx, key);
    return s && index < s->list_len ? s->list[index] : NULL;
}

static uint64_t host_random_u64(proctor_ctx *ctx) { return pc_rng_next(&ctx->rng); }

static int host_cancelled(proctor_ctx *ctx) { return ctx->cancel && *ctx->cancel; }

/* On a terminal: one line redrawn at most 5 times a second; elsewhere: a log line every 10 s. */
static void host_progress(proctor_ctx *ctx, const char *what, uint64_t done, uint64_t total)
{
    double t = pc_mono_s();
    int final = total && done >= total;
    if (!final && t - ctx->last_progress < (ctx->tty ? 0.2 : 10.0)) return;
    ctx->last_progress = t;
    if (ctx->tty) {
        char line[256];
        int n = total ? snprintf(line, sizeof line, "\r%s: %s %llu/%llu (%.0f%%)\033[K", ctx->name,
                                 what, (unsigned long long)done, (unsigned long long)total,
                                 100.0 * (double)done / (double)total)
                      : snprintf(line, sizeof line, "\r%s: %s %llu\033[K", ctx->name, what,
                                 (unsigned long long)done);
        if (final && n < (int)sizeof line - 1) line[n++] = '\n';
        ssize_t w = write(STDERR_FILENO, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
        (void)w;
    } else if (total) {
        pc_log(PROCTOR_LOG_INFO, "%s: %s %llu/%llu", ctx->name, what, (unsigned long long)done,
               (unsigned long long)total);
    } else {
        pc_log(PROCTOR_LOG_INFO, "%s: %s %llu", ctx->name, what, (unsigned long long)done);
    }
}

static const char *host_cache_dir(proctor_ctx *ctx, proctor_cache_kind kind)
{
    return ctx->cache ? pc_cache_dir(ctx->cache, kind) : NULL;
}

static proctor_status host_cache_put(proctor_ctx *ctx, proctor_cache_kind kind, const char *stem,
                                     const void *bytes, size_t len, const char *sidecar_json)
{
    if (!ctx->cache) return host_set_error(ctx, "no cache configured"), PROCTOR_INVALID;
    char err[512];
    proctor_status st = pc_cache_put(ctx->cache, kind, stem, bytes, len, sidecar_json, err, sizeof err);
    if (st != PROCTOR_OK) host_set_error(ctx, "%s", err);
    return st;
}

static int host_cache_has(proctor_ctx *ctx, proctor_cache_kind kind, const char *stem)
{
    return ctx->cache ? pc_cache_has(ctx->cache, kind, stem) : 0;
}

static proctor_status host_cache_sample(proctor_ctx *ctx, proctor_cache_kind kind, int label,
                                        proctor_item **out)
{
    *out = NULL;
    if (!ctx->cache) return PROCTOR_NOT_READY;
    return pc_cache_sample(ctx->cache, kind, label, pc_rng_callback, &ctx->rng, out);
}

static void host_cache_trim(proctor_ctx *ctx, proctor_cache_kind kind)
{
    if (ctx->cache) pc_cache_trim(ctx->cache, kind);
}

static proctor_status host_image_decode(proctor_ctx *ctx, const void *bytes, size_t len,
                                        int max_side, proctor_image *out)
{
    char err[256];
    proctor_status st = pc_image_decode(bytes, len, max_side, out, NULL, err, sizeof err);
    if (st != PROCTOR_OK) host_set_error(ctx, "%s", err);
    return st;
}

static proctor_status host_image_encode(proctor_ctx *ctx, const proctor_image *img,
                                        proctor_image_format format, int quality, void **out,
                                        size_t *out_len)
{
    char err[256];
    proctor_status st = pc_image_encode(img, format, quality, out, out_len, err, sizeof err);
    if (st != PROCTOR_OK) host_set_error(ctx, "%s", err);
    return st;
}

static proctor_status host_image_alloc(proctor_ctx *ctx, proctor_image *img, int width,
                                       int height, int channels)
{
    char err[256];
    proctor_status st = pc_image_alloc(img, width, height, channels, err, sizeof err);
    if (st != PROCTOR_OK) host_set_error(ctx, "%s", err);
    return st;
}

static proctor_status host_image_resize(proctor_ctx *ctx, const proctor_image *in, int width,
                                        int height, proctor_image *out)
{
    char err[256];
    proctor_status st = pc_image_resize(in, width, height, out, err, sizeof err);
    if (st != PROCTOR_OK) host_set_error(ctx, "%s", err);
    return st;
}

static const proctor_host host_table = {
    .size = sizeof(proctor_host),
    .abi_major = PROCTOR_ABI_MAJOR,
    .abi_minor = PROCTOR_ABI_MINOR,
    .log = host_log,
    .set_error = host_set_error,
    .instance_name = host_instance_name,
    .config_string = host_config_string,
    .config_int = host_config_int,
    .config_double = host_config_double,
    .config_bool = host_config_bool,
    .config_list_len = host_config_list_len,
    .config_list_item = host_config_list_item,
    .random_u64 = host_random_u64,
    .cancelled = host_cancelled,
    .progress = host_progress,
    .cache_dir = host_cache_dir,
    .cache_put = host_cache_put,
    .cache_has = host_cache_has,
    .cache_sample = host_cache_sample,
    .item_free = pc_item_free,
    .cache_trim = host_cache_trim,
    .image_sniff = pc_image_sniff,
    .image_decode = host_image_decode,
    .image_encode = host_image_encode,
    .image_alloc = host_image_alloc,
    .image_resize = host_image_resize,
    .image_free = pc_image_free,
    .free = free,
};

const proctor_host *pc_host(void) { return &host_table; }
