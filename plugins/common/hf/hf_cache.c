/* hf_cache.c — a listing kept on disk with its time, so a refresh every few minutes does not
 * ask the API each time (the Hub counts listing pages against a small per-IP quota). */
#include "hf_internal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int hf_listing_save(const hf_listing *l, const hf_repo *repo, const char *path)
{
    cJSON *root = cJSON_CreateObject(), *files = cJSON_CreateArray();
    if (!root || !files) {
        cJSON_Delete(root);
        cJSON_Delete(files);
        return -1;
    }
    cJSON_AddStringToObject(root, "type", hf_kind_(repo));
    cJSON_AddStringToObject(root, "repo", repo->id);
    cJSON_AddStringToObject(root, "revision", hf_rev_(repo));
    if (l->commit) cJSON_AddStringToObject(root, "commit", l->commit);
    cJSON_AddNumberToObject(root, "time", (double)time(NULL));
    cJSON_AddItemToObject(root, "files", files);
    for (size_t i = 0; i < l->count; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "path", l->files[i].path);
        cJSON_AddNumberToObject(f, "size", (double)l->files[i].size);
        cJSON_AddStringToObject(f, "sha256", l->files[i].sha256);
        cJSON_AddItemToArray(files, f);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) return -1;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    int rc = -1;
    if (tmp) {
        snprintf(tmp, n, "%s.tmp", path);
        FILE *fp = fopen(tmp, "w");
        if (fp) {
            int okw = fputs(text, fp) >= 0;
            okw &= fflush(fp) == 0 && fsync(fileno(fp)) == 0;
            okw &= fclose(fp) == 0;
            if (okw && rename(tmp, path) == 0) rc = 0;
            else unlink(tmp);
        }
    }
    free(tmp);
    free(text);
    return rc;
}

int hf_listing_load(hf_listing *out, const hf_repo *repo, double max_age_s, const char *path)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    if (n <= 0 || n > (64L << 20)) {
        fclose(fp);
        return -1;
    }
    char *text = malloc((size_t)n + 1);
    size_t got = text ? fread(text, 1, (size_t)n, fp) : 0;
    fclose(fp);
    if (!text || got != (size_t)n) {
        free(text);
        return -1;
    }
    text[n] = 0;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *ty = cJSON_GetObjectItem(root, "type"), *r = cJSON_GetObjectItem(root, "repo"),
                *v = cJSON_GetObjectItem(root, "revision"), *t = cJSON_GetObjectItem(root, "time"),
                *files = cJSON_GetObjectItem(root, "files"), *c = cJSON_GetObjectItem(root, "commit");
    double age = cJSON_IsNumber(t) ? difftime(time(NULL), (time_t)t->valuedouble) : -1;
    int rc = -1;
    if (cJSON_IsString(ty) && !strcmp(ty->valuestring, hf_kind_(repo)) && cJSON_IsString(r) &&
        cJSON_IsString(v) && !strcmp(r->valuestring, repo->id) && !strcmp(v->valuestring, hf_rev_(repo)) &&
        age >= 0 && age < max_age_s && cJSON_IsArray(files)) {
        rc = 0;
        int cnt = cJSON_GetArraySize(files);
        out->files = calloc((size_t)cnt + 1, sizeof *out->files);
        if (!out->files) rc = -1;
        const cJSON *f;
        cJSON_ArrayForEach(f, files) {
            if (rc) break;
            const cJSON *p = cJSON_GetObjectItem(f, "path"), *s = cJSON_GetObjectItem(f, "size"),
                        *h = cJSON_GetObjectItem(f, "sha256");
            if (!cJSON_IsString(p) || !cJSON_IsNumber(s) || !cJSON_IsString(h) || strlen(h->valuestring) > 64 ||
                !hf_path_safe(p->valuestring)) {
                rc = -1;
                break;
            }
            hf_file *hf = &out->files[out->count];
            hf->path = strdup(p->valuestring);
            hf->size = (int64_t)s->valuedouble;
            strcpy(hf->sha256, h->valuestring);
            if (!hf->path) rc = -1;
            else out->count++;
        }
        if (!rc && cJSON_IsString(c)) out->commit = strdup(c->valuestring);
    }
    cJSON_Delete(root);
    if (rc) hf_listing_free(out);
    return rc;
}
