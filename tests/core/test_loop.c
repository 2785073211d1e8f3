/* test_loop — the challenge loop end to end, in process, against real demo_miner processes:
 * state, audit and weights files; a broken miner; on_empty skip vs fallback; and swapping the
 * scorer in YAML changes the rewards of the very same recorded answers. */
#include "../tap.h"
#include "cache/cache.h"
#include "ctutil.h"
#include "plugin/instance.h"
#include "run/loop.h"
#include "config/pipeline.h"
#include "score/state.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HK_GOOD "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
#define HK_BROKEN "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
#define HK_RANDOM "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"
#define HK_VALIDATOR "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy"

static char *tmp, *photos;

static char *pipeline_text(const char *cache, const char *state, const char *challenge,
                           const char *neurons, const char *scorer)
{
    return ct_fmt("cache: {root: \"%s/%s\"}\n"
                  "challenge: {interval: 0s, state_dir: \"%s/%s\", %s}\n"
                  "augment: {level_probs: [0.25, 0.25, 0.25, 0.25]}\n"
                  "miners:\n  sample_size: 10\n  timeout: 4s\n  validator_hotkey: " HK_VALIDATOR "\n"
                  "  neurons:\n%s"
                  "sources:\n  - {name: photos, plugin: local_folder, path: \"%s\"}\n"
                  "scorers:\n  - {plugin: %s}\n",
                  tmp, cache, tmp, state, challenge, neurons, photos, scorer);
}

static int load(pc_registry *reg, pc_pipeline *p, const char *text)
{
    char err[2048] = "";
    int rc = pc_pipeline_load_string(p, text, "loop.yaml", reg, err, sizeof err);
    if (rc) diag("pipeline: %s", err);
    return rc;
}

/* Run the pipeline's local_folder source once, in process, to fill its cache. */
static void fill_cache(const pc_pipeline *p)
{
    char err[1024] = "";
    char *root = ct_fmt("%s", pc_settings_string(&p->cache, "root"));
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    pc_live live;
    int ok_ = c && pc_live_create(&live, pc_pipeline_find(p, "photos"), c, NULL, err, sizeof err) == PROCTOR_OK;
    if (ok_) {
        ok_ = ((const proctor_source_ops *)live.def->plugin->desc->ops)->refresh(live.state) == PROCTOR_OK;
        pc_live_destroy(&live);
    }
    ok(ok_ && pc_cache_count(c, PROCTOR_CACHE_REAL, 0) == 4 && pc_cache_count(c, PROCTOR_CACHE_REAL, 1) == 4,
       "local_folder filled the real cache with 4 + 4 images (%s)", err);
    pc_cache_close(c);
    free(root);
}

/* The audit log's lines, parsed; *n of them. */
static cJSON **read_audit(const char *state_dir, size_t *n)
{
    char *path = ct_fmt("%s/%s/audit.jsonl", tmp, state_dir), *text = ct_read(path, NULL);
    free(path);
    *n = 0;
    cJSON **lines = calloc(256, sizeof *lines);
    for (char *s = text, *nl; s && *s && *n < 256; s = nl + 1) {
        nl = strchr(s, '\n');
        if (!nl) {
            lines[(*n)++] = NULL; /* a line without its newline is torn */
            break;
        }
        *nl = 0;
        lines[(*n)++] = cJSON_Parse(s);
    }
    free(text);
    return lines;
}

static void free_audit(cJSON **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) cJSON_Delete(lines[i]);
    free(lines);
}

static const cJSON *miner_entry(const cJSON *line, int uid)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(line, "miners"))
        if (cJSON_GetObjectItem(m, "uid") && cJSON_GetObjectItem(m, "uid")->valueint == uid) return m;
    return NULL;
}

static void test_main(const int ports[3])
{
    char *neurons = ct_fmt("    - {uid: 0, hotkey: " HK_GOOD ", ip: 127.0.0.1, port: %d}\n"
                           "    - {uid: 1, hotkey: " HK_BROKEN ", ip: 127.0.0.1, port: %d}\n"
                           "    - {uid: 2, hotkey: " HK_RANDOM ", ip: 127.0.0.1, port: %d}\n"
                           "    - {uid: 3, hotkey: " HK_VALIDATOR ", ip: 0.0.0.0, port: 0, stake: 50000, validator_permit: true}\n",
                           ports[0], ports[1], ports[2]);
    char *text = pipeline_text("cacheA", "stateA", "seed: 7, epoch: 3, fake_prob: 0", neurons, "natix");
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    if (load(&reg, &p, text) != 0) {
        ok(0, "main pipeline loads");
        goto out;
    }
    fill_cache(&p);
    char err[2048] = "";
    pc_loop *lp = pc_loop_open(&p, err, sizeof err);
    ok(lp != NULL, "loop opens (%s)", err);
    if (!lp) goto free_p;
    int all_three = 1, broken_ok = 1, good_answers = 1;
    for (int i = 0; i < 6; i++) {
        pc_challenge_result r;
        memset(&r, 0, sizeof r);
        is_int(pc_loop_step(lp, &r), 0, "step %d runs", i + 1);
        is_int(r.skipped, 0, "step %d not skipped", i + 1);
        is_int(r.step, i + 1, "step number");
        /* sample_size 10 of 3 eligible: upstream's next_k deals 10, passes of 3 (3+3+3+1) */
        int per_uid[4] = {0};
        for (size_t k = 0; k < r.count; k++) per_uid[r.marks[k].uid >= 0 && r.marks[k].uid < 3 ? r.marks[k].uid : 3]++;
        if (r.count != 10 || per_uid[3] || per_uid[0] < 3 || per_uid[1] < 3 || per_uid[2] < 3) all_three = 0;
        if (i == 2) { /* epoch 3: the first weights file */
            char *wp = ct_fmt("%s/stateA/weights.json", tmp), *wt = ct_read(wp, NULL);
            cJSON *w3 = wt ? cJSON_Parse(wt) : NULL;
            const cJSON *st = cJSON_GetObjectItem(w3, "step");
            ok(cJSON_IsNumber(st) && st->valueint == 3, "weights.json written at the end of epoch 1 (step 3)");
            cJSON_Delete(w3);
            free(wt);
            free(wp);
        }
        for (size_t k = 0; k < r.count; k++) {
            if (r.marks[k].uid == 1 && (r.marks[k].prediction != -1 || r.marks[k].reward != 0)) broken_ok = 0;
            if (r.marks[k].uid == 0 && !(r.marks[k].prediction >= 0 && r.marks[k].prediction <= 1)) good_answers = 0;
        }
    }
    ok(all_three, "each challenge deals 10 cards over the 3 serving miners (never the validator uid 3)");
    ok(broken_ok, "the broken miner gets prediction -1 and reward 0 every time");
    ok(good_answers, "the good miner answers in [0, 1] every time");
    ok(pc_loop_score(lp, 0) > 0, "the good miner's score grew: %g", pc_loop_score(lp, 0));
    is_double(pc_loop_score(lp, 1), 0, 0, "the broken miner's score stays 0");
    pc_loop_close(lp);

    /* state.json */
    char *state_path = ct_fmt("%s/stateA/state.json", tmp);
    uint64_t step = 0;
    pc_scores scores;
    pc_scores_init(&scores, 0.05, err, sizeof err);
    pc_history *h = pc_history_new(100);
    int from_prev = 0;
    is_int(pc_state_load(state_path, &step, &scores, &h, &from_prev, err, sizeof err), 0, "state.json loads (%s)", err);
    is_int(step, 6, "state step 6");
    is_int(from_prev, 0, "from the main file");
    for (int uid = 0; uid < 3; uid++) {
        proctor_history v = pc_history_view(h, uid);
        is_int(v.count, 20, "uid %d: 20 history entries (60 cards, 20 passes of 3)", uid);
    }
    proctor_history hb = pc_history_view(h, 1);
    ok(hb.count && hb.entries[hb.count - 1].prediction == -1, "the broken miner's history holds -1");
    pc_history_free(h);
    pc_scores_free(&scores);
    free(state_path);

    /* audit.jsonl */
    size_t n = 0;
    cJSON **lines = read_audit("stateA", &n);
    is_int(n, 6, "6 audit lines");
    int fields = 1, labels_ok = 1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *l = lines[i];
        const cJSON *id = cJSON_GetObjectItem(l, "id"), *seed = cJSON_GetObjectItem(l, "seed");
        const cJSON *aug = cJSON_GetObjectItem(l, "augmentation"), *label = cJSON_GetObjectItem(l, "label");
        const cJSON *m0 = miner_entry(l, 0), *m1 = miner_entry(l, 1);
        if (!l || !cJSON_IsNumber(id) || id->valueint != (int)i + 1 || !cJSON_IsString(seed) ||
            !cJSON_IsString(cJSON_GetObjectItem(l, "kind")) || !cJSON_IsObject(aug) ||
            !cJSON_IsNumber(cJSON_GetObjectItem(aug, "level")) || cJSON_GetArraySize(cJSON_GetObjectItem(l, "miners")) != 10 ||
            !m0 || !cJSON_IsNumber(cJSON_GetObjectItem(m0, "prediction")) ||
            !cJSON_IsNumber(cJSON_GetObjectItem(m0, "latency")) || !cJSON_IsNumber(cJSON_GetObjectItem(m0, "reward")))
            fields = 0;
        if (!cJSON_IsNumber(label) || (label->valueint != 0 && label->valueint != 1)) labels_ok = 0;
        if (!m1 || cJSON_GetObjectItem(m1, "prediction")->valuedouble != -1 ||
            cJSON_GetObjectItem(m1, "reward")->valuedouble != 0)
            fields = 0;
    }
    ok(fields, "every audit line has id, seed, kind, augmentation, miners with prediction/latency/reward");
    ok(labels_ok, "every audit line records the label");
    free_audit(lines, n);

    /* weights.json: written at steps 3 and 6 */
    char *wpath = ct_fmt("%s/stateA/weights.json", tmp), *wtext = ct_read(wpath, NULL);
    cJSON *w = wtext ? cJSON_Parse(wtext) : NULL;
    ok(w != NULL, "weights.json exists and parses");
    const cJSON *ws = cJSON_GetObjectItem(w, "weights"), *x;
    double sum = 0;
    cJSON_ArrayForEach(x, ws) sum += x->valuedouble;
    is_int(cJSON_GetObjectItem(w, "step") ? cJSON_GetObjectItem(w, "step")->valueint : -1, 6, "weights from step 6");
    is_double(sum, 1.0, 1e-9, "weights sum to 1");
    ok(cJSON_GetArraySize(ws) == 4 && cJSON_GetArrayItem(ws, 1)->valuedouble == 0, "4 uids, the broken one weighs 0");
    cJSON_Delete(w);
    free(wtext);
    free(wpath);
free_p:
    pc_pipeline_free(&p);
out:
    pc_registry_free(&reg);
    free(text);
    free(neurons);
}

static void test_on_empty(int port)
{
    char *neurons = ct_fmt("    - {uid: 0, hotkey: " HK_GOOD ", ip: 127.0.0.1, port: %d}\n", port);
    static const char *modes[] = {"skip", "fallback"};
    for (int m = 0; m < 2; m++) {
        char *ch = ct_fmt("seed: 5, fake_prob: 1, on_empty: %s", modes[m]);
        char *state = ct_fmt("state_%s", modes[m]);
        char *text = pipeline_text("cacheA", state, ch, neurons, "natix");
        pc_registry reg;
        pc_registry_init(&reg);
        pc_pipeline p;
        char err[1024] = "";
        pc_loop *lp = load(&reg, &p, text) == 0 ? pc_loop_open(&p, err, sizeof err) : NULL;
        ok(lp != NULL, "%s: loop opens (%s)", modes[m], err);
        int skipped = 0, real = 0;
        for (int i = 0; lp && i < 4; i++) {
            pc_challenge_result r;
            memset(&r, 0, sizeof r);
            pc_loop_step(lp, &r);
            skipped += r.skipped;
            real += !r.skipped && !strcmp(r.kind, "real");
        }
        if (lp) pc_loop_close(lp);
        size_t n = 0;
        cJSON **lines = read_audit(state, &n);
        int flagged = 0;
        for (size_t i = 0; i < n; i++) {
            const cJSON *drawn = cJSON_GetObjectItem(lines[i], "drawn");
            int synthetic = cJSON_IsString(drawn) && strcmp(drawn->valuestring, "real");
            if (m == 0 && cJSON_IsTrue(cJSON_GetObjectItem(lines[i], "skipped")) && synthetic) flagged++;
            if (m == 1 && cJSON_IsTrue(cJSON_GetObjectItem(lines[i], "fallback")) && synthetic &&
                !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(lines[i], "kind")), "real"))
                flagged++;
        }
        if (m == 0) {
            is_int(skipped, 4, "skip: with empty synthetic caches and fake_prob 1 every challenge is skipped");
            is_int(flagged, 4, "skip: 4 audit lines say skipped, drawn t2i/i2i");
        } else {
            is_int(skipped, 0, "fallback: nothing skipped");
            is_int(real, 4, "fallback: all 4 served from the real cache");
            is_int(flagged, 4, "fallback: 4 audit lines say fallback, drawn t2i/i2i, kind real");
        }
        free_audit(lines, n);
        if (lp || p.path) pc_pipeline_free(&p);
        pc_registry_free(&reg);
        free(text);
        free(state);
        free(ch);
    }
    free(neurons);
}

/* One run of 6 challenges against a freshly started random miner with a fixed seed, so the
 * answers are the same whatever the scorer. Fills preds[6] and rewards[6]. */
static int scored_run(const char *scorer, double preds[6], double rewards[6])
{
    const char *args[] = {"--random", "--seed", "42", NULL};
    int port = 0;
    pid_t miner = ct_miner_start(args, &port);
    if (miner < 0) return -1;
    char *neurons = ct_fmt("    - {uid: 0, hotkey: " HK_RANDOM ", ip: 127.0.0.1, port: %d}\n", port);
    char *state = ct_fmt("state_%s", scorer);
    char *text = pipeline_text("cacheA", state, "seed: 11, fake_prob: 0", neurons, scorer);
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    char err[1024] = "";
    int rc = -1;
    pc_loop *lp = load(&reg, &p, text) == 0 ? pc_loop_open(&p, err, sizeof err) : NULL;
    if (lp) {
        for (int i = 0; i < 6; i++) pc_loop_step(lp, NULL);
        pc_loop_close(lp);
        size_t n = 0;
        cJSON **lines = read_audit(state, &n);
        rc = n == 6 ? 0 : -1;
        for (size_t i = 0; i < n && i < 6; i++) {
            const cJSON *m = miner_entry(lines[i], 0);
            preds[i] = m ? cJSON_GetObjectItem(m, "prediction")->valuedouble : NAN;
            rewards[i] = m ? cJSON_GetObjectItem(m, "reward")->valuedouble : NAN;
        }
        free_audit(lines, n);
    } else {
        diag("%s: %s", scorer, err);
    }
    if (lp || p.path) pc_pipeline_free(&p);
    pc_registry_free(&reg);
    ct_miner_stop(miner);
    free(text);
    free(state);
    free(neurons);
    return rc;
}

static void test_scorer_swap(void)
{
    static const char *scorers[] = {"natix", "accuracy", "brier"};
    double preds[3][6], rewards[3][6];
    for (int s = 0; s < 3; s++)
        ok(scored_run(scorers[s], preds[s], rewards[s]) == 0, "run with scorer %s", scorers[s]);
    int same = 1, valid = 1;
    for (int i = 0; i < 6; i++) {
        if (preds[1][i] != preds[0][i] || preds[2][i] != preds[0][i]) same = 0;
        if (!(preds[0][i] >= 0 && preds[0][i] <= 1)) valid = 0;
    }
    ok(same, "the three runs recorded the very same answers");
    ok(valid, "the random miner answered every time");
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++) {
            int differ = 0;
            for (int i = 0; i < 6; i++) differ |= fabs(rewards[a][i] - rewards[b][i]) > 1e-9;
            ok(differ, "%s and %s give different rewards for the same answers", scorers[a], scorers[b]);
        }
    /* accuracy is the share of right answers: in [0, 1] */
    int acc01 = 1;
    for (int i = 0; i < 6; i++) acc01 &= rewards[1][i] >= 0 && rewards[1][i] <= 1;
    ok(acc01, "accuracy rewards lie in [0, 1]");
}

static void write_photos(void)
{
    mkdir(photos, 0755);
    for (unsigned i = 0; i < 4; i++) {
        size_t len = 0;
        void *j = ct_jpeg(320, 240, 250, 120, 10, i, &len); /* cone orange */
        char *p = ct_fmt("%s/roadwork_%u.jpg", photos, i);
        ct_write(p, j, len);
        free(p);
        free(j);
        j = ct_jpeg(320, 240, 90, 95, 100, i, &len); /* asphalt grey */
        p = ct_fmt("%s/street_%u.jpg", photos, i);
        ct_write(p, j, len);
        free(p);
        free(j);
    }
}

int main(void)
{
    tmp = ct_tmpdir("loop");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    photos = ct_path(tmp, "photos");
    write_photos();
    const char *good[] = {"--seed", "1", NULL}, *broken[] = {"--fail-rate", "1", "--seed", "2", NULL};
    const char *random[] = {"--random", "--seed", "3", NULL};
    int ports[3] = {0, 0, 0};
    pid_t pids[3] = {ct_miner_start(good, &ports[0]), ct_miner_start(broken, &ports[1]),
                     ct_miner_start(random, &ports[2])};
    ok(pids[0] > 0 && pids[1] > 0 && pids[2] > 0, "3 demo miners started (ports %d %d %d)", ports[0], ports[1], ports[2]);
    if (pids[0] > 0 && pids[1] > 0 && pids[2] > 0) {
        test_main(ports);
        test_on_empty(ports[0]);
    }
    for (int i = 0; i < 3; i++) ct_miner_stop(pids[i]);
    test_scorer_swap();
    ct_rmtree(tmp);
    free(photos);
    free(tmp);
    return done_testing();
}
