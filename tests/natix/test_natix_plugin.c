/* test_natix_plugin — dlopen natix.so and drive it through the SDK with a minimal host written
 * here (config table, cache_put writing files, cache_has/sample over the directory) against the
 * loopback Hub serving the committed Parquet fixtures. Proves: the first start on an empty cache
 * fetches one file and extracts it; extracted items are the fixture rows with consistent labels
 * (bytes unchanged, sidecar with the upstream fields and the scalar columns); the schedule holds
 * (nothing happens before the intervals); the listing is reused from disk; unreadable sources
 * are deleted at start; the token reaches neither the CDN nor the log. */
#include "proctor.h"
#include "../tap.h"
#include "mock_hub.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <dlfcn.h>
#include <sodium.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "tests/natix/fixtures/"
#define TOKEN "hf_plugin_SEKRIT_42"

struct proctor_ctx {
    char root[256], real[300], sources[320];
    const char *cfg[32][2];
    int ncfg;
    uint64_t rng;
    int puts, put_invalid, progress;
    char log[1 << 16];
    size_t loglen;
    char error[512];
};

static const char *cfg(proctor_ctx *c, const char *key)
{
    for (int i = 0; i < c->ncfg; i++)
        if (!strcmp(c->cfg[i][0], key)) return c->cfg[i][1];
    return NULL;
}
static void set_cfg(proctor_ctx *c, const char *key, const char *val)
{
    for (int i = 0; i < c->ncfg; i++)
        if (!strcmp(c->cfg[i][0], key)) {
            c->cfg[i][1] = val;
            return;
        }
    c->cfg[c->ncfg][0] = key;
    c->cfg[c->ncfg++][1] = val;
}

static void h_log(proctor_ctx *c, proctor_log_level lv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t n = strlen(line);
    if (c->loglen + n + 2 < sizeof c->log) {
        memcpy(c->log + c->loglen, line, n);
        c->loglen += n;
        c->log[c->loglen++] = '\n';
        c->log[c->loglen] = 0;
    }
    if (lv >= PROCTOR_LOG_INFO) diag("natix: %s", line);
}
static void h_set_error(proctor_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
}
static const char *h_name(proctor_ctx *c) { (void)c; return "natix-test"; }
static const char *h_string(proctor_ctx *c, const char *k) { const char *v = cfg(c, k); return v ? v : ""; }
static int64_t h_int(proctor_ctx *c, const char *k) { const char *v = cfg(c, k); return v ? strtoll(v, NULL, 10) : 0; }
static double h_double(proctor_ctx *c, const char *k) { const char *v = cfg(c, k); return v ? strtod(v, NULL) : 0; }
static int h_bool(proctor_ctx *c, const char *k) { return (int)h_int(c, k); }
static size_t h_list_len(proctor_ctx *c, const char *k) { (void)c, (void)k; return 0; }
static const char *h_list_item(proctor_ctx *c, const char *k, size_t i) { (void)c, (void)k, (void)i; return NULL; }
static uint64_t h_random(proctor_ctx *c)
{
    c->rng ^= c->rng << 13, c->rng ^= c->rng >> 7, c->rng ^= c->rng << 17;
    return c->rng;
}
static int h_cancelled(proctor_ctx *c) { (void)c; return 0; }
static void h_progress(proctor_ctx *c, const char *w, uint64_t d, uint64_t t) { (void)w, (void)d, (void)t; c->progress++; }
static const char *h_cache_dir(proctor_ctx *c, proctor_cache_kind k)
{
    return k == PROCTOR_CACHE_REAL ? c->real : k == PROCTOR_CACHE_REAL_SOURCES ? c->sources : NULL;
}
static proctor_image_format h_sniff(const void *b, size_t n)
{
    const unsigned char *p = b;
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return PROCTOR_FORMAT_JPEG;
    if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) return PROCTOR_FORMAT_PNG;
    return PROCTOR_FORMAT_UNKNOWN;
}
static int write_file(const char *dir, const char *name, const void *b, size_t n)
{
    char tmp[600], fin[600];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(fin, sizeof fin, "%s/%s", dir, name);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) return -1;
    int okw = fwrite(b, 1, n, fp) == n;
    okw &= fclose(fp) == 0;
    return okw && rename(tmp, fin) == 0 ? 0 : -1;
}
static proctor_status h_put(proctor_ctx *c, proctor_cache_kind k, const char *stem, const void *b, size_t n,
                            const char *side)
{
    proctor_image_format f = h_sniff(b, n);
    cJSON *j = cJSON_Parse(side);
    const cJSON *label = cJSON_GetObjectItem(j, "label"), *desc = cJSON_GetObjectItem(j, "scene_description");
    int good = k == PROCTOR_CACHE_REAL && f != PROCTOR_FORMAT_UNKNOWN && cJSON_IsNumber(label) &&
               (label->valueint == 1) == (cJSON_IsString(desc) && desc->valuestring[0]);
    cJSON_Delete(j);
    if (!good) {
        c->put_invalid++;
        return PROCTOR_INVALID;
    }
    char name[400];
    snprintf(name, sizeof name, "%s.json", stem);
    if (write_file(c->real, name, side, strlen(side))) return PROCTOR_IO;
    snprintf(name, sizeof name, "%s.%s", stem, f == PROCTOR_FORMAT_JPEG ? "jpg" : "png");
    if (write_file(c->real, name, b, n)) return PROCTOR_IO;
    c->puts++;
    return PROCTOR_OK;
}
static int count_suffix(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name), s = strlen(suffix);
        if (l > s && !strcmp(e->d_name + l - s, suffix) && e->d_name[0] != '.') n++;
    }
    if (d) closedir(d);
    return n;
}
static int h_has(proctor_ctx *c, proctor_cache_kind k, const char *stem)
{
    (void)k;
    const char *ext[] = {"jpg", "jpeg", "png"};
    for (int i = 0; i < 3; i++) {
        char p[700];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s.%s", c->real, stem, ext[i]);
        if (stat(p, &st) == 0) return 1;
    }
    return 0;
}
static void h_item_free(proctor_item *it)
{
    if (!it) return;
    free(it->path);
    free(it->sidecar_json);
    free(it->scene_description);
    free(it);
}
static proctor_status h_sample(proctor_ctx *c, proctor_cache_kind k, int label, proctor_item **out)
{
    (void)label;
    *out = NULL;
    if (k != PROCTOR_CACHE_REAL || count_suffix(c->real, ".jpg") + count_suffix(c->real, ".png") == 0)
        return PROCTOR_NOT_READY;
    *out = calloc(1, sizeof **out);
    return PROCTOR_OK;
}
static void h_trim(proctor_ctx *c, proctor_cache_kind k) { (void)c, (void)k; }

static const proctor_host host = {
    .size = sizeof(proctor_host), .abi_major = PROCTOR_ABI_MAJOR, .abi_minor = PROCTOR_ABI_MINOR,
    .log = h_log, .set_error = h_set_error, .instance_name = h_name,
    .config_string = h_string, .config_int = h_int, .config_double = h_double, .config_bool = h_bool,
    .config_list_len = h_list_len, .config_list_item = h_list_item,
    .random_u64 = h_random, .cancelled = h_cancelled, .progress = h_progress,
    .cache_dir = h_cache_dir, .cache_put = h_put, .cache_has = h_has, .cache_sample = h_sample,
    .item_free = h_item_free, .cache_trim = h_trim, .image_sniff = h_sniff, .free = free,
};

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, fp) != (size_t)n) n = 0;
    fclose(fp);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

/* Rows of a fixture that must become items: label 0/1 consistent with the description, bytes
 * that are a JPEG or PNG (the fixture's row 8 holds text, rows 10 and 12 null images). */
static int servable(const cJSON *row)
{
    const cJSON *l = cJSON_GetObjectItem(row, "label"), *d = cJSON_GetObjectItem(row, "scene_description"),
                *sha = cJSON_GetObjectItem(row, "image_sha256"), *len = cJSON_GetObjectItem(row, "image_len");
    if (!cJSON_IsNumber(l) || cJSON_IsNull(sha)) return 0;
    if ((l->valueint == 1) != (cJSON_IsString(d) && d->valuestring[0])) return 0;
    return len->valueint != 19; /* "not an image at all" */
}

/* The plugin's local name of repo path data/<fixture>: <stem>-<8 hex of sha256(path)>.parquet */
static void local_of(const char *fixture, char *out, size_t n)
{
    char path[300], hex[65];
    unsigned char h[32];
    snprintf(path, sizeof path, "data/%s", fixture);
    crypto_hash_sha256(h, (const unsigned char *)path, strlen(path));
    sodium_bin2hex(hex, sizeof hex, h, 32);
    snprintf(out, n, "%.*s-%.8s.parquet", (int)(strlen(fixture) - 8), fixture, hex);
}

/* Check every extracted item of one fixture (stored as `file`) against expected.json. */
static void check_items(proctor_ctx *c, const char *file, const cJSON *exp)
{
    const cJSON *rows = cJSON_GetObjectItem(exp, "rows");
    int n = cJSON_GetArraySize(rows), want = 0, found = 0, bad = 0;
    char stem[256];
    snprintf(stem, sizeof stem, "%s", file);
    *strrchr(stem, '.') = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(rows, i);
        int expect = servable(r);
        want += expect;
        char p[700];
        size_t len = 0;
        snprintf(p, sizeof p, "%s/%s__image_%d.json", c->real, stem, i);
        unsigned char *side = slurp(p, &len);
        if (!side) {
            if (expect) bad++, diag("%s row %d: missing", file, i);
            continue;
        }
        found++;
        if (!expect) {
            bad++;
            diag("%s row %d: should have been skipped", file, i);
        }
        cJSON *j = cJSON_Parse((char *)side);
        const char *fmt = cJSON_GetStringValue(cJSON_GetObjectItem(j, "image_format"));
        snprintf(p, sizeof p, "%s/%s__image_%d.%s", c->real, stem, i, fmt && !strcmp(fmt, "png") ? "png" : "jpg");
        unsigned char *img = slurp(p, &len);
        char hex[65] = "";
        if (img) {
            unsigned char h[32];
            crypto_hash_sha256(h, img, len);
            sodium_bin2hex(hex, sizeof hex, h, 32);
        }
        const cJSON *size = cJSON_GetObjectItem(j, "image_size");
        char want_src[700];
        snprintf(want_src, sizeof want_src, "%s/%s", c->sources, file);
        char idx[16];
        snprintf(idx, sizeof idx, "%d", i);
        int good = img && !strcmp(hex, cJSON_GetStringValue(cJSON_GetObjectItem(r, "image_sha256"))) &&
                   cJSON_GetObjectItem(j, "label")->valueint == cJSON_GetObjectItem(r, "label")->valueint &&
                   !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "source_parquet")), want_src) &&
                   !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "original_index")), idx) &&
                   cJSON_GetArraySize(size) == 2 && cJSON_GetArrayItem(size, 0)->valueint > 0 &&
                   cJSON_GetStringValue(cJSON_GetObjectItem(j, "image_mode")) &&
                   cJSON_IsString(cJSON_GetObjectItem(j, "city")) && cJSON_GetObjectItem(j, "verified") &&
                   cJSON_GetObjectItem(j, "quality") && cJSON_GetObjectItem(j, "id32");
        const cJSON *d = cJSON_GetObjectItem(r, "scene_description");
        const cJSON *gd = cJSON_GetObjectItem(j, "scene_description");
        good &= cJSON_IsNull(d) ? cJSON_IsNull(gd) : (cJSON_IsString(gd) && !strcmp(gd->valuestring, d->valuestring));
        if (!good) {
            bad++;
            diag("%s row %d: sidecar or bytes differ: %s", file, i, side);
        }
        cJSON_Delete(j);
        free(img);
        free(side);
    }
    is_int(found, want, "%s: %d servable rows extracted", file, want);
    is_int(bad, 0, "%s: bytes unchanged, sidecars carry upstream fields + columns", file);
}

static proctor_ctx *new_ctx(const char *endpoint, const char *repo)
{
    proctor_ctx *c = calloc(1, sizeof *c);
    snprintf(c->root, sizeof c->root, "/tmp/natix-plugin-XXXXXX");
    if (!mkdtemp(c->root)) return free(c), NULL;
    snprintf(c->real, sizeof c->real, "%s/Roadwork/image", c->root);
    snprintf(c->sources, sizeof c->sources, "%s/sources", c->real);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", c->sources);
    if (system(cmd) != 0) return free(c), NULL;
    c->rng = 0x243f6a8885a308d3ull;
    set_cfg(c, "repo", repo);
    set_cfg(c, "revision", "main");
    set_cfg(c, "endpoint", endpoint);
    set_cfg(c, "token", TOKEN);
    set_cfg(c, "parquet_interval", "0");
    set_cfg(c, "parquet_files", "20");
    set_cfg(c, "extract_interval", "0");
    set_cfg(c, "images_per_file", "100");
    set_cfg(c, "sources_budget", "107374182400");
    set_cfg(c, "listing_ttl", "0");
    set_cfg(c, "max_retries", "2");
    set_cfg(c, "retry_after_max", "5");
    return c;
}

static void drop_ctx(proctor_ctx *c)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->root);
    if (system(cmd) != 0) diag("could not remove %s", c->root);
    free(c);
}

/* The listing and download cases of issue 12, each against its own loopback Hub. */
static void listing_cases(const proctor_source_ops *ops, const char *fix_a, const char *fix_b)
{
    size_t la, lb;
    unsigned char *a = slurp(fix_a, &la), *b = slurp(fix_b, &lb);
    if (!a || !b) {
        ok(0, "fixtures %s, %s", fix_a, fix_b);
        return;
    }
    /* same basename in two folders, an upper-case suffix, an unsafe entry next to them */
    mock_file fs[3] = {{.path = "data/a/train.parquet", .data = a, .len = la},
                       {.path = "data/b/train.parquet", .data = b, .len = lb},
                       {.path = "data/UPPER.PARQUET", .data = a, .len = la}};
    for (int i = 0; i < 3; i++) mock_file_hash(&fs[i]);
    mock_hub m = {.repo = "natix-test/cases", .token = TOKEN, .files = fs, .nfiles = 3,
                  .extra_entries = "{\"type\":\"file\",\"size\":5,\"path\":\"data/../../etc/passwd.parquet\"}"};
    if (mock_hub_start(&m)) {
        skip(1, "no loopback sockets");
        return;
    }
    proctor_ctx *c = new_ctx(m.endpoint, m.repo);
    void *inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "cases: create (%s)", c->error);
    proctor_status st = ops->refresh(inst);
    is_int(st, PROCTOR_OK, "an unsafe entry does not stop the listing (%s)", c->error);
    is_int(count_suffix(c->sources, ".parquet"), 2, "both data/a/train.parquet and data/b/train.parquet kept apart");
    is_int(fs[2].cdn_gets + fs[2].resolves, 0, "UPPER.PARQUET is not a .parquet file (upstream's filter)");
    ok(strstr(c->log, "unsafe path 'data/../../etc/passwd.parquet'") != NULL, "the unsafe entry is logged");
    ops->destroy(inst);

    /* a gated dataset and no token: a retryable status and a message that says what to do */
    m.need_auth = 1;
    set_cfg(c, "token", "");
    setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1", 1);
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create without a token");
    st = ops->refresh(inst);
    ok(proctor_status_retryable(st) && strstr(c->error, "HTTP 401: the dataset needs a token: set HF_TOKEN"),
       "401 -> retryable %d, backed off like any failure: %s", st, c->error);
    ops->destroy(inst);
    m.need_auth = 0;
    set_cfg(c, "token", TOKEN);
    unsetenv("HF_HUB_DISABLE_IMPLICIT_TOKEN");
    mock_hub_stop(&m);
    drop_ctx(c);

    /* max_retries 0: one request; a 404 leaves no empty temporary */
    mock_file busy[2] = {{.path = "data/busy.parquet", .data = a, .len = la, .unavailable = 5},
                         {.path = "data/gone.parquet", .data = a, .len = la, .gone = 1}};
    for (int i = 0; i < 2; i++) mock_file_hash(&busy[i]);
    mock_hub m2 = {.repo = "natix-test/busy", .token = TOKEN, .files = busy, .nfiles = 2};
    if (mock_hub_start(&m2)) return;
    c = new_ctx(m2.endpoint, m2.repo);
    set_cfg(c, "max_retries", "0");
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create with max_retries 0");
    st = ops->refresh(inst);
    ok(st != PROCTOR_OK && busy[0].resolves == 1, "max_retries 0: the 503 is not retried (%d request(s), %s)",
       busy[0].resolves, c->error);
    DIR *d = opendir(c->sources);
    int temps = 0;
    for (struct dirent *e; d && (e = readdir(d));) temps += strstr(e->d_name, ".incomplete") != NULL;
    if (d) closedir(d);
    is_int(temps, 0, "no .incomplete left by the 404 or the 503");
    ops->destroy(inst);
    mock_hub_stop(&m2);
    drop_ctx(c);

    /* a file that downloads but cannot be read: deleted, and not fetched again until the
     * listing changes (its pages are spoiled, its footer is fine) */
    unsigned char *broken = malloc(la);
    memcpy(broken, a, la);
    for (size_t i = 4; i < 40; i++) broken[i] ^= 0x5a;
    mock_file bf[1] = {{.path = "data/broken.parquet", .data = broken, .len = la}};
    mock_file_hash(&bf[0]);
    mock_hub m3 = {.repo = "natix-test/broken", .token = TOKEN, .files = bf, .nfiles = 1};
    if (mock_hub_start(&m3)) return;
    c = new_ctx(m3.endpoint, m3.repo);
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create (broken file)");
    st = ops->refresh(inst);
    is_int(count_suffix(c->sources, ".parquet"), 0, "the unreadable file was deleted (%s)", c->error);
    is_int(bf[0].cdn_gets, 1, "downloaded once");
    st = ops->refresh(inst);
    st = ops->refresh(inst);
    is_int(bf[0].cdn_gets, 1, "two more refreshes: not downloaded again");
    ok(proctor_status_retryable(st) && strstr(c->error, "unreadable"), "refresh says why: %d %s", st, c->error);
    ops->destroy(inst);
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "a new instance");
    ops->refresh(inst);
    is_int(bf[0].cdn_gets, 1, "the memory survives a restart");
    m3.commit = "fedcba9876543210fedcba9876543210fedcba98";
    ops->refresh(inst);
    is_int(bf[0].cdn_gets, 2, "a new listing commit: fetched again");
    ops->destroy(inst);
    mock_hub_stop(&m3);
    drop_ctx(c);
    free(broken);
    free(a);
    free(b);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const char *build = getenv("PROCTOR_BUILD");
    char so[600];
    snprintf(so, sizeof so, "%s/plugins/natix.so", build ? build : "build");
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!h) skip_all("natix.so not built (PROCTOR_BUILD)");
    proctor_entry_fn entry = (proctor_entry_fn)dlsym(h, PROCTOR_ENTRY_SYMBOL);
    ok(entry != NULL, "%s exports %s", so, PROCTOR_ENTRY_SYMBOL);
    const proctor_plugin *pl = entry();
    ok(pl->abi_major == PROCTOR_ABI_MAJOR && pl->kind == PROCTOR_KIND_SOURCE && !strcmp(pl->name, "natix"),
       "descriptor: source 'natix', ABI %d.%d", pl->abi_major, pl->abi_minor);
    int nkeys = 0, has_defaults = 1;
    for (const proctor_config_key *k = pl->config; k->name; k++, nkeys++)
        if (!k->default_value) has_defaults = 0;
    ok(nkeys >= 10 && has_defaults, "%d config keys, all with defaults", nkeys);
    const proctor_source_ops *ops = pl->ops;

    char *js = (char *)slurp(FIX "expected.json", &(size_t){0});
    if (!js) skip_all("fixtures missing (run from the repository root)");
    cJSON *root = cJSON_Parse(js);
    cJSON *exp = cJSON_GetObjectItem(root, "files");

    /* the hub serves every fixture under data/ */
    int nf = cJSON_GetArraySize(exp);
    mock_file *files = calloc((size_t)nf, sizeof *files);
    char **paths = calloc((size_t)nf, sizeof *paths);
    const cJSON *it;
    int i = 0;
    cJSON_ArrayForEach(it, exp) {
        char p[400];
        snprintf(p, sizeof p, FIX "%s", it->string);
        files[i].data = slurp(p, &files[i].len);
        paths[i] = malloc(strlen(it->string) + 8);
        sprintf(paths[i], "data/%s", it->string);
        files[i].path = paths[i];
        mock_file_hash(&files[i]);
        i++;
    }
    mock_hub m = {.repo = "natix-test/roadwork", .token = TOKEN, .files = files, .nfiles = (size_t)nf};
    if (mock_hub_start(&m)) skip_all("no loopback sockets on 127.0.0.1/127.0.0.2");

    proctor_ctx *c = calloc(1, sizeof *c);
    snprintf(c->root, sizeof c->root, "/tmp/natix-plugin-XXXXXX");
    if (!mkdtemp(c->root)) skip_all("no temporary directory");
    snprintf(c->real, sizeof c->real, "%s/Roadwork/image", c->root);
    snprintf(c->sources, sizeof c->sources, "%s/sources", c->real);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", c->sources);
    if (system(cmd) != 0) skip_all("mkdir failed");
    c->rng = 0x9e3779b97f4a7c15ull;
    set_cfg(c, "repo", m.repo);
    set_cfg(c, "revision", "main");
    set_cfg(c, "endpoint", m.endpoint);
    set_cfg(c, "token", TOKEN);
    set_cfg(c, "parquet_interval", "7200");
    set_cfg(c, "parquet_files", "5");
    set_cfg(c, "extract_interval", "3600");
    set_cfg(c, "images_per_file", "100");
    set_cfg(c, "sources_budget", "107374182400");
    set_cfg(c, "listing_ttl", "1800");
    set_cfg(c, "max_retries", "3");
    set_cfg(c, "retry_after_max", "5");

    /* a half-written archive from an earlier crash: deleted at start */
    char junk[400];
    snprintf(junk, sizeof junk, "%s/stale.parquet", c->sources);
    FILE *fp = fopen(junk, "wb");
    fputs("PAR1 this download was cut", fp);
    fclose(fp);

    void *inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create (%s)", c->error);
    proctor_status st = ops->refresh(inst);
    is_int(st, PROCTOR_OK, "first refresh on an empty cache (%s)", c->error);
    ok(access(junk, F_OK) != 0, "the unreadable stale.parquet was deleted at start");
    is_int(count_suffix(c->sources, ".parquet"), 1, "first start fetched exactly one file");
    is_int(m.listing_requests, 2, "one listing (two pages)");
    ok(c->puts > 0, "%d items stored on the first refresh", c->puts);
    is_int(c->put_invalid, 0, "the cache refused nothing the plugin offered");
    ok(c->progress > 0, "download progress reported");

    /* which file was it? check its rows */
    DIR *d = opendir(c->sources);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strstr(e->d_name, ".parquet") || e->d_name[0] == '.') continue;
        const cJSON *match = NULL;
        cJSON_ArrayForEach(it, exp) {
            char local[300];
            local_of(it->string, local, sizeof local);
            if (!strcmp(local, e->d_name)) match = it;
        }
        ok(match != NULL, "%s is the local name of a listed file (stem-hash.parquet)", e->d_name);
        if (match) check_items(c, e->d_name, match);
    }
    if (d) closedir(d);

    /* second refresh right away: both timers say "not yet" */
    int puts0 = c->puts, lr0 = m.listing_requests;
    int gets0 = 0;
    for (int k = 0; k < nf; k++) gets0 += files[k].cdn_gets;
    is_int(ops->refresh(inst), PROCTOR_OK, "second refresh");
    int gets1 = 0;
    for (int k = 0; k < nf; k++) gets1 += files[k].cdn_gets;
    ok(c->puts == puts0 && m.listing_requests == lr0 && gets1 == gets0, "nothing fetched or extracted before the intervals");
    ops->destroy(inst);

    /* a new instance with both intervals at 0: fetches 5 distinct files, listing from disk */
    set_cfg(c, "parquet_interval", "0");
    set_cfg(c, "extract_interval", "0");
    set_cfg(c, "parquet_files", "20"); /* more than there are: each file once */
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create again");
    st = ops->refresh(inst);
    is_int(st, PROCTOR_OK, "refresh with intervals elapsed (%s)", c->error);
    is_int(count_suffix(c->sources, ".parquet"), nf, "all %d files now on disk (distinct picks)", nf);
    is_int(m.listing_requests, lr0, "the listing came from the on-disk cache");
    cJSON_ArrayForEach(it, exp) {
        char local[300];
        local_of(it->string, local, sizeof local);
        check_items(c, local, it);
    }
    is_int(m.cdn_auth_seen, 0, "the token never reached the CDN host");
    ok(m.hub_auth_ok > 0 && m.hub_auth_bad == 0, "the Hub host got the token");
    ok(strstr(c->log, TOKEN) == NULL, "the token is not in the log");
    /* extraction again: every row already cached, nothing new stored */
    puts0 = c->puts;
    is_int(ops->refresh(inst), PROCTOR_OK, "third refresh");
    is_int(c->puts, puts0, "rows already in the cache are not stored again");
    ops->destroy(inst);

    /* sources budget: 25 kB keeps the newest files only (oldest deleted first, never the last) */
    set_cfg(c, "sources_budget", "25000");
    set_cfg(c, "extract_interval", "3600");
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_OK, "create with a small sources budget");
    is_int(ops->refresh(inst), PROCTOR_OK, "refresh (%s)", c->error);
    long total = 0;
    int left = 0;
    d = opendir(c->sources);
    for (struct dirent *e; d && (e = readdir(d));) {
        struct stat sb;
        char p[800];
        snprintf(p, sizeof p, "%s/%s", c->sources, e->d_name);
        if (e->d_name[0] != '.' && strstr(e->d_name, ".parquet") && stat(p, &sb) == 0) total += sb.st_size, left++;
    }
    if (d) closedir(d);
    ok(left >= 1 && left < nf && total <= 25000, "%d file(s), %ld bytes left within the 25000-byte budget", left, total);
    ops->destroy(inst);

    listing_cases(ops, FIX "snappy_v1_dict.parquet", FIX "zstd_v2_dict.parquet");

    /* bad config */
    set_cfg(c, "images_per_file", "0");
    inst = NULL;
    is_int(ops->create(&host, c, &inst), PROCTOR_INVALID, "images_per_file 0 refused: %s", c->error);

    mock_hub_stop(&m);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->root);
    if (system(cmd) != 0) diag("could not remove %s", c->root);
    for (int k = 0; k < nf; k++) free(files[k].data), free(paths[k]);
    free(files);
    free(paths);
    free(c);
    cJSON_Delete(root);
    free(js);
    dlclose(h);
    return done_testing();
}
