/* test_score_core.c — core/score: history ring and hotkey resets, EMA scores, validator decay,
 * metagraph sync (replaced hotkeys, growth), L1 weights, reward combination, weights file. */
#include "../tap.h"
#include "score/history.h"
#include "score/scores.h"
#include "score/weights.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

static char err[512];

static proctor_history_entry entry(double p, int label, double t)
{
    return (proctor_history_entry){p, label, t, 0.25};
}

static void check_history(void)
{
    pc_history *h = pc_history_new(5);
    int reset = -1;
    is_int(pc_history_cap(h), 5, "history cap 5");
    proctor_history v = pc_history_view(h, 3);
    ok(v.count == 0 && v.entries == NULL, "unknown uid: empty view");
    ok(pc_history_hotkey(h, 3) == NULL, "unknown uid: no hotkey");

    proctor_history_entry e = entry(0.9, 1, 1);
    is_int(pc_history_append(h, 3, "hkA", &e, &reset, err, sizeof err), 0, "append uid 3");
    is_int(reset, 1, "first append reports a (re)start");
    for (int t = 2; t <= 12; t++) {
        e = entry(t % 3 == 0 ? -1 : 0.1 * (t % 10), t % 2, t);
        pc_history_append(h, 3, "hkA", &e, &reset, err, sizeof err);
    }
    is_int(reset, 0, "same hotkey: no reset");
    v = pc_history_view(h, 3);
    is_int(v.count, 5, "ring keeps the last 5 (-1 included)");
    int in_order = 1;
    for (size_t i = 0; i < v.count; i++) in_order &= v.entries[i].time == 8 + (double)i;
    ok(in_order, "view is contiguous, oldest first: times 8..12");
    is_double(v.entries[1].prediction, -1, 0, "a -1 entry is kept (t=9)");
    is_double(v.entries[4].latency_s, 0.25, 0, "latency kept");

    /* other uids are independent */
    e = entry(0.2, 0, 100);
    pc_history_append(h, 0, "hkZ", &e, NULL, err, sizeof err);
    is_int(pc_history_view(h, 0).count, 1, "uid 0 has its own history");
    is_int(pc_history_view(h, 3).count, 5, "uid 3 unchanged");

    /* hotkey change: a new miner on uid 3 starts from nothing */
    e = entry(0.7, 1, 13);
    is_int(pc_history_append(h, 3, "hkB", &e, &reset, err, sizeof err), 0, "append new hotkey");
    is_int(reset, 1, "hotkey change reported");
    v = pc_history_view(h, 3);
    ok(v.count == 1 && v.entries[0].time == 13, "hotkey change resets history to this answer");
    is_str(pc_history_hotkey(h, 3), "hkB", "uid 3 now belongs to hkB");

    /* iteration over known uids */
    is_int(pc_history_next_uid(h, -1), 0, "first known uid 0");
    is_int(pc_history_next_uid(h, 0), 3, "next known uid 3");
    is_int(pc_history_next_uid(h, 3), -1, "no more");

    /* bad input is refused, nothing changes */
    e = entry(0.5, 2, 14);
    is_int(pc_history_append(h, 3, "hkB", &e, NULL, err, sizeof err), -1, "label 2 refused");
    ok(strstr(err, "label") != NULL, "error says why: %s", err);
    e = entry(0.5, 1, 14);
    is_int(pc_history_append(h, -1, "x", &e, NULL, err, sizeof err), -1, "uid -1 refused");
    is_int(pc_history_append(h, 1 << 20, "x", &e, NULL, err, sizeof err), -1,
           "uid 2^20 refused (no huge table)");
    is_int(pc_history_view(h, 3).count, 1, "refused appends left uid 3 alone");

    is_int(pc_history_reset(h, 0, NULL, err, sizeof err), 0, "forget uid 0");
    ok(pc_history_hotkey(h, 0) == NULL, "uid 0 forgotten");
    pc_history_free(h);

    /* default cap is upstream's 100, long runs stay bounded and ordered */
    h = pc_history_new(0);
    is_int(pc_history_cap(h), PC_HISTORY_CAP, "default cap 100");
    for (int t = 1; t <= 1000; t++) {
        e = entry(0.5, 0, t);
        pc_history_append(h, 7, "k", &e, NULL, err, sizeof err);
    }
    v = pc_history_view(h, 7);
    ok(v.count == 100 && v.entries[0].time == 901 && v.entries[99].time == 1000,
       "1000 appends -> the last 100, in order");
    pc_history_free(h);
}

static void check_ema(void)
{
    pc_scores s;
    const char *hk[4] = {"h0", "h1", "h2", "h3"};
    is_int(pc_scores_init(&s, 0.5, err, sizeof err), 0, "init alpha 0.5");
    is_int(pc_scores_init(&s, 0, err, sizeof err), -1, "alpha 0 refused");
    is_int(pc_scores_init(&s, PC_SCORES_ALPHA, err, sizeof err), 0, "init alpha 0.05");
    is_int(pc_scores_sync(&s, hk, 4, NULL, err, sizeof err), 0, "sync 4 uids");
    int zero = 1;
    for (size_t u = 0; u < s.n; u++) zero &= s.score[u] == 0;
    ok(s.n == 4 && zero, "new uids start at 0");

    /* step 1: uids 1, 2 get rewards 1 and 0.5: 0.05*1 = 0.05, 0.05*0.5 = 0.025 */
    int64_t uids[2] = {1, 2};
    double r[2] = {1, 0.5};
    is_int(pc_scores_update(&s, uids, r, 2, NULL, err, sizeof err), 0, "update");
    is_double(s.score[1], 0.05, 1e-15, "EMA step 1: 0.05*1");
    is_double(s.score[2], 0.025, 1e-15, "EMA step 1: 0.05*0.5");
    /* step 2: uid 1 reward 1 again: 0.05 + 0.95*0.05 = 0.0975; uid 2 not in it: keeps 0.025 */
    r[0] = 1;
    pc_scores_update(&s, uids, r, 1, NULL, err, sizeof err);
    is_double(s.score[1], 0.0975, 1e-15, "EMA step 2: 0.05 + 0.95*0.05");
    is_double(s.score[2], 0.025, 0, "a miner not in the challenge keeps its score");

    /* validator decay: uid 2 becomes a validator (permit, stake 50000 > 40096) */
    ok(pc_scores_is_validator(1, 50000, 40096), "permit + 50000 TAO > 40096: validator");
    ok(!pc_scores_is_validator(1, 40096, 40096), "stake == limit: not a validator");
    ok(!pc_scores_is_validator(0, 1e9, 40096), "no permit: not a validator");
    unsigned char vali[4] = {0, 0, 1, 0};
    r[0] = 0; /* uid 1 answers wrong: 0.95*0.0975 = 0.092625 */
    pc_scores_update(&s, uids, r, 1, vali, err, sizeof err);
    is_double(s.score[2], 0.95 * 0.025, 1e-15, "validator uid decays: 0.95*0.025");
    is_double(s.score[1], 0.092625, 1e-15, "reward 0: 0.95*0.0975");
    is_double(s.score[0], 0, 0, "uid 0 untouched");
    /* NaN reward counts as 0 (upstream nan_to_num) */
    r[0] = NAN;
    pc_scores_update(&s, uids, r, 1, vali, err, sizeof err);
    is_double(s.score[1], 0.95 * 0.092625, 1e-15, "NaN reward -> 0");

    /* bad uid: error, nothing changes */
    double before = s.score[1];
    int64_t bad[2] = {1, 4};
    double rb[2] = {1, 1};
    is_int(pc_scores_update(&s, bad, rb, 2, NULL, err, sizeof err), -1, "uid 4 of n=4 refused");
    is_double(s.score[1], before, 0, "refused update changed nothing");

    /* metagraph sync: uid 1's hotkey replaced -> 0; growth to 6 -> uids 4, 5 at 0 */
    const char *hk2[6] = {"h0", "NEW", "h2", "h3", "h4", "h5"};
    size_t replaced = 0;
    double keep2 = s.score[2];
    is_int(pc_scores_sync(&s, hk2, 6, &replaced, err, sizeof err), 0, "sync 6 uids");
    is_int(replaced, 1, "one hotkey replaced");
    is_double(s.score[1], 0, 0, "replaced hotkey's score zeroed");
    is_double(s.score[2], keep2, 0, "unchanged hotkey keeps its score");
    ok(s.n == 6 && s.score[4] == 0 && s.score[5] == 0, "metagraph growth: new uids at 0");
    is_str(s.hotkey[5], "h5", "hotkeys follow the metagraph");
    pc_scores_free(&s);
}

static void check_weights(void)
{
    pc_scores s;
    const char *hk[4] = {"a", "b", "c", "d"};
    pc_scores_init(&s, PC_SCORES_ALPHA, err, sizeof err);
    pc_scores_sync(&s, hk, 4, NULL, err, sizeof err);
    double w[4];
    is_double(pc_scores_weights(&s, w), 0, 0, "all-zero scores: norm 0");
    ok(w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0, "all-zero scores -> all-zero weights");
    s.score[0] = 0.1, s.score[1] = 0.3, s.score[2] = 0, s.score[3] = 0.6;
    is_double(pc_scores_weights(&s, w), 1.0, 1e-15, "L1 norm 1.0");
    /* 0.1/1, 0.3/1, 0, 0.6/1 */
    ok(fabs(w[0] - 0.1) < 1e-15 && fabs(w[1] - 0.3) < 1e-15 && w[2] == 0 &&
           fabs(w[3] - 0.6) < 1e-15,
       "weights = scores / sum");
    s.score[0] = 1, s.score[1] = 3, s.score[2] = 0, s.score[3] = 4;
    pc_scores_weights(&s, w);
    is_double(w[0] + w[1] + w[2] + w[3], 1.0, 1e-15, "weights sum to 1");
    is_double(w[3], 0.5, 1e-15, "4/8 = 0.5");

    /* weights file */
    char dir[] = "/tmp/proctor-score-XXXXXX", path[256];
    ok(mkdtemp(dir) != NULL, "temp dir");
    snprintf(path, sizeof path, "%s/weights.json", dir);
    is_int(pc_weights_write(path, &s, 42, 1764000000.5, err, sizeof err), 0, "weights written");
    FILE *f = fopen(path, "r");
    char buf[4096] = "";
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    cJSON *j = cJSON_Parse(buf);
    ok(j && cJSON_GetObjectItem(j, "step")->valuedouble == 42 &&
           cJSON_GetObjectItem(j, "time")->valuedouble == 1764000000.5,
       "weights file: step and time");
    cJSON *ws = cJSON_GetObjectItem(j, "weights"), *hks = cJSON_GetObjectItem(j, "hotkeys"),
          *us = cJSON_GetObjectItem(j, "uids");
    ok(cJSON_GetArraySize(ws) == 4 && cJSON_GetArraySize(hks) == 4 && cJSON_GetArraySize(us) == 4,
       "weights file: 4 uids, hotkeys, weights");
    ok(ws && fabs(cJSON_GetArrayItem(ws, 1)->valuedouble - 0.375) < 1e-15 &&
           !strcmp(cJSON_GetArrayItem(hks, 3)->valuestring, "d") &&
           cJSON_GetArrayItem(us, 2)->valuedouble == 2,
       "weights file: weight[1] = 3/8, hotkey[3] = d, uid[2] = 2");
    cJSON_Delete(j);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ok(access(tmp, F_OK) != 0, "no temporary left behind");
    snprintf(tmp, sizeof tmp, "%s/nodir/weights.json", dir);
    is_int(pc_weights_write(tmp, &s, 1, 0, err, sizeof err), -1, "missing directory -> error");
    diag("%s", err);
    unlink(path);
    rmdir(dir);
    pc_scores_free(&s);
}

static void check_combine(void)
{
    /* natix [1, 0.027, 0], brier [0.84, 0.67, 0.5] with weights 3 and 1:
     * (3*1 + 0.84)/4 = 0.96, (3*0.027 + 0.67)/4 = 0.18775, (0 + 0.5)/4 = 0.125 */
    double a[3] = {1, 0.027, 0}, b[3] = {0.84, 0.67, 0.5}, out[3];
    const double *rs[2] = {a, b};
    double w[2] = {3, 1};
    is_int(pc_rewards_combine(rs, w, 2, 3, out, err, sizeof err), 0, "combine 2 scorers");
    is_double(out[0], 0.96, 1e-15, "combined 0");
    is_double(out[1], 0.18775, 1e-15, "combined 1");
    is_double(out[2], 0.125, 1e-15, "combined 2");
    /* one scorer with weight 1 is the identity */
    double one = 1;
    pc_rewards_combine(rs, &one, 1, 3, out, err, sizeof err);
    ok(out[0] == 1 && out[1] == 0.027 && out[2] == 0, "single scorer: rewards unchanged");
    /* stray plugin values are clamped: NaN -> 0, 7 -> 1, -3 -> 0 */
    double c[3] = {NAN, 7, -3};
    const double *rc[1] = {c};
    pc_rewards_combine(rc, &one, 1, 3, out, err, sizeof err);
    ok(out[0] == 0 && out[1] == 1 && out[2] == 0, "NaN/7/-3 clamped to 0/1/0");
    double wz[2] = {0, 0}, wn[2] = {1, -1};
    is_int(pc_rewards_combine(rs, wz, 2, 3, out, err, sizeof err), -1, "weights summing to 0");
    is_int(pc_rewards_combine(rs, wn, 2, 3, out, err, sizeof err), -1, "negative weight");
}

int main(void)
{
    check_history();
    check_ema();
    check_weights();
    check_combine();
    return done_testing();
}
