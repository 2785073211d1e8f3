/* loop.c — see loop.h. One challenge, one static function per step:
 *   draw:    seed -> label, real/synthetic, t2i/i2i
 *   prepare: item from that cache (or a fallback cache) -> decode + augment + JPEG + base64
 *            (done during the interval before the tick when there is one)
 *   ask:     miners from the deck, all queried at once
 *   score:   history append -> scorers -> combined reward -> EMA scores
 *   record:  state saved atomically -> one audit line -> weights every epoch.
 * Every random draw comes from the challenge seed, which the audit log records. */
#include "run/loop.h"
#include "run/audit_json.h"
#include "base/clock.h"
#include "cache/cache.h"
#include "crypto/sr25519.h"
#include "crypto/wallet.h"
#include "base/fsutil.h"
#include "plugin/host.h"
#include "image/augment.h"
#include "image/image.h"
#include "image/synapse.h"
#include "plugin/instance.h"
#include "base/log.h"
#include "config/miners.h"
#include "net/deck.h"
#include "net/dendrite.h"
#include "net/metagraph.h"
#include "run/producer.h"
#include "score/history.h"
#include "score/scores.h"
#include "score/state.h"
#include "score/weights.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct challenge;

struct pc_loop {
    const pc_pipeline *p;
    pc_cache *cache;
    pc_metagraph mg;
    pc_deck deck;
    int deck_ready;
    pc_dendrite *dendrite;
    pc_wallet wallet;
    int have_wallet;
    pc_live *scorers;
    double *scorer_weights;
    size_t scorer_count;
    pc_scores scores;
    unsigned char *validator; /* scores.n flags: validator uids decay toward 0 (upstream rule) */
    pc_history *history;
    uint64_t step;
    long max_steps, done_steps;
    pc_rng master;
    pc_augment_opts aug;
    int jpeg_quality;
    double interval, next_due;
    char *state_path, *audit_path, *weights_path;
    int audit_fd;
    pc_miner_mark *marks;
    size_t marks_cap;
    void (*observer)(void *, const pc_challenge_result *);
    void *observer_user;
    struct challenge *next; /* drawn and prepared during the interval; NULL when none */
    double first_deadline;  /* the first challenge waits for an image until then (0: unset) */
};

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s", dir, name);
    return s;
}

static int wallet_sign(void *user, const char *message, char sig_out[131])
{
    const pc_wallet *w = user;
    uint8_t sig[PC_SR25519_SIGNATURE_BYTES];
    if (pc_sr25519_sign(&w->kp, message, strlen(message), sig) != 0) return -1;
    sig_out[0] = '0';
    sig_out[1] = 'x';
    sodium_bin2hex(sig_out + 2, 129, sig, sizeof sig);
    return 0;
}

/* The wallet: none configured = unsigned requests (local miners accept them). */
static int open_wallet(pc_loop *lp, char *err, size_t errlen)
{
    const char *file = lp->p->cfg.wallet.path;
    if (!file) return 0;
    if (pc_sr25519_init() != 0) return snprintf(err, errlen, "libsodium failed to initialise"), -1;
    if (pc_wallet_load(file, lp->p->cfg.wallet.allow_insecure, &lp->wallet, err, errlen) != 0) return -1;
    lp->have_wallet = 1;
    pc_info("wallet: signing as hotkey %s", lp->wallet.ss58);
    return 0;
}

static int open_scorers(pc_loop *lp, char *err, size_t errlen)
{
    const pc_pipeline *p = lp->p;
    lp->scorers = calloc(p->instance_count + 1, sizeof *lp->scorers);
    lp->scorer_weights = calloc(p->instance_count + 1, sizeof *lp->scorer_weights);
    if (!lp->scorers || !lp->scorer_weights) return snprintf(err, errlen, "out of memory"), -1;
    for (size_t i = 0; i < p->instance_count; i++) {
        const pc_instance *in = &p->instances[i];
        if (in->kind != PROCTOR_KIND_SCORER || !pc_settings_bool(&in->core, "enabled")) continue; /* once, at open */
        double w = pc_settings_double(&in->core, "weight"); /* >= 0, checked by config */
        if (pc_live_create(&lp->scorers[lp->scorer_count], in, lp->cache, NULL, err, errlen) != PROCTOR_OK)
            return -1;
        lp->scorer_weights[lp->scorer_count++] = w;
    }
    return 0;
}

static int rebuild_deck(pc_loop *lp)
{
    if (lp->deck_ready) pc_deck_free(&lp->deck);
    lp->deck_ready = 0;
    int *uids = malloc((lp->mg.count + 1) * sizeof *uids);
    if (!uids) return -1;
    size_t n = pc_metagraph_eligible_uids(&lp->mg, lp->p->cfg.miners.vpermit_tao_limit, uids);
    int rc = pc_deck_init(&lp->deck, uids, n, pc_rng_callback, &lp->master);
    free(uids);
    if (rc == 0) lp->deck_ready = 1;
    return rc;
}

/* Bring scores to the metagraph's hotkeys (growth, replaced hotkeys) and derive the validator
 * flags. The metagraph is loaded once at open, so this runs there, not per challenge. */
static int sync_scores(pc_loop *lp, char *err, size_t errlen)
{
    int max_uid = -1;
    for (size_t i = 0; i < lp->mg.count; i++)
        if (lp->mg.neurons[i].uid > max_uid) max_uid = lp->mg.neurons[i].uid;
    size_t n = (size_t)(max_uid + 1);
    const char **hk = calloc(n + 1, sizeof *hk);
    if (!hk) return snprintf(err, errlen, "out of memory"), -1;
    for (size_t i = 0; i < lp->mg.count; i++) hk[lp->mg.neurons[i].uid] = lp->mg.neurons[i].hotkey;
    size_t replaced = 0;
    int rc = pc_scores_sync(&lp->scores, hk, n, &replaced, err, errlen);
    free(hk);
    if (rc != 0) return rc;
    if (replaced) pc_info("%zu uid(s) changed hotkey: their scores start again from 0", replaced);
    free(lp->validator);
    if (!(lp->validator = calloc(lp->scores.n + 1, 1))) return snprintf(err, errlen, "out of memory"), -1;
    double limit = lp->p->cfg.miners.vpermit_tao_limit;
    for (size_t i = 0; i < lp->mg.count; i++) {
        const pc_neuron *nn = &lp->mg.neurons[i];
        if ((size_t)nn->uid < lp->scores.n)
            lp->validator[nn->uid] = (unsigned char)pc_scores_is_validator(nn->validator_permit, nn->stake, limit);
    }
    return 0;
}

pc_loop *pc_loop_open(const pc_pipeline *p, char *err, size_t errlen)
{
    pc_loop *lp = calloc(1, sizeof *lp);
    if (!lp) return snprintf(err, errlen, "out of memory"), NULL;
    lp->p = p;
    lp->audit_fd = -1;
    char *state_dir = pc_pipeline_state_dir(p);
    if (!state_dir) goto oom;
    if (!(lp->cache = pc_pipeline_open_cache(p, err, errlen))) goto fail;
    if (pc_mkdirs(state_dir) != 0) {
        snprintf(err, errlen, "%s: cannot create the state directory: %s", state_dir, strerror(errno));
        goto fail;
    }
    lp->state_path = join(state_dir, "state.json");
    lp->audit_path = join(state_dir, "audit.jsonl");
    lp->weights_path = join(state_dir, "weights.json");
    if (!lp->state_path || !lp->audit_path || !lp->weights_path) goto oom;
    const pc_config *cfg = &p->cfg;
    if (pc_config_check_loop(p, err, errlen) != 0) goto fail;
    pc_rng_seed(&lp->master, cfg->challenge.seed ? cfg->challenge.seed : pc_random_seed());
    lp->jpeg_quality = cfg->challenge.jpeg_quality;
    lp->interval = cfg->challenge.interval;
    lp->max_steps = cfg->challenge.steps;
    lp->aug = cfg->augment;
    if (pc_metagraph_copy(&lp->mg, &cfg->metagraph) != 0) goto oom;
    if (!lp->mg.count) pc_warn("the metagraph is empty: challenges will have no miners to ask");
    if (rebuild_deck(lp) != 0) goto oom;
    if (open_wallet(lp, err, errlen) != 0) goto fail;
    const char *vh = cfg->miners.validator_hotkey;
    pc_dendrite_config dc = {
        .hotkey = lp->have_wallet ? lp->wallet.ss58 : (vh[0] ? vh : NULL),
        .timeout_s = cfg->miners.timeout,
        .max_response = cfg->miners.max_response,
        .sign = lp->have_wallet ? wallet_sign : NULL,
        .sign_user = lp->have_wallet ? &lp->wallet : NULL,
    };
    if (!(lp->dendrite = pc_dendrite_new(&dc, err, errlen))) goto fail;
    if (open_scorers(lp, err, errlen) != 0) goto fail;
    if (pc_scores_init(&lp->scores, cfg->challenge.alpha, err, errlen) != 0) goto fail;
    /* the loader replaces this history with the saved one (keeping its capacity) */
    if (!(lp->history = pc_history_new(cfg->challenge.history_size))) goto oom;
    int from_prev = 0;
    int loaded = pc_state_load(lp->state_path, &lp->step, &lp->scores, &lp->history, &from_prev, err, errlen);
    if (loaded < 0) goto fail;
    if (loaded == 0)
        pc_info("state restored from %s: step %llu%s", from_prev ? "the previous copy" : lp->state_path,
                (unsigned long long)lp->step, from_prev ? " (the newest file was unusable)" : "");
    if (from_prev) pc_warn("%s", err);
    if (sync_scores(lp, err, errlen) != 0) goto fail;
    lp->audit_fd = open(lp->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (lp->audit_fd < 0) {
        snprintf(err, errlen, "%s: %s", lp->audit_path, strerror(errno));
        goto fail;
    }
    free(state_dir);
    return lp;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    free(state_dir);
    pc_loop_close(lp);
    return NULL;
}

static void challenge_drop(struct challenge **c);

void pc_loop_close(pc_loop *lp)
{
    if (!lp) return;
    challenge_drop(&lp->next);
    for (size_t i = 0; i < lp->scorer_count; i++) pc_live_destroy(&lp->scorers[i]);
    free(lp->scorers);
    free(lp->scorer_weights);
    if (lp->dendrite) pc_dendrite_free(lp->dendrite);
    if (lp->have_wallet) pc_wallet_wipe(&lp->wallet);
    if (lp->deck_ready) pc_deck_free(&lp->deck);
    pc_metagraph_free(&lp->mg);
    pc_scores_free(&lp->scores);
    free(lp->validator);
    if (lp->history) pc_history_free(lp->history);
    if (lp->cache) pc_cache_close(lp->cache);
    if (lp->audit_fd >= 0) close(lp->audit_fd);
    free(lp->state_path);
    free(lp->audit_path);
    free(lp->weights_path);
    free(lp->marks);
    free(lp);
}

void pc_loop_set_steps(pc_loop *lp, long steps) { lp->max_steps = steps; }

void pc_loop_on_result(pc_loop *lp, void (*fn)(void *, const pc_challenge_result *), void *user)
{
    lp->observer = fn;
    lp->observer_user = user;
}

double pc_loop_score(const pc_loop *lp, int uid)
{
    return uid >= 0 && (size_t)uid < lp->scores.n ? lp->scores.score[uid] : 0;
}

/* ---- one challenge: draw -> prepare -> ask -> score -> record ------------------------------ */

/* One challenge as it moves through the steps. Each step fills its own part; challenge_free
 * releases whatever was filled. */
typedef struct challenge {
    /* draw */
    uint64_t id, seed, aug_seed;
    double t_start;
    int label;
    proctor_cache_kind drawn, served;
    pc_rng pick_rng; /* the challenge RNG's state where the item is sampled */
    /* prepare */
    int skipped;      /* no image: nothing to ask */
    int have_item;    /* an item was found (a skip with an item is a preparation failure) */
    char *item_path;
    char error[512];  /* why the preparation failed */
    char *b64;
    pc_augment_params params;
    cJSON *prep;      /* the preparation record for the audit line */
    double t_prepared; /* monotonic: the image was ready */
    /* ask */
    size_t n;
    int *uids;
    pc_dendrite_result *results;
    double t_tick, t_dispatch, t_answered, t_now; /* t_tick: the step began (monotonic) */
    /* score */
    proctor_response *responses;
    double *combined;
    double t_scored;
} challenge;

static void challenge_free(challenge *c)
{
    free(c->item_path);
    free(c->b64);
    cJSON_Delete(c->prep);
    free(c->uids);
    free(c->results);
    free(c->responses);
    free(c->combined);
    memset(c, 0, sizeof *c);
}

static const proctor_cache_kind fallback_order[3] = {PROCTOR_CACHE_REAL, PROCTOR_CACHE_T2I,
                                                     PROCTOR_CACHE_I2I};

/* The item for this challenge: the drawn cache, else (on_empty: fallback) another cache holding
 * that label. */
static proctor_item *pick_item(pc_loop *lp, pc_rng *r, int label, proctor_cache_kind drawn,
                               proctor_cache_kind *served)
{
    proctor_item *it = NULL;
    if (pc_cache_sample(lp->cache, drawn, label, pc_rng_callback, r, &it) == PROCTOR_OK) {
        *served = drawn;
        return it;
    }
    if (lp->p->cfg.challenge.on_empty_skip) return NULL;
    for (int i = 0; i < 3; i++) {
        if (fallback_order[i] == drawn) continue;
        if (pc_cache_sample(lp->cache, fallback_order[i], label, pc_rng_callback, r, &it) == PROCTOR_OK) {
            *served = fallback_order[i];
            return it;
        }
    }
    return NULL;
}

static int mask_center(const char *sidecar, int xy[2])
{
    cJSON *doc = cJSON_Parse(sidecar);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "mask_center");
    int ok = cJSON_IsArray(m) && cJSON_GetArraySize(m) == 2 && cJSON_IsNumber(cJSON_GetArrayItem(m, 0)) &&
             cJSON_IsNumber(cJSON_GetArrayItem(m, 1));
    if (ok) {
        xy[0] = (int)cJSON_GetArrayItem(m, 0)->valuedouble;
        xy[1] = (int)cJSON_GetArrayItem(m, 1)->valuedouble;
    }
    cJSON_Delete(doc);
    return ok;
}

/* Decode (no more pixels and rows than the planned crop needs), augment, JPEG, base64.
 * Returns the base64 text (malloc'd); *audit_json gets the preparation record. */
static char *prepare_image(pc_loop *lp, const char *path, const char *sidecar, uint64_t aug_seed,
                           pc_augment_params *params, cJSON **audit_json, char *err, size_t errlen)
{
    size_t len = 0;
    char *bytes = pc_read_file(path, 256u << 20, &len);
    if (!bytes) return snprintf(err, errlen, "%s: cannot read", path), NULL;
    int xy[2], have_mask = mask_center(sidecar, xy);
    pc_challenge_image c;
    proctor_status st = pc_challenge_image_prepare(bytes, len, &lp->aug, aug_seed, have_mask ? xy : NULL,
                                                   lp->jpeg_quality, &c, err, errlen);
    free(bytes);
    if (st != PROCTOR_OK) return NULL;
    *params = c.params;
    *audit_json = pc_challenge_image_json(&c);
    char *b64 = c.b64;
    c.b64 = NULL;
    pc_challenge_image_free(&c);
    return b64;
}

static void challenge_drop(challenge **c)
{
    if (!*c) return;
    challenge_free(*c);
    free(*c);
    *c = NULL;
}

/* draw: the seed, then from it the label, real/synthetic, t2i/i2i and the augmentation seed. */
static void challenge_draw(pc_loop *lp, challenge *c)
{
    const pc_challenge_config *ch = &lp->p->cfg.challenge;
    memset(c, 0, sizeof *c);
    c->id = lp->step + 1;
    c->seed = pc_rng_next(&lp->master);
    pc_rng r;
    pc_rng_seed(&r, c->seed);
    c->t_start = pc_wall_s();
    c->label = pc_rng_uniform(&r) < ch->roadwork_prob ? 1 : 0;
    int fake = pc_rng_uniform(&r) < ch->fake_prob;
    int i2i = pc_rng_uniform(&r) < ch->i2i_prob;
    c->drawn = !fake ? PROCTOR_CACHE_REAL : (i2i ? PROCTOR_CACHE_I2I : PROCTOR_CACHE_T2I);
    c->served = c->drawn;
    c->aug_seed = pc_rng_next(&r);
    c->pick_rng = r;
}

/* prepare: the item from the caches, then the image the miners are shown. Sampling starts from
 * the same RNG state every time, so a retry (nothing was found) draws what a later draw would. */
static void challenge_prepare(pc_loop *lp, challenge *c)
{
    c->skipped = c->have_item = 0;
    c->served = c->drawn;
    pc_rng r = c->pick_rng;
    proctor_item *item = pick_item(lp, &r, c->label, c->drawn, &c->served);
    if (!item) {
        c->skipped = 1;
        return;
    }
    c->have_item = 1;
    if (!(c->item_path = strdup(item->path))) {
        snprintf(c->error, sizeof c->error, "out of memory");
    } else {
        c->b64 = prepare_image(lp, item->path, item->sidecar_json, c->aug_seed, &c->params, &c->prep, c->error,
                               sizeof c->error);
        if (c->b64 && !c->prep) c->prep = pc_augment_params_json(&c->params);
    }
    pc_item_free(item);
    if (!c->b64) c->skipped = 1;
    c->t_prepared = pc_mono_s();
}

/* ask: miners from the deck, all queried at once. -1 when out of memory. */
static int challenge_ask(pc_loop *lp, challenge *c)
{
    char err[512];
    size_t want = lp->p->cfg.miners.sample_size;
    if (!(c->uids = calloc(want + 1, sizeof *c->uids))) return -1;
    c->n = lp->deck_ready ? pc_deck_deal(&lp->deck, want, c->uids) : 0;
    pc_axon_target *targets = calloc(c->n + 1, sizeof *targets);
    c->results = calloc(c->n + 1, sizeof *c->results);
    if (!targets || !c->results) {
        free(targets);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        const pc_neuron *nn = pc_metagraph_find(&lp->mg, c->uids[i]);
        targets[i] = (pc_axon_target){nn->ip, nn->port, nn->hotkey[0] ? nn->hotkey : NULL};
    }
    c->t_dispatch = pc_mono_s();
    if (c->n && pc_dendrite_query(lp->dendrite, targets, c->n, c->b64, c->results, err, sizeof err) != 0) {
        pc_warn("challenge: miners not asked: %s", err);
        for (size_t i = 0; i < c->n; i++)
            c->results[i] = (pc_dendrite_result){.prediction = -1, .reason = "not sent"};
    }
    c->t_answered = pc_mono_s();
    c->t_now = pc_wall_s();
    free(targets);
    return 0;
}

/* score: history, every scorer, the weighted reward, the EMA scores. -1 when out of memory. */
static int challenge_score(pc_loop *lp, challenge *c)
{
    char err[512];
    size_t n = c->n;
    c->responses = calloc(n + 1, sizeof *c->responses);
    c->combined = calloc(n + 1, sizeof *c->combined);
    proctor_history *views = calloc(n + 1, sizeof *views);
    int64_t *uid64 = calloc(n + 1, sizeof *uid64);
    double **per_scorer = calloc(lp->scorer_count, sizeof *per_scorer);
    int rc = -1;
    if (!c->responses || !c->combined || !views || !uid64 || !per_scorer) goto done;
    proctor_challenge chal = {c->id, c->label, pc_cache_kind_name(c->served), c->t_now};
    for (size_t i = 0; i < n; i++) {
        const pc_neuron *nn = pc_metagraph_find(&lp->mg, c->uids[i]);
        /* NaN and inf are answers, as upstream (pydantic accepts them); scorers judge them */
        double pred = c->results[i].prediction;
        proctor_history_entry e = {pred, c->label, c->t_now, c->results[i].latency_s};
        int reset = 0;
        if (pc_history_append(lp->history, c->uids[i], nn->hotkey, &e, &reset, err, sizeof err) != 0)
            pc_warn("history: %s", err);
        c->responses[i] = (proctor_response){c->uids[i], nn->hotkey, pred, c->results[i].latency_s};
        uid64[i] = c->uids[i];
    }
    for (size_t i = 0; i < n; i++) views[i] = pc_history_view(lp->history, c->uids[i]);
    for (size_t k = 0; k < lp->scorer_count; k++) {
        if (!(per_scorer[k] = calloc(n + 1, sizeof **per_scorer))) goto done;
        pc_live *s = &lp->scorers[k];
        proctor_status st = pc_live_score(s, &chal, c->responses, views, n, per_scorer[k]);
        if (st != PROCTOR_OK) {
            pc_warn("scorer %s: %s; its rewards count as 0 this time", s->def->name, pc_live_error(s, st));
            memset(per_scorer[k], 0, n * sizeof **per_scorer);
        }
    }
    if (n && pc_rewards_combine((const double *const *)per_scorer, lp->scorer_weights, lp->scorer_count, n,
                                c->combined, err, sizeof err) != 0) {
        pc_warn("rewards: %s", err);
        memset(c->combined, 0, n * sizeof *c->combined);
    }
    if (pc_scores_update(&lp->scores, uid64, c->combined, n, lp->validator, err, sizeof err) != 0)
        pc_warn("scores: %s", err);
    c->t_scored = pc_mono_s();
    rc = 0;
done:
    if (per_scorer)
        for (size_t k = 0; k < lp->scorer_count; k++) free(per_scorer[k]);
    free(per_scorer);
    free(uid64);
    free(views);
    return rc;
}

static void audit(pc_loop *lp, cJSON *line)
{
    if (pc_json_exact_numbers(line) != 0) pc_warn("audit: out of memory; numbers printed by cJSON");
    char *text = cJSON_PrintUnformatted(line);
    if (!text) return;
    size_t n = strlen(text);
    text[n] = '\n'; /* replaces the NUL: one write(2) per line, O_APPEND */
    if (write(lp->audit_fd, text, n + 1) != (ssize_t)(n + 1))
        pc_warn("%s: audit line not written: %s", lp->audit_path, strerror(errno));
    free(text);
}

/* The audit line's head: what was drawn and, when an item was found, which. */
static cJSON *audit_head(const challenge *c)
{
    cJSON *line = cJSON_CreateObject();
    char seedtext[24];
    snprintf(seedtext, sizeof seedtext, "%llu", (unsigned long long)c->seed);
    cJSON_AddNumberToObject(line, "id", (double)c->id);
    cJSON_AddStringToObject(line, "seed", seedtext);
    cJSON_AddNumberToObject(line, "time", c->t_start);
    cJSON_AddStringToObject(line, "drawn", pc_cache_kind_name(c->drawn));
    cJSON_AddNumberToObject(line, "label", c->label);
    if (!c->have_item) return line;
    cJSON_AddStringToObject(line, "kind", pc_cache_kind_name(c->served));
    if (c->served != c->drawn) cJSON_AddBoolToObject(line, "fallback", 1);
    cJSON_AddStringToObject(line, "item", c->item_path ? c->item_path : "");
    return line;
}

/* record (skipped): the challenge still takes a step (saved), so audit ids stay unique across
 * restarts, and gets its audit line. */
static void challenge_record_skip(pc_loop *lp, challenge *c, pc_challenge_result *res)
{
    char err[512];
    lp->step++;
    if (pc_state_save(lp->state_path, lp->step, &lp->scores, lp->history, err, sizeof err) != 0)
        pc_error("state not saved: %s", err);
    cJSON *line = audit_head(c);
    if (!c->have_item) {
        /* no label here at INFO: the status line names caches, not the drawn label */
        pc_info("challenge skipped: no servable image in the %s cache%s (see `proctor status`)",
                pc_cache_kind_name(c->drawn),
                !lp->p->cfg.challenge.on_empty_skip
                    ? " nor any fallback cache" : "");
        cJSON_AddBoolToObject(line, "skipped", 1);
    } else {
        pc_warn("challenge skipped: %s", c->error);
        cJSON_AddBoolToObject(line, "skipped", 1);
        cJSON_AddStringToObject(line, "error", c->error);
    }
    audit(lp, line);
    cJSON_Delete(line);
    res->skipped = 1;
}

/* Why a miner has no valid answer: the dendrite's reason, or its answer was out of range. */
static const char *failure(const pc_dendrite_result *r)
{
    return strcmp(r->reason, "ok") ? r->reason : "answer outside [0, 1]";
}

/* Every miner asked gave no valid answer: say so loudly, with the commonest reason. */
static void warn_all_failed(const challenge *c)
{
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t count = 0;
        for (size_t j = 0; j < c->n; j++) count += !strcmp(failure(&c->results[i]), failure(&c->results[j]));
        if (count > best_count) best = i, best_count = count;
    }
    pc_warn("challenge %llu: none of the %zu miner(s) asked gave a valid answer; commonest reason: %s (%zu of %zu)",
            (unsigned long long)c->id, c->n, failure(&c->results[best]), best_count, c->n);
}

/* record: state first (atomic), then the audit line (a crash between them loses only the
 * line), the log line, the marks for observers, weights every epoch. */
static void challenge_record(pc_loop *lp, challenge *c, pc_challenge_result *res)
{
    char err[512];
    size_t n = c->n;
    lp->step++;
    if (pc_state_save(lp->state_path, lp->step, &lp->scores, lp->history, err, sizeof err) != 0)
        pc_error("state not saved: %s", err);
    cJSON *line = audit_head(c);
    cJSON_AddItemToObject(line, "augmentation", c->prep);
    c->prep = NULL; /* the line owns it now */
    cJSON *miners = cJSON_AddArrayToObject(line, "miners");
    size_t answered = 0;
    double reward_sum = 0;
    for (size_t i = 0; i < n; i++) {
        const pc_dendrite_result *dr = &c->results[i];
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "uid", c->uids[i]);
        cJSON_AddStringToObject(m, "hotkey", c->responses[i].hotkey);
        cJSON_AddNumberToObject(m, "prediction", c->responses[i].prediction);
        cJSON_AddNumberToObject(m, "latency", round(dr->latency_s * 1e4) / 1e4);
        cJSON_AddNumberToObject(m, "status", dr->status);
        cJSON_AddStringToObject(m, "reason", dr->reason);
        cJSON_AddNumberToObject(m, "reward", c->combined[i]);
        cJSON_AddItemToArray(miners, m);
        double p = c->responses[i].prediction;
        if (p >= 0 && p <= 1) answered++; /* a valid answer, not just any number */
        reward_sum += c->combined[i];
        lp->marks[i] = (pc_miner_mark){c->uids[i], c->responses[i].prediction, dr->latency_s, c->combined[i],
                                       pc_loop_score(lp, c->uids[i]), ""};
        snprintf(lp->marks[i].reason, sizeof lp->marks[i].reason, "%s", dr->reason);
    }
    cJSON_AddNumberToObject(line, "dispatch_to_scored_ms", round((c->t_scored - c->t_dispatch) * 1e5) / 100);
    cJSON_AddNumberToObject(line, "dispatch_to_answers_ms", round((c->t_answered - c->t_dispatch) * 1e5) / 100);
    /* the critical path before the miners are asked: what preparing ahead shortens */
    cJSON_AddNumberToObject(line, "tick_to_dispatch_ms", round((c->t_dispatch - c->t_tick) * 1e5) / 100);
    /* > 0: the image was prepared during the interval, that long before the tick */
    double ahead = c->t_tick - c->t_prepared;
    cJSON_AddNumberToObject(line, "prepared_before_tick_ms", ahead > 0 ? round(ahead * 1e5) / 100 : 0);
    audit(lp, line);
    cJSON_Delete(line);
    res->count = n;
    res->marks = lp->marks;
    pc_info("challenge %llu: %s image, augmentation level %d, %zu miner(s), %zu answered, mean reward %.3f",
            (unsigned long long)lp->step, pc_cache_kind_name(c->served), c->params.level, n, answered,
            n ? reward_sum / (double)n : 0.0);
    if (n && answered == 0) warn_all_failed(c);
    int64_t epoch = lp->p->cfg.challenge.epoch;
    if (epoch > 0 && lp->step % (uint64_t)epoch == 0) {
        if (pc_weights_write(lp->weights_path, &lp->scores, lp->step, pc_wall_s(), err, sizeof err) != 0)
            pc_error("weights not written: %s", err);
        else
            pc_info("weights written to %s (step %llu)", lp->weights_path, (unsigned long long)lp->step);
    }
}

/* Room for n marks (the observer's view of the last challenge). */
static int reserve_marks(pc_loop *lp, size_t n)
{
    if (n <= lp->marks_cap) return 0;
    pc_miner_mark *m = realloc(lp->marks, n * sizeof *m);
    if (!m) return -1;
    lp->marks = m;
    lp->marks_cap = n;
    return 0;
}

/* The next challenge, drawn and prepared (NULL when out of memory). */
static challenge *challenge_next(pc_loop *lp)
{
    challenge *c = malloc(sizeof *c);
    if (!c) return NULL;
    challenge_draw(lp, c);
    challenge_prepare(lp, c);
    return c;
}

int pc_loop_step(pc_loop *lp, pc_challenge_result *out)
{
    double t_tick = pc_mono_s();
    challenge *c = lp->next, local;
    lp->next = NULL;
    if (c) {
        /* prepared during the interval: only an empty cache is worth a second look */
        if (c->skipped && !c->have_item) challenge_prepare(lp, c);
    } else {
        c = &local;
        challenge_draw(lp, c);
        challenge_prepare(lp, c);
    }
    c->t_tick = t_tick;
    c->t_start = pc_wall_s(); /* when it runs, not when it was prepared */
    pc_challenge_result res = {.step = c->id, .label = c->label, .level = -1, .marks = lp->marks};
    snprintf(res.kind, sizeof res.kind, "%s", pc_cache_kind_name(c->served));
    int rc = 0;
    if (c->skipped) {
        challenge_record_skip(lp, c, &res);
        if (out) *out = res;
        goto done;
    }
    res.level = c->params.level;
    if (challenge_ask(lp, c) != 0 || reserve_marks(lp, c->n) != 0 || challenge_score(lp, c) != 0) {
        rc = -1;
        goto done;
    }
    challenge_record(lp, c, &res);
    if (out) *out = res;
    if (lp->observer) lp->observer(lp->observer_user, &res);
done:
    if (c == &local) challenge_free(c);
    else challenge_drop(&c);
    return rc;
}

/* Before the first challenge: while no cache can serve it (producers are still filling empty
 * caches), wait, up to one interval, instead of skipping it. Not a step: nothing is recorded.
 * Returns 1 while waiting. */
static int wait_first_item(pc_loop *lp, double now, volatile sig_atomic_t *stop)
{
    if (lp->done_steps > 0 || lp->first_deadline < 0) return 0;
    int first_look = lp->first_deadline == 0;
    if (first_look) lp->first_deadline = now + lp->interval;
    if (!lp->next) lp->next = challenge_next(lp);
    else if (lp->next->skipped && !lp->next->have_item) challenge_prepare(lp, lp->next);
    int empty = lp->next && lp->next->skipped && !lp->next->have_item;
    if (!empty || now >= lp->first_deadline) {
        lp->first_deadline = -1; /* done waiting, for good */
        return 0;
    }
    if (first_look)
        pc_info("no image in the caches yet: the first challenge waits up to %.0f s for the producers",
                lp->interval);
    double left = lp->first_deadline - now;
    pc_sleep_until_stop(left < 0.2 ? left : 0.2, stop);
    return 1;
}

int pc_loop_tick(pc_loop *lp, volatile sig_atomic_t *stop)
{
    if (lp->max_steps > 0 && lp->done_steps >= lp->max_steps) return PC_LOOP_DONE;
    double now = pc_mono_s();
    if (wait_first_item(lp, now, stop)) return PC_LOOP_CONTINUE;
    if (now < lp->next_due) {
        /* the interval: prepare the next challenge now, so that at its tick the loop only sends */
        if (!lp->next) {
            lp->next = challenge_next(lp);
            return PC_LOOP_CONTINUE;
        }
        double left = lp->next_due - now;
        pc_sleep_until_stop(left < 0.2 ? left : 0.2, stop);
        return PC_LOOP_CONTINUE;
    }
    lp->next_due = now + lp->interval;
    pc_loop_step(lp, NULL);
    lp->done_steps++;
    return lp->max_steps > 0 && lp->done_steps >= lp->max_steps ? PC_LOOP_DONE : PC_LOOP_CONTINUE;
}
