/* test_loop_answers — the challenge loop against a scripted miner (libmicrohttpd on 127.0.0.1,
 * ephemeral port) whose answers are odd on purpose: numeric strings, booleans, classes outside
 * {0, 1}, NaN, HTTP errors. Checks, end to end: what upstream makes of each answer, the audit
 * log's numbers reading back bit for bit, the log's "answered" count and the WARNING when no
 * miner answers, and every reward replayed through scikit-learn (Debian's python3-sklearn)
 * with upstream's try/except rule, re-expressed in Python independently of the C scorer. */
#include "../tap.h"
#include "cache/cache.h"
#include "config/pipeline.h"
#include "ctutil.h"
#include "plugin/instance.h"
#include "run/audit_json.h"
#include "run/loop.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HK_MINER "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

/* One answer per challenge (sample_size 1, one miner): the JSON value of "prediction", or
 * "HTTP 503" for an error status. Upstream's reading is in the comment. */
static const char *const script[] = {
    "0.9", "0.1", "0.8", "0.2",
    "0.5000000000000001",   /*  5: kept bit for bit in the audit log */
    "1.5",                  /*  6: class 2 -> empty metrics while in the windows; 0 answered */
    "0.9", "0.1",
    "\"0.4\"",              /*  9: pydantic's lax float: 0.4 */
    "true",                 /* 10: 1.0 */
    "HTTP 503",             /* 11: -1; WARNING, commonest reason http 503 */
    "0.7", "0.3", "0.6", "0.2", "0.8", "0.1", "0.9",
    "-0.7",                 /* 19: class -1 */
    "2.5",                  /* 20: class 2 (half to even) */
    "\" 0.8\\n\"",          /* 21: white space stripped: 0.8 */
    "3", "0.95", "0.05",
    "-1.5",                 /* 25: class -2 */
    "\"nan\"",              /* 26: NaN: an answer, empties the metrics while in the windows */
    "0.85", "0.15", "0.75", "0.25", "0.65", "0.35", "0.9", "0.1", "0.8", "0.2",
    "-1",                   /* 37: no answer */
    "0.7", "0.3", "0.6", "0.4", "0.9", "0.1", "0.8", "0.2", "0.7", "0.3", "0.6", "0.4",
};
#define STEPS ((int)(sizeof script / sizeof script[0]))

static int served;
static char *tmp, *photos;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **con_cls)
{
    (void)cls, (void)url, (void)method, (void)version, (void)data;
    if (!*con_cls) { /* first call: headers only */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*size) { /* the request body: not needed */
        *size = 0;
        return MHD_YES;
    }
    int i = __atomic_fetch_add(&served, 1, __ATOMIC_SEQ_CST);
    const char *a = i < STEPS ? script[i] : "0.5";
    unsigned status = strcmp(a, "HTTP 503") ? 200 : 503;
    char *body = status == 200 ? ct_fmt("{\"name\": \"ImageSynapse\", \"prediction\": %s}", a)
                               : ct_fmt("{\"message\": \"Service Unavailable\"}");
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static void write_photos(void)
{
    mkdir(photos, 0755);
    for (unsigned i = 0; i < 3; i++) {
        size_t len = 0;
        void *j = ct_jpeg(320, 240, 250, 120, 10, i, &len);
        char *p = ct_fmt("%s/roadwork_%u.jpg", photos, i);
        ct_write(p, j, len);
        free(p);
        free(j);
        j = ct_jpeg(320, 240, 90, 95, 100, i, &len);
        p = ct_fmt("%s/street_%u.jpg", photos, i);
        ct_write(p, j, len);
        free(p);
        free(j);
    }
}

static void fill_cache(const pc_pipeline *p)
{
    char err[1024] = "";
    pc_cache *c = pc_cache_open(pc_settings_string(&p->cache, "root"), NULL, err, sizeof err);
    pc_live live;
    int ok_ = c && pc_live_create(&live, pc_pipeline_find(p, "photos"), c, NULL, err, sizeof err) == PROCTOR_OK;
    if (ok_) {
        ok_ = ((const proctor_source_ops *)live.def->plugin->desc->ops)->refresh(live.state) == PROCTOR_OK;
        pc_live_destroy(&live);
    }
    ok(ok_ && pc_cache_count(c, PROCTOR_CACHE_REAL, -1) == 6, "local_folder filled the real cache (%s)", err);
    if (c) pc_cache_close(c);
}

static void test_exact_number(void)
{
    struct { double v; const char *text; } t[] = {
        {0.5000000000000001, "0.5000000000000001"}, {-1.0000000000000002, "-1.0000000000000002"},
        {0.1, "0.1"}, {3, "3"}, {-0.0, "-0"}, {1e-300, "1e-300"}, {5e-324, "4.94065645841247e-324"},
        {0.30000000000000004, "0.30000000000000004"}, {NAN, "\"nan\""}, {-INFINITY, "\"-inf\""},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char out[32];
        pc_exact_number(t[i].v, out);
        is_str(out, t[i].text, "exact number %s", t[i].text);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "a");
    cJSON_AddItemToArray(a, cJSON_CreateNumber(0.5000000000000001));
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "b"), "c", -1.0000000000000002);
    pc_json_exact_numbers(o);
    char *text = cJSON_PrintUnformatted(o);
    is_str(text, "{\"a\":[0.5000000000000001],\"b\":{\"c\":-1.0000000000000002}}",
           "nested numbers print exactly (cJSON alone prints 0.5 and -1)");
    free(text);
    cJSON_Delete(o);
}

/* The log line of challenge `step` containing `what`, or NULL. */
static const char *log_line_has(const char *log, int step, const char *what)
{
    char *head = ct_fmt("challenge %d: ", step);
    const char *hit = NULL;
    for (const char *s = log; s && *s && !hit;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char *line = strndup(s, len);
        if (strstr(line, head) && strstr(line, what)) hit = s;
        free(line);
        s = nl ? nl + 1 : NULL;
    }
    free(head);
    return hit;
}

/* Upstream's metrics and reward (natix/validator/miner_performance_tracker.py get_metrics and
 * reward.py get_rewards) written out again in Python over sklearn, replaying the audit log. */
static const char replay_py[] =
    "import json, sys, warnings\n"
    "warnings.filterwarnings('ignore')\n"
    "import numpy as np\n"
    "from sklearn.metrics import (accuracy_score, f1_score, matthews_corrcoef, precision_score,\n"
    "                             recall_score, roc_auc_score)\n"
    "def metrics(preds, labels, window):\n"
    "    preds, labels = preds[-window:], labels[-window:]\n"
    "    keep = [i for i, p in enumerate(preds) if p != -1]\n"
    "    probs = np.array([preds[i] for i in keep])\n"
    "    y_pred = np.round(probs)\n"
    "    y = np.array([labels[i] for i in keep])\n"
    "    if len(y) == 0: return 0.0, 0.0\n"
    "    try:\n"
    "        acc = accuracy_score(y, y_pred)\n"
    "        precision_score(y, y_pred, zero_division=0)\n"
    "        recall_score(y, y_pred, zero_division=0)\n"
    "        f1_score(y, y_pred, zero_division=0)\n"
    "        mcc = max(0, matthews_corrcoef(y, y_pred)) if len(np.unique(y)) > 1 and len(np.unique(y_pred)) > 1 else 0.0\n"
    "        if len(np.unique(y)) > 1: roc_auc_score(y, probs)\n"
    "    except Exception:\n"
    "        return 0.0, 0.0\n"
    "    return acc, mcc\n"
    "hist = {}\n"
    "n = bad = 0\n"
    "for text in open(sys.argv[1]):\n"
    "    line = json.loads(text)\n"
    "    for m in line.get('miners', []):\n"
    "        p = float(m['prediction'])\n"
    "        h = hist.setdefault(m['uid'], ([], []))\n"
    "        h[0].append(p); h[1].append(line['label'])\n"
    "        del h[0][:-100], h[1][:-100]\n"
    "        acc10 = metrics(h[0], h[1], 10)[0]\n"
    "        mcc100 = metrics(h[0], h[1], 100)[1]\n"
    "        if p == -1: r = 0.0\n"
    "        else: r = ((0.5 * mcc100 + 0.5 * acc10) * (0.0 if (p < 0.0 or p > 1.0) else 1.0)) ** 3\n"
    "        n += 1\n"
    "        if abs(r - m['reward']) > 1e-12:\n"
    "            bad += 1\n"
    "            print('mismatch id %d uid %d prediction %r: proctor %r, sklearn rule %r' % (line['id'], m['uid'], p, m['reward'], r))\n"
    "print('replayed %d %d' % (n, bad))\n";

static void replay_with_sklearn(const char *audit_path)
{
    if (access("/usr/bin/python3", X_OK) != 0) {
        skip(2, "/usr/bin/python3 is not installed (Debian python3-sklearn cross-check)");
        return;
    }
    char *probe_argv[] = {"/usr/bin/python3", "-c", "import sklearn, numpy", NULL};
    if (ct_run(probe_argv, NULL, NULL, NULL, 60) != 0) {
        skip(2, "python3-sklearn is not installed (apt-get install python3-sklearn)");
        return;
    }
    char *script_path = ct_path(tmp, "replay.py");
    ct_write_str(script_path, replay_py);
    char *argv[] = {"/usr/bin/python3", script_path, (char *)audit_path, NULL};
    char *out = NULL, *err = NULL;
    int rc = ct_run(argv, NULL, &out, &err, 120);
    int n = -1, bad = -1;
    const char *last = out ? strstr(out, "replayed ") : NULL;
    if (last) sscanf(last, "replayed %d %d", &n, &bad);
    ok(rc == 0 && n == STEPS, "sklearn replayed all %d rewards of the audit log (rc %d, %d)", STEPS, rc, n);
    if (!ok(bad == 0, "every reward matches upstream's rule over sklearn (%d mismatches)", bad))
        diag("%s%s", out ? out : "", err ? err : "");
    free(out);
    free(err);
    free(script_path);
}

static pc_loop *open_loop(pc_registry *reg, pc_pipeline *p, const char *text)
{
    char err[2048] = "";
    pc_registry_init(reg);
    if (pc_pipeline_load_string(p, text, "more.yaml", reg, err, sizeof err) != 0) {
        diag("pipeline: %s", err);
        return NULL;
    }
    pc_loop *lp = pc_loop_open(p, err, sizeof err);
    if (!lp) diag("loop: %s", err);
    return lp;
}

static cJSON **audit_lines(const char *state, size_t *n)
{
    char *path = ct_fmt("%s/%s/audit.jsonl", tmp, state), *text = ct_read(path, NULL);
    cJSON **lines = calloc(64, sizeof *lines);
    *n = 0;
    for (char *s = text, *nl; s && *s && *n < 64 && (nl = strchr(s, '\n')); s = nl + 1) {
        *nl = 0;
        lines[(*n)++] = cJSON_Parse(s);
    }
    free(text);
    free(path);
    return lines;
}

static void free_lines(cJSON **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) cJSON_Delete(lines[i]);
    free(lines);
}

static void on_result(void *user, const pc_challenge_result *r) { *(pc_challenge_result *)user = *r; }

static void *fill_later(void *root)
{
    ct_sleep(0.6);
    char err[256];
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    for (int label = 0; c && label < 2; label++) {
        size_t len = 0;
        void *j = ct_jpeg(320, 240, 200, 150, 50, (unsigned)label, &len);
        pc_cache_put(c, PROCTOR_CACHE_REAL, label ? "late1" : "late0", j, len,
                     label ? "{\"label\": 1, \"scene_description\": \"cones\"}" : "{\"label\": 0, \"scene_description\": \"\"}",
                     err, sizeof err);
        free(j);
    }
    if (c) pc_cache_close(c);
    return NULL;
}

/* An empty cache at start: the first challenge waits (up to one interval) for the producers'
 * first image instead of being skipped, and the wait is no step. */
static void test_first_wait(int port)
{
    char *root = ct_fmt("%s/cache_empty", tmp);
    char *text = ct_fmt("cache: {root: \"%s\"}\n"
                        "challenge: {interval: 5s, state_dir: \"%s/state_wait\", seed: 9, fake_prob: 0}\n"
                        "miners:\n  sample_size: 1\n  timeout: 4s\n  neurons:\n"
                        "    - {uid: 0, hotkey: " HK_MINER ", ip: 127.0.0.1, port: %d}\n"
                        "scorers:\n  - {plugin: natix}\n", root, tmp, port);
    pc_registry reg;
    pc_pipeline p;
    pc_loop *lp = open_loop(&reg, &p, text);
    ok(lp != NULL, "wait: loop opens on an empty cache");
    pc_challenge_result r = {.skipped = -1};
    pthread_t th;
    pthread_create(&th, NULL, fill_later, root);
    double t0 = ct_now(), waited = 0;
    if (lp) {
        volatile sig_atomic_t stop = 0;
        pc_loop_set_steps(lp, 1);
        pc_loop_on_result(lp, on_result, &r);
        while (pc_loop_tick(lp, &stop) != PC_LOOP_DONE && ct_now() - t0 < 20) {}
        waited = ct_now() - t0;
        pc_loop_close(lp);
    }
    pthread_join(th, NULL);
    is_int(r.skipped, 0, "the first challenge was served, not skipped");
    ok(waited >= 0.5 && waited < 4.5, "it waited for the image that came after 0.6 s (%.2f s)", waited);
    size_t n = 0;
    cJSON **lines = audit_lines("state_wait", &n);
    ok(n == 1 && cJSON_GetObjectItem(lines[0], "id") && cJSON_GetObjectItem(lines[0], "id")->valueint == 1 &&
           !cJSON_GetObjectItem(lines[0], "skipped"),
       "one audit line, id 1: the wait took no step");
    free_lines(lines, n);
    pc_pipeline_free(&p);
    pc_registry_free(&reg);
    free(text);
    free(root);
}

/* With an interval, the next challenge is drawn and its image prepared during it: at the tick
 * the loop only sends. Same seeds, items and augmentations as preparing at the tick. */
static void test_prepare_ahead(int port)
{
    static const char *modes[] = {"ticks", "steps"};
    cJSON **lines[2];
    size_t n[2];
    for (int m = 0; m < 2; m++) {
        char *text = ct_fmt("cache: {root: \"%s/cache\"}\n"
                            "challenge: {interval: 0.3s, state_dir: \"%s/state_%s\", seed: 21, fake_prob: 0}\n"
                            "miners:\n  sample_size: 1\n  timeout: 4s\n  neurons:\n"
                            "    - {uid: 0, hotkey: " HK_MINER ", ip: 127.0.0.1, port: %d}\n"
                            "scorers:\n  - {plugin: natix}\n", tmp, tmp, modes[m], port);
        pc_registry reg;
        pc_pipeline p;
        pc_loop *lp = open_loop(&reg, &p, text);
        ok(lp != NULL, "%s: loop opens", modes[m]);
        volatile sig_atomic_t stop = 0;
        double t0 = ct_now();
        if (lp && m == 0) {
            pc_loop_set_steps(lp, 3);
            while (pc_loop_tick(lp, &stop) != PC_LOOP_DONE && ct_now() - t0 < 30) {}
        }
        for (int i = 0; lp && m == 1 && i < 3; i++) pc_loop_step(lp, NULL);
        if (lp) pc_loop_close(lp);
        char *state = ct_fmt("state_%s", modes[m]);
        lines[m] = audit_lines(state, &n[m]);
        free(state);
        pc_pipeline_free(&p);
        pc_registry_free(&reg);
        free(text);
    }
    int ahead = n[0] == 3, same = n[0] == 3 && n[1] == 3;
    for (size_t i = 1; ahead && i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItem(lines[0][i], "prepared_before_tick_ms");
        ahead = cJSON_IsNumber(v) && v->valuedouble > 0;
        if (!ahead) diag("challenge %zu: prepared_before_tick_ms %g", i + 1, cJSON_IsNumber(v) ? v->valuedouble : -1);
    }
    ok(ahead, "challenges 2 and 3 were prepared during the interval (prepared_before_tick_ms > 0)");
    for (size_t i = 0; same && i < 3; i++) {
        static const char *keys[] = {"seed", "item", "label"};
        for (int k = 0; k < 3; k++) {
            char *a = cJSON_PrintUnformatted(cJSON_GetObjectItem(lines[0][i], keys[k]));
            char *b = cJSON_PrintUnformatted(cJSON_GetObjectItem(lines[1][i], keys[k]));
            same &= a && b && !strcmp(a, b);
            free(a);
            free(b);
        }
        char *a = cJSON_PrintUnformatted(cJSON_GetObjectItem(lines[0][i], "augmentation"));
        char *b = cJSON_PrintUnformatted(cJSON_GetObjectItem(lines[1][i], "augmentation"));
        same &= a && b && !strcmp(a, b);
        free(a);
        free(b);
    }
    ok(same, "the same seeds, items, labels and augmentations as preparing at the tick");
    free_lines(lines[0], n[0]);
    free_lines(lines[1], n[1]);
}

int main(void)
{
    test_exact_number();
    tmp = ct_tmpdir("loop-answers");
    photos = ct_path(tmp, "photos");
    write_photos();
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a4, MHD_OPTION_END);
    if (!d) skip_all("cannot start a loopback HTTP server");
    int port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    char *text = ct_fmt("cache: {root: \"%s/cache\"}\n"
                        "challenge: {interval: 0s, state_dir: \"%s/state\", seed: 3, fake_prob: 0}\n"
                        "miners:\n  sample_size: 1\n  timeout: 4s\n  neurons:\n"
                        "    - {uid: 0, hotkey: " HK_MINER ", ip: 127.0.0.1, port: %d}\n"
                        "sources:\n  - {name: photos, plugin: local_folder, path: \"%s\"}\n"
                        "scorers:\n  - {plugin: natix}\n",
                        tmp, tmp, port, photos);
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    char err[2048] = "";
    if (pc_pipeline_load_string(&p, text, "answers.yaml", &reg, err, sizeof err) != 0) {
        ok(0, "pipeline loads (%s)", err);
        return done_testing();
    }
    fill_cache(&p);
    pc_loop *lp = pc_loop_open(&p, err, sizeof err);
    ok(lp != NULL, "loop opens (%s)", err);
    /* the loop logs to stderr: capture it for the run */
    char *log_path = ct_path(tmp, "loop.log");
    int saved = dup(2), fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    close(fd);
    int ran = 0;
    for (int i = 0; lp && i < STEPS; i++) {
        pc_challenge_result r;
        ran += pc_loop_step(lp, &r) == 0 && !r.skipped && r.count == 1;
    }
    dup2(saved, 2);
    close(saved);
    is_int(ran, STEPS, "%d challenges ran, one miner each", STEPS);
    if (lp) pc_loop_close(lp);

    char *log = ct_read(log_path, NULL);
    ok(log_line_has(log, 6, "1 miner(s), 0 answered"), "1.5 is not counted as answered");
    ok(log_line_has(log, 6, "commonest reason: answer outside [0, 1] (1 of 1)"), "and no valid answer: WARNING");
    ok(log_line_has(log, 11, "| WARNING") && log_line_has(log, 11, "commonest reason: http 503 (1 of 1)"),
       "every miner failed at challenge 11: a WARNING names the commonest reason, http 503");
    ok(log_line_has(log, 5, "1 miner(s), 1 answered"), "0.5000000000000001 is answered");
    ok(!log_line_has(log, 5, "commonest reason"), "no WARNING when someone answered");

    char *audit_path = ct_fmt("%s/state/audit.jsonl", tmp), *audit = ct_read(audit_path, NULL);
    ok(audit && strstr(audit, "\"prediction\":0.5000000000000001,"), "the audit log keeps 0.5000000000000001");
    double want[STEPS + 1];
    for (int i = 0; i < STEPS; i++) want[i] = NAN;
    want[8] = 0.4, want[9] = 1.0, want[10] = -1, want[20] = 0.8, want[25] = NAN, want[36] = -1;
    int line_no = 0, preds_ok = 1;
    for (char *s = audit, *nl; s && *s; s = nl + 1, line_no++) {
        if (!(nl = strchr(s, '\n'))) break;
        *nl = 0;
        cJSON *l = cJSON_Parse(s);
        const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "miners"), 0);
        const cJSON *pr = cJSON_GetObjectItem(m, "prediction");
        if (line_no == 25) preds_ok &= cJSON_IsString(pr) && !strcmp(pr->valuestring, "nan");
        else if (!isnan(want[line_no])) preds_ok &= cJSON_IsNumber(pr) && pr->valuedouble == want[line_no];
        cJSON_Delete(l);
        *nl = '\n';
    }
    ok(preds_ok, "\"0.4\" -> 0.4, true -> 1, 503 -> -1, \" 0.8\\n\" -> 0.8, \"nan\" -> \"nan\" in the audit");
    replay_with_sklearn(audit_path);
    test_first_wait(port);
    test_prepare_ahead(port);
    MHD_stop_daemon(d);

    free(audit);
    free(audit_path);
    free(log);
    free(log_path);
    pc_pipeline_free(&p);
    pc_registry_free(&reg);
    free(text);
    ct_rmtree(tmp);
    free(photos);
    free(tmp);
    return done_testing();
}
