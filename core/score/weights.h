/* weights.h — the weights file written every epoch (what the validator would set on chain):
 *   {"step":S,"time":T,"n":N,"uids":[0,1,..],"hotkeys":[..],"weights":[..]}
 * written atomically (score/file.h); the sum of weights is 1, or 0 when every score is 0. */
#ifndef PC_SCORE_WEIGHTS_H
#define PC_SCORE_WEIGHTS_H

#include "score/scores.h"

#include <stddef.h>
#include <stdint.h>

/* Write the L1-normalised weights of `scores` (pc_scores_weights) for uids 0..n-1.
 * time: unix seconds of the write. Returns 0, or -1 with err filled. */
int pc_weights_write(const char *path, const pc_scores *scores, uint64_t step, double time,
                     char *err, size_t errlen);

#endif
