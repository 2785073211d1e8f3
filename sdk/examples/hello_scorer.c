/* hello_scorer.c — a complete proctor scorer plugin; copy it to start your own.
 *
 * Build out of tree with nothing but the sdk/ directory:
 *   cc -shared -fPIC -Wall -Wextra -I path/to/sdk hello_scorer.c -o hello_scorer.so
 * and blend it with the NATIX reward in pipeline.yaml:
 *   scorers:
 *     - {plugin: natix, weight: 0.8}
 *     - {plugin: ./hello_scorer.so, weight: 0.2, fast_s: 1.5}
 *
 * YAML keys: fast_s (seconds, default 2): an answer this fast or faster earns the full speed
 * bonus. The reward is 1 for a right answer (prediction rounded to the label), scaled down
 * linearly to 0.5 for an answer that took the whole timeout; 0 for a wrong or missing one.
 * Scorers are stateless: the core keeps each miner's history and passes it in (history[i] ends
 * with this challenge's answer). */
#include "proctor.h"

#include <math.h>
#include <stdlib.h>

typedef struct speedy {
    double fast_s;
} speedy;

static const proctor_config_key keys[] = {
    PROCTOR_KEY_RANGE("fast_s", PROCTOR_CFG_DURATION, "2s", "answers this fast get the full reward", "0s", "60s"),
    PROCTOR_KEY_END,
};

static proctor_status speedy_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    speedy *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->fast_s = host->config_double(ctx, "fast_s");
    *instance = s;
    return PROCTOR_OK;
}

static proctor_status speedy_score(void *instance, const proctor_challenge *challenge,
                                   const proctor_response *responses, const proctor_history *history,
                                   size_t count, double *rewards_out)
{
    const speedy *s = instance;
    (void)history;
    for (size_t i = 0; i < count; i++) {
        double p = responses[i].prediction, t = responses[i].latency_s;
        int right = p >= 0 && p <= 1 && (p > 0.5) == (challenge->label == 1);
        double slow = t <= s->fast_s ? 0 : fmin(1.0, (t - s->fast_s) / 9.0); /* 9 s: the default timeout */
        rewards_out[i] = right ? 1.0 - 0.5 * slow : 0.0;
    }
    return PROCTOR_OK;
}

static void speedy_destroy(void *instance) { free(instance); }

static const proctor_scorer_ops ops = {sizeof ops, speedy_create, speedy_score, speedy_destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SCORER, "hello_scorer", "1.0.0",
    "right answers, with a bonus for speed (SDK example)", keys, &ops,
};

PROCTOR_PLUGIN(descriptor)
