/* natix.c — scorer "natix": the NATIX StreetVision validator's reward, exactly as upstream.
 *
 * YAML keys:
 *   mcc_window       int     100  MCC over the valid answers among the last N history entries
 *   accuracy_window  int     10   accuracy over the valid answers among the last N entries
 *   exponent         double  3    reward curve: reward = (0.5*MCC + 0.5*accuracy) ^ exponent
 *
 * For each miner (history already holds this answer as its last entry):
 *   answer -1           -> 0
 *   otherwise           -> ((0.5 * MCC + 0.5 * accuracy) * penalty) ^ exponent,
 *                          penalty = 0 when the answer lies outside [0, 1] (or is NaN: then the
 *                          window's metrics are empty, below), else 1.
 * A history entry is valid unless its prediction is exactly -1. Its predicted class is the
 * prediction rounded half-to-even (numpy's round: 0.5 -> 0, 1.5 -> 2, -0.7 -> -1). Upstream
 * computes the metrics with scikit-learn inside one try/except that returns EMPTY metrics
 * (accuracy 0, MCC 0) on any exception, and its precision_score (average='binary',
 * pos_label=1) raises when the window's labels and classes together take a value outside
 * {0, 1} — exactly: when they take three or more distinct values, or two without 1 — and
 * every metric raises on a NaN or infinite prediction. So an answer like 1.5, 2.5, 3, -0.7 or
 * -1.5 (or NaN, inf) zeroes the miner's accuracy while it is among its last 10 entries and its
 * MCC while among its last 100 — it does not count as one wrong answer of an extra class.
 * (The one exception follows sklearn too: labels all 1 and classes {1, c} keep their accuracy.)
 * Otherwise MCC is sklearn's, 0 unless both the labels and the predicted classes take at least
 * two values, and 0 when negative. A window without valid entries gives MCC 0 and accuracy 0
 * (upstream's empty metrics). */
#include "proctor.h"

#include <math.h>
#include <stdlib.h>

typedef struct nx_scorer {
    const proctor_host *host;
    proctor_ctx *ctx;
    int64_t mcc_window;
    int64_t accuracy_window;
    double exponent;
} nx_scorer;

static const proctor_config_key nx_keys[] = {
    PROCTOR_KEY("mcc_window", PROCTOR_CFG_INT, "100", "MCC over the valid answers among the last N entries"),
    PROCTOR_KEY("accuracy_window", PROCTOR_CFG_INT, "10", "accuracy over the valid answers among the last N"),
    PROCTOR_KEY("exponent", PROCTOR_CFG_DOUBLE, "3", "reward = (0.5*MCC + 0.5*accuracy) ^ exponent"),
    PROCTOR_KEY_END};

/* upstream drops exactly -1 (p != -1); NaN stays and empties the metrics (see above) */
static int nx_valid(double p) { return p != -1.0; }

/* nearbyint under the default rounding mode is round-half-to-even, like numpy.round. */
static double nx_class(double p) { return nearbyint(p); }

typedef struct nx_metrics {
    double accuracy;
    double mcc;
} nx_metrics;

/* Metrics over the valid entries among the last `window` entries of h. */
static nx_metrics nx_window_metrics(const proctor_history *h, int64_t window)
{
    nx_metrics m = {0, 0};
    size_t n = h->count, from = n > (size_t)window ? n - (size_t)window : 0;
    const proctor_history_entry *e = h->entries;

    /* counts: labels t0,t1 (labels are 0|1), predicted classes p0,p1; the values that labels
     * and classes take together (sklearn's unique_labels): 0, 1, and up to two others */
    double total = 0, correct = 0, t0 = 0, t1 = 0, p0 = 0, p1 = 0;
    double first_class = 0, other[2];
    int pred_values_differ = 0, has0 = 0, has1 = 0, others = 0;
    for (size_t i = from; i < n; i++) {
        if (!nx_valid(e[i].prediction)) continue;
        if (!isfinite(e[i].prediction)) return m; /* sklearn: "Input contains NaN/infinity" */
        double c = nx_class(e[i].prediction);
        if (total == 0) first_class = c;
        else if (c != first_class) pred_values_differ = 1;
        total++;
        if (c == (double)e[i].label) correct++;
        if (e[i].label == 0) t0++, has0 = 1;
        else t1++, has1 = 1;
        if (c == 0) p0++, has0 = 1;
        else if (c == 1) p1++, has1 = 1;
        else if (others == 0 || (others == 1 && c != other[0])) other[others++] = c;
    }
    if (total == 0) return m;
    /* precision_score(average='binary', pos_label=1) raises -> upstream's empty metrics */
    int distinct = has0 + has1 + others;
    if (distinct >= 3 || (distinct == 2 && !has1)) return m;
    m.accuracy = correct / total;
    if (t0 > 0 && t1 > 0 && pred_values_differ) {
        /* here the classes are {0, 1} (a third value would have raised above); sklearn's
         * matthews_corrcoef from the confusion matrix: cov(y,p) = trace*n - sum_k t_k p_k,
         * cov(p,p) = n^2 - sum_k p_k^2, cov(y,y) = n^2 - sum_k t_k^2; 0 when a variance is 0. */
        double cov_yp = correct * total - (t0 * p0 + t1 * p1);
        double cov_pp = total * total - (p0 * p0 + p1 * p1);
        double cov_yy = total * total - (t0 * t0 + t1 * t1);
        if (cov_pp * cov_yy != 0) {
            double mcc = cov_yp / sqrt(cov_yy * cov_pp);
            m.mcc = mcc > 0 ? mcc : 0;
        }
    }
    return m;
}

static proctor_status nx_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    nx_scorer *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->host = host;
    s->ctx = ctx;
    s->mcc_window = host->config_int(ctx, "mcc_window");
    s->accuracy_window = host->config_int(ctx, "accuracy_window");
    s->exponent = host->config_double(ctx, "exponent");
    if (s->mcc_window < 1 || s->accuracy_window < 1) {
        host->set_error(ctx, "mcc_window and accuracy_window must be >= 1 (got %lld and %lld)",
                        (long long)s->mcc_window, (long long)s->accuracy_window);
        free(s);
        return PROCTOR_INVALID;
    }
    if (!(s->exponent > 0) || !isfinite(s->exponent)) {
        host->set_error(ctx, "exponent must be a positive number (got %g)", s->exponent);
        free(s);
        return PROCTOR_INVALID;
    }
    *instance = s;
    return PROCTOR_OK;
}

static proctor_status nx_score(void *instance, const proctor_challenge *challenge,
                               const proctor_response *responses, const proctor_history *history,
                               size_t count, double *rewards_out)
{
    nx_scorer *s = instance;
    if (count && (!responses || !history || !rewards_out)) {
        s->host->set_error(s->ctx, "score: NULL responses, history or rewards");
        return PROCTOR_INVALID;
    }
    for (size_t i = 0; i < count; i++) {
        double p = responses[i].prediction;
        if (!nx_valid(p) || (history[i].count && !history[i].entries)) {
            rewards_out[i] = 0;
            continue;
        }
        nx_metrics m100 = nx_window_metrics(&history[i], s->mcc_window);
        nx_metrics m10 = nx_window_metrics(&history[i], s->accuracy_window);
        double r = 0.5 * m100.mcc + 0.5 * m10.accuracy;
        if (p < 0.0 || p > 1.0) r = 0; /* NaN: its window's metrics were empty, r is 0 */
        rewards_out[i] = pow(r, s->exponent);
    }
    (void)challenge;
    return PROCTOR_OK;
}

static void nx_destroy(void *instance) { free(instance); }

static const proctor_scorer_ops nx_ops = {sizeof(proctor_scorer_ops), nx_create, nx_score,
                                          nx_destroy};

static const proctor_plugin nx_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SCORER,
    "natix",
    "1.0.0",
    "NATIX StreetVision reward: (0.5*MCC(last 100) + 0.5*accuracy(last 10))^3, upstream-exact",
    nx_keys,
    &nx_ops};

PROCTOR_PLUGIN(nx_plugin)
