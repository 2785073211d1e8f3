/* config.h — the pipeline's core sections as typed values. Built once, when the pipeline loads,
 * by the one validation pass that `check` and `run` share: every rule on the core's values
 * (bounds, cross-field rules, the metagraph file and inline neurons, the scorers, the wallet
 * path) lives in config.c, and the loop reads these fields, never keys by string. */
#ifndef PC_CONFIG_H
#define PC_CONFIG_H

#include "image/augment.h"
#include "net/metagraph.h"
#include "proctor.h"
#include <stddef.h>
#include <stdint.h>

struct pc_pipeline;

/* The challenge section. */
typedef struct pc_challenge_config {
    double interval;   /* seconds */
    long steps;        /* 0 = forever */
    double roadwork_prob, fake_prob, i2i_prob;
    int on_empty_skip; /* 1: skip (upstream); 0: fallback */
    int jpeg_quality;
    double alpha;
    size_t history_size;
    long epoch;
    uint64_t seed;     /* 0 = random each run */
    char *state_dir;   /* ~ expanded */
} pc_challenge_config;

typedef struct pc_config {
    struct {
        char *root;        /* ~ expanded */
        int64_t budget[4]; /* by proctor_cache_kind; 0 = none */
    } cache;
    pc_challenge_config challenge;
    pc_augment_opts augment;
    struct {
        size_t sample_size;
        double timeout;
        double vpermit_tao_limit;
        size_t max_response;
        const char *validator_hotkey; /* "" when not set */
    } miners;
    pc_metagraph metagraph; /* miners.metagraph file + miners.neurons, checked */
    struct {
        char *path;         /* the hotkey file to load; NULL: no wallet configured */
        int allow_insecure;
    } wallet;
    proctor_log_level log_level;
} pc_config;

/* Fill p->cfg from p's validated sections. 0, or -1 with "file:line:col: problem" in err. */
int pc_config_build(struct pc_pipeline *p, char *err, size_t errlen);
/* The rules only the challenge loop needs (at least one enabled scorer, weights adding up to
 * more than 0): `check` and `run` apply them, `worker` and `status` do not. */
int pc_config_check_loop(const struct pc_pipeline *p, char *err, size_t errlen);
void pc_config_free(pc_config *c);

#endif
