/* loop.h — the challenge loop (DESIGN.md section 6): draw label and cache, sample and augment
 * an image, ask miners, score the answers, keep scores/history on disk, write weights. */
#ifndef PC_LOOP_H
#define PC_LOOP_H

#include "config/pipeline.h"
#include <signal.h>
#include <stdint.h>

typedef struct pc_loop pc_loop;

enum { PC_LOOP_CONTINUE = 0, PC_LOOP_DONE = 1 };

/* What one challenge did (for `exam`, the demo scoreboard and tests). */
typedef struct pc_miner_mark {
    int uid;
    double prediction;
    double latency_s;
    double reward;
    double score;
    char reason[64];
} pc_miner_mark;

typedef struct pc_challenge_result {
    uint64_t step;
    int skipped;      /* no image could be served */
    int label;
    char kind[8];     /* served cache: real | t2i | i2i */
    int level;
    size_t count;
    const pc_miner_mark *marks; /* owned by the loop, valid until the next step */
} pc_challenge_result;

pc_loop *pc_loop_open(const pc_pipeline *p, char *err, size_t errlen);
void pc_loop_close(pc_loop *lp);
/* Stop after this many challenges in total (counting restored ones: no). 0 = forever. */
void pc_loop_set_steps(pc_loop *lp, long steps);
/* Run the next challenge when it is due, else wait a little; during the interval the next
 * challenge is drawn and its image prepared, so at the tick it is only sent. The first
 * challenge after open waits, up to one interval, while no cache can serve it (producers still
 * filling empty caches); that wait is no step. PC_LOOP_DONE after `steps`. */
int pc_loop_tick(pc_loop *lp, volatile sig_atomic_t *stop);
/* Run one challenge now; fills *out when given. 0, or -1 when the round could not run. */
int pc_loop_step(pc_loop *lp, pc_challenge_result *out);
/* Optional observer called after every challenge (demo scoreboard). */
void pc_loop_on_result(pc_loop *lp, void (*fn)(void *user, const pc_challenge_result *r), void *user);
/* The score of a uid (0 if unknown). */
double pc_loop_score(const pc_loop *lp, int uid);

#endif
