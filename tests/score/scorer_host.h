/* scorer_host.h — a minimal proctor_host for the scorer tests: config getters answer the
 * plugin's declared defaults (or an override set by the test), log goes to TAP diagnostics,
 * set_error keeps the message. Plugins are dlopened from $PROCTOR_BUILD/plugins (default
 * build/plugins), as the core's loader will. */
#ifndef SCORER_HOST_H
#define SCORER_HOST_H

#include "proctor.h"
#include "../tap.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proctor_ctx {
    const proctor_plugin *desc;
    const char *keys[8], *values[8]; /* overrides */
    int noverrides;
    char error[256];
};

static const char *th_value(proctor_ctx *ctx, const char *key)
{
    for (int i = 0; i < ctx->noverrides; i++)
        if (!strcmp(ctx->keys[i], key)) return ctx->values[i];
    for (const proctor_config_key *k = ctx->desc->config; k && k->name; k++)
        if (!strcmp(k->name, key)) return k->default_value;
    fprintf(stderr, "scorer_host: plugin %s asked for undeclared key %s\n", ctx->desc->name, key);
    abort(); /* a plugin reading an undeclared key is a bug the test must not hide */
}

static void th_log(proctor_ctx *ctx, proctor_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    diag("[%s] %d %s", ctx->desc->name, (int)level, line);
}

static void th_set_error(proctor_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
    va_end(ap);
}

static const char *th_instance_name(proctor_ctx *ctx) { return ctx->desc->name; }
static const char *th_string(proctor_ctx *ctx, const char *key) { return th_value(ctx, key); }
static int64_t th_int(proctor_ctx *ctx, const char *key)
{
    return strtoll(th_value(ctx, key), NULL, 10);
}
static double th_double(proctor_ctx *ctx, const char *key)
{
    return strtod(th_value(ctx, key), NULL);
}
static int th_bool(proctor_ctx *ctx, const char *key)
{
    return !strcmp(th_value(ctx, key), "true");
}

static const proctor_host th_host = {
    .size = sizeof(proctor_host),
    .abi_major = PROCTOR_ABI_MAJOR,
    .abi_minor = PROCTOR_ABI_MINOR,
    .log = th_log,
    .set_error = th_set_error,
    .instance_name = th_instance_name,
    .config_string = th_string,
    .config_int = th_int,
    .config_double = th_double,
    .config_bool = th_bool,
    .free = free,
};

typedef struct th_scorer {
    void *dl;
    const proctor_plugin *desc;
    const proctor_scorer_ops *ops;
    proctor_ctx ctx;
    void *instance;
} th_scorer;

/* dlopen $PROCTOR_BUILD/plugins/<file>, check it is a scorer called `name`. 0 on success. */
static int th_open(th_scorer *s, const char *file, const char *name)
{
    const char *build = getenv("PROCTOR_BUILD");
    char path[1024];
    memset(s, 0, sizeof *s);
    snprintf(path, sizeof path, "%s/plugins/%s", build ? build : "build", file);
    s->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!ok(s->dl != NULL, "dlopen %s", path)) {
        diag("  %s", dlerror());
        return -1;
    }
    proctor_entry_fn entry = (proctor_entry_fn)(uintptr_t)dlsym(s->dl, PROCTOR_ENTRY_SYMBOL);
    if (!ok(entry != NULL, "%s exports %s", file, PROCTOR_ENTRY_SYMBOL)) return -1;
    s->desc = entry();
    if (!ok(s->desc && s->desc->abi_major == PROCTOR_ABI_MAJOR &&
                s->desc->kind == PROCTOR_KIND_SCORER && !strcmp(s->desc->name, name),
            "%s: scorer \"%s\", ABI %d", file, name, PROCTOR_ABI_MAJOR))
        return -1;
    s->ops = s->desc->ops;
    ok(s->ops->size >= sizeof(proctor_scorer_ops) && s->ops->create && s->ops->score &&
           s->ops->destroy,
       "%s: ops table complete", name);
    s->ctx.desc = s->desc;
    return 0;
}

static void th_override(th_scorer *s, const char *key, const char *value)
{
    s->ctx.keys[s->ctx.noverrides] = key;
    s->ctx.values[s->ctx.noverrides++] = value;
}

static proctor_status th_create(th_scorer *s)
{
    return s->ops->create(&th_host, &s->ctx, &s->instance);
}

static void th_close(th_scorer *s)
{
    if (s->instance) s->ops->destroy(s->instance);
    s->instance = NULL;
    if (s->dl) dlclose(s->dl);
    s->dl = NULL;
}

/* Score one miner whose history is (preds[i], labels[i]) for i < n; the last entry is this
 * challenge's answer, as the core hands it over. */
static double th_score1(th_scorer *s, const double *preds, const int *labels, size_t n)
{
    proctor_history_entry e[256];
    for (size_t i = 0; i < n; i++)
        e[i] = (proctor_history_entry){preds[i], labels[i], 1000.0 + (double)i, 0.1};
    proctor_history h = {e, n};
    proctor_challenge c = {1, n ? labels[n - 1] : 0, "real", 1000.0};
    proctor_response r = {7, "5Hotkey", n ? preds[n - 1] : -1, 0.1};
    double reward = -99;
    proctor_status st = s->ops->score(s->instance, &c, &r, &h, 1, &reward);
    if (st != PROCTOR_OK) diag("score failed: %d %s", (int)st, s->ctx.error);
    return reward;
}

#endif
