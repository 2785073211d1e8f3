/* brier.c — scorer "brier": rewards calibrated probabilities, not just the right side of 0.5.
 *
 * YAML keys:
 *   window  int  50  mean over the valid answers among the last N history entries
 *
 * reward = mean over the valid entries (prediction not -1 / NaN) among the last `window` of
 *          1 - (p - label)^2  for p in [0, 1],  and 0 for an answer outside [0, 1];
 * that is 1 - Brier score, so 1 is perfect, 0.75 is what "always 0.5" earns, 0 is confidently
 * wrong. The current answer earns 0 when it is -1 or outside [0, 1], like the natix scorer. */
#include "../window_mean.h"

static const proctor_config_key br_keys[] = {
    PROCTOR_KEY("window", PROCTOR_CFG_INT, "50", "mean over the valid answers among the last N entries"),
    PROCTOR_KEY_END};

/* 1 - (p - label)^2 for p in [0, 1]; 0 outside */
static double br_value(double p, int label)
{
    if (p < 0.0 || p > 1.0) return 0.0;
    double d = p - (double)label;
    return 1.0 - d * d;
}

static proctor_status br_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    return wm_create(host, ctx, instance, br_value);
}

static const proctor_scorer_ops br_ops = {sizeof(proctor_scorer_ops), br_create, wm_score,
                                          wm_destroy};

static const proctor_plugin br_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SCORER,
    "brier",
    "1.0.0",
    "1 - mean squared error of the probability over a miner's last N answers (calibration)",
    br_keys,
    &br_ops};

PROCTOR_PLUGIN(br_plugin)
