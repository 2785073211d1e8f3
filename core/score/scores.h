/* scores.h — the validator's moving-average scores per uid, and the weights made from them.
 *
 * Upstream rules (natix/base/validator.py), all kept:
 *   - update: score = alpha*reward + (1-alpha)*score for the uids in the challenge; validator
 *     uids (permit and stake > vpermit_tao_limit) decay the same way with reward 0; every other
 *     uid keeps its score. A NaN reward counts as 0.
 *   - metagraph sync: a uid whose hotkey changed gets score 0; new uids start at 0.
 *   - weights: L1-normalised scores. When every score is 0 the weights are all 0 too (upstream
 *     divides by 1 instead of 0); the chain step (process_weights_for_netuid upstream) then
 *     gives all weight to the burn uid 0 — that belongs to whoever submits, not to this file. */
#ifndef PC_SCORE_SCORES_H
#define PC_SCORE_SCORES_H

#include <stddef.h>
#include <stdint.h>

#define PC_SCORES_ALPHA 0.05 /* upstream neuron.moving_average_alpha */

typedef struct pc_scores {
    size_t n;      /* metagraph size (uids 0..n-1)                                   */
    double *score; /* n moving averages                                               */
    char **hotkey; /* n owned strings: the hotkey each score belongs to ("" unknown) */
    double alpha;
} pc_scores;

/* Empty (n = 0) scores with this alpha, which must lie in (0, 1]. */
int pc_scores_init(pc_scores *s, double alpha, char *err, size_t errlen);
void pc_scores_free(pc_scores *s);

/* Bring the scores to the metagraph's hotkeys (n of them; a NULL hotkey counts as ""):
 * replaced hotkeys -> score 0, growth -> new uids at 0. A smaller metagraph (never happens on
 * chain) drops the uids past its end. *replaced (if given) counts the zeroed uids. */
int pc_scores_sync(pc_scores *s, const char *const *hotkeys, size_t n, size_t *replaced,
                   char *err, size_t errlen);

/* Nonzero for a validator uid, which is neither queried nor rewarded (upstream rule). */
int pc_scores_is_validator(int validator_permit, double stake_tao, double vpermit_tao_limit);

/* One challenge's EMA step. rewards[i] belongs to uids[i] (each < n; a repeated uid takes its
 * last reward). validator: n flags (NULL = none); a flagged uid not in uids decays toward 0.
 * Nothing changes when an argument is bad. */
int pc_scores_update(pc_scores *s, const int64_t *uids, const double *rewards, size_t count,
                     const unsigned char *validator, char *err, size_t errlen);

/* weights_out[0..n-1] = score / sum|score|; all zeros when that sum is 0. Returns the sum. */
double pc_scores_weights(const pc_scores *s, double *weights_out);

/* Several scorers' rewards into one: out[j] = sum_i w_i * r_i[j] / sum_i w_i over nscorers
 * reward vectors of length count. Each r_i[j] is first clamped into [0, 1] (NaN -> 0): a
 * plugin's stray value cannot push a score negative or past 1. Weights must be finite, >= 0,
 * with a positive sum. */
int pc_rewards_combine(const double *const *rewards, const double *scorer_weights,
                       size_t nscorers, size_t count, double *out, char *err, size_t errlen);

#endif
