/* hf_list.c — the recursive tree listing of a repo at a revision, page by page. */
#include "hf_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path for a log line: control characters shown as '?', long ones cut. */
static void printable_(char *out, size_t n, const char *p)
{
    size_t w = 0;
    for (; *p && w + 1 < n; p++) out[w++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
    out[w] = 0;
}

static int parse_page_(hf_client *c, hf_listing *l, const char *body, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(body);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        hf_fail_(0, err, errlen, "listing page is not a JSON array");
        return -1;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const cJSON *type = cJSON_GetObjectItem(e, "type"), *path = cJSON_GetObjectItem(e, "path");
        if (!cJSON_IsString(type) || !cJSON_IsString(path)) goto bad;
        if (strcmp(type->valuestring, "file")) continue; /* directories */
        if (!hf_path_safe(path->valuestring)) {
            /* one bad entry must not hide the good ones: skip it and say so */
            char shown[200];
            printable_(shown, sizeof shown, path->valuestring);
            hf_logf_(c, PROCTOR_LOG_WARNING, "listing: skipped an unsafe path '%s'", shown);
            l->skipped++;
            continue;
        }
        const cJSON *size = cJSON_GetObjectItem(e, "size"), *lfs = cJSON_GetObjectItem(e, "lfs");
        if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 9.0e15) goto bad;
        hf_file *nf = realloc(l->files, (l->count + 1) * sizeof *nf);
        if (!nf) goto bad;
        l->files = nf;
        hf_file *f = &l->files[l->count];
        memset(f, 0, sizeof *f);
        f->path = strdup(path->valuestring);
        if (!f->path) goto bad;
        f->size = (int64_t)size->valuedouble;
        if (cJSON_IsObject(lfs)) {
            const cJSON *oid = cJSON_GetObjectItem(lfs, "oid"), *ls = cJSON_GetObjectItem(lfs, "size");
            if (cJSON_IsString(oid) && strlen(oid->valuestring) == 64 &&
                strspn(oid->valuestring, "0123456789abcdef") == 64)
                memcpy(f->sha256, oid->valuestring, 65);
            if (cJSON_IsNumber(ls) && ls->valuedouble >= 0 && ls->valuedouble <= 9.0e15) f->size = (int64_t)ls->valuedouble;
        }
        l->count++;
    }
    cJSON_Delete(root);
    return 0;
bad:
    cJSON_Delete(root);
    hf_fail_(0, err, errlen, "listing entry with missing or ill-typed fields");
    return -1;
}

void hf_listing_free(hf_listing *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->count; i++) free(l->files[i].path);
    free(l->files);
    free(l->commit);
    memset(l, 0, sizeof *l);
}

const hf_file *hf_listing_find(const hf_listing *l, const char *path)
{
    for (size_t i = 0; l && path && i < l->count; i++)
        if (!strcmp(l->files[i].path, path)) return &l->files[i];
    return NULL;
}

static int is_sha_(const char *s) { return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40; }

proctor_status hf_list(hf_client *c, const hf_repo *repo, hf_listing *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!hf_valid_repo_(repo))
        return hf_fail_(PROCTOR_INVALID, err, errlen, "bad repo id '%s' (want org/name)", repo && repo->id ? repo->id : "");
    if (hf_env_true_("HF_HUB_OFFLINE")) return hf_fail_(PROCTOR_NOT_READY, err, errlen, "HF_HUB_OFFLINE is set");
    char rev[512], url[4096];
    hf_pct_(rev, sizeof rev, hf_rev_(repo), 0);
    snprintf(url, sizeof url, "%s/api/%s/%s/tree/%s?recursive=true&expand=false", c->endpoint,
             repo->type == HF_DATASET ? "datasets" : "models", repo->id, rev);
    char **seen = NULL;
    size_t nseen = 0;
    proctor_status st = PROCTOR_OK;
    char *cur = strdup(url);
    if (!cur) return hf_fail_(PROCTOR_NOMEM, err, errlen, "out of memory");
    while (cur && st == PROCTOR_OK) {
        for (size_t i = 0; i < nseen; i++)
            if (!strcmp(seen[i], cur)) st = hf_fail_(PROCTOR_FAILED, err, errlen, "listing pages loop");
        if (st == PROCTOR_OK && nseen >= HF_MAX_PAGES)
            st = hf_fail_(PROCTOR_FAILED, err, errlen, "listing has more than %d pages", HF_MAX_PAGES);
        char **ns = st ? NULL : realloc(seen, (nseen + 1) * sizeof *ns);
        if (!ns) {
            if (!st) st = hf_fail_(PROCTOR_NOMEM, err, errlen, "out of memory");
            free(cur);
            break;
        }
        seen = ns;
        seen[nseen++] = cur;
        hf_resp r;
        hf_xfer x = {.c = c, .r = &r, .mem_max = HF_MAX_LISTING_PAGE, .fd = -1, .expected = -1, .what = "listing"};
        for (int attempt = 0;; attempt++) {
            if (hf_cancelled_(c)) { st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
            x.mem_len = 0;
            x.too_long = 0;
            CURLcode cc = hf_perform_(c, cur, &x, 0);
            if (cc == CURLE_OK && r.status == 200) break;
            if (x.too_long) { st = hf_fail_(PROCTOR_FAILED, err, errlen, "listing page over %u bytes", HF_MAX_LISTING_PAGE); break; }
            int retry = cc != CURLE_OK || hf_retryable_status_(r.status);
            if (!retry || attempt >= c->o.max_retries) {
                char what[320];
                snprintf(what, sizeof what, "listing %s", repo->id);
                if (cc == CURLE_ABORTED_BY_CALLBACK) st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled");
                else if (cc != CURLE_OK) st = hf_fail_(PROCTOR_NETWORK, err, errlen, "%s: %s", what, curl_easy_strerror(cc));
                else st = hf_http_error_(c, repo, &r, what, err, errlen);
                break;
            }
            double w = cc == CURLE_OK ? hf_wait_for_(c, &r, attempt) : hf_backoff_(c, attempt);
            c->stats.retries++;
            hf_logf_(c, PROCTOR_LOG_DEBUG, "listing: %s, retrying in %.1f s",
                     cc != CURLE_OK ? curl_easy_strerror(cc) : "HTTP error", w);
            if (hf_nap_(c, w)) { st = hf_fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        }
        if (st == PROCTOR_OK) {
            if (!out->commit && r.commit[0]) out->commit = strdup(r.commit);
            if (parse_page_(c, out, x.mem ? x.mem : "", err, errlen)) st = PROCTOR_FAILED;
        }
        free(x.mem);
        cur = NULL;
        if (st == PROCTOR_OK && r.link_next[0]) {
            char *next = hf_resolve_url_(seen[nseen - 1], r.link_next);
            char *o = next ? hf_origin_of_(next) : NULL;
            if (!o || strcmp(o, c->origin)) st = hf_fail_(PROCTOR_FAILED, err, errlen, "listing's next page is on another host");
            else cur = next, next = NULL;
            free(o);
            free(next);
        }
    }
    for (size_t i = 0; i < nseen; i++) free(seen[i]);
    free(seen);
    /* a revision that is already a commit id resolves to itself */
    if (st == PROCTOR_OK && !out->commit && is_sha_(hf_rev_(repo))) out->commit = strdup(hf_rev_(repo));
    if (st != PROCTOR_OK) hf_listing_free(out);
    else if (out->skipped)
        hf_logf_(c, PROCTOR_LOG_WARNING, "listing %s: %zu unsafe path(s) skipped, %zu file(s) kept", repo->id,
                 out->skipped, out->count);
    return st;
}
