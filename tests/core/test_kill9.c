/* test_kill9 — `proctor run` SIGKILLed at random moments, 22 times, restarted each time: the
 * state file always loads, its step never goes back, and each miner's history holds exactly
 * the challenges the audit log says it was in (plus at most one per kill: the audit line is
 * written after the state is saved), never a duplicate. sample_size 2 = the 2 miners: one card
 * each per challenge (upstream deals sample_size cards, repeating uids when there are fewer). */
#include "../tap.h"
#include "cache/cache.h"
#include "ctutil.h"
#include "score/state.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KILLS 22
#define NMINERS 2

#define HISTORY_SIZE 1000 /* challenge.history_size in the pipeline below */

typedef struct audit_view {
    int lines, torn, skipped, max_id, dup_ids;
    int per_uid[NMINERS];
} audit_view;

static audit_view read_audit(const char *path)
{
    audit_view a;
    memset(&a, 0, sizeof a);
    char *text = ct_read(path, NULL);
    int last_id = 0;
    for (char *s = text, *nl; s && *s; s = nl + 1) {
        nl = strchr(s, '\n');
        if (!nl) { /* a line cut short by the kill */
            a.torn++;
            break;
        }
        *nl = 0;
        cJSON *l = cJSON_Parse(s);
        a.lines++;
        if (!l) a.torn++;
        else if (cJSON_IsTrue(cJSON_GetObjectItem(l, "skipped"))) a.skipped++;
        else {
            int id = cJSON_GetObjectItem(l, "id") ? cJSON_GetObjectItem(l, "id")->valueint : 0;
            if (id <= last_id) a.dup_ids++;
            last_id = id;
            if (id > a.max_id) a.max_id = id;
            const cJSON *m;
            cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "miners"))
            {
                int uid = cJSON_GetObjectItem(m, "uid") ? cJSON_GetObjectItem(m, "uid")->valueint : -1;
                if (uid >= 0 && uid < NMINERS) a.per_uid[uid]++;
            }
        }
        cJSON_Delete(l);
    }
    free(text);
    return a;
}

int main(void)
{
    char *tmp = ct_tmpdir("kill9");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    /* a small real cache, written directly */
    char err[1024] = "";
    char *root = ct_path(tmp, "cache");
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    for (unsigned i = 0; c && i < 6; i++) {
        size_t len = 0;
        void *j = ct_jpeg(256, 192, i % 2 ? 250 : 90, i % 2 ? 120 : 95, i % 2 ? 10 : 100, i, &len);
        char stem[16];
        snprintf(stem, sizeof stem, "k%u", i);
        pc_cache_put(c, PROCTOR_CACHE_REAL, stem, j, len,
                     i % 2 ? "{\"label\": 1, \"scene_description\": \"cones\"}" : "{\"label\": 0, \"scene_description\": \"\"}",
                     err, sizeof err);
        free(j);
    }
    ok(c && pc_cache_count(c, PROCTOR_CACHE_REAL, -1) == 6, "cache prefilled with 6 images");
    pc_cache_close(c);

    const char *good[] = {"--seed", "1", NULL}, *random[] = {"--random", "--seed", "2", NULL};
    int ports[NMINERS] = {0, 0};
    pid_t miners[NMINERS] = {ct_miner_start(good, &ports[0]), ct_miner_start(random, &ports[1])};
    ok(miners[0] > 0 && miners[1] > 0, "2 demo miners started");
    char *yaml = ct_path(tmp, "pipeline.yaml"), *log = ct_path(tmp, "run.log");
    char *text = ct_fmt("cache: {root: \"%s\"}\n"
                        "challenge: {interval: 0s, fake_prob: 0, history_size: 1000, epoch: 5, state_dir: \"%s/state\"}\n"
                        "miners:\n  sample_size: 2\n  timeout: 3s\n  validator_hotkey: 5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy\n"
                        "  neurons:\n"
                        "    - {uid: 0, hotkey: 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY, ip: 127.0.0.1, port: %d}\n"
                        "    - {uid: 1, hotkey: 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty, ip: 127.0.0.1, port: %d}\n"
                        "scorers:\n  - {plugin: natix}\n",
                        root, tmp, ports[0], ports[1]);
    ct_write_str(yaml, text);
    free(text);
    char *state_path = ct_fmt("%s/state/state.json", tmp), *audit_path = ct_fmt("%s/state/audit.jsonl", tmp);
    char *exe = ct_build_path("proctor");
    char *argv[] = {exe, "run", "-c", yaml, NULL};
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    srand(seed);
    diag("kill moments from seed %u", seed);

    uint64_t prev_step = 0;
    int load_fail = 0, went_back = 0, from_prev_n = 0, hist_bad = 0, dup_entries = 0, dup_ids = 0, torn = 0;
    int gap_bad = 0;
    for (int k = 0; k < KILLS && miners[0] > 0 && miners[1] > 0; k++) {
        pid_t pid = ct_spawn(argv, NULL, log);
        ct_sleep(0.15 + (rand() % 550) / 1000.0);
        kill(pid, SIGKILL);
        ct_wait(pid, 5);

        uint64_t step = 0;
        pc_scores scores;
        pc_scores_init(&scores, 0.05, err, sizeof err);
        pc_history *h = pc_history_new(HISTORY_SIZE);
        int from_prev = 0;
        int rc = pc_state_load(state_path, &step, &scores, &h, &from_prev, err, sizeof err);
        audit_view a = read_audit(audit_path);
        if (rc < 0 || (rc == 1 && a.max_id > 0)) {
            load_fail++;
            diag("kill %d: state does not load (%d): %s", k + 1, rc, err);
        }
        from_prev_n += from_prev;
        if (step < prev_step) went_back++;
        prev_step = step;
        dup_ids = a.dup_ids;
        torn = a.torn;
        /* challenges whose audit line a kill swallowed: at most one per kill */
        int missing = (int)step - (a.lines - a.skipped - a.torn);
        if (missing < 0 || missing > k + 1 || (a.max_id != (int)step && a.max_id + 1 != (int)step && step)) {
            gap_bad++;
            diag("kill %d: step %llu, %d audit lines (%d skipped), last id %d", k + 1, (unsigned long long)step,
                 a.lines, a.skipped, a.max_id);
        }
        for (int uid = 0; rc == 0 && uid < NMINERS; uid++) {
            proctor_history v = pc_history_view(h, uid);
            /* the history keeps the last history_size (1000) answers: a fast machine gets there */
            int lo = a.per_uid[uid] < HISTORY_SIZE ? a.per_uid[uid] : HISTORY_SIZE;
            int hi = a.per_uid[uid] + missing < HISTORY_SIZE ? a.per_uid[uid] + missing : HISTORY_SIZE;
            if ((int)v.count < lo || (int)v.count > hi) {
                hist_bad++;
                diag("kill %d: uid %d has %zu history entries, the audit log %d (+%d in flight)", k + 1, uid,
                     v.count, a.per_uid[uid], missing);
            }
            for (size_t i = 1; i < v.count; i++)
                if (!(v.entries[i].time > v.entries[i - 1].time)) dup_entries++;
        }
        pc_history_free(h);
        pc_scores_free(&scores);
    }
    is_int(load_fail, 0, "after every one of %d kills the state file loads", KILLS);
    is_int(from_prev_n, 0, "and it is always the main file (the atomic rename never leaves it torn)");
    is_int(went_back, 0, "the step never decreases");
    ok(prev_step >= 10, "challenges did run between the kills: step %llu", (unsigned long long)prev_step);
    is_int(gap_bad, 0, "audit lines = saved challenges, minus at most one in flight per kill");
    is_int(hist_bad, 0, "per-miner history length == challenges in the audit log (+ in flight)");
    is_int(dup_entries, 0, "no duplicated history entry");
    is_int(dup_ids, 0, "no challenge id is audited twice");
    is_int(torn, 0, "no torn audit line");
    char *logtext = ct_read(log, NULL);
    ok(logtext && ct_count(logtext, "label") == 0, "the console log never mentions a label");
    free(logtext);
    for (int i = 0; i < NMINERS; i++) ct_miner_stop(miners[i]);
    ct_rmtree(tmp);
    free(exe);
    free(state_path);
    free(audit_path);
    free(yaml);
    free(log);
    free(root);
    free(tmp);
    return done_testing();
}
