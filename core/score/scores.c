/* scores.c — EMA scores, metagraph sync, weights, reward combination (see scores.h). */
#include "score/scores.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pc_scores_init(pc_scores *s, double alpha, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (!(alpha > 0 && alpha <= 1)) {
        snprintf(err, errlen, "scores: alpha %g is not in (0, 1]", alpha);
        return -1;
    }
    s->alpha = alpha;
    return 0;
}

void pc_scores_free(pc_scores *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->hotkey[i]);
    free(s->hotkey);
    free(s->score);
    memset(s, 0, sizeof *s);
}

int pc_scores_sync(pc_scores *s, const char *const *hotkeys, size_t n, size_t *replaced,
                   char *err, size_t errlen)
{
    size_t zeroed = 0;
    if (replaced) *replaced = 0;
    if (n && !hotkeys) {
        snprintf(err, errlen, "scores: sync with %zu uids but no hotkeys", n);
        return -1;
    }
    /* build the new arrays first so that a failed allocation leaves s as it was */
    double *score = calloc(n ? n : 1, sizeof *score);
    char **hk = calloc(n ? n : 1, sizeof *hk);
    if (!score || !hk) goto oom;
    for (size_t u = 0; u < n; u++) {
        const char *now = hotkeys[u] ? hotkeys[u] : "";
        if (!(hk[u] = strdup(now))) goto oom;
        if (u < s->n) {
            if (strcmp(s->hotkey[u], now) == 0) score[u] = s->score[u];
            else zeroed++; /* hotkey replaced: the score was earned by someone else */
        }
    }
    for (size_t u = 0; u < s->n; u++) free(s->hotkey[u]);
    free(s->hotkey);
    free(s->score);
    s->score = score;
    s->hotkey = hk;
    s->n = n;
    if (replaced) *replaced = zeroed;
    return 0;
oom:
    if (hk)
        for (size_t u = 0; u < n; u++) free(hk[u]);
    free(hk);
    free(score);
    snprintf(err, errlen, "scores: out of memory for %zu uids", n);
    return -1;
}

int pc_scores_is_validator(int validator_permit, double stake_tao, double vpermit_tao_limit)
{
    return validator_permit && stake_tao > vpermit_tao_limit;
}

int pc_scores_update(pc_scores *s, const int64_t *uids, const double *rewards, size_t count,
                     const unsigned char *validator, char *err, size_t errlen)
{
    if (count && (!uids || !rewards)) {
        snprintf(err, errlen, "scores: update with NULL uids or rewards");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (uids[i] < 0 || (uint64_t)uids[i] >= s->n) {
            snprintf(err, errlen, "scores: uid %lld is not in the metagraph (n = %zu)",
                     (long long)uids[i], s->n);
            return -1;
        }
    }
    /* upstream scatters: validators get reward 0, then the challenged uids their reward */
    double *target = malloc((s->n ? s->n : 1) * sizeof *target);
    unsigned char *hit = calloc(s->n ? s->n : 1, 1);
    if (!target || !hit) {
        free(target);
        free(hit);
        snprintf(err, errlen, "scores: out of memory");
        return -1;
    }
    for (size_t u = 0; u < s->n; u++)
        if (validator && validator[u]) {
            target[u] = 0;
            hit[u] = 1;
        }
    for (size_t i = 0; i < count; i++) {
        double r = rewards[i];
        target[uids[i]] = isnan(r) ? 0 : r;
        hit[uids[i]] = 1;
    }
    for (size_t u = 0; u < s->n; u++)
        if (hit[u]) s->score[u] = s->alpha * target[u] + (1 - s->alpha) * s->score[u];
    free(target);
    free(hit);
    return 0;
}

double pc_scores_weights(const pc_scores *s, double *weights_out)
{
    double norm = 0;
    for (size_t u = 0; u < s->n; u++) norm += fabs(s->score[u]);
    for (size_t u = 0; u < s->n; u++)
        weights_out[u] = norm > 0 && isfinite(norm) ? s->score[u] / norm : 0;
    return norm;
}

int pc_rewards_combine(const double *const *rewards, const double *scorer_weights,
                       size_t nscorers, size_t count, double *out, char *err, size_t errlen)
{
    double wsum = 0;
    if (nscorers == 0 || !rewards || !scorer_weights || (count && !out)) {
        snprintf(err, errlen, "scores: combine needs at least one scorer");
        return -1;
    }
    for (size_t i = 0; i < nscorers; i++) {
        double w = scorer_weights[i];
        if (!(w >= 0) || !isfinite(w) || (count && !rewards[i])) {
            snprintf(err, errlen, "scores: scorer %zu has weight %g (need a finite value >= 0)",
                     i, w);
            return -1;
        }
        wsum += w;
    }
    if (!(wsum > 0)) {
        snprintf(err, errlen, "scores: scorer weights sum to 0");
        return -1;
    }
    for (size_t j = 0; j < count; j++) {
        double acc = 0;
        for (size_t i = 0; i < nscorers; i++) {
            double r = rewards[i][j];
            r = isnan(r) || r < 0 ? 0 : r > 1 ? 1 : r;
            acc += scorer_weights[i] * r;
        }
        out[j] = acc / wsum;
    }
    return 0;
}
