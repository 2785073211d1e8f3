/* producer.h — the loops of producer workers (DESIGN.md section 3): a source instance refreshed
 * every `interval`, a generator instance making `batch` images per round into Synthetic/. */
#ifndef PC_PRODUCER_H
#define PC_PRODUCER_H

#include "plugin/instance.h"
#include <signal.h>

/* Runs until *stop is set. Returns a process exit code: 0 stopped cleanly, 1 runtime failure,
 * 2 configuration error (the supervisor backs off either way). */
int pc_producer_run(const pc_pipeline *p, const char *instance_name, volatile sig_atomic_t *stop);

/* One generator round-trip: pick label, task, prompt and init image from the real cache, call
 * the plugin, write the result with its metadata. Used by the worker and `proctor generate`. */
proctor_status pc_generate_one(pc_live *gen, pc_cache *cache, pc_rng *rng, const char *task_name,
                               char *err, size_t errlen);

/* Interruptible sleep: returns early when *stop becomes set. */
void pc_sleep_until_stop(double seconds, volatile sig_atomic_t *stop);

#endif
