/* brier.c — scorer "brier": rewards calibrated probabilities, not just the right side of 0.5.
 *
 * YAML keys:
 *   window  int  50  mean over the valid answers among the last N history entries
 *
 * reward = mean over the valid entries (prediction not -1 / NaN) among the last `window` of
 *          1 - (p - label)^2  for p in [0, 1],  and 0 for an answer outside [0, 1];
 * that is 1 - Brier score, so 1 is perfect, 0.75 is what "always 0.5" earns, 0 is confidently
 * wrong. The current answer earns 0 when it is -1 or outside [0, 1], like the natix scorer. */
#include "proctor.h"

#include <math.h>
#include <stdlib.h>

typedef struct br_scorer {
    const proctor_host *host;
    proctor_ctx *ctx;
    int64_t window;
} br_scorer;

static const proctor_config_key br_keys[] = {
    {"window", PROCTOR_CFG_INT, "50", "mean over the valid answers among the last N entries"},
    {NULL, 0, NULL, NULL}};

static int br_valid(double p) { return p != -1.0 && !isnan(p); }

static proctor_status br_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    br_scorer *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->host = host;
    s->ctx = ctx;
    s->window = host->config_int(ctx, "window");
    if (s->window < 1) {
        host->set_error(ctx, "window must be >= 1 (got %lld)", (long long)s->window);
        free(s);
        return PROCTOR_INVALID;
    }
    *instance = s;
    return PROCTOR_OK;
}

static double br_skill(const proctor_history *h, int64_t window)
{
    size_t n = h->count, from = n > (size_t)window ? n - (size_t)window : 0;
    double total = 0, sum = 0;
    for (size_t i = from; i < n; i++) {
        double p = h->entries[i].prediction;
        if (!br_valid(p)) continue;
        total++;
        if (p >= 0.0 && p <= 1.0) {
            double d = p - (double)h->entries[i].label;
            sum += 1.0 - d * d;
        }
    }
    return total > 0 ? sum / total : 0;
}

static proctor_status br_score(void *instance, const proctor_challenge *challenge,
                               const proctor_response *responses, const proctor_history *history,
                               size_t count, double *rewards_out)
{
    br_scorer *s = instance;
    if (count && (!responses || !history || !rewards_out)) {
        s->host->set_error(s->ctx, "score: NULL responses, history or rewards");
        return PROCTOR_INVALID;
    }
    for (size_t i = 0; i < count; i++) {
        double p = responses[i].prediction;
        int bad = !br_valid(p) || p < 0.0 || p > 1.0 || (history[i].count && !history[i].entries);
        rewards_out[i] = bad ? 0 : br_skill(&history[i], s->window);
    }
    (void)challenge;
    return PROCTOR_OK;
}

static void br_destroy(void *instance) { free(instance); }

static const proctor_scorer_ops br_ops = {sizeof(proctor_scorer_ops), br_create, br_score,
                                          br_destroy};

static const proctor_plugin br_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SCORER,
    "brier",
    "1.0.0",
    "1 - mean squared error of the probability over a miner's last N answers (calibration)",
    br_keys,
    &br_ops};

PROCTOR_PLUGIN(br_plugin)
