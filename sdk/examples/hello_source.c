/* hello_source.c — a complete proctor source plugin; copy it to start your own.
 *
 * Build out of tree with nothing but the sdk/ directory:
 *   cc -shared -fPIC -Wall -Wextra -I path/to/sdk hello_source.c -o hello_source.so
 * (or `pkg-config --cflags proctor-sdk` after `make install`), then name it in pipeline.yaml:
 *   sources:
 *     - name: hello
 *       plugin: ./hello_source.so     # or just "hello_source" when it sits in the plugin path
 *       color: "#ff8000"
 *       count: 2
 *
 * YAML keys: color (hex RGB, default "#ff8000"), count (images per refresh, default 1),
 *            label (0 or 1, default 1).
 * It paints flat images of one colour and stores them through the host, which writes them
 * atomically with their sidecar and enforces the cache budget. */
#include "proctor.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct hello {
    const proctor_host *host; /* services: logging, config, cache, images */
    proctor_ctx *ctx;         /* our instance's handle, passed back to every service */
    unsigned rgb;
    int count, label;
    unsigned serial;
} hello;

static const proctor_config_key keys[] = {
    PROCTOR_KEY("color", PROCTOR_CFG_STRING, "#ff8000", "hex RGB of the images"),
    /* bounds are checked by the core, with file:line:col, before create is called */
    PROCTOR_KEY_RANGE("count", PROCTOR_CFG_INT, "1", "images per refresh", "0", "1000"),
    PROCTOR_KEY_RANGE("label", PROCTOR_CFG_INT, "1", "label of the images (0 or 1)", "0", "1"),
    PROCTOR_KEY_END,
};

static proctor_status hello_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    hello *h = calloc(1, sizeof *h);
    if (!h) return PROCTOR_NOMEM;
    h->host = host;
    h->ctx = ctx;
    h->count = (int)host->config_int(ctx, "count");
    h->label = (int)host->config_int(ctx, "label");
    if (sscanf(host->config_string(ctx, "color"), "#%6x", &h->rgb) != 1) {
        host->set_error(ctx, "color must look like #rrggbb");
        free(h);
        return PROCTOR_INVALID; /* the core prints this with file and instance name */
    }
    *instance = h;
    return PROCTOR_OK;
}

static proctor_status hello_refresh(void *instance)
{
    hello *h = instance;
    for (int i = 0; i < h->count && !h->host->cancelled(h->ctx); i++) {
        proctor_image img;
        if (h->host->image_alloc(h->ctx, &img, 64, 48, 3) != PROCTOR_OK) return PROCTOR_NOMEM;
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width; x++) {
                unsigned char *p = img.pixels + y * img.stride + x * 3;
                p[0] = (unsigned char)(h->rgb >> 16), p[1] = (unsigned char)(h->rgb >> 8), p[2] = (unsigned char)h->rgb;
            }
        void *jpeg = NULL;
        size_t len = 0;
        proctor_status st = h->host->image_encode(h->ctx, &img, PROCTOR_FORMAT_JPEG, 90, &jpeg, &len);
        h->host->image_free(&img);
        if (st != PROCTOR_OK) return st;
        char stem[64], sidecar[160];
        snprintf(stem, sizeof stem, "hello_%06x_%u", h->rgb, h->serial++);
        snprintf(sidecar, sizeof sidecar, "{\"label\": %d, \"scene_description\": \"%s\"}", h->label,
                 h->label ? "a flat colour pretending to be roadwork" : "");
        st = h->host->cache_put(h->ctx, PROCTOR_CACHE_REAL, stem, jpeg, len, sidecar);
        h->host->free(jpeg); /* host-allocated: released with the host's free */
        if (st != PROCTOR_OK) return st;
    }
    h->host->log(h->ctx, PROCTOR_LOG_INFO, "painted %d image(s)", h->count);
    return PROCTOR_OK;
}

static void hello_destroy(void *instance) { free(instance); }

static const proctor_source_ops ops = {sizeof ops, hello_create, hello_refresh, hello_destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER,   /* size and the ABI version this was built against */
    PROCTOR_KIND_SOURCE,
    "hello_source",              /* [a-z0-9_]+ */
    "1.0.0",
    "paints flat-colour images (SDK example)",
    keys,
    &ops,
};

PROCTOR_PLUGIN(descriptor)
