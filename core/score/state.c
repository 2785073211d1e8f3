/* state.c — save/load the state file described in state.h. */
#include "score/state.h"
#include "base/fsutil.h"
#include "score/file.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- writing ------------------------------------------------------------------------------ */

/* The payload is streamed as text: a cJSON tree of a full state (256 miners x 100 entries x 3
 * numbers) costs ~8 MB for a moment on every save, the text ~1 MB. */
typedef struct sb {
    char *buf;
    size_t len, cap;
    int failed;
} sb;

static void sb_put(sb *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->failed = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void sb_str(sb *b, const char *s) { sb_put(b, s, strlen(s)); }

/* A number that reads back bit for bit: the shortest of %.15g/%.16g/%.17g that round-trips
 * (cJSON's own printer accepts a near miss, e.g. 0.1+0.2 comes back as 0.3). */
static void sb_num(sb *b, double v)
{
    if (isnan(v)) return sb_str(b, "\"nan\"");
    if (isinf(v)) return sb_str(b, v > 0 ? "\"inf\"" : "\"-inf\"");
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) break;
    }
    sb_str(b, buf);
}

/* JSON string with escapes, through cJSON's printer (hotkeys are short and few). */
static void sb_jstr(sb *b, const char *s)
{
    cJSON *item = cJSON_CreateString(s ? s : "");
    char *text = item ? cJSON_PrintUnformatted(item) : NULL;
    if (text) sb_str(b, text);
    else b->failed = 1;
    cJSON_free(text);
    cJSON_Delete(item);
}

static void miner_json(sb *b, const pc_history *h, int64_t uid)
{
    proctor_history v = pc_history_view(h, uid);
    char head[64];
    snprintf(head, sizeof head, "{\"uid\":%lld,\"hotkey\":", (long long)uid);
    sb_str(b, head);
    sb_jstr(b, pc_history_hotkey(h, uid));
    sb_str(b, ",\"p\":[");
    for (size_t i = 0; i < v.count; i++) {
        if (i) sb_put(b, ",", 1);
        sb_num(b, v.entries[i].prediction);
    }
    sb_str(b, "],\"l\":\"");
    for (size_t i = 0; i < v.count; i++) sb_put(b, v.entries[i].label ? "1" : "0", 1);
    sb_str(b, "\",\"t\":[");
    for (size_t i = 0; i < v.count; i++) {
        if (i) sb_put(b, ",", 1);
        sb_num(b, v.entries[i].time);
    }
    sb_str(b, "],\"lat\":[");
    for (size_t i = 0; i < v.count; i++) {
        if (i) sb_put(b, ",", 1);
        sb_num(b, v.entries[i].latency_s);
    }
    sb_str(b, "]}");
}

static char *payload_json(uint64_t step, const pc_scores *s, const pc_history *h)
{
    sb b = {0};
    char head[64];
    snprintf(head, sizeof head, "{\"step\":%llu,\"scores\":[", (unsigned long long)step);
    sb_str(&b, head);
    for (size_t u = 0; u < s->n; u++) {
        if (u) sb_put(&b, ",", 1);
        sb_num(&b, s->score[u]);
    }
    sb_str(&b, "],\"hotkeys\":[");
    for (size_t u = 0; u < s->n; u++) {
        if (u) sb_put(&b, ",", 1);
        sb_jstr(&b, s->hotkey[u]);
    }
    snprintf(head, sizeof head, "],\"history_cap\":%zu,\"history\":[", pc_history_cap(h));
    sb_str(&b, head);
    int first = 1;
    for (int64_t uid = pc_history_next_uid(h, -1); uid >= 0; uid = pc_history_next_uid(h, uid)) {
        if (!first) sb_put(&b, ",", 1);
        first = 0;
        miner_json(&b, h, uid);
    }
    sb_str(&b, "]}");
    if (b.failed) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}

int pc_state_save(const char *path, uint64_t step, const pc_scores *scores,
                  const pc_history *history, char *err, size_t errlen)
{
    if (step > (1ull << 53)) { /* JSON numbers are doubles */
        snprintf(err, errlen, "%s: step %llu too large", path, (unsigned long long)step);
        return -1;
    }
    char *payload = payload_json(step, scores, history);
    if (!payload) {
        snprintf(err, errlen, "%s: out of memory building the state", path);
        return -1;
    }
    size_t plen = strlen(payload);
    unsigned long crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)payload, (uInt)plen);
    char header[128];
    int hlen = snprintf(header, sizeof header,
                        "{\"format\":\"proctor-state\",\"version\":%d,\"bytes\":%zu,"
                        "\"crc32\":\"%08lx\"}\n",
                        PC_STATE_VERSION, plen, crc);
    char *file = malloc((size_t)hlen + plen + 2);
    int rc = -1;
    if (!file) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else {
        memcpy(file, header, (size_t)hlen);
        memcpy(file + hlen, payload, plen);
        file[hlen + plen] = '\n';
        rc = pc_score_file_write(path, file, (size_t)hlen + plen + 1, 1, err, errlen);
    }
    free(file);
    free(payload);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

static int get_double(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v)) {
        if (!strcmp(v->valuestring, "nan")) *out = NAN;
        else if (!strcmp(v->valuestring, "inf")) *out = INFINITY;
        else if (!strcmp(v->valuestring, "-inf")) *out = -INFINITY;
        else return -1;
        return 0;
    }
    return -1;
}

/* a whole number in [0, max] */
static int get_count(const cJSON *v, double max, uint64_t *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
        v->valuedouble != floor(v->valuedouble))
        return -1;
    *out = (uint64_t)v->valuedouble;
    return 0;
}

static int load_miner(const cJSON *m, pc_history *h, size_t file_cap, char *err, size_t errlen)
{
    const cJSON *uid = cJSON_GetObjectItemCaseSensitive(m, "uid");
    const cJSON *hk = cJSON_GetObjectItemCaseSensitive(m, "hotkey");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(m, "p");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(m, "l");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "t");
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(m, "lat");
    uint64_t u;
    if (get_count(uid, PC_HISTORY_MAX_UID, &u) || !cJSON_IsString(hk) || !cJSON_IsArray(p) ||
        !cJSON_IsString(l) || !cJSON_IsArray(t) || !cJSON_IsArray(lat)) {
        snprintf(err, errlen, "history entry without valid uid, hotkey, p, l, t, lat");
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(p);
    if (strlen(l->valuestring) != n || (size_t)cJSON_GetArraySize(t) != n ||
        (size_t)cJSON_GetArraySize(lat) != n || n > file_cap) {
        snprintf(err, errlen, "history of uid %llu: p, l, t, lat lengths differ or exceed %zu",
                 (unsigned long long)u, file_cap);
        return -1;
    }
    if (pc_history_hotkey(h, (int64_t)u)) {
        snprintf(err, errlen, "history of uid %llu appears twice", (unsigned long long)u);
        return -1;
    }
    if (pc_history_reset(h, (int64_t)u, hk->valuestring, err, errlen)) return -1;
    size_t cap = pc_history_cap(h), skip = n > cap ? n - cap : 0, i = 0;
    const cJSON *pi = p->child, *ti = t->child, *li = lat->child;
    for (; pi && ti && li; pi = pi->next, ti = ti->next, li = li->next, i++) {
        proctor_history_entry e;
        char c = l->valuestring[i];
        if (get_double(pi, &e.prediction) || get_double(ti, &e.time) ||
            get_double(li, &e.latency_s) || (c != '0' && c != '1')) {
            snprintf(err, errlen, "history of uid %llu: bad entry %zu", (unsigned long long)u, i);
            return -1;
        }
        e.label = c - '0';
        if (i >= skip && pc_history_append(h, (int64_t)u, hk->valuestring, &e, NULL, err, errlen))
            return -1;
    }
    return 0;
}

/* payload (NUL-terminated JSON) -> new scores + history; nothing of the caller's touched */
static int parse_payload(const char *json, uint64_t *step, pc_scores *s, pc_history *h,
                         char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(json);
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "payload is not a JSON object");
        goto done;
    }
    const cJSON *jstep = cJSON_GetObjectItemCaseSensitive(root, "step");
    const cJSON *jsc = cJSON_GetObjectItemCaseSensitive(root, "scores");
    const cJSON *jhk = cJSON_GetObjectItemCaseSensitive(root, "hotkeys");
    const cJSON *jcap = cJSON_GetObjectItemCaseSensitive(root, "history_cap");
    const cJSON *jhist = cJSON_GetObjectItemCaseSensitive(root, "history");
    uint64_t cap;
    if (get_count(jstep, 9007199254740992.0, step) || !cJSON_IsArray(jsc) ||
        !cJSON_IsArray(jhk) || get_count(jcap, 1e6, &cap) || cap == 0 ||
        !cJSON_IsArray(jhist)) {
        snprintf(err, errlen, "payload lacks step, scores, hotkeys, history_cap or history");
        goto done;
    }
    size_t n = (size_t)cJSON_GetArraySize(jsc);
    if ((size_t)cJSON_GetArraySize(jhk) != n || n > PC_HISTORY_MAX_UID + 1) {
        snprintf(err, errlen, "scores (%zu) and hotkeys (%d) differ in length or are too long",
                 n, cJSON_GetArraySize(jhk));
        goto done;
    }
    const char **hks = calloc(n ? n : 1, sizeof *hks);
    if (!hks) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    size_t u = 0;
    for (const cJSON *it = jhk->child; it; it = it->next, u++) {
        if (!cJSON_IsString(it)) break;
        hks[u] = it->valuestring;
    }
    if (u != n) {
        snprintf(err, errlen, "hotkey %zu is not a string", u);
        free(hks);
        goto done;
    }
    int synced = pc_scores_sync(s, hks, n, NULL, err, errlen);
    free(hks);
    if (synced) goto done;
    u = 0;
    for (const cJSON *it = jsc->child; it; it = it->next, u++) {
        if (get_double(it, &s->score[u])) {
            snprintf(err, errlen, "score %zu is not a number", u);
            goto done;
        }
    }
    for (const cJSON *m = jhist->child; m; m = m->next)
        if (load_miner(m, h, (size_t)cap, err, errlen)) goto done;
    rc = 0;
done:
    cJSON_Delete(root);
    return rc;
}

int pc_state_parse(const char *bytes, size_t len, uint64_t *step, pc_scores *scores,
                   pc_history **history, char *err, size_t errlen)
{
    const char *nl = memchr(bytes, '\n', len < 256 ? len : 256);
    if (!nl) {
        snprintf(err, errlen, "no state header line (empty, truncated or not a state file)");
        return -1;
    }
    char header[257];
    memcpy(header, bytes, (size_t)(nl - bytes));
    header[nl - bytes] = 0;
    cJSON *h = cJSON_Parse(header);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(h, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(h, "version");
    const cJSON *jbytes = cJSON_GetObjectItemCaseSensitive(h, "bytes");
    const cJSON *jcrc = cJSON_GetObjectItemCaseSensitive(h, "crc32");
    uint64_t plen = 0, version = 0;
    unsigned long want_crc = 0;
    int ok = cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "proctor-state") &&
             !get_count(ver, 1e9, &version) && !get_count(jbytes, PC_STATE_MAX_BYTES, &plen) &&
             cJSON_IsString(jcrc) && strlen(jcrc->valuestring) == 8 &&
             sscanf(jcrc->valuestring, "%8lx", &want_crc) == 1;
    cJSON_Delete(h);
    if (!ok) {
        snprintf(err, errlen, "not a proctor state header");
        return -1;
    }
    if (version != PC_STATE_VERSION) {
        snprintf(err, errlen, "state format version %llu, this proctor reads version %d",
                 (unsigned long long)version, PC_STATE_VERSION);
        return -1;
    }
    const char *payload = nl + 1;
    size_t have = len - (size_t)(payload - bytes);
    if (have != plen + 1 || payload[plen] != '\n') {
        snprintf(err, errlen, "payload is %zu bytes, header says %llu (torn or truncated)",
                 have ? have - 1 : 0, (unsigned long long)plen);
        return -1;
    }
    unsigned long crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)payload, (uInt)plen);
    if (crc != want_crc) {
        snprintf(err, errlen, "checksum mismatch (%08lx, header says %08lx): corrupt", crc,
                 want_crc);
        return -1;
    }
    char *json = malloc(plen + 1);
    pc_history *nh = pc_history_new(pc_history_cap(*history));
    pc_scores ns;
    uint64_t nstep = 0;
    int rc = -1;
    if (pc_scores_init(&ns, scores->alpha, err, errlen)) {
        free(json);
        pc_history_free(nh);
        return -1;
    }
    if (!json || !nh) {
        snprintf(err, errlen, "out of memory");
    } else {
        memcpy(json, payload, plen);
        json[plen] = 0;
        rc = parse_payload(json, &nstep, &ns, nh, err, errlen);
    }
    free(json);
    if (rc) {
        pc_scores_free(&ns);
        pc_history_free(nh);
        return -1;
    }
    pc_scores_free(scores);
    *scores = ns;
    pc_history_free(*history);
    *history = nh;
    *step = nstep;
    return 0;
}

/* 0 loaded, 1 missing, -1 bad (err says why) */
static int load_one(const char *path, uint64_t *step, pc_scores *scores, pc_history **history,
                    char *err, size_t errlen)
{
    char *buf, why[400];
    size_t len;
    int rc = pc_read_whole(path, PC_STATE_MAX_BYTES, &buf, &len, err, errlen);
    if (rc) return rc;
    rc = pc_state_parse(buf, len, step, scores, history, why, sizeof why);
    if (rc) snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return rc;
}

int pc_state_load(const char *path, uint64_t *step, pc_scores *scores, pc_history **history,
                  int *from_prev, char *err, size_t errlen)
{
    char main_err[512] = "", prev_err[512] = "";
    *from_prev = 0;
    int rc = load_one(path, step, scores, history, main_err, sizeof main_err);
    if (rc == 0) return 0;
    size_t plen = strlen(path);
    char *prev = malloc(plen + 6);
    if (!prev) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    snprintf(prev, plen + 6, "%s.prev", path);
    int prc = load_one(prev, step, scores, history, prev_err, sizeof prev_err);
    if (rc == 1) snprintf(main_err, sizeof main_err, "%s: missing", path);
    if (prc == 1) snprintf(prev_err, sizeof prev_err, "%s: missing", prev);
    if (prc == 0) {
        *from_prev = 1;
        snprintf(err, errlen, "%s; loaded the previous state from %s", main_err, prev);
    } else if (rc == 1 && prc == 1) {
        snprintf(err, errlen, "%s: no state yet", path);
    } else {
        snprintf(err, errlen, "%s; %s (move them away to start fresh)", main_err, prev_err);
    }
    free(prev);
    return prc == 0 ? 0 : rc == 1 && prc == 1 ? 1 : -1;
}
