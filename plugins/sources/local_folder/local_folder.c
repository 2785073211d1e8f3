/* local_folder.c — source plugin: imports images from a folder tree into a cache.
 *
 * YAML keys (besides the core's name, plugin, interval, enabled, seed):
 *   path              folder to import from (required)
 *   target            real | t2i | i2i                       (default real)
 *   label             "" = per file; 0 or 1 = every file has this label
 *   positive_dirs     folder names meaning label 1            (default roadwork, positive, 1)
 *   negative_dirs     folder names meaning label 0            (default none, negative, 0, ...)
 *   positive_names    file-name globs meaning label 1         (default roadwork*)
 *   negative_names    file-name globs meaning label 0         (default street*, none*, ...)
 *   scene_description used for label-1 files without one      (default "a street with roadwork")
 *   recursive         descend into sub-folders                (default true)
 *
 * A label comes from, in order: a sidecar X.json next to the image (upstream format), the fixed
 * `label`, the name of a parent folder, the file name. Files whose bytes are not a decodable
 * JPEG or PNG, and files with no label, are reported once and skipped. Bytes are copied as they
 * are (never re-encoded). Re-running imports nothing new: the cache stem is derived from the
 * relative path, size and modification time. */
#define _GNU_SOURCE /* FNM_CASEFOLD */
#include "proctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define MAX_IMAGE_BYTES (200u << 20)

typedef struct lf {
    const proctor_host *host;
    proctor_ctx *ctx;
    char *root;
    proctor_cache_kind target;
    int fixed_label; /* -1 none */
    int recursive;
    char **reported; /* paths already reported as skipped */
    size_t reported_count;
    size_t imported, present, skipped; /* this refresh */
} lf;

static const proctor_config_key keys[] = {
    PROCTOR_KEY("path", PROCTOR_CFG_STRING, NULL, "folder to import from"),
    PROCTOR_KEY("target", PROCTOR_CFG_STRING, "real", "cache to fill: real | t2i | i2i"),
    PROCTOR_KEY("label", PROCTOR_CFG_STRING, "", "\"\" = per file, or 0 / 1 for every file"),
    PROCTOR_KEY("positive_dirs", PROCTOR_CFG_LIST, "[roadwork, road_work, positive, 1]", "folder names meaning label 1"),
    PROCTOR_KEY("negative_dirs", PROCTOR_CFG_LIST, "[none, no_roadwork, negative, 0]", "folder names meaning label 0"),
    PROCTOR_KEY("positive_names", PROCTOR_CFG_LIST, "[roadwork*]", "file-name globs meaning label 1"),
    PROCTOR_KEY("negative_names", PROCTOR_CFG_LIST, "[street*, none*, indoor*, negative*]", "file-name globs meaning label 0"),
    PROCTOR_KEY("scene_description", PROCTOR_CFG_STRING, "a street with roadwork", "for label-1 files without one"),
    PROCTOR_KEY("recursive", PROCTOR_CFG_BOOL, "true", "descend into sub-folders"),
    PROCTOR_KEY_END,
};

static int in_list(lf *s, const char *key, const char *value, int glob)
{
    size_t n = s->host->config_list_len(s->ctx, key);
    for (size_t i = 0; i < n; i++) {
        const char *item = s->host->config_list_item(s->ctx, key, i);
        if (glob ? fnmatch(item, value, FNM_CASEFOLD) == 0 : strcasecmp(item, value) == 0) return 1;
    }
    return 0;
}

static proctor_status lf_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    lf *s = calloc(1, sizeof *s);
    if (!s) return PROCTOR_NOMEM;
    s->host = host;
    s->ctx = ctx;
    const char *path = host->config_string(ctx, "path");
    const char *target = host->config_string(ctx, "target");
    const char *label = host->config_string(ctx, "label");
    s->recursive = host->config_bool(ctx, "recursive");
    s->fixed_label = -1;
    if (!strcmp(target, "real")) s->target = PROCTOR_CACHE_REAL;
    else if (!strcmp(target, "t2i")) s->target = PROCTOR_CACHE_T2I;
    else if (!strcmp(target, "i2i")) s->target = PROCTOR_CACHE_I2I;
    else {
        host->set_error(ctx, "target must be real, t2i or i2i, not '%s'", target);
        free(s);
        return PROCTOR_INVALID;
    }
    if (!strcmp(label, "0") || !strcmp(label, "1")) s->fixed_label = label[0] - '0';
    else if (label[0]) {
        host->set_error(ctx, "label must be \"\", 0 or 1, not '%s'", label);
        free(s);
        return PROCTOR_INVALID;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        host->set_error(ctx, "path %s is not a readable folder: %s", path,
                        errno ? strerror(errno) : "not a directory");
        free(s);
        return PROCTOR_INVALID;
    }
    s->root = strdup(path);
    *instance = s;
    return s->root ? PROCTOR_OK : PROCTOR_NOMEM;
}

static void lf_destroy(void *instance)
{
    lf *s = instance;
    for (size_t i = 0; i < s->reported_count; i++) free(s->reported[i]);
    free(s->reported);
    free(s->root);
    free(s);
}

/* Report a skipped file once per process, not on every refresh. */
static void report_skip(lf *s, const char *path, const char *why)
{
    s->skipped++;
    for (size_t i = 0; i < s->reported_count; i++)
        if (!strcmp(s->reported[i], path)) return;
    char **r = realloc(s->reported, (s->reported_count + 1) * sizeof *r);
    if (r) {
        s->reported = r;
        r[s->reported_count] = strdup(path);
        if (r[s->reported_count]) s->reported_count++;
    }
    s->host->log(s->ctx, PROCTOR_LOG_WARNING, "skipped %s: %s", path, why);
}

static char *read_all(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max &&
        (buf = malloc((size_t)st.st_size + 1))) {
        size_t n = 0;
        while (n < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            n += (size_t)r;
        }
        buf[n] = 0;
        *len = n;
    }
    close(fd);
    return buf;
}

/* Stem: relative path with separators flattened, plus a hash of size and mtime so a changed
 * file is imported again while an unchanged one never is. */
static void make_stem(const char *rel, const struct stat *st, char *out, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    uint64_t parts[3] = {(uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec, (uint64_t)st->st_mtim.tv_nsec};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) h = (h ^ ((parts[i] >> (8 * b)) & 0xff)) * 1099511628211ULL;
    char flat[160];
    size_t j = 0;
    const char *dot = strrchr(rel, '.');
    for (const char *c = rel; *c && c != dot && j < sizeof flat - 1; c++)
        flat[j++] = (*c == '/') ? '_' : ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                                         (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')
                                            ? *c : '-';
    flat[j] = 0;
    snprintf(out, len, "lf_%s_%08x", flat, (unsigned)(h ^ (h >> 32)));
}

/* Label from the path: parent folders first (nearest wins), then the file name. */
static int label_from_path(lf *s, const char *rel)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", rel);
    char *slash = strrchr(copy, '/');
    const char *file = slash ? slash + 1 : copy;
    while (slash) {
        *slash = 0;
        char *prev = strrchr(copy, '/');
        const char *dir = prev ? prev + 1 : copy;
        if (in_list(s, "positive_dirs", dir, 0)) return 1;
        if (in_list(s, "negative_dirs", dir, 0)) return 0;
        slash = prev;
    }
    if (in_list(s, "positive_names", file, 1)) return 1;
    if (in_list(s, "negative_names", file, 1)) return 0;
    return -1;
}

static void import_file(lf *s, const char *path, const char *rel, const struct stat *st)
{
    const proctor_host *h = s->host;
    char stem[256];
    make_stem(rel, st, stem, sizeof stem);
    if (h->cache_has(s->ctx, s->target, stem)) {
        s->present++;
        return;
    }
    size_t len = 0;
    char *bytes = st->st_size > 0 ? read_all(path, MAX_IMAGE_BYTES, &len) : NULL;
    if (!bytes || len == 0) {
        report_skip(s, path, st->st_size == 0 ? "empty file" : "cannot read it (or larger than 200 MiB)");
        free(bytes);
        return;
    }
    proctor_image_format fmt = h->image_sniff(bytes, len);
    if (fmt != PROCTOR_FORMAT_JPEG && fmt != PROCTOR_FORMAT_PNG) {
        report_skip(s, path, fmt == PROCTOR_FORMAT_UNKNOWN ? "not an image" : "only JPEG and PNG are served");
        free(bytes);
        return;
    }
    proctor_image img = {0};
    if (h->image_decode(s->ctx, bytes, len, 64, &img) != PROCTOR_OK) {
        report_skip(s, path, "not a decodable image");
        free(bytes);
        return;
    }
    h->image_free(&img);

    /* sidecar next to the image, in the upstream format, wins */
    cJSON *side = NULL;
    char side_path[PATH_MAX];
    const char *dot = strrchr(path, '.');
    snprintf(side_path, sizeof side_path, "%.*s.json", (int)(dot ? dot - path : (long)strlen(path)), path);
    size_t side_len = 0;
    char *side_text = read_all(side_path, 1 << 20, &side_len);
    if (side_text) side = cJSON_Parse(side_text);
    free(side_text);
    if (!cJSON_IsObject(side)) {
        cJSON_Delete(side);
        side = cJSON_CreateObject();
    }
    int label = -1;
    const cJSON *jl = cJSON_GetObjectItemCaseSensitive(side, "label");
    if (cJSON_IsNumber(jl) && (jl->valuedouble == 0 || jl->valuedouble == 1)) label = (int)jl->valuedouble;
    if (label < 0) label = s->fixed_label;
    if (label < 0) label = label_from_path(s, rel);
    if (label < 0) {
        report_skip(s, path, "no label (no sidecar, no fixed label, folder and file name say nothing)");
        cJSON_Delete(side);
        free(bytes);
        return;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(side, "label");
    cJSON_AddNumberToObject(side, "label", label);
    const cJSON *scene = cJSON_GetObjectItemCaseSensitive(side, "scene_description");
    int has_scene = cJSON_IsString(scene) && scene->valuestring[0];
    if (label == 1 && !has_scene) {
        cJSON_DeleteItemFromObjectCaseSensitive(side, "scene_description");
        cJSON_AddStringToObject(side, "scene_description", h->config_string(s->ctx, "scene_description"));
    } else if (label == 0 && !cJSON_IsNull(scene)) {
        cJSON_DeleteItemFromObjectCaseSensitive(side, "scene_description");
        cJSON_AddStringToObject(side, "scene_description", "");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(side, "original_path");
    cJSON_AddStringToObject(side, "original_path", path);
    cJSON_DeleteItemFromObjectCaseSensitive(side, "image_format");
    cJSON_AddStringToObject(side, "image_format", fmt == PROCTOR_FORMAT_JPEG ? "jpeg" : "png");
    cJSON_DeleteItemFromObjectCaseSensitive(side, "source");
    cJSON_AddStringToObject(side, "source", "local_folder");
    char *json = cJSON_PrintUnformatted(side);
    cJSON_Delete(side);
    proctor_status rc = json ? h->cache_put(s->ctx, s->target, stem, bytes, len, json) : PROCTOR_NOMEM;
    if (rc == PROCTOR_OK) s->imported++;
    else report_skip(s, path, "the cache refused it");
    free(json);
    free(bytes);
}

static int is_image_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    static const char *const ext[] = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (!strcasecmp(dot, ext[i])) return 1;
    return 0;
}

static void walk(lf *s, const char *dir, const char *rel, int depth)
{
    if (depth > 32 || s->host->cancelled(s->ctx)) return;
    DIR *d = opendir(dir);
    if (!d) {
        report_skip(s, dir, strerror(errno));
        return;
    }
    for (struct dirent *e; (e = readdir(d)) && !s->host->cancelled(s->ctx);) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_MAX], sub[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (s->recursive) walk(s, path, sub, depth + 1);
        } else if (S_ISREG(st.st_mode) && is_image_name(e->d_name)) {
            import_file(s, path, sub, &st);
        }
    }
    closedir(d);
}

static proctor_status lf_refresh(void *instance)
{
    lf *s = instance;
    s->imported = s->present = s->skipped = 0;
    walk(s, s->root, "", 0);
    if (s->host->cancelled(s->ctx)) return PROCTOR_CANCELLED;
    s->host->log(s->ctx, s->imported ? PROCTOR_LOG_INFO : PROCTOR_LOG_DEBUG,
                 "%s: imported %zu new, %zu already present, %zu skipped", s->root, s->imported,
                 s->present, s->skipped);
    return PROCTOR_OK;
}

static const proctor_source_ops ops = {sizeof ops, lf_create, lf_refresh, lf_destroy};

static const proctor_plugin descriptor = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SOURCE,
    "local_folder",
    "1.0.0",
    "imports JPEG/PNG images from a folder tree (labels from sidecars, folders or names)",
    keys,
    &ops,
};

PROCTOR_PLUGIN(descriptor)
