/* loop.c — see loop.h. One challenge:
 *   seed -> label, real/synthetic, t2i/i2i -> item from that cache (or a fallback cache)
 *   -> decode + augment + JPEG + base64 -> miners from the deck, all queried at once
 *   -> history append -> scorers -> combined reward -> EMA scores
 *   -> state saved atomically -> one audit line -> weights every epoch.
 * Every random draw comes from the challenge seed, which the audit log records. */
#include "run/loop.h"
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
        if (in->kind != PROCTOR_KIND_SCORER || !pc_settings_bool(&in->core, "enabled")) continue;
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

void pc_loop_close(pc_loop *lp)
{
    if (!lp) return;
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

/* ---- one challenge ------------------------------------------------------------------------ */

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
    if (strcmp(pc_settings_string(&lp->p->challenge, "on_empty"), "fallback") != 0) return NULL;
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

static void audit(pc_loop *lp, cJSON *line)
{
    char *text = cJSON_PrintUnformatted(line);
    if (!text) return;
    size_t n = strlen(text);
    text[n] = '\n'; /* replaces the NUL: one write(2) per line, O_APPEND */
    if (write(lp->audit_fd, text, n + 1) != (ssize_t)(n + 1))
        pc_warn("%s: audit line not written: %s", lp->audit_path, strerror(errno));
    free(text);
}

/* A skipped challenge still takes a step (saved), so audit ids stay unique across restarts. */
static void skip_step(pc_loop *lp)
{
    char err[512];
    lp->step++;
    if (pc_state_save(lp->state_path, lp->step, &lp->scores, lp->history, err, sizeof err) != 0)
        pc_error("state not saved: %s", err);
}

int pc_loop_step(pc_loop *lp, pc_challenge_result *out)
{
    const pc_settings *ch = &lp->p->challenge;
    uint64_t seed = pc_rng_next(&lp->master);
    pc_rng r;
    pc_rng_seed(&r, seed);
    double t_start = pc_wall_s();
    int label = pc_rng_uniform(&r) < pc_settings_double(ch, "roadwork_prob") ? 1 : 0;
    int fake = pc_rng_uniform(&r) < pc_settings_double(ch, "fake_prob");
    int i2i = pc_rng_uniform(&r) < pc_settings_double(ch, "i2i_prob");
    proctor_cache_kind drawn = !fake ? PROCTOR_CACHE_REAL : (i2i ? PROCTOR_CACHE_I2I : PROCTOR_CACHE_T2I);
    proctor_cache_kind served = drawn;
    uint64_t aug_seed = pc_rng_next(&r);
    pc_challenge_result res = {.step = lp->step + 1, .label = label, .level = -1, .marks = lp->marks};
    snprintf(res.kind, sizeof res.kind, "%s", pc_cache_kind_name(drawn));

    cJSON *line = cJSON_CreateObject();
    char seedtext[24];
    snprintf(seedtext, sizeof seedtext, "%llu", (unsigned long long)seed);
    cJSON_AddNumberToObject(line, "id", (double)(lp->step + 1));
    cJSON_AddStringToObject(line, "seed", seedtext);
    cJSON_AddNumberToObject(line, "time", t_start);
    cJSON_AddStringToObject(line, "drawn", pc_cache_kind_name(drawn));
    cJSON_AddNumberToObject(line, "label", label);

    proctor_item *item = pick_item(lp, &r, label, drawn, &served);
    if (!item) {
        skip_step(lp);
        res.skipped = 1;
        cJSON_AddBoolToObject(line, "skipped", 1);
        /* no label here at INFO: the status line names caches, not the drawn label */
        pc_info("challenge skipped: no servable image in the %s cache%s (see `proctor status`)",
                pc_cache_kind_name(drawn),
                strcmp(pc_settings_string(ch, "on_empty"), "fallback") == 0 ? " nor any fallback cache" : "");
        audit(lp, line);
        cJSON_Delete(line);
        if (out) *out = res;
        return 0;
    }
    snprintf(res.kind, sizeof res.kind, "%s", pc_cache_kind_name(served));
    cJSON_AddStringToObject(line, "kind", pc_cache_kind_name(served));
    if (served != drawn) cJSON_AddBoolToObject(line, "fallback", 1);
    cJSON_AddStringToObject(line, "item", item->path);

    char err[512];
    pc_augment_params params;
    memset(&params, 0, sizeof params);
    cJSON *prep = NULL;
    char *b64 = prepare_image(lp, item->path, item->sidecar_json, aug_seed, &params, &prep, err, sizeof err);
    pc_item_free(item);
    if (!b64) {
        skip_step(lp);
        pc_warn("challenge skipped: %s", err);
        cJSON_AddBoolToObject(line, "skipped", 1);
        cJSON_AddStringToObject(line, "error", err);
        audit(lp, line);
        cJSON_Delete(line);
        res.skipped = 1;
        if (out) *out = res;
        return 0;
    }
    res.level = params.level;
    cJSON_AddItemToObject(line, "augmentation", prep ? prep : pc_augment_params_json(&params));

    /* miners */
    size_t want = (size_t)pc_settings_int(&lp->p->miners, "sample_size");
    int *uids = calloc(want + 1, sizeof *uids);
    size_t n = uids && lp->deck_ready ? pc_deck_deal(&lp->deck, want, uids) : 0;
    pc_axon_target *targets = calloc(n + 1, sizeof *targets);
    pc_dendrite_result *results = calloc(n + 1, sizeof *results);
    proctor_response *responses = calloc(n + 1, sizeof *responses);
    proctor_history *views = calloc(n + 1, sizeof *views);
    int64_t *uid64 = calloc(n + 1, sizeof *uid64);
    double *combined = calloc(n + 1, sizeof *combined);
    double **per_scorer = calloc(lp->scorer_count, sizeof *per_scorer);
    int rc = 0;
    if (!uids || !targets || !results || !responses || !views || !uid64 || !combined || !per_scorer) {
        rc = -1;
        goto done;
    }
    if (n > lp->marks_cap) {
        pc_miner_mark *m = realloc(lp->marks, n * sizeof *m);
        if (!m) {
            rc = -1;
            goto done;
        }
        lp->marks = m;
        lp->marks_cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        const pc_neuron *nn = pc_metagraph_find(&lp->mg, uids[i]);
        targets[i] = (pc_axon_target){nn->ip, nn->port, nn->hotkey[0] ? nn->hotkey : NULL};
    }
    double t_dispatch = pc_mono_s();
    if (n && pc_dendrite_query(lp->dendrite, targets, n, b64, results, err, sizeof err) != 0) {
        pc_warn("challenge: miners not asked: %s", err);
        for (size_t i = 0; i < n; i++) results[i] = (pc_dendrite_result){.prediction = -1, .reason = "not sent"};
    }
    double t_answered = pc_mono_s();
    double now = pc_wall_s();
    proctor_challenge chal = {lp->step + 1, label, pc_cache_kind_name(served), now};
    for (size_t i = 0; i < n; i++) {
        const pc_neuron *nn = pc_metagraph_find(&lp->mg, uids[i]);
        double pred = results[i].prediction;
        if (!isfinite(pred)) pred = -1;
        proctor_history_entry e = {pred, label, now, results[i].latency_s};
        int reset = 0;
        if (pc_history_append(lp->history, uids[i], nn->hotkey, &e, &reset, err, sizeof err) != 0)
            pc_warn("history: %s", err);
        responses[i] = (proctor_response){uids[i], nn->hotkey, pred, results[i].latency_s};
        uid64[i] = uids[i];
    }
    for (size_t i = 0; i < n; i++) views[i] = pc_history_view(lp->history, uids[i]);
    for (size_t k = 0; k < lp->scorer_count; k++) {
        per_scorer[k] = calloc(n + 1, sizeof **per_scorer);
        if (!per_scorer[k]) {
            rc = -1;
            goto done;
        }
        pc_live *s = &lp->scorers[k];
        proctor_status st = pc_live_score(s, &chal, responses, views, n, per_scorer[k]);
        if (st != PROCTOR_OK) {
            pc_warn("scorer %s: %s; its rewards count as 0 this time", s->def->name, pc_live_error(s, st));
            memset(per_scorer[k], 0, n * sizeof **per_scorer);
        }
    }
    if (n && pc_rewards_combine((const double *const *)per_scorer, lp->scorer_weights, lp->scorer_count, n,
                                combined, err, sizeof err) != 0) {
        pc_warn("rewards: %s", err);
        memset(combined, 0, n * sizeof *combined);
    }
    if (pc_scores_update(&lp->scores, uid64, combined, n, lp->validator, err, sizeof err) != 0)
        pc_warn("scores: %s", err);
    double t_scored = pc_mono_s();
    lp->step++;

    /* state first (atomic), then the audit line: a crash between them loses only the line */
    if (pc_state_save(lp->state_path, lp->step, &lp->scores, lp->history, err, sizeof err) != 0)
        pc_error("state not saved: %s", err);
    cJSON *miners = cJSON_AddArrayToObject(line, "miners");
    size_t answered = 0;
    double reward_sum = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "uid", uids[i]);
        cJSON_AddStringToObject(m, "hotkey", responses[i].hotkey);
        cJSON_AddNumberToObject(m, "prediction", responses[i].prediction);
        cJSON_AddNumberToObject(m, "latency", round(results[i].latency_s * 1e4) / 1e4);
        cJSON_AddNumberToObject(m, "status", results[i].status);
        cJSON_AddStringToObject(m, "reason", results[i].reason);
        cJSON_AddNumberToObject(m, "reward", combined[i]);
        cJSON_AddItemToArray(miners, m);
        if (responses[i].prediction >= 0) answered++;
        reward_sum += combined[i];
        lp->marks[i] = (pc_miner_mark){uids[i], responses[i].prediction, results[i].latency_s, combined[i],
                                       pc_loop_score(lp, uids[i]), ""};
        snprintf(lp->marks[i].reason, sizeof lp->marks[i].reason, "%s", results[i].reason);
    }
    cJSON_AddNumberToObject(line, "dispatch_to_scored_ms", round((t_scored - t_dispatch) * 1e5) / 100);
    cJSON_AddNumberToObject(line, "dispatch_to_answers_ms", round((t_answered - t_dispatch) * 1e5) / 100);
    audit(lp, line);
    res.count = n;
    res.marks = lp->marks;
    pc_info("challenge %llu: %s image, augmentation level %d, %zu miner(s), %zu answered, mean reward %.3f",
            (unsigned long long)lp->step, pc_cache_kind_name(served), params.level, n, answered,
            n ? reward_sum / (double)n : 0.0);
    int64_t epoch = pc_settings_int(ch, "epoch");
    if (epoch > 0 && lp->step % (uint64_t)epoch == 0) {
        if (pc_weights_write(lp->weights_path, &lp->scores, lp->step, pc_wall_s(), err, sizeof err) != 0)
            pc_error("weights not written: %s", err);
        else
            pc_info("weights written to %s (step %llu)", lp->weights_path, (unsigned long long)lp->step);
    }
    if (out) *out = res;
    if (lp->observer) lp->observer(lp->observer_user, &res);
done:
    if (per_scorer)
        for (size_t k = 0; k < lp->scorer_count; k++) free(per_scorer[k]);
    free(per_scorer);
    free(combined);
    free(uid64);
    free(views);
    free(responses);
    free(results);
    free(targets);
    free(uids);
    free(b64);
    cJSON_Delete(line);
    return rc;
}

int pc_loop_tick(pc_loop *lp, volatile sig_atomic_t *stop)
{
    if (lp->max_steps > 0 && lp->done_steps >= lp->max_steps) return PC_LOOP_DONE;
    double now = pc_mono_s();
    if (now < lp->next_due) {
        double left = lp->next_due - now;
        pc_sleep_until_stop(left < 0.2 ? left : 0.2, stop);
        return PC_LOOP_CONTINUE;
    }
    lp->next_due = now + lp->interval;
    pc_loop_step(lp, NULL);
    lp->done_steps++;
    return lp->max_steps > 0 && lp->done_steps >= lp->max_steps ? PC_LOOP_DONE : PC_LOOP_CONTINUE;
}
