/* test_cache — the image cache: put/sample round trip, the upstream label rule, the upstream
 * sidecar format, budgets (oldest first, image and sidecar together), atomicity under a
 * concurrent writer, cache_has, stale temporaries. */
#include "../tap.h"
#include "cache/cache.h"
#include "ctutil.h"
#include "plugin/host.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pc_rng rng;

static uint64_t fnv(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
    char *p = ct_path(dir, name);
    if (ct_write(p, data, len) != 0) diag("cannot write %s", p);
    free(p);
}

static void set_age(const char *dir, const char *name, time_t when)
{
    struct timespec ts[2] = {{when, 0}, {when, 0}};
    char *p = ct_path(dir, name);
    if (utimensat(AT_FDCWD, p, ts, 0) != 0) diag("utimensat %s failed", p);
    free(p);
}

static void test_round_trip(pc_cache *c, const void *jpg, size_t jlen)
{
    char err[512] = "";
    const char *side = "{\"label\": 1, \"scene_description\": \"cones on the left lane\", \"extra\": [1, 2]}";
    is_int(pc_cache_put(c, PROCTOR_CACHE_REAL, "rt_one", jpg, jlen, side, err, sizeof err), PROCTOR_OK,
           "put a JPEG with a label-1 sidecar (%s)", err);
    ok(pc_cache_has(c, PROCTOR_CACHE_REAL, "rt_one"), "cache_has finds it");
    ok(!pc_cache_has(c, PROCTOR_CACHE_REAL, "rt_two"), "cache_has: absent stem");
    ok(!pc_cache_has(c, PROCTOR_CACHE_T2I, "rt_one"), "cache_has: other kind");
    ok(!pc_cache_has(c, PROCTOR_CACHE_REAL, "../rt_one"), "cache_has: a path is not a stem");
    proctor_item *it = NULL;
    is_int(pc_cache_sample(c, PROCTOR_CACHE_REAL, 1, pc_rng_callback, &rng, &it), PROCTOR_OK, "sample label 1");
    if (it) {
        size_t len = 0;
        char *bytes = ct_read(it->path, &len);
        ok(bytes && len == jlen && memcmp(bytes, jpg, jlen) == 0, "the image bytes are stored unchanged");
        ok(strstr(it->path, "/Roadwork/image/rt_one.jpg") != NULL, "upstream layout, extension from the bytes: %s", it->path);
        is_int(it->label, 1, "item label");
        is_str(it->scene_description, "cones on the left lane", "item scene_description");
        is_str(it->sidecar_json, side, "item sidecar is the stored JSON");
        free(bytes);
        pc_item_free(it);
    }
    it = NULL;
    is_int(pc_cache_sample(c, PROCTOR_CACHE_REAL, 0, pc_rng_callback, &rng, &it), PROCTOR_NOT_READY,
           "no label-0 item: NOT_READY");
    ok(it == NULL, "  and no item");
    is_int(pc_cache_sample(c, PROCTOR_CACHE_T2I, -1, pc_rng_callback, &rng, &it), PROCTOR_NOT_READY,
           "empty t2i: NOT_READY");
    err[0] = 0;
    is_int(pc_cache_put(c, PROCTOR_CACHE_REAL, "bad_side", jpg, jlen, "{\"label\": 1}", err, sizeof err),
           PROCTOR_INVALID, "put refuses label 1 without a scene");
    ok(strstr(err, "scene_description") != NULL, "  and says why: %s", err);
    is_int(pc_cache_put(c, PROCTOR_CACHE_REAL, "not_img", "hello world", 11, "{\"label\": 0}", err, sizeof err),
           PROCTOR_INVALID, "put refuses bytes that are not JPEG/PNG");
    is_int(pc_cache_put(c, PROCTOR_CACHE_REAL, "a/b", jpg, jlen, "{\"label\": 0}", err, sizeof err),
           PROCTOR_INVALID, "put refuses a stem with a slash");
    is_int(pc_cache_put(c, PROCTOR_CACHE_REAL_SOURCES, "x", jpg, jlen, "{\"label\": 0}", err, sizeof err),
           PROCTOR_INVALID, "put refuses the sources directory");
    ok(!pc_cache_has(c, PROCTOR_CACHE_REAL, "bad_side") && !pc_cache_has(c, PROCTOR_CACHE_REAL, "not_img"),
       "nothing was written for the refused puts");
}

/* Items written by hand, the way another program (upstream's Python) would. */
static void test_label_rule(pc_cache *c, const char *dir, const void *jpg, size_t jlen)
{
    static const struct {
        const char *stem, *json;
        int servable;
    } cases[] = {
        {"lr_one_empty", "{\"label\": 1, \"scene_description\": \"\"}", 0},
        {"lr_one_null", "{\"label\": 1, \"scene_description\": null}", 0},
        {"lr_zero_scene", "{\"label\": 0, \"scene_description\": \"a digger\"}", 0},
        {"lr_string", "{\"label\": \"1\", \"scene_description\": \"a digger\"}", 0},
        {"lr_missing", "{\"scene_description\": \"\"}", 0},
        {"lr_two", "{\"label\": 2, \"scene_description\": \"\"}", 0},
        {"lr_garbage", "{\"label\": 0, ", 0},
        {"lr_good0", "{\"label\": 0, \"scene_description\": \"\"}", 1},
        {"lr_good1", "{\"label\": 1, \"scene_description\": \"barriers\"}", 1},
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        char *img = ct_fmt("%s.jpg", cases[i].stem), *side = ct_fmt("%s.json", cases[i].stem);
        put_file(dir, img, jpg, jlen);
        put_file(dir, side, cases[i].json, strlen(cases[i].json));
        free(img);
        free(side);
    }
    put_file(dir, "lr_nosidecar.jpg", jpg, jlen);
    pc_cache_invalidate(c, PROCTOR_CACHE_REAL);
    int bad_served = 0, good_seen[2] = {0, 0};
    for (int i = 0; i < 400; i++) {
        proctor_item *it = NULL;
        if (pc_cache_sample(c, PROCTOR_CACHE_REAL, i % 3 - 1, pc_rng_callback, &rng, &it) != PROCTOR_OK) continue;
        if (strstr(it->path, "lr_good0")) good_seen[0]++;
        else if (strstr(it->path, "lr_good1")) good_seen[1]++;
        else if (!strstr(it->path, "rt_one")) {
            bad_served++;
            diag("served an inconsistent item: %s", it->path);
        }
        pc_item_free(it);
    }
    is_int(bad_served, 0, "inconsistent sidecars are never served (400 samples)");
    ok(good_seen[0] > 0 && good_seen[1] > 0, "the consistent ones are (%d, %d)", good_seen[0], good_seen[1]);
    pc_cache_stat st;
    pc_cache_stats(c, PROCTOR_CACHE_REAL, &st);
    is_int(st.items[0], 1, "stats: 1 servable label-0 item");
    is_int(st.items[1], 2, "stats: 2 servable label-1 items (with rt_one)");
    is_int(st.invalid, 8, "stats: 7 inconsistent + 1 without sidecar are invalid");
    is_int(pc_cache_count(c, PROCTOR_CACHE_REAL, -1), 3, "count of servable items");
    char why[128] = "";
    is_int(pc_cache_check_sidecar("{\"label\": true, \"scene_description\": \"x\"}", why, sizeof why), 1,
           "label true counts as 1 (Python: True == 1)");
    is_int(pc_cache_check_sidecar("{\"label\": 1.0, \"scene_description\": \"x\"}", why, sizeof why), 1,
           "label 1.0 counts as 1");
    is_int(pc_cache_check_sidecar("[1]", why, sizeof why), -1, "a JSON list is no sidecar");
    /* U+0000 as Python's json writes it: a scene that starts with it is not empty (Python serves it) */
    is_int(pc_cache_check_sidecar("{\"label\": 1, \"scene_description\": \"\\u0000 cones\"}", why, sizeof why), 1,
           "label 1 with a scene starting with \\u0000 is servable (%s)", why);
    is_int(pc_cache_check_sidecar("{\"label\": 0, \"scene_description\": \"\\u0000\"}", why, sizeof why), -1,
           "label 0 with a scene of one U+0000 is not empty, so refused");
    is_int(pc_cache_check_sidecar("{\"label\": 1, \"scene_description\": \"\"}", why, sizeof why), -1,
           "label 1 with \"\" is still refused");
    for (size_t i = 0; i < n; i++) {
        char *img = ct_fmt("%s/%s.jpg", dir, cases[i].stem), *side = ct_fmt("%s/%s.json", dir, cases[i].stem);
        unlink(img);
        unlink(side);
        free(img);
        free(side);
    }
    char *p = ct_path(dir, "lr_nosidecar.jpg");
    unlink(p);
    free(p);
}

static void test_upstream_format(pc_cache *c, const char *dir, const void *jpg, size_t jlen)
{
    /* json.dump(..., indent=2, ensure_ascii=False) of extract.py, plus a dataset's own columns */
    const char *one =
        "{\n"
        "  \"source_parquet\": \"/home/v/.cache/natix/Roadwork/image/sources/train-00003-of-00012.parquet\",\n"
        "  \"original_index\": \"417\",\n"
        "  \"image_format\": \"jpeg\",\n"
        "  \"image_size\": [\n    64,\n    48\n  ],\n"
        "  \"image_mode\": \"RGB\",\n"
        "  \"label\": 1,\n"
        "  \"scene_description\": \"Straße gesperrt: Baustelle mit Absperrung\",\n"
        "  \"mask_center\": [\n    12,\n    30\n  ],\n"
        "  \"city\": \"München\"\n"
        "}";
    const char *zero =
        "{\n"
        "  \"source_parquet\": \"/home/v/.cache/natix/Roadwork/image/sources/train-00003-of-00012.parquet\",\n"
        "  \"original_index\": \"418\",\n"
        "  \"image_format\": \"jpeg\",\n"
        "  \"image_size\": [\n    64,\n    48\n  ],\n"
        "  \"image_mode\": \"L\",\n"
        "  \"label\": 0,\n"
        "  \"scene_description\": null\n"
        "}";
    put_file(dir, "train-00003-of-00012__image_417.jpeg", jpg, jlen);
    put_file(dir, "train-00003-of-00012__image_417.json", one, strlen(one));
    put_file(dir, "train-00003-of-00012__image_418.JPG", jpg, jlen);
    put_file(dir, "train-00003-of-00012__image_418.json", zero, strlen(zero));
    put_file(dir, "train-00003-of-00012__image_419.webp", jpg, jlen); /* never served upstream */
    put_file(dir, "train-00003-of-00012__image_419.json", zero, strlen(zero));
    pc_cache_invalidate(c, PROCTOR_CACHE_REAL);
    proctor_item *it = NULL;
    int found1 = 0, found0 = 0, webp = 0;
    for (int i = 0; i < 200 && !(found1 && found0); i++) {
        if (pc_cache_sample(c, PROCTOR_CACHE_REAL, i % 2, pc_rng_callback, &rng, &it) != PROCTOR_OK) continue;
        if (strstr(it->path, "__image_417.jpeg") && !found1) {
            found1 = 1;
            is_int(it->label, 1, "upstream sidecar: label 1");
            is_str(it->scene_description, "Straße gesperrt: Baustelle mit Absperrung",
                   "upstream sidecar: UTF-8 scene_description");
            cJSON *doc = cJSON_Parse(it->sidecar_json);
            const cJSON *idx = cJSON_GetObjectItem(doc, "original_index"), *size = cJSON_GetObjectItem(doc, "image_size");
            ok(cJSON_IsString(idx) && !strcmp(idx->valuestring, "417"), "original_index kept as a string");
            ok(cJSON_GetArraySize(size) == 2 && cJSON_GetArrayItem(size, 0)->valueint == 64,
               "image_size kept as [w, h]");
            ok(cJSON_IsString(cJSON_GetObjectItem(doc, "city")), "extra columns kept");
            cJSON_Delete(doc);
        }
        if (strstr(it->path, "__image_418.JPG") && !found0) {
            found0 = 1;
            is_int(it->label, 0, "upstream sidecar: label 0 with scene_description null");
            is_str(it->scene_description, "", "null scene reads as \"\"");
        }
        if (strstr(it->path, ".webp")) webp = 1;
        pc_item_free(it);
    }
    ok(found1, "the .jpeg item with the upstream sidecar is served");
    ok(found0, "the upper-case .JPG item with a null scene is served");
    ok(!webp, "a .webp file is never served (upstream suffixes only)");
    ok(pc_cache_has(c, PROCTOR_CACHE_REAL, "train-00003-of-00012__image_417"), "cache_has finds a .jpeg");
    ok(pc_cache_has(c, PROCTOR_CACHE_REAL, "train-00003-of-00012__image_418"), "cache_has finds a .JPG");
    ok(!pc_cache_has(c, PROCTOR_CACHE_REAL, "train-00003-of-00012__image_419"), "cache_has ignores .webp");
}

static void test_budget(const char *root, const void *jpg, size_t jlen)
{
    char err[512];
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    char *dir = strdup(pc_cache_dir(c, PROCTOR_CACHE_T2I)); /* outlives this cache handle */
    int64_t size[10];
    time_t base = time(NULL) - 1000;
    for (int i = 0; i < 10; i++) {
        char stem[32], *side = ct_fmt("{\"label\": 0, \"scene_description\": \"\", \"n\": \"%02d\"}", i);
        snprintf(stem, sizeof stem, "b%d", i);
        pc_cache_put(c, PROCTOR_CACHE_T2I, stem, jpg, jlen, side, err, sizeof err);
        size[i] = (int64_t)jlen + (int64_t)strlen(side);
        free(side);
    }
    /* ages opposite to the names' order, so "oldest" cannot mean "first by name" */
    for (int i = 0; i < 10; i++) {
        char img[32], js[32];
        snprintf(img, sizeof img, "b%d.jpg", i);
        snprintf(js, sizeof js, "b%d.json", i);
        set_age(dir, img, base + 100 - i * 10);
        set_age(dir, js, base + 100 - i * 10);
    }
    pc_cache_close(c);
    int64_t budget = 0;
    for (int i = 0; i < 6; i++) budget += size[i]; /* b0..b5 are the newest six */
    int64_t budgets[PC_CACHE_KINDS] = {0, 0, budget, 0};
    c = pc_cache_open(root, budgets, err, sizeof err);
    pc_cache_trim(c, PROCTOR_CACHE_T2I);
    int kept_right = 1;
    for (int i = 0; i < 10; i++) {
        char stem[32];
        snprintf(stem, sizeof stem, "b%d", i);
        char *js = ct_fmt("%s/%s.json", dir, stem);
        int has = pc_cache_has(c, PROCTOR_CACHE_T2I, stem), side = access(js, F_OK) == 0;
        if (has != (i < 6) || side != has) {
            kept_right = 0;
            diag("b%d: image %d sidecar %d", i, has, side);
        }
        free(js);
    }
    ok(kept_right, "trim evicts the 4 oldest image+sidecar pairs, keeps the 6 newest");
    pc_cache_stat st;
    pc_cache_stats(c, PROCTOR_CACHE_T2I, &st);
    ok(st.bytes <= budget, "within budget: %lld <= %lld", (long long)st.bytes, (long long)budget);
    is_int(st.files, 6, "6 images counted");
    is_int(ct_count_suffix(dir, ".json"), 6, "6 sidecars left: no orphan sidecar");
    /* a put over the budget evicts the (now) oldest: b5 */
    char *side = ct_fmt("{\"label\": 0, \"scene_description\": \"\", \"n\": \"%02d\"}", 10);
    is_int(pc_cache_put(c, PROCTOR_CACHE_T2I, "b10", jpg, jlen, side, err, sizeof err), PROCTOR_OK, "put b10");
    free(side);
    ok(pc_cache_has(c, PROCTOR_CACHE_T2I, "b10"), "the new item stays");
    ok(!pc_cache_has(c, PROCTOR_CACHE_T2I, "b5") && pc_cache_has(c, PROCTOR_CACHE_T2I, "b4"),
       "put enforces the budget: the oldest (b5) went, b4 stayed");
    is_int(ct_count_suffix(dir, ".jpg"), ct_count_suffix(dir, ".json"), "every image still has its sidecar");
    pc_cache_close(c);
    free(dir);
}

/* ---- a writer process against readers --------------------------------------------------- */

#define NVAR 6
static void *var[NVAR];
static size_t var_len[NVAR];
static uint64_t var_sum[NVAR];

static void writer(const char *root, double seconds)
{
    char err[512];
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    double end = ct_now() + seconds;
    for (unsigned i = 0; c && ct_now() < end; i++) {
        int v = (int)(i % NVAR);
        char stem[32], side[200];
        /* unique stems, and five stems overwritten again and again */
        if (i % 2) snprintf(stem, sizeof stem, "u_%u", i);
        else snprintf(stem, sizeof stem, "s_%u", (i / 2) % 5);
        snprintf(side, sizeof side, "{\"label\": 1, \"scene_description\": \"v%d\", \"len\": %zu, \"sum\": \"%016llx\"}",
                 v, var_len[v], (unsigned long long)var_sum[v]);
        if (pc_cache_put(c, PROCTOR_CACHE_I2I, stem, var[v], var_len[v], side, err, sizeof err) != PROCTOR_OK) _exit(3);
    }
    pc_cache_close(c);
    _exit(0);
}

static int known_variant(const char *bytes, size_t len)
{
    uint64_t h = fnv(bytes, len);
    for (int v = 0; v < NVAR; v++)
        if (len == var_len[v] && h == var_sum[v]) return 1;
    return 0;
}

static void test_concurrency(const char *root)
{
    for (int v = 0; v < NVAR; v++) {
        var[v] = ct_jpeg(40 + 24 * v, 30 + 10 * v, (uint8_t)(40 * v), 200, 90, (unsigned)v, &var_len[v]);
        var_sum[v] = fnv(var[v], var_len[v]);
    }
    char err[512];
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    const char *dir = pc_cache_dir(c, PROCTOR_CACHE_I2I);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) writer(root, 2.0);
    /* sample only once there is something: an empty directory is test_empty_dir's business */
    for (double t = ct_now() + 5; ct_now() < t && ct_count_suffix(dir, ".jpg") == 0;) ct_sleep(0.005);
    long samples = 0, listed = 0, torn = 0, mismatch = 0, orphans = 0, unparsable = 0;
    double end = ct_now() + 2.0;
    while (ct_now() < end) {
        proctor_item *it = NULL;
        if (pc_cache_sample(c, PROCTOR_CACHE_I2I, -1, pc_rng_callback, &rng, &it) == PROCTOR_OK) {
            samples++;
            size_t len = 0;
            char *bytes = ct_read(it->path, &len);
            const unsigned char *b = (const unsigned char *)bytes;
            if (!bytes || len < 4 || b[0] != 0xFF || b[1] != 0xD8 || b[len - 2] != 0xFF || b[len - 1] != 0xD9 ||
                !known_variant(bytes, len))
                torn++;
            cJSON *doc = cJSON_Parse(it->sidecar_json);
            const cJSON *jl = cJSON_GetObjectItem(doc, "len"), *js = cJSON_GetObjectItem(doc, "sum");
            if (!cJSON_IsNumber(jl) || !cJSON_IsString(js)) unparsable++;
            else if (strstr(it->path, "/u_") && bytes) {
                /* a stem written once: image and sidecar must be the same version */
                char sum[20];
                snprintf(sum, sizeof sum, "%016llx", (unsigned long long)fnv(bytes, len));
                if ((size_t)jl->valuedouble != len || strcmp(js->valuestring, sum)) mismatch++;
            }
            cJSON_Delete(doc);
            free(bytes);
            pc_item_free(it);
        }
        /* a listing never shows an image whose sidecar is not there yet */
        DIR *d = opendir(dir);
        for (struct dirent *e; d && (e = readdir(d));) {
            size_t l = strlen(e->d_name);
            if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4, ".jpg")) continue;
            listed++;
            char *side = ct_fmt("%s/%.*s.json", dir, (int)(l - 4), e->d_name);
            if (access(side, F_OK) != 0) orphans++;
            free(side);
        }
        if (d) closedir(d);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer process ran without a put failing");
    ok(samples > 20, "sampled while writing: %ld items (%ld listed)", samples, listed);
    is_int(torn, 0, "no truncated or mixed image was ever read");
    is_int(mismatch, 0, "write-once stems: sidecar always matches its image");
    is_int(unparsable, 0, "every sidecar read parses");
    is_int(orphans, 0, "no listed image was ever without its sidecar");
    is_int(ct_count_suffix(dir, ".jpg"), ct_count_suffix(dir, ".json"), "after the writer: images == sidecars");
    pc_cache_close(c);
    for (int v = 0; v < NVAR; v++) free(var[v]);
}

/* Sampling a directory that exists but is empty must just say NOT_READY. Run in a child: under
 * UBSan a bad call aborts the process, and the parent reports it as a failed check. */
static void test_empty_dir(const char *root)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char err[256];
        pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
        if (!c || !pc_cache_dir(c, PROCTOR_CACHE_T2I)) _exit(3);
        proctor_item *it = NULL;
        proctor_status st = pc_cache_sample(c, PROCTOR_CACHE_T2I, -1, pc_rng_callback, &rng, &it);
        pc_cache_stat s;
        pc_cache_stats(c, PROCTOR_CACHE_T2I, &s);
        pc_cache_close(c);
        _exit(st == PROCTOR_NOT_READY && !it && s.files == 0 ? 0 : 4);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "sampling an existing empty directory: NOT_READY, no crash (child status 0x%x)", status);
}

static void test_stale_tmp(pc_cache *c, const char *dir, const void *jpg, size_t jlen)
{
    pc_cache_stat before, after;
    pc_cache_stats(c, PROCTOR_CACHE_REAL, &before);
    put_file(dir, ".killed.jpg.1234.0.tmp", jpg, jlen);
    put_file(dir, ".killed.json.1234.0.tmp", "{\"label\": 0}", 12);
    put_file(dir, ".hidden.jpg", jpg, jlen);
    put_file(dir, ".hidden.json", "{\"label\": 0}", 12);
    put_file(dir, "half.jpg.tmp", jpg, jlen);
    pc_cache_stats(c, PROCTOR_CACHE_REAL, &after);
    is_int(after.files, before.files, "temporaries and hidden files are not counted");
    is_int(after.items[0] + after.items[1], before.items[0] + before.items[1], "nor served");
    int served_tmp = 0;
    for (int i = 0; i < 100; i++) {
        proctor_item *it = NULL;
        if (pc_cache_sample(c, PROCTOR_CACHE_REAL, -1, pc_rng_callback, &rng, &it) != PROCTOR_OK) continue;
        const char *base = strrchr(it->path, '/');
        if (!base || base[1] == '.' || strstr(base, ".tmp")) served_tmp++;
        pc_item_free(it);
    }
    is_int(served_tmp, 0, "a temporary is never sampled");
    char *young = ct_path(dir, ".killed.jpg.1234.0.tmp");
    ok(access(young, F_OK) == 0, "a young temporary is left alone (its writer may be alive)");
    set_age(dir, ".killed.jpg.1234.0.tmp", time(NULL) - 7200);
    pc_cache_stats(c, PROCTOR_CACHE_REAL, &after);
    ok(access(young, F_OK) != 0, "a temporary older than an hour is removed on the next listing");
    free(young);
}

int main(void)
{
    pc_rng_seed(&rng, 12345);
    char *tmp = ct_tmpdir("cache");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    char *empty_root = ct_path(tmp, "empty");
    test_empty_dir(empty_root);
    free(empty_root);
    size_t jlen = 0;
    void *jpg = ct_jpeg(64, 48, 230, 120, 20, 1, &jlen);
    ok(jpg != NULL, "made a test JPEG");
    char err[512] = "";
    char *root = ct_path(tmp, "cache");
    pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
    ok(c != NULL, "open (%s)", err);
    const char *dir = pc_cache_dir(c, PROCTOR_CACHE_REAL);
    test_round_trip(c, jpg, jlen);
    test_label_rule(c, dir, jpg, jlen);
    test_upstream_format(c, dir, jpg, jlen);
    test_stale_tmp(c, dir, jpg, jlen);
    pc_cache_close(c);
    test_budget(root, jpg, jlen);
    test_concurrency(root);
    free(jpg);
    ct_rmtree(tmp);
    free(root);
    free(tmp);
    return done_testing();
}
