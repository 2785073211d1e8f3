/* window_mean.h — the shared body of scorers whose reward is the mean of a per-answer value over
 * the valid answers among a miner's last `window` history entries (accuracy, brier).
 *
 * A plugin supplies value(p, label) for a valid p (not -1, not NaN), which must give 0 for p
 * outside [0, 1], and a create op that calls wm_create with it. The current answer earns 0 when
 * it is -1, NaN or outside [0, 1], like the natix scorer. Include from one .c file only. */
#ifndef PROCTOR_SCORER_WINDOW_MEAN_H
#define PROCTOR_SCORER_WINDOW_MEAN_H

#include "proctor.h"

#include <math.h>
#include <stdlib.h>

typedef double (*wm_value_fn)(double p, int label);

typedef struct wm_scorer {
    const proctor_host *host;
    proctor_ctx *ctx;
    int64_t window;
    wm_value_fn value;
} wm_scorer;

static int wm_valid(double p) { return p != -1.0 && !isnan(p); }

static proctor_status wm_create(const proctor_host *host, proctor_ctx *ctx, void **instance,
                                wm_value_fn value)
{
    wm_scorer *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->host = host;
    s->ctx = ctx;
    s->value = value;
    s->window = host->config_int(ctx, "window");
    if (s->window < 1) {
        host->set_error(ctx, "window must be >= 1 (got %lld)", (long long)s->window);
        free(s);
        return PROCTOR_INVALID;
    }
    *instance = s;
    return PROCTOR_OK;
}

static double wm_mean(const wm_scorer *s, const proctor_history *h)
{
    size_t n = h->count, from = n > (size_t)s->window ? n - (size_t)s->window : 0;
    double total = 0, sum = 0;
    for (size_t i = from; i < n; i++) {
        double p = h->entries[i].prediction;
        if (!wm_valid(p)) continue;
        total++;
        sum += s->value(p, h->entries[i].label);
    }
    return total > 0 ? sum / total : 0;
}

static proctor_status wm_score(void *instance, const proctor_challenge *challenge,
                               const proctor_response *responses, const proctor_history *history,
                               size_t count, double *rewards_out)
{
    wm_scorer *s = instance;
    if (count && (!responses || !history || !rewards_out)) {
        s->host->set_error(s->ctx, "score: NULL responses, history or rewards");
        return PROCTOR_INVALID;
    }
    for (size_t i = 0; i < count; i++) {
        double p = responses[i].prediction;
        int bad = !wm_valid(p) || p < 0.0 || p > 1.0 || (history[i].count && !history[i].entries);
        rewards_out[i] = bad ? 0 : wm_mean(s, &history[i]);
    }
    (void)challenge;
    return PROCTOR_OK;
}

static void wm_destroy(void *instance) { free(instance); }

#endif
