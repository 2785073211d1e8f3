/* test_local_folder — the local_folder source: labels from file names, folders and sidecars;
 * corrupt, truncated and empty files skipped and reported; bytes copied unchanged; a second
 * refresh imports nothing. The photo part uses ../shared/fixtures/photos (copied to a temp dir,
 * never into the repository) and is skipped visibly without it. */
#include "../tap.h"
#include "cache/cache.h"
#include "ctutil.h"
#include "plugin/instance.h"
#include "config/pipeline.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct run {
    pc_registry reg;
    pc_pipeline p;
    pc_cache *cache;
    pc_live live;
    char *root, *dir;
} run;

static int open_run(run *r, const char *tmp, const char *src, const char *cache_name)
{
    memset(r, 0, sizeof *r);
    pc_registry_init(&r->reg);
    r->root = ct_path(tmp, cache_name);
    r->dir = ct_fmt("%s/Roadwork/image", r->root);
    char *yaml = ct_fmt("cache: {root: \"%s\"}\nsources:\n  - {name: lf, plugin: local_folder, path: \"%s\"}\n",
                        r->root, src);
    char err[2048] = "";
    int rc = pc_pipeline_load_string(&r->p, yaml, "lf.yaml", &r->reg, err, sizeof err);
    free(yaml);
    if (rc == 0 && !(r->cache = pc_cache_open(r->root, NULL, err, sizeof err))) rc = -1;
    if (rc == 0 && pc_live_create(&r->live, &r->p.instances[0], r->cache, NULL, err, sizeof err) != PROCTOR_OK)
        rc = -1;
    ok(rc == 0, "local_folder instance on %s created (%s)", src, err);
    return rc;
}

static void close_run(run *r)
{
    if (r->live.ctx) pc_live_destroy(&r->live);
    if (r->cache) pc_cache_close(r->cache);
    if (r->p.path) pc_pipeline_free(&r->p);
    pc_registry_free(&r->reg);
    free(r->root);
    free(r->dir);
}

/* One refresh with stderr (where the plugin's log lines go) captured into *log. */
static proctor_status refresh(run *r, char **log)
{
    char path[] = "/tmp/proctor-lf-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    fflush(stderr);
    if (fd >= 0) dup2(fd, 2);
    proctor_status st = ((const proctor_source_ops *)r->live.def->plugin->desc->ops)->refresh(r->live.state);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (fd >= 0) close(fd);
    *log = ct_read(path, NULL);
    if (!*log) *log = strdup("");
    unlink(path);
    return st;
}

/* "name mtime_ns size" of every file in dir, sorted, as one string (a fingerprint). */
static char *fingerprint(const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    size_t cap = 64, len = 0;
    char *out = calloc(1, cap);
    for (int i = 0; i < n; i++) {
        char *p = ct_path(dir, list[i]->d_name), line[600];
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            int l = snprintf(line, sizeof line, "%s %lld.%09ld %lld\n", list[i]->d_name, (long long)st.st_mtim.tv_sec,
                             st.st_mtim.tv_nsec, (long long)st.st_size);
            while (len + (size_t)l + 1 > cap) out = realloc(out, cap *= 2);
            memcpy(out + len, line, (size_t)l + 1);
            len += (size_t)l;
        }
        free(p);
        free(list[i]);
    }
    free(list);
    return out;
}

/* Every cached image: bytes equal to original_path's; counts labels. Returns images seen. */
static int check_copies(const char *dir, int labels[2], int *mismatched)
{
    DIR *d = opendir(dir);
    int n = 0;
    labels[0] = labels[1] = 0;
    *mismatched = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || !dot || !strcmp(dot, ".json")) continue;
        n++;
        char *img = ct_path(dir, e->d_name), *side = ct_fmt("%s/%.*s.json", dir, (int)(dot - e->d_name), e->d_name);
        char *json = ct_read(side, NULL);
        cJSON *doc = json ? cJSON_Parse(json) : NULL;
        const cJSON *orig = cJSON_GetObjectItem(doc, "original_path"), *label = cJSON_GetObjectItem(doc, "label");
        size_t a = 0, b = 0;
        char *x = ct_read(img, &a), *y = cJSON_IsString(orig) ? ct_read(orig->valuestring, &b) : NULL;
        if (!x || !y || a != b || memcmp(x, y, a)) (*mismatched)++;
        if (cJSON_IsNumber(label) && (label->valueint == 0 || label->valueint == 1)) labels[label->valueint]++;
        free(x);
        free(y);
        cJSON_Delete(doc);
        free(json);
        free(img);
        free(side);
    }
    if (d) closedir(d);
    return n;
}

static void test_photos(const char *tmp, const char *photos)
{
    char *src = ct_path(tmp, "photos");
    mkdir(src, 0755);
    DIR *d = opendir(photos);
    int copied = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcmp(dot, ".jpg") && strcmp(dot, ".png"))) continue;
        char *a = ct_path(photos, e->d_name), *b = ct_path(src, e->d_name);
        copied += ct_copy(a, b) == 0;
        free(a);
        free(b);
    }
    if (d) closedir(d);
    is_int(copied, 19, "19 fixture photos copied to a temp dir");
    /* the bad ones, named so that their names alone would give them a label */
    unsigned char junk[4096];
    unsigned s = 7;
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)((s = s * 1103515245u + 12345u) >> 16);
    char *p = ct_path(src, "street_corrupt.jpg");
    ct_write(p, junk, sizeof junk);
    free(p);
    p = ct_path(src, "street_empty.jpg");
    ct_write(p, "", 0);
    free(p);
    char *full = ct_path(photos, "roadwork_01.jpg");
    size_t len = 0;
    char *bytes = ct_read(full, &len);
    p = ct_path(src, "roadwork_truncated.jpg");
    if (bytes) ct_write(p, bytes, len / 2);
    free(p);
    free(bytes);
    free(full);

    run r;
    if (open_run(&r, tmp, src, "cache") == 0) {
        char *log = NULL;
        is_int(refresh(&r, &log), PROCTOR_OK, "refresh");
        is_int(pc_cache_count(r.cache, PROCTOR_CACHE_REAL, 1), 10, "10 roadwork photos with label 1");
        is_int(pc_cache_count(r.cache, PROCTOR_CACHE_REAL, 0), 9, "9 street/indoor photos with label 0");
        ok(strstr(log, "street_corrupt.jpg: not an image"), "the corrupt file is reported");
        ok(strstr(log, "street_empty.jpg: empty file"), "the empty file is reported");
        ok(strstr(log, "roadwork_truncated.jpg: not a decodable image"), "the truncated JPEG is reported");
        ok(strstr(log, "imported 19 new, 0 already present, 3 skipped"), "the summary counts 19 and 3");
        if (tap_failed_) diag("log:\n%s", log);
        free(log);
        int labels[2], mismatched = 0;
        is_int(check_copies(r.dir, labels, &mismatched), 19, "19 images in the cache");
        is_int(mismatched, 0, "each is byte-identical to its source file (original_path)");
        char *before = fingerprint(r.dir);
        is_int(refresh(&r, &log), PROCTOR_OK, "second refresh");
        char *after = fingerprint(r.dir);
        is_str(after, before, "second refresh: same files, sizes and mtimes");
        ok(!strstr(log, "skipped /"), "skipped files are reported once, not on every refresh");
        free(log);
        free(before);
        free(after);
    }
    close_run(&r);
    free(src);
}

static void write_jpeg(const char *dir, const char *name, unsigned salt)
{
    size_t len = 0;
    void *j = ct_jpeg(48, 32, 100, 100, (uint8_t)(salt * 20), salt, &len);
    char *p = ct_path(dir, name);
    if (!j || ct_write(p, j, len) != 0) diag("cannot write %s", p);
    free(p);
    free(j);
}

static void test_rules(const char *tmp)
{
    char *src = ct_path(tmp, "tree");
    char *rw = ct_path(src, "roadwork"), *none = ct_path(src, "none"), *other = ct_path(src, "other");
    char *deep = ct_path(rw, "2024/none"); /* the nearest folder wins */
    char *mid = ct_path(rw, "2024");
    mkdir(src, 0755), mkdir(rw, 0755), mkdir(none, 0755), mkdir(other, 0755), mkdir(mid, 0755), mkdir(deep, 0755);
    write_jpeg(rw, "img_a.jpg", 1);
    write_jpeg(none, "img_b.jpg", 2);
    write_jpeg(other, "img_c.jpg", 3);  /* no label from anything: skipped */
    write_jpeg(other, "img_d.jpg", 4);  /* sidecar next to it */
    write_jpeg(none, "img_e.jpg", 5);   /* sidecar wins over the folder */
    write_jpeg(deep, "img_f.jpg", 6);   /* none/ inside roadwork/: label 0 */
    write_jpeg(none, "roadwork_g.jpg", 7); /* folder wins over the file name */
    char *p = ct_path(other, "img_d.json");
    ct_write_str(p, "{\"label\": 1, \"scene_description\": \"a digger in a trench\", \"city\": \"Berlin\"}");
    free(p);
    p = ct_path(none, "img_e.json");
    ct_write_str(p, "{\"label\": 1}");
    free(p);

    run r;
    if (open_run(&r, tmp, src, "cache2") == 0) {
        char *log = NULL;
        is_int(refresh(&r, &log), PROCTOR_OK, "refresh of the folder tree");
        ok(strstr(log, "img_c.jpg: no label"), "a file with no label is reported");
        free(log);
        static const struct {
            const char *rel;
            int label;
            const char *scene;
        } want[] = {
            {"roadwork_img_a", 1, "a street with roadwork"},
            {"none_img_b", 0, ""},
            {"other_img_d", 1, "a digger in a trench"},
            {"none_img_e", 1, "a street with roadwork"},
            {"roadwork_2024_none_img_f", 0, ""},
            {"none_roadwork_g", 0, ""},
        };
        int found[6] = {0};
        DIR *d = opendir(r.dir);
        int jsons = 0;
        for (struct dirent *e; d && (e = readdir(d));) {
            const char *dot = strrchr(e->d_name, '.');
            if (!dot || strcmp(dot, ".json")) continue;
            jsons++;
            char *side = ct_path(r.dir, e->d_name), *json = ct_read(side, NULL);
            cJSON *doc = json ? cJSON_Parse(json) : NULL;
            const cJSON *l = cJSON_GetObjectItem(doc, "label"), *sc = cJSON_GetObjectItem(doc, "scene_description");
            for (int i = 0; i < 6; i++) {
                char prefix[64];
                snprintf(prefix, sizeof prefix, "lf_%s_", want[i].rel);
                if (strncmp(e->d_name, prefix, strlen(prefix))) continue;
                found[i] = 1;
                is_int(cJSON_IsNumber(l) ? l->valueint : -1, want[i].label, "%s: label", want[i].rel);
                is_str(cJSON_IsString(sc) ? sc->valuestring : "(none)", want[i].scene, "%s: scene", want[i].rel);
                if (i == 2) ok(cJSON_IsString(cJSON_GetObjectItem(doc, "city")), "%s: the sidecar's other keys are kept", want[i].rel);
            }
            cJSON_Delete(doc);
            free(json);
            free(side);
        }
        if (d) closedir(d);
        for (int i = 0; i < 6; i++) ok(found[i], "%s imported", want[i].rel);
        is_int(jsons, 6, "6 items (img_c skipped)");
        int labels[2], mismatched = 0;
        check_copies(r.dir, labels, &mismatched);
        is_int(mismatched, 0, "bytes copied unchanged");
    }
    close_run(&r);
    free(src), free(rw), free(none), free(other), free(deep), free(mid);
}

int main(void)
{
    char *tmp = ct_tmpdir("lf");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    test_rules(tmp);
    const char *photos = ct_photos_dir();
    if (photos) test_photos(tmp, photos);
    else skip(1, "no ../shared/fixtures/photos (set PROCTOR_SHARED): photo import not tested");
    ct_rmtree(tmp);
    free(tmp);
    return done_testing();
}
