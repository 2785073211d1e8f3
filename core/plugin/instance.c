/* instance.c — see instance.h. */
#include "plugin/instance.h"

#include <stdio.h>
#include <string.h>

const char *pc_status_name(proctor_status st)
{
    switch (st) {
    case PROCTOR_OK: return "ok";
    case PROCTOR_NOT_READY: return "not ready";
    case PROCTOR_RATE_LIMITED: return "rate limited";
    case PROCTOR_NETWORK: return "network error";
    case PROCTOR_INVALID: return "invalid";
    case PROCTOR_IO: return "i/o error";
    case PROCTOR_NOMEM: return "out of memory";
    case PROCTOR_CANCELLED: return "cancelled";
    case PROCTOR_UNSUPPORTED: return "unsupported";
    case PROCTOR_FAILED: return "failed";
    }
    return "unknown status";
}

/* The loader normalised every ops table to this core's layout (loader.h), so these casts
 * are the only ones: everything else calls through the typed functions below. */
static const proctor_source_ops *source_ops(const pc_live *l) { return l->def->plugin->desc->ops; }
static const proctor_generator_ops *generator_ops(const pc_live *l) { return l->def->plugin->desc->ops; }
static const proctor_scorer_ops *scorer_ops(const pc_live *l) { return l->def->plugin->desc->ops; }

proctor_status pc_live_create(pc_live *live, const pc_instance *def, pc_cache *cache,
                              volatile sig_atomic_t *cancel, char *err, size_t errlen)
{
    memset(live, 0, sizeof *live);
    uint64_t seed = (uint64_t)pc_settings_int(&def->core, "seed");
    live->ctx = pc_ctx_new(def->name, &def->config, cache, seed, cancel);
    if (!live->ctx) return snprintf(err, errlen, "%s: out of memory", def->name), PROCTOR_NOMEM;
    live->def = def;
    proctor_status st = PROCTOR_FAILED;
    switch (def->kind) {
    case PROCTOR_KIND_SOURCE: st = source_ops(live)->create(pc_host(), live->ctx, &live->state); break;
    case PROCTOR_KIND_GENERATOR: st = generator_ops(live)->create(pc_host(), live->ctx, &live->state); break;
    case PROCTOR_KIND_SCORER: st = scorer_ops(live)->create(pc_host(), live->ctx, &live->state); break;
    }
    if (st != PROCTOR_OK) {
        snprintf(err, errlen, "%s (plugin %s): create failed: %s", def->name,
                 def->plugin->desc->name, pc_live_error(live, st));
        pc_ctx_free(live->ctx);
        memset(live, 0, sizeof *live);
    }
    return st;
}

void pc_live_destroy(pc_live *live)
{
    if (!live->ctx) return;
    if (live->state) {
        switch (live->def->kind) {
        case PROCTOR_KIND_SOURCE: source_ops(live)->destroy(live->state); break;
        case PROCTOR_KIND_GENERATOR: generator_ops(live)->destroy(live->state); break;
        case PROCTOR_KIND_SCORER: scorer_ops(live)->destroy(live->state); break;
        }
    }
    pc_ctx_free(live->ctx);
    memset(live, 0, sizeof *live);
}

proctor_status pc_live_refresh(pc_live *live)
{
    if (!live->ctx || live->def->kind != PROCTOR_KIND_SOURCE) return PROCTOR_INVALID;
    pc_ctx_clear_error(live->ctx);
    return source_ops(live)->refresh(live->state);
}

proctor_status pc_live_generate(pc_live *live, const proctor_generate_request *req, proctor_generate_result *res)
{
    if (!live->ctx || live->def->kind != PROCTOR_KIND_GENERATOR) return PROCTOR_INVALID;
    pc_ctx_clear_error(live->ctx);
    return generator_ops(live)->generate(live->state, req, res);
}

proctor_status pc_live_score(pc_live *live, const proctor_challenge *c, const proctor_response *responses,
                             const proctor_history *history, size_t count, double *rewards_out)
{
    if (!live->ctx || live->def->kind != PROCTOR_KIND_SCORER) return PROCTOR_INVALID;
    pc_ctx_clear_error(live->ctx);
    return scorer_ops(live)->score(live->state, c, responses, history, count, rewards_out);
}

const char *pc_live_error(pc_live *live, proctor_status st)
{
    const char *msg = live->ctx ? pc_ctx_error(live->ctx) : "";
    return msg[0] ? msg : pc_status_name(st);
}
