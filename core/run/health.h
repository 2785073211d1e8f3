/* health.h — what a producer worker last did, for `proctor status`: one small JSON file per
 * worker, state_dir/workers/<name>.json, replaced atomically by the worker itself. The
 * supervisor knows only whether a worker process lives; a worker that runs but fails every
 * refresh says so here ("natix: couldn't resolve host name (huggingface.co), retry in 24 s"). */
#ifndef PC_RUN_HEALTH_H
#define PC_RUN_HEALTH_H

#include <stddef.h>

typedef enum pc_health_state {
    PC_HEALTH_OK = 0,       /* the last refresh / generation worked                      */
    PC_HEALTH_RETRYING = 1, /* it failed with a retryable error; next try at retry_at      */
    PC_HEALTH_FAILED = 2    /* it failed for good; the worker exits and is restarted       */
} pc_health_state;

/* Write the worker's health. error may be NULL for OK; retry_in_s < 0 when no retry is due.
 * Failures to write are logged at debug: health is advice, never a reason to stop. */
void pc_health_report(const char *state_dir, const char *name, pc_health_state state,
                      const char *error, double retry_in_s);

/* One line for status: "retrying: <error>, retry in 24 s" / "failed: ..." / "ok"; "" when the
 * worker never reported. `now` is unix seconds. */
void pc_health_describe(const char *state_dir, const char *name, double now, char *out, size_t len);

#endif
