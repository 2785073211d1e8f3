/* cache.c — see cache.h. */
#include "cache/cache.h"
#include "base/fsutil.h"
#include "image/image.h"
#include "base/log.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct entry {
    char *name;      /* image file name, e.g. "a__image_3.jpg"; for sources: any file */
    int label;       /* 0/1 servable; -1 not servable */
    int64_t bytes;   /* image + sidecar */
    struct timespec mtime;
    int seen;        /* mark for the merge on rescan */
} entry;

typedef struct dir_index {
    char *path;
    int64_t budget;
    entry *entries;
    size_t count, cap;
    struct timespec dir_mtime; /* directory mtime at the last listing */
    time_t listed_at;
    int valid;
    int64_t bytes;             /* total at last listing plus what we put since */
} dir_index;

struct pc_cache {
    char *root;
    dir_index dirs[PC_CACHE_KINDS];
};

static const char *const kind_names[PC_CACHE_KINDS] = {"real", "sources", "t2i", "i2i"};
static const char *const kind_subdirs[PC_CACHE_KINDS] = {"Roadwork/image", "Roadwork/image/sources",
                                                         "Synthetic/t2i", "Synthetic/i2i"};

/* Upstream serves only these (case-insensitive). */
static int served_suffix(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && name[0] != '.' &&
           (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") || !strcasecmp(dot, ".png"));
}

const char *pc_cache_kind_name(proctor_cache_kind kind)
{
    return (unsigned)kind < PC_CACHE_KINDS ? kind_names[kind] : "?";
}

pc_cache *pc_cache_open(const char *root, const int64_t budgets[PC_CACHE_KINDS], char *err,
                        size_t errlen)
{
    pc_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->root = strdup(root))) {
        free(c);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (int k = 0; k < PC_CACHE_KINDS; k++) {
        size_t n = strlen(root) + strlen(kind_subdirs[k]) + 2;
        c->dirs[k].path = malloc(n);
        if (!c->dirs[k].path) {
            pc_cache_close(c);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        snprintf(c->dirs[k].path, n, "%s/%s", root, kind_subdirs[k]);
        c->dirs[k].budget = budgets ? budgets[k] : 0;
    }
    if (pc_mkdirs(root) != 0) {
        snprintf(err, errlen, "%s: cannot create the cache root: %s", root, strerror(errno));
        pc_cache_close(c);
        return NULL;
    }
    return c;
}

static void index_clear(dir_index *d)
{
    for (size_t i = 0; i < d->count; i++) free(d->entries[i].name);
    d->count = 0;
}

void pc_cache_close(pc_cache *c)
{
    if (!c) return;
    for (int k = 0; k < PC_CACHE_KINDS; k++) {
        index_clear(&c->dirs[k]);
        free(c->dirs[k].entries);
        free(c->dirs[k].path);
    }
    free(c->root);
    free(c);
}

const char *pc_cache_root(const pc_cache *c) { return c->root; }

const char *pc_cache_dir(pc_cache *c, proctor_cache_kind kind)
{
    if ((unsigned)kind >= PC_CACHE_KINDS) return NULL;
    if (pc_mkdirs(c->dirs[kind].path) != 0) return NULL;
    return c->dirs[kind].path;
}

/* ---- sidecars ---------------------------------------------------------------------------- */

/* The upstream rule on a parsed sidecar: the label, or -1 with the reason. */
/* cJSON ends a string at an escaped U+0000, so "\u0000 cones" would read as empty and a label-1
 * item be refused where Python serves it. Parse a copy in which each \u0000 escape becomes
 * \u2400 (the same length, a visible "NUL" symbol): emptiness is then what Python sees. */
static cJSON *parse_sidecar(const char *json)
{
    if (!strstr(json, "\\u0000")) return cJSON_Parse(json);
    char *copy = strdup(json);
    if (!copy) return NULL;
    for (char *p = copy; (p = strstr(p, "\\u0000")); p += 6) memcpy(p, "\\u2400", 6);
    cJSON *doc = cJSON_Parse(copy);
    free(copy);
    return doc;
}

static int check_doc(const cJSON *doc, char *why, size_t whylen)
{
    if (!cJSON_IsObject(doc)) {
        snprintf(why, whylen, "sidecar is not a JSON object");
        return -1;
    }
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(doc, "label");
    const cJSON *scene = cJSON_GetObjectItemCaseSensitive(doc, "scene_description");
    int value = -1;
    /* Python compares with ints 0/1; True/False are ints there too */
    if (cJSON_IsBool(label)) value = cJSON_IsTrue(label);
    else if (cJSON_IsNumber(label) && (label->valuedouble == 0.0 || label->valuedouble == 1.0))
        value = (int)label->valuedouble;
    int has_scene = cJSON_IsString(scene) && scene->valuestring[0] != 0;
    if (value < 0) snprintf(why, whylen, "label is missing or not 0/1");
    else if (scene && !cJSON_IsString(scene) && !cJSON_IsNull(scene))
        value = -1, snprintf(why, whylen, "scene_description is not a string");
    else if (value == 1 && !has_scene)
        value = -1, snprintf(why, whylen, "label 1 without a scene_description");
    else if (value == 0 && has_scene)
        value = -1, snprintf(why, whylen, "label 0 with a scene_description");
    return value;
}

int pc_cache_check_sidecar(const char *json, char *why, size_t whylen)
{
    cJSON *doc = parse_sidecar(json);
    int label = check_doc(doc, why, whylen);
    cJSON_Delete(doc);
    return label;
}

static char *sidecar_path_for(const char *dir, const char *image_name)
{
    const char *dot = strrchr(image_name, '.');
    size_t stem = dot ? (size_t)(dot - image_name) : strlen(image_name);
    size_t n = strlen(dir) + stem + 7;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%.*s.json", dir, (int)stem, image_name);
    return p;
}

/* ---- index ------------------------------------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int ts_older(struct timespec a, struct timespec b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

static int push_entry(dir_index *d, entry e)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        entry *n = realloc(d->entries, cap * sizeof *n);
        if (!n) return -1;
        d->entries = n;
        d->cap = cap;
    }
    d->entries[d->count++] = e;
    return 0;
}

static int read_label(const char *dir, const char *image_name, int64_t *sidecar_bytes)
{
    char *path = sidecar_path_for(dir, image_name);
    size_t len = 0;
    char *text = path ? pc_read_file(path, 1 << 20, &len) : NULL;
    free(path);
    if (!text) return -1;
    *sidecar_bytes = (int64_t)len;
    char why[128];
    int label = pc_cache_check_sidecar(text, why, sizeof why);
    free(text);
    return label;
}

/* Re-list the directory when its mtime moved (every writer renames into it), or every 60 s. */
static void index_refresh(pc_cache *c, proctor_cache_kind kind, int force)
{
    dir_index *d = &c->dirs[kind];
    struct stat st;
    if (stat(d->path, &st) != 0) {
        index_clear(d);
        d->valid = 0;
        d->bytes = 0;
        return;
    }
    time_t now = time(NULL);
    if (!force && d->valid && st.st_mtim.tv_sec == d->dir_mtime.tv_sec &&
        st.st_mtim.tv_nsec == d->dir_mtime.tv_nsec && now - d->listed_at < 60)
        return;
    DIR *dir = opendir(d->path);
    if (!dir) return;
    for (size_t i = 0; i < d->count; i++) d->entries[i].seen = 0;
    size_t old_count = d->count;
    int is_sources = kind == PROCTOR_CACHE_REAL_SOURCES;
    int64_t total = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        const char *name = e->d_name;
        if (name[0] == '.') {
            /* temp files left by a killed writer: remove after an hour */
            if (strstr(name, ".tmp")) {
                struct stat ts;
                if (fstatat(dirfd(dir), name, &ts, 0) == 0 && now - ts.st_mtime > 3600)
                    unlinkat(dirfd(dir), name, 0);
            }
            continue;
        }
        if (!is_sources && !served_suffix(name)) continue;
        struct stat fs;
        if (fstatat(dirfd(dir), name, &fs, 0) != 0 || !S_ISREG(fs.st_mode)) continue;
        entry *old = old_count ? bsearch(&(entry){.name = (char *)name}, d->entries, old_count,
                                         sizeof *d->entries, entry_cmp)
                               : NULL;
        if (old && old->mtime.tv_sec == fs.st_mtim.tv_sec && old->mtime.tv_nsec == fs.st_mtim.tv_nsec) {
            old->seen = 1;
            total += old->bytes;
            continue;
        }
        int64_t side = 0;
        int label = is_sources ? -1 : read_label(d->path, name, &side);
        if (old) {
            old->seen = 1;
            old->label = label;
            old->bytes = (int64_t)fs.st_size + side;
            old->mtime = fs.st_mtim;
            total += old->bytes;
            continue;
        }
        entry ne = {strdup(name), label, (int64_t)fs.st_size + side, fs.st_mtim, 1};
        if (!ne.name || push_entry(d, ne) != 0) {
            free(ne.name);
            break;
        }
        total += ne.bytes;
    }
    closedir(dir);
    /* drop vanished entries, keep sorted */
    size_t w = 0;
    for (size_t i = 0; i < d->count; i++) {
        if (d->entries[i].seen) d->entries[w++] = d->entries[i];
        else free(d->entries[i].name);
    }
    d->count = w;
    if (d->count) qsort(d->entries, d->count, sizeof *d->entries, entry_cmp);
    d->dir_mtime = st.st_mtim;
    d->listed_at = now;
    d->valid = 1;
    d->bytes = total;
}

void pc_cache_invalidate(pc_cache *c, proctor_cache_kind kind)
{
    if ((unsigned)kind < PC_CACHE_KINDS) c->dirs[kind].valid = 0;
}

size_t pc_cache_count(pc_cache *c, proctor_cache_kind kind, int label)
{
    if ((unsigned)kind >= PC_CACHE_KINDS) return 0;
    index_refresh(c, kind, 0);
    dir_index *d = &c->dirs[kind];
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->entries[i].label >= 0 && (label < 0 || d->entries[i].label == label)) n++;
    return n;
}

/* ---- budget ------------------------------------------------------------------------------ */

static int mtime_cmp(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    if (ts_older(x->mtime, y->mtime)) return -1;
    if (ts_older(y->mtime, x->mtime)) return 1;
    return strcmp(x->name, y->name);
}

void pc_cache_trim(pc_cache *c, proctor_cache_kind kind)
{
    if ((unsigned)kind >= PC_CACHE_KINDS) return;
    dir_index *d = &c->dirs[kind];
    if (d->budget <= 0) return;
    index_refresh(c, kind, 1);
    if (d->bytes <= d->budget) return;
    entry **order = malloc(d->count * sizeof *order);
    if (!order) return;
    for (size_t i = 0; i < d->count; i++) order[i] = &d->entries[i];
    qsort(order, d->count, sizeof *order, mtime_cmp);
    int64_t total = d->bytes;
    size_t removed = 0;
    for (size_t i = 0; i < d->count && total > d->budget; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", d->path, order[i]->name);
        /* image first: a reader that lists images never finds one without its sidecar */
        if (unlink(path) != 0 && errno != ENOENT) continue;
        if (kind != PROCTOR_CACHE_REAL_SOURCES) {
            char *side = sidecar_path_for(d->path, order[i]->name);
            if (side) unlink(side);
            free(side);
        }
        total -= order[i]->bytes;
        removed++;
    }
    free(order);
    if (removed)
        pc_debug("cache %s: evicted %zu oldest item(s) to stay within %lld bytes",
                 kind_names[kind], removed, (long long)d->budget);
    index_refresh(c, kind, 1);
}

/* ---- put / has / sample ------------------------------------------------------------------ */


static int valid_stem(const char *s)
{
    if (!s || !*s || s[0] == '.' || strlen(s) > 200) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

proctor_status pc_cache_put(pc_cache *c, proctor_cache_kind kind, const char *stem,
                            const void *bytes, size_t len, const char *sidecar_json, char *err,
                            size_t errlen)
{
    if ((unsigned)kind >= PC_CACHE_KINDS || kind == PROCTOR_CACHE_REAL_SOURCES)
        return snprintf(err, errlen, "cache_put: not an image cache"), PROCTOR_INVALID;
    if (!valid_stem(stem))
        return snprintf(err, errlen, "cache_put: invalid stem '%s'", stem ? stem : ""),
               PROCTOR_INVALID;
    proctor_image_format format = pc_image_sniff(bytes, len);
    const char *ext = format == PROCTOR_FORMAT_JPEG ? "jpg" : format == PROCTOR_FORMAT_PNG ? "png" : NULL;
    if (!ext)
        return snprintf(err, errlen, "cache_put %s: not a JPEG or PNG (the only formats served)",
                        stem),
               PROCTOR_INVALID;
    char why[128];
    if (!sidecar_json || pc_cache_check_sidecar(sidecar_json, why, sizeof why) < 0)
        return snprintf(err, errlen, "cache_put %s: %s", stem, sidecar_json ? why : "no sidecar"),
               PROCTOR_INVALID;
    const char *dir = pc_cache_dir(c, kind);
    if (!dir) return snprintf(err, errlen, "cannot create %s: %s", c->dirs[kind].path, strerror(errno)), PROCTOR_IO;
    char side[PATH_MAX], image[PATH_MAX];
    snprintf(side, sizeof side, "%s/%s.json", dir, stem);
    snprintf(image, sizeof image, "%s/%s.%s", dir, stem, ext);
    if (pc_write_atomic(side, sidecar_json, strlen(sidecar_json), err, errlen) != 0) return PROCTOR_IO;
    if (pc_write_atomic(image, bytes, len, err, errlen) != 0) {
        unlink(side);
        return PROCTOR_IO;
    }
    dir_index *d = &c->dirs[kind];
    d->bytes += (int64_t)len + (int64_t)strlen(sidecar_json);
    if (d->budget > 0 && d->bytes > d->budget) pc_cache_trim(c, kind);
    return PROCTOR_OK;
}

int pc_cache_has(pc_cache *c, proctor_cache_kind kind, const char *stem)
{
    if ((unsigned)kind >= PC_CACHE_KINDS || !valid_stem(stem)) return 0;
    static const char *const exts[] = {"jpg", "jpeg", "png", "JPG", "JPEG", "PNG"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.%s", c->dirs[kind].path, stem, exts[i]);
        if (access(path, F_OK) == 0) return 1;
    }
    return 0;
}

void pc_item_free(proctor_item *item)
{
    if (!item) return;
    free(item->path);
    free(item->sidecar_json);
    free(item->scene_description);
    free(item);
}

static proctor_item *load_item(const char *dir, const char *name, int want_label)
{
    char *side = sidecar_path_for(dir, name);
    size_t len = 0;
    char *text = side ? pc_read_file(side, 1 << 20, &len) : NULL;
    free(side);
    if (!text) return NULL;
    char why[128];
    cJSON *doc = parse_sidecar(text); /* once: the label check and the scene both read it */
    int label = check_doc(doc, why, sizeof why);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (label < 0 || (want_label >= 0 && label != want_label) || access(path, R_OK) != 0) {
        cJSON_Delete(doc);
        free(text);
        return NULL;
    }
    proctor_item *it = calloc(1, sizeof *it);
    const cJSON *scene = cJSON_GetObjectItemCaseSensitive(doc, "scene_description");
    if (it) {
        it->path = strdup(path);
        it->sidecar_json = text;
        it->label = label;
        it->scene_description = strdup(cJSON_IsString(scene) ? scene->valuestring : "");
        text = NULL;
        if (!it->path || !it->scene_description) {
            pc_item_free(it);
            it = NULL;
        }
    }
    cJSON_Delete(doc);
    free(text);
    return it;
}

proctor_status pc_cache_sample(pc_cache *c, proctor_cache_kind kind, int label,
                               uint64_t (*rng)(void *), void *rng_state, proctor_item **out)
{
    *out = NULL;
    if ((unsigned)kind >= PC_CACHE_KINDS || kind == PROCTOR_CACHE_REAL_SOURCES) return PROCTOR_INVALID;
    for (int attempt = 0; attempt < 4; attempt++) {
        index_refresh(c, kind, attempt > 0);
        dir_index *d = &c->dirs[kind];
        size_t n = 0;
        for (size_t i = 0; i < d->count; i++)
            if (d->entries[i].label >= 0 && (label < 0 || d->entries[i].label == label)) n++;
        if (n == 0) return PROCTOR_NOT_READY;
        /* a few draws from the index; the item is re-validated from disk when taken */
        for (int tries = 0; tries < 8; tries++) {
            size_t pick = (size_t)(rng(rng_state) % n);
            for (size_t i = 0; i < d->count; i++) {
                if (d->entries[i].label < 0 || (label >= 0 && d->entries[i].label != label)) continue;
                if (pick-- == 0) {
                    proctor_item *it = load_item(d->path, d->entries[i].name, label);
                    if (it) return *out = it, PROCTOR_OK;
                    break;
                }
            }
        }
    }
    return PROCTOR_NOT_READY;
}

int pc_cache_stats(pc_cache *c, proctor_cache_kind kind, pc_cache_stat *s)
{
    memset(s, 0, sizeof *s);
    if ((unsigned)kind >= PC_CACHE_KINDS) return -1;
    index_refresh(c, kind, 1);
    dir_index *d = &c->dirs[kind];
    s->budget = d->budget;
    s->bytes = d->bytes;
    s->files = d->count;
    s->newest_age_s = -1;
    struct timespec newest = {0, 0};
    for (size_t i = 0; i < d->count; i++) {
        const entry *e = &d->entries[i];
        if (kind == PROCTOR_CACHE_REAL_SOURCES || e->label >= 0) {
            if (e->label >= 0) s->items[e->label]++;
            if (ts_older(newest, e->mtime)) newest = e->mtime;
        } else {
            s->invalid++;
        }
    }
    if (newest.tv_sec) s->newest_age_s = difftime(time(NULL), newest.tv_sec);
    return 0;
}
