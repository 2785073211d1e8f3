/* instance.h — a live plugin instance: the plugin's state plus its host context. */
#ifndef PC_INSTANCE_H
#define PC_INSTANCE_H

#include "cache/cache.h"
#include "plugin/host.h"
#include "config/pipeline.h"

typedef struct pc_live {
    const pc_instance *def;
    proctor_ctx *ctx;
    void *state;
} pc_live;

/* Calls the plugin's create. On failure fills err (with the plugin's message) and returns the
 * status; `live` is then empty. */
proctor_status pc_live_create(pc_live *live, const pc_instance *def, pc_cache *cache,
                              volatile sig_atomic_t *cancel, char *err, size_t errlen);
void pc_live_destroy(pc_live *live);

/* Typed calls into the instance's plugin ops (the kind must match; PROCTOR_INVALID if not).
 * The op's error message, if any, is then pc_live_error(live, status). */
proctor_status pc_live_refresh(pc_live *live);
proctor_status pc_live_generate(pc_live *live, const proctor_generate_request *req, proctor_generate_result *res);
proctor_status pc_live_score(pc_live *live, const proctor_challenge *c, const proctor_response *responses,
                             const proctor_history *history, size_t count, double *rewards_out);

/* "message" from the last op, or a generic one naming the status. */
const char *pc_live_error(pc_live *live, proctor_status st);
const char *pc_status_name(proctor_status st);

#endif
