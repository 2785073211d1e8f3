/* FROZEN copy of sdk/proctor.h as released at ABI 1.0 — never edit: test_sdk_compat builds a
 * plugin against it and loads it into the current core. */
/* proctor.h — the one header a proctor plugin includes.
 *
 * A plugin is a shared object exporting one function, `proctor_plugin_entry`, that returns a
 * const descriptor (ABI version, kind, name, config keys, ops table). The core dlopens it with
 * RTLD_NOW|RTLD_LOCAL, checks the ABI, validates the plugin's YAML keys, and calls its ops with
 * a table of host services (`proctor_host`). Plugins link nothing of the core.
 *
 * Compatibility rules (see sdk/README.md):
 *   - ABI major must equal the core's; the plugin's minor must not be newer than the core's.
 *   - Structs that may grow carry their own size as first field (`size`); the core reads only
 *     the fields that fit. The host table is append-only: a plugin built against minor N may
 *     use every service that minor N declares.
 *   - Arguments are borrowed for the duration of a call. What a plugin allocates it frees
 *     itself (in destroy at the latest). What the host allocates for the plugin is released
 *     with the matching host call (`free`, `image_free`, `item_free`).
 */
#ifndef PROCTOR_H
#define PROCTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROCTOR_ABI_MAJOR 1
#define PROCTOR_ABI_MINOR 0

/* The one symbol a plugin exports (see PROCTOR_PLUGIN below). */
#define PROCTOR_ENTRY_SYMBOL "proctor_plugin_entry"

#if defined(__GNUC__)
#define PROCTOR_EXPORT __attribute__((visibility("default")))
#define PROCTOR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PROCTOR_EXPORT
#define PROCTOR_PRINTF(a, b)
#endif

/* ---- status codes ---------------------------------------------------------------------- */
/* Small and stable. Retryable codes (not ready, rate limited, network) make the core call the
 * op again later with backoff; the others are reported and, for create, stop the instance. */
typedef enum proctor_status {
    PROCTOR_OK = 0,
    PROCTOR_NOT_READY = 1,    /* retryable: nothing to do yet (e.g. empty upstream)          */
    PROCTOR_RATE_LIMITED = 2, /* retryable: remote asked us to slow down                     */
    PROCTOR_NETWORK = 3,      /* retryable: connection failed, timeout, 5xx                  */
    PROCTOR_INVALID = 10,     /* fatal: bad config or bad input                              */
    PROCTOR_IO = 11,          /* fatal for this call: file system error (e.g. disk full)     */
    PROCTOR_NOMEM = 12,
    PROCTOR_CANCELLED = 13,   /* the host asked the plugin to stop                           */
    PROCTOR_UNSUPPORTED = 14, /* e.g. a generator asked for a task it does not do            */
    PROCTOR_FAILED = 15       /* anything else; the error message says what                 */
} proctor_status;

static inline int proctor_status_retryable(proctor_status s)
{
    return s == PROCTOR_NOT_READY || s == PROCTOR_RATE_LIMITED || s == PROCTOR_NETWORK;
}

typedef enum proctor_kind {
    PROCTOR_KIND_SOURCE = 1,
    PROCTOR_KIND_GENERATOR = 2,
    PROCTOR_KIND_SCORER = 3
} proctor_kind;

typedef enum proctor_log_level {
    PROCTOR_LOG_TRACE = 0,
    PROCTOR_LOG_DEBUG = 1,
    PROCTOR_LOG_INFO = 2,
    PROCTOR_LOG_SUCCESS = 3,
    PROCTOR_LOG_WARNING = 4,
    PROCTOR_LOG_ERROR = 5
} proctor_log_level;

/* ---- configuration keys ---------------------------------------------------------------- */
typedef enum proctor_config_type {
    PROCTOR_CFG_STRING = 1,
    PROCTOR_CFG_INT = 2,    /* 64-bit integer                                                */
    PROCTOR_CFG_DOUBLE = 3,
    PROCTOR_CFG_BOOL = 4,
    PROCTOR_CFG_SECRET = 5, /* a string that is never printed (check shows "***")            */
    PROCTOR_CFG_LIST = 6,   /* a YAML sequence of strings                                    */
    PROCTOR_CFG_SIZE = 7,   /* byte size: 123, "10GiB", "500MB" -> int64 bytes               */
    PROCTOR_CFG_DURATION = 8 /* seconds: 90, "90s", "15m", "2h" -> double seconds            */
} proctor_config_type;

/* One declared key. `default_value` is the default in YAML spelling; NULL means required
 * (use "" for an optional string: the getter then returns "").
 * The table ends with an entry whose name is NULL. */
typedef struct proctor_config_key {
    const char *name;
    proctor_config_type type;
    const char *default_value;
    const char *help;
} proctor_config_key;

/* ---- images ---------------------------------------------------------------------------- */
/* The one image struct that crosses the ABI: 8-bit, interleaved, row-major, top row first.
 * `channels` is 3 (RGB) unless a service says otherwise; `stride` is bytes per row. */
typedef struct proctor_image {
    int width;
    int height;
    int channels;
    int stride;
    uint8_t *pixels;
} proctor_image;

typedef enum proctor_image_format {
    PROCTOR_FORMAT_UNKNOWN = 0,
    PROCTOR_FORMAT_JPEG = 1,
    PROCTOR_FORMAT_PNG = 2,
    PROCTOR_FORMAT_WEBP = 3,
    PROCTOR_FORMAT_GIF = 4,
    PROCTOR_FORMAT_BMP = 5
} proctor_image_format;

/* ---- cache ------------------------------------------------------------------------------ */
/* The cache directories of DESIGN.md section 5 (upstream-compatible layout). */
typedef enum proctor_cache_kind {
    PROCTOR_CACHE_REAL = 0,         /* <root>/Roadwork/image            extracted real images  */
    PROCTOR_CACHE_REAL_SOURCES = 1, /* <root>/Roadwork/image/sources    downloaded archives     */
    PROCTOR_CACHE_T2I = 2,          /* <root>/Synthetic/t2i                                     */
    PROCTOR_CACHE_I2I = 3           /* <root>/Synthetic/i2i                                     */
} proctor_cache_kind;

/* One cached item, allocated by the host; release with host->item_free. */
typedef struct proctor_item {
    char *path;              /* absolute path of the image file                            */
    char *sidecar_json;      /* the sidecar's full JSON text                               */
    int label;               /* 0 or 1                                                     */
    char *scene_description; /* "" when absent or null                                     */
} proctor_item;

/* ---- host services --------------------------------------------------------------------- */
typedef struct proctor_ctx proctor_ctx; /* one per plugin instance; valid until destroy returns */

typedef struct proctor_host {
    uint32_t size; /* sizeof(proctor_host) of the core that made it */
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Logging, prefixed with the instance name. Never log secrets or challenge labels at INFO. */
    void (*log)(proctor_ctx *ctx, proctor_log_level level, const char *fmt, ...) PROCTOR_PRINTF(3, 4);
    /* Set the message that goes with a non-OK status returned by the current op. */
    void (*set_error)(proctor_ctx *ctx, const char *fmt, ...) PROCTOR_PRINTF(2, 3);
    const char *(*instance_name)(proctor_ctx *ctx);

    /* Typed config getters. The core has validated types and filled defaults, so a declared key
     * always has a value. Asking for an undeclared key gives NULL / 0 and logs a warning. */
    const char *(*config_string)(proctor_ctx *ctx, const char *key);
    int64_t (*config_int)(proctor_ctx *ctx, const char *key);
    double (*config_double)(proctor_ctx *ctx, const char *key);
    int (*config_bool)(proctor_ctx *ctx, const char *key);
    size_t (*config_list_len)(proctor_ctx *ctx, const char *key);
    const char *(*config_list_item)(proctor_ctx *ctx, const char *key, size_t index);

    /* Seeded per-instance RNG (xoshiro256**); reproducible when the YAML gives a seed. */
    uint64_t (*random_u64)(proctor_ctx *ctx);
    /* Nonzero once the host wants the plugin to stop; long ops should poll it. */
    int (*cancelled)(proctor_ctx *ctx);
    /* Progress of long work; shown on a terminal, rate-limited by the host. total 0 = unknown. */
    void (*progress)(proctor_ctx *ctx, const char *what, uint64_t done, uint64_t total);

    /* Cache. `cache_dir` is the absolute directory of a cache kind (created on demand). */
    const char *(*cache_dir)(proctor_ctx *ctx, proctor_cache_kind kind);
    /* Atomically store one item: image bytes as they are (format sniffed, extension chosen from
     * the bytes), and its sidecar JSON (must hold "label" 0|1; "scene_description" non-empty
     * when label is 1). `stem` is the file name without extension ([A-Za-z0-9._-], no slash).
     * Sidecar first, image last, each via a temporary name + rename; then the byte budget of
     * that directory is enforced oldest-first. Returns PROCTOR_INVALID for bad bytes/sidecar. */
    proctor_status (*cache_put)(proctor_ctx *ctx, proctor_cache_kind kind, const char *stem,
                                const void *bytes, size_t len, const char *sidecar_json);
    /* Nonzero when an image with this stem (any served extension) is in that directory. */
    int (*cache_has)(proctor_ctx *ctx, proctor_cache_kind kind, const char *stem);
    /* A random servable item with that label (-1: any). PROCTOR_NOT_READY when none. */
    proctor_status (*cache_sample)(proctor_ctx *ctx, proctor_cache_kind kind, int label,
                                   proctor_item **out);
    void (*item_free)(proctor_item *item);
    /* Enforce a directory's byte budget now (e.g. after writing archives to REAL_SOURCES). */
    void (*cache_trim)(proctor_ctx *ctx, proctor_cache_kind kind);

    /* Images. decode: any supported format to RGB (channels 3); when max_side > 0 the decoder
     * may return a smaller image (never smaller than max_side on the short side) to save work. */
    proctor_image_format (*image_sniff)(const void *bytes, size_t len);
    proctor_status (*image_decode)(proctor_ctx *ctx, const void *bytes, size_t len, int max_side,
                                   proctor_image *out);
    /* encode: JPEG (quality 1..100) or PNG (quality ignored); *out freed with host->free. */
    proctor_status (*image_encode)(proctor_ctx *ctx, const proctor_image *img,
                                   proctor_image_format format, int quality, void **out,
                                   size_t *out_len);
    /* allocate pixels for width x height x channels (zeroed); release with image_free. */
    proctor_status (*image_alloc)(proctor_ctx *ctx, proctor_image *img, int width, int height,
                                  int channels);
    proctor_status (*image_resize)(proctor_ctx *ctx, const proctor_image *in, int width,
                                   int height, proctor_image *out);
    void (*image_free)(proctor_image *img);
    void (*free)(void *ptr);
} proctor_host;

/* ---- sources ---------------------------------------------------------------------------- */
/* A source brings items into the cache through host->cache_put. The core's worker calls
 * refresh every `interval` seconds (a core key of every source instance). */
typedef struct proctor_source_ops {
    size_t size; /* sizeof(proctor_source_ops) */
    proctor_status (*create)(const proctor_host *host, proctor_ctx *ctx, void **instance);
    proctor_status (*refresh)(void *instance);
    void (*destroy)(void *instance);
} proctor_source_ops;

/* ---- generators ------------------------------------------------------------------------- */
typedef enum proctor_task {
    PROCTOR_TASK_T2I = 1,
    PROCTOR_TASK_I2I = 2
} proctor_task;

typedef struct proctor_generate_request {
    size_t size;                 /* sizeof(proctor_generate_request)                       */
    proctor_task task;
    int label;                   /* 0 or 1: what the image is meant to show                */
    const char *prompt;
    const char *negative_prompt; /* may be NULL                                            */
    const proctor_image *init_image; /* i2i only: RGB, already width x height              */
    double strength;             /* i2i: 0..1                                              */
    int width, height;
    int steps;
    double guidance;
    uint64_t seed;
} proctor_generate_request;

/* The core allocates `image` (RGB, request width x height) before the call; the plugin writes
 * the pixels. `model` names what made the image (recorded in the sidecar). */
typedef struct proctor_generate_result {
    size_t size;          /* sizeof(proctor_generate_result) */
    proctor_image image;
    char model[256];
} proctor_generate_result;

typedef struct proctor_generator_ops {
    size_t size; /* sizeof(proctor_generator_ops) */
    proctor_status (*create)(const proctor_host *host, proctor_ctx *ctx, void **instance);
    proctor_status (*generate)(void *instance, const proctor_generate_request *request,
                               proctor_generate_result *result);
    void (*destroy)(void *instance);
} proctor_generator_ops;

/* ---- scorers ---------------------------------------------------------------------------- */
typedef struct proctor_challenge {
    uint64_t id;
    int label;          /* the true label, 0 or 1                     */
    const char *kind;   /* "real", "t2i" or "i2i"                     */
    double time;        /* unix seconds                               */
} proctor_challenge;

/* One miner's answer to this challenge. prediction is -1 for no answer (timeout, error,
 * unparsable, NaN). Values outside [0, 1] are passed through as the miner sent them. */
typedef struct proctor_response {
    int64_t uid;
    const char *hotkey;
    double prediction;
    double latency_s;
} proctor_response;

typedef struct proctor_history_entry {
    double prediction; /* -1 = no answer */
    int label;
    double time;
    double latency_s;
} proctor_history_entry;

/* A miner's history, oldest first, this challenge's answer already appended as the last entry.
 * Owned by the core; borrowed for the call. */
typedef struct proctor_history {
    const proctor_history_entry *entries;
    size_t count;
} proctor_history;

typedef struct proctor_scorer_ops {
    size_t size; /* sizeof(proctor_scorer_ops) */
    proctor_status (*create)(const proctor_host *host, proctor_ctx *ctx, void **instance);
    /* rewards_out[i] for responses[i], history[i]; each reward should lie in [0, 1]. */
    proctor_status (*score)(void *instance, const proctor_challenge *challenge,
                            const proctor_response *responses, const proctor_history *history,
                            size_t count, double *rewards_out);
    void (*destroy)(void *instance);
} proctor_scorer_ops;

/* ---- the descriptor --------------------------------------------------------------------- */
typedef struct proctor_plugin {
    uint32_t size; /* sizeof(proctor_plugin) */
    uint16_t abi_major;
    uint16_t abi_minor;
    proctor_kind kind;
    const char *name;        /* [a-z0-9_]+, unique among loaded plugins */
    const char *version;     /* the plugin's own version, e.g. "1.2.0"  */
    const char *description; /* one line                                */
    const proctor_config_key *config; /* NULL-name terminated; may be NULL for none */
    const void *ops;         /* proctor_source_ops / _generator_ops / _scorer_ops by kind */
} proctor_plugin;

typedef const proctor_plugin *(*proctor_entry_fn)(void);

/* Define the entry point of a plugin:  PROCTOR_PLUGIN(my_descriptor)  */
#define PROCTOR_PLUGIN(descriptor)                                                            \
    PROCTOR_EXPORT const proctor_plugin *proctor_plugin_entry(void);                          \
    PROCTOR_EXPORT const proctor_plugin *proctor_plugin_entry(void) { return &(descriptor); }

/* Convenience initialiser for the descriptor's header fields. */
#define PROCTOR_DESCRIPTOR_HEADER sizeof(proctor_plugin), PROCTOR_ABI_MAJOR, PROCTOR_ABI_MINOR

#ifdef __cplusplus
}
#endif
#endif /* PROCTOR_H */
