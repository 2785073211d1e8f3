/* host.h — the services table handed to plugins (proctor_host) and the per-instance context
 * behind it. Plugins see only sdk/proctor.h; this is the core's side. */
#ifndef PC_HOST_H
#define PC_HOST_H

#include "base/rng.h"
#include "cache/cache.h"
#include "proctor.h"
#include "config/settings.h"
#include <signal.h>

const proctor_host *pc_host(void);

/* `config` and `cache` are borrowed and must outlive the context. `cancel` may be NULL. */
proctor_ctx *pc_ctx_new(const char *instance_name, const pc_settings *config, pc_cache *cache,
                        uint64_t seed, volatile sig_atomic_t *cancel);
void pc_ctx_free(proctor_ctx *ctx);

/* The message set by the plugin with set_error during the last op ("" if none). */
const char *pc_ctx_error(const proctor_ctx *ctx);
void pc_ctx_clear_error(proctor_ctx *ctx);

#endif
