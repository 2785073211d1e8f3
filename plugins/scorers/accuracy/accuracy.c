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
#include "../window_mean.h"

#include <math.h>

static const proctor_config_key ac_keys[] = {
    PROCTOR_KEY("window", PROCTOR_CFG_INT, "50", "accuracy over the valid answers among the last N entries"),
    PROCTOR_KEY_END};

/* 1 when the class (p rounded half-to-even: 0.5 -> 0) is the label; an answer outside [0, 1] is wrong */
static double ac_value(double p, int label)
{
    return p >= 0.0 && p <= 1.0 && nearbyint(p) == (double)label ? 1.0 : 0.0;
}

static proctor_status ac_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    return wm_create(host, ctx, instance, ac_value);
}

static const proctor_scorer_ops ac_ops = {sizeof(proctor_scorer_ops), ac_create, wm_score,
                                          wm_destroy};

static const proctor_plugin ac_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SCORER,
    "accuracy",
    "1.0.0",
    "plain accuracy of the valid answers among a miner's last N (default 50)",
    ac_keys,
    &ac_ops};

PROCTOR_PLUGIN(ac_plugin)
