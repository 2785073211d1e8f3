/* accuracy.c — scorer "accuracy": plain accuracy of a miner's recent answers.
 *
 * YAML keys:
 *   window  int  50  accuracy over the valid answers among the last N history entries
 *
 * reward = (correct valid answers) / (valid answers) among the last `window` entries, where an
 * entry is valid unless its prediction is -1 (or NaN) and its class is the prediction rounded
 * half-to-even (0.5 -> 0, so inside [0, 1] this is "p > 0.5"); an answer outside [0, 1] counts as
 * wrong. The current answer earns 0 when it is -1 or outside [0, 1], like the natix scorer.
 * Unlike natix there is no MCC term: a miner answering one class always gets that class's share. */
#include "proctor.h"

#include <math.h>
#include <stdlib.h>

typedef struct ac_scorer {
    const proctor_host *host;
    proctor_ctx *ctx;
    int64_t window;
} ac_scorer;

static const proctor_config_key ac_keys[] = {
    {"window", PROCTOR_CFG_INT, "50", "accuracy over the valid answers among the last N entries"},
    {NULL, 0, NULL, NULL}};

static int ac_valid(double p) { return p != -1.0 && !isnan(p); }

static proctor_status ac_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    ac_scorer *s = calloc(1, sizeof *s);
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

static double ac_accuracy(const proctor_history *h, int64_t window)
{
    size_t n = h->count, from = n > (size_t)window ? n - (size_t)window : 0;
    double total = 0, correct = 0;
    for (size_t i = from; i < n; i++) {
        double p = h->entries[i].prediction;
        if (!ac_valid(p)) continue;
        total++;
        if (p >= 0.0 && p <= 1.0 && nearbyint(p) == (double)h->entries[i].label) correct++;
    }
    return total > 0 ? correct / total : 0;
}

static proctor_status ac_score(void *instance, const proctor_challenge *challenge,
                               const proctor_response *responses, const proctor_history *history,
                               size_t count, double *rewards_out)
{
    ac_scorer *s = instance;
    if (count && (!responses || !history || !rewards_out)) {
        s->host->set_error(s->ctx, "score: NULL responses, history or rewards");
        return PROCTOR_INVALID;
    }
    for (size_t i = 0; i < count; i++) {
        double p = responses[i].prediction;
        int bad = !ac_valid(p) || p < 0.0 || p > 1.0 || (history[i].count && !history[i].entries);
        rewards_out[i] = bad ? 0 : ac_accuracy(&history[i], s->window);
    }
    (void)challenge;
    return PROCTOR_OK;
}

static void ac_destroy(void *instance) { free(instance); }

static const proctor_scorer_ops ac_ops = {sizeof(proctor_scorer_ops), ac_create, ac_score,
                                          ac_destroy};

static const proctor_plugin ac_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SCORER,
    "accuracy",
    "1.0.0",
    "plain accuracy of the valid answers among a miner's last N (default 50)",
    ac_keys,
    &ac_ops};

PROCTOR_PLUGIN(ac_plugin)
