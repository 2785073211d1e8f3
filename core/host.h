/* host.h — the services table handed to plugins (proctor_host) and the per-instance context
 * behind it. Plugins see only sdk/proctor.h; this is the core's side. */
#ifndef PC_HOST_H
#define PC_HOST_H

#include "cache.h"
#include "proctor.h"
#include "settings.h"
#include <signal.h>

const proctor_host *pc_host(void);

/* `config` and `cache` are borrowed and must outlive the context. `cancel` may be NULL. */
proctor_ctx *pc_ctx_new(const char *instance_name, const pc_settings *config, pc_cache *cache,
                        uint64_t seed, volatile sig_atomic_t *cancel);
void pc_ctx_free(proctor_ctx *ctx);

/* The message set by the plugin with set_error during the last op ("" if none). */
const char *pc_ctx_error(const proctor_ctx *ctx);
void pc_ctx_clear_error(proctor_ctx *ctx);

/* xoshiro256** seeded through splitmix64; the same generator the core uses everywhere. */
typedef struct pc_rng {
    uint64_t s[4];
} pc_rng;
void pc_rng_seed(pc_rng *r, uint64_t seed);
uint64_t pc_rng_next(pc_rng *r);
double pc_rng_uniform(pc_rng *r); /* [0, 1) */
uint64_t pc_rng_callback(void *rng);    /* adapter for callbacks taking (void *) */
/* A seed from the OS, for "seed: 0". */
uint64_t pc_random_seed(void);

#endif
