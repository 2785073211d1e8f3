/* old_source.c — a source plugin as a plugin author wrote it against the frozen ABI 1.0 header
 * (tests/core/sdk_1_0/proctor.h): 4-field key table, 1.0-sized descriptor and ops. It must keep
 * loading and running in every 1.x core. refresh stores `count` images labelled 0. */
#include "proctor.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct old {
    const proctor_host *host;
    proctor_ctx *ctx;
    int count;
} old;

static const proctor_config_key keys[] = {
    {"count", PROCTOR_CFG_INT, "1", "images per refresh"},
    {"note", PROCTOR_CFG_STRING, "", "anything"},
    {NULL, 0, NULL, NULL},
};

static proctor_status old_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    old *o = calloc(1, sizeof *o);
    if (!o) return PROCTOR_NOMEM;
    o->host = host, o->ctx = ctx;
    o->count = (int)host->config_int(ctx, "count");
    *instance = o;
    return PROCTOR_OK;
}

static proctor_status old_refresh(void *instance)
{
    old *o = instance;
    for (int i = 0; i < o->count; i++) {
        proctor_image img;
        if (o->host->image_alloc(o->ctx, &img, 32, 32, 3) != PROCTOR_OK) return PROCTOR_NOMEM;
        void *jpeg = NULL;
        size_t len = 0;
        proctor_status st = o->host->image_encode(o->ctx, &img, PROCTOR_FORMAT_JPEG, 80, &jpeg, &len);
        o->host->image_free(&img);
        if (st != PROCTOR_OK) return st;
        char stem[32];
        snprintf(stem, sizeof stem, "old_%d", i);
        st = o->host->cache_put(o->ctx, PROCTOR_CACHE_REAL, stem, jpeg, len, "{\"label\": 0, \"scene_description\": \"\"}");
        o->host->free(jpeg);
        if (st != PROCTOR_OK) return st;
    }
    o->host->log(o->ctx, PROCTOR_LOG_INFO, "note: %s", o->host->config_string(o->ctx, "note"));
    return PROCTOR_OK;
}

static void old_destroy(void *instance) { free(instance); }

static const proctor_source_ops ops = {sizeof ops, old_create, old_refresh, old_destroy};
static const proctor_plugin descriptor = {PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SOURCE, "old_source", "1.0.0",
                                          "built against the ABI 1.0 header", keys, &ops};
PROCTOR_PLUGIN(descriptor)
