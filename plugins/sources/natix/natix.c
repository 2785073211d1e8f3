/* natix.c — the `natix` source: the NATIX StreetVision roadwork dataset from the Hugging Face
 * Hub, kept in the cache the way the upstream cache updater keeps it (natix-data.md section 1).
 *
 * YAML keys (defaults = upstream):
 *   repo              natix-network-org/roadwork   dataset repo (org/name)
 *   revision          main                         branch, tag or commit
 *   endpoint          ""                           Hub URL; "" = $HF_ENDPOINT or https://huggingface.co
 *   token             ""                           secret; "" = HF_TOKEN or the huggingface token file
 *   parquet_interval  2h                           how often new Parquet files are fetched
 *   parquet_files     5                            files per fetch (distinct; upstream may repeat)
 *   extract_interval  1h                           how often images are extracted
 *   images_per_file   100                          rows drawn per file per extraction
 *   sources_budget    100GiB                       bytes of Parquet kept in Roadwork/image/sources
 *   listing_ttl       30m                          how long the file listing is reused
 *   max_retries       5                            per request; 0 = try once
 *   retry_after_max   5m                           cap on what a 429 may ask us to wait
 *
 * Schedule: the core calls refresh every `interval`; the two timers live here. On the first
 * refresh with an empty real-image cache, one file is fetched (if none is on disk) and extracted
 * before anything else, so a fresh validator has images within minutes. Parquet files whose
 * footer does not parse are deleted on start (upstream does the same).
 *
 * Local names: <stem>-<8 hex of sha256(repo path)>.parquet, so files with the same basename in
 * two repo folders do not overwrite each other. Only names ending in lower-case ".parquet"
 * count (upstream's filter). A file that downloads but cannot be read is deleted and its sha256
 * remembered (sources/.natix-unreadable.json) until the listing changes: it is not fetched
 * again on every refresh. */
#include "extract.h"
#include "hf.h"
#include "parquet.h"

#include <dirent.h>
#include <cjson/cJSON.h>
#include <sodium.h>
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

#ifndef PROCTOR_VERSION
#define PROCTOR_VERSION "0"
#endif

typedef struct natix {
    const proctor_host *host;
    proctor_ctx *ctx;
    char repo[256], revision[256];
    hf_client *hub;
    hf_repo hrepo;
    double parquet_interval, extract_interval, listing_ttl;
    int64_t parquet_files, images_per_file, sources_budget;
    double last_parquet, last_extract; /* unix seconds; 0 = never */
    int started, first_done;
    char sources[PATH_MAX];
    char listing_path[PATH_MAX + 256];
    char bad_path[PATH_MAX + 64];
    char listing_id[65];   /* the listing the unreadable set belongs to */
    char (*bad)[65];       /* sha256 of files that downloaded but could not be read */
    size_t nbad;
} natix;

static const proctor_config_key natix_keys[] = {
    PROCTOR_KEY("repo", PROCTOR_CFG_STRING, "natix-network-org/roadwork", "Hugging Face dataset repo (org/name)"),
    PROCTOR_KEY("revision", PROCTOR_CFG_STRING, "main", "branch, tag or commit to list and download"),
    PROCTOR_KEY("endpoint", PROCTOR_CFG_STRING, "", "Hub URL; empty: $HF_ENDPOINT or https://huggingface.co"),
    PROCTOR_KEY("token", PROCTOR_CFG_SECRET, "", "Hub token; empty: HF_TOKEN or the huggingface token file"),
    PROCTOR_KEY("parquet_interval", PROCTOR_CFG_DURATION, "2h", "how often new Parquet files are downloaded"),
    PROCTOR_KEY("parquet_files", PROCTOR_CFG_INT, "5", "distinct Parquet files downloaded per refresh"),
    PROCTOR_KEY("extract_interval", PROCTOR_CFG_DURATION, "1h", "how often images are extracted from the files"),
    PROCTOR_KEY("images_per_file", PROCTOR_CFG_INT, "100", "random rows extracted per file per extraction"),
    PROCTOR_KEY("sources_budget", PROCTOR_CFG_SIZE, "100GiB", "bytes of Parquet files kept (oldest deleted first)"),
    PROCTOR_KEY("listing_ttl", PROCTOR_CFG_DURATION, "30m", "how long the Hub file listing is reused"),
    PROCTOR_KEY("max_retries", PROCTOR_CFG_INT, "5", "retries per Hub request (0 = try once)"),
    PROCTOR_KEY("retry_after_max", PROCTOR_CFG_DURATION, "5m", "longest wait a 429 answer may ask for"),
    PROCTOR_KEY_END};

static double now_(void)
{
    struct timespec ts; /* wall clock: compared with file mtimes */
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- hooks handed to hf_ and nx_extract ------------------------------------------------- */

static uint64_t h_random_(void *u) { natix *n = u; return n->host->random_u64(n->ctx); }
static int h_cancelled_(void *u) { natix *n = u; return n->host->cancelled(n->ctx); }
static void h_progress_(void *u, const char *what, uint64_t done, uint64_t total)
{
    natix *n = u;
    n->host->progress(n->ctx, what, done, total);
}
static void h_log_(void *u, proctor_log_level lv, const char *msg)
{
    natix *n = u;
    n->host->log(n->ctx, lv, "%s", msg);
}
static proctor_status s_put_(void *u, const char *stem, const void *b, size_t len, const char *side)
{
    natix *n = u;
    return n->host->cache_put(n->ctx, PROCTOR_CACHE_REAL, stem, b, len, side);
}
static int s_has_(void *u, const char *stem)
{
    natix *n = u;
    return n->host->cache_has(n->ctx, PROCTOR_CACHE_REAL, stem);
}

/* ---- the sources directory ---------------------------------------------------------------- */

typedef struct srcfile {
    char name[NAME_MAX + 1];
    int64_t size;
    double mtime;
} srcfile;

/* upstream keeps names ending in ".parquet", case and all */
static int ends_with_parquet_(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] != '.' && strcmp(name + n - 8, ".parquet") == 0;
}

static void hex_sha256_(const void *b, size_t n, char hex[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, b, n);
    sodium_bin2hex(hex, 65, h, 32);
}

/* sha256 of a file's content (what the Hub's LFS oid is); -1 when it cannot be read. */
static int sha256_path_(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char *buf = malloc(1 << 20), h[32];
    ssize_t r = 0;
    while (buf && (r = read(fd, buf, 1 << 20)) > 0) crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    close(fd);
    int bad = !buf || r < 0;
    free(buf);
    if (bad) return -1;
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(hex, 65, h, 32);
    return 0;
}

/* ---- files that cannot be read: remembered until the listing changes ---------------------- */

static void bad_save_(natix *n)
{
    cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "listing", n->listing_id);
    for (size_t i = 0; i < n->nbad; i++) cJSON_AddItemToArray(a, cJSON_CreateString(n->bad[i]));
    cJSON_AddItemToObject(o, "sha256", a);
    char *text = cJSON_PrintUnformatted(o), tmp[PATH_MAX + 80];
    cJSON_Delete(o);
    snprintf(tmp, sizeof tmp, "%s.tmp", n->bad_path);
    FILE *fp = text ? fopen(tmp, "w") : NULL;
    int okw = fp && fputs(text, fp) >= 0;
    if (fp) okw &= fclose(fp) == 0;
    if (!okw || rename(tmp, n->bad_path) != 0) {
        unlink(tmp);
        n->host->log(n->ctx, PROCTOR_LOG_WARNING, "could not save %s", n->bad_path);
    }
    free(text);
}

static void bad_load_(natix *n)
{
    FILE *fp = fopen(n->bad_path, "r");
    if (!fp) return;
    char *text = malloc(1 << 20);
    size_t got = text ? fread(text, 1, (1 << 20) - 1, fp) : 0;
    fclose(fp);
    if (!text) return;
    text[got] = 0;
    cJSON *o = cJSON_Parse(text);
    free(text);
    const cJSON *id = cJSON_GetObjectItem(o, "listing"), *a = cJSON_GetObjectItem(o, "sha256"), *e;
    if (cJSON_IsString(id) && strlen(id->valuestring) < sizeof n->listing_id) {
        snprintf(n->listing_id, sizeof n->listing_id, "%s", id->valuestring);
        cJSON_ArrayForEach(e, a) {
            if (!cJSON_IsString(e) || strlen(e->valuestring) != 64) continue;
            char (*nb)[65] = realloc(n->bad, (n->nbad + 1) * sizeof *nb);
            if (!nb) break;
            n->bad = nb;
            memcpy(n->bad[n->nbad++], e->valuestring, 65);
        }
    }
    cJSON_Delete(o);
}

static int bad_has_(const natix *n, const char *sha)
{
    for (size_t i = 0; *sha && i < n->nbad; i++)
        if (!strcmp(n->bad[i], sha)) return 1;
    return 0;
}

/* Forget the unreadable set when the listing is not the one it was made for. */
static void bad_sync_(natix *n, const hf_listing *l)
{
    char id[65];
    if (l->commit && strlen(l->commit) < sizeof id) {
        snprintf(id, sizeof id, "%s", l->commit);
    } else {
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        for (size_t i = 0; i < l->count; i++) {
            char size[32];
            snprintf(size, sizeof size, ":%lld:", (long long)l->files[i].size);
            crypto_hash_sha256_update(&st, (const unsigned char *)l->files[i].path, strlen(l->files[i].path) + 1);
            crypto_hash_sha256_update(&st, (const unsigned char *)size, strlen(size));
            crypto_hash_sha256_update(&st, (const unsigned char *)l->files[i].sha256, 64);
        }
        unsigned char h[32];
        crypto_hash_sha256_final(&st, h);
        sodium_bin2hex(id, sizeof id, h, 32);
    }
    if (!strcmp(id, n->listing_id)) return;
    if (n->nbad)
        n->host->log(n->ctx, PROCTOR_LOG_INFO, "the listing changed: %zu unreadable file(s) may be fetched again", n->nbad);
    snprintf(n->listing_id, sizeof n->listing_id, "%s", id);
    free(n->bad);
    n->bad = NULL;
    n->nbad = 0;
    bad_save_(n);
}

/* Delete a source that cannot be read, remembering its content so it is not fetched again. */
static void drop_unreadable_(natix *n, const char *path, const char *name, const char *why)
{
    char sha[65];
    if (sha256_path_(path, sha) == 0 && !bad_has_(n, sha)) {
        char (*nb)[65] = realloc(n->bad, (n->nbad + 1) * sizeof *nb);
        if (nb) {
            n->bad = nb;
            memcpy(n->bad[n->nbad++], sha, 65);
            bad_save_(n);
        }
    }
    n->host->log(n->ctx, PROCTOR_LOG_WARNING, "deleting unreadable %s (not fetched again until the listing changes): %s",
                 name, why);
    unlink(path);
}

static int by_mtime_(const void *a, const void *b)
{
    const srcfile *x = a, *y = b;
    return x->mtime < y->mtime ? -1 : x->mtime > y->mtime ? 1 : strcmp(x->name, y->name);
}

/* The *.parquet files of the sources directory, oldest first. */
static size_t list_sources_(natix *n, srcfile **out)
{
    *out = NULL;
    DIR *d = opendir(n->sources);
    if (!d) return 0;
    size_t cnt = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!ends_with_parquet_(e->d_name) || strlen(e->d_name) > NAME_MAX) continue;
        char p[PATH_MAX + NAME_MAX + 2];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", n->sources, e->d_name);
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            srcfile *m = realloc(*out, cap * sizeof *m);
            if (!m) break;
            *out = m;
        }
        srcfile *s = &(*out)[cnt++];
        snprintf(s->name, sizeof s->name, "%s", e->d_name);
        s->size = st.st_size;
        s->mtime = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
    }
    closedir(d);
    if (cnt) qsort(*out, cnt, sizeof **out, by_mtime_);
    return cnt;
}

/* Upstream deletes sources whose footer cannot be read (interrupted downloads). Our own partial
 * downloads (.NAME.incomplete) are kept for resuming, but not forever. */
static void clear_incomplete_(natix *n)
{
    DIR *d = opendir(n->sources);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '.' || len < 12 || strcmp(e->d_name + len - 11, ".incomplete")) continue;
        char p[PATH_MAX + NAME_MAX + 2];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", n->sources, e->d_name);
        if (stat(p, &st) == 0 && now_() - (double)st.st_mtime > 86400) unlink(p);
    }
    if (d) closedir(d);
    srcfile *fs;
    size_t cnt = list_sources_(n, &fs);
    for (size_t i = 0; i < cnt; i++) {
        char p[PATH_MAX + NAME_MAX + 2], err[256];
        snprintf(p, sizeof p, "%s/%s", n->sources, fs[i].name);
        pq_file *f;
        if (pq_open(&f, p, NULL, err, sizeof err) == 0) {
            pq_close(f);
            continue;
        }
        drop_unreadable_(n, p, fs[i].name, err);
    }
    free(fs);
}

static void enforce_budget_(natix *n)
{
    srcfile *fs;
    size_t cnt = list_sources_(n, &fs);
    int64_t total = 0;
    for (size_t i = 0; i < cnt; i++) total += fs[i].size;
    for (size_t i = 0; i + 1 < cnt && n->sources_budget > 0 && total > n->sources_budget; i++) {
        char p[PATH_MAX + NAME_MAX + 2];
        snprintf(p, sizeof p, "%s/%s", n->sources, fs[i].name);
        if (unlink(p) == 0) {
            total -= fs[i].size;
            n->host->log(n->ctx, PROCTOR_LOG_INFO, "sources over budget: deleted %s", fs[i].name);
        }
    }
    free(fs);
    n->host->cache_trim(n->ctx, PROCTOR_CACHE_REAL_SOURCES);
}

/* ---- downloads ---------------------------------------------------------------------------- */

static proctor_status get_listing_(natix *n, hf_listing *l)
{
    if (hf_listing_load(l, &n->hrepo, n->listing_ttl, n->listing_path) == 0) return PROCTOR_OK;
    char err[512];
    proctor_status st = hf_list(n->hub, &n->hrepo, l, err, sizeof err);
    if (st != PROCTOR_OK) {
        n->host->set_error(n->ctx, "listing %s@%s: %s", n->repo, n->revision, err);
        return st;
    }
    if (hf_listing_save(l, &n->hrepo, n->listing_path) != 0)
        n->host->log(n->ctx, PROCTOR_LOG_DEBUG, "could not cache the listing in %s", n->listing_path);
    return PROCTOR_OK;
}

static const char *base_(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* <stem>-<8 hex of sha256(repo path)>.parquet: unique per repo path, still readable. */
static int local_name_(const char *repo_path, char *out, size_t outlen)
{
    const char *b = base_(repo_path);
    char hex[65];
    hex_sha256_(repo_path, strlen(repo_path), hex);
    int w = snprintf(out, outlen, "%.*s-%.8s.parquet", (int)(strlen(b) - 8), b, hex);
    return w > 0 && (size_t)w < outlen && (size_t)w <= NAME_MAX ? 0 : -1;
}

/* Download up to `want` distinct random Parquet files of the listing. */
static proctor_status fetch_(natix *n, size_t want)
{
    hf_listing l;
    proctor_status st = get_listing_(n, &l);
    if (st != PROCTOR_OK) return st;
    size_t *cand = malloc(sizeof *cand * (l.count + 1)), nc = 0;
    if (!cand) {
        hf_listing_free(&l);
        return PROCTOR_NOMEM;
    }
    bad_sync_(n, &l);
    size_t unreadable = 0;
    for (size_t i = 0; i < l.count; i++) {
        char name[NAME_MAX + 1];
        if (!ends_with_parquet_(base_(l.files[i].path)) || local_name_(l.files[i].path, name, sizeof name)) continue;
        if (bad_has_(n, l.files[i].sha256)) {
            unreadable++;
            continue;
        }
        cand[nc++] = i;
    }
    if (nc == 0) {
        free(cand);
        hf_listing_free(&l);
        if (unreadable)
            n->host->set_error(n->ctx, "%s@%s: all %zu .parquet file(s) are unreadable here; waiting for the listing to change",
                               n->repo, n->revision, unreadable);
        else
            n->host->set_error(n->ctx, "%s@%s holds no .parquet files", n->repo, n->revision);
        return PROCTOR_NOT_READY;
    }
    if (unreadable)
        n->host->log(n->ctx, PROCTOR_LOG_DEBUG, "%zu listed file(s) skipped: unreadable here (same sha256)", unreadable);
    /* partial Fisher-Yates: distinct picks (upstream draws with replacement) */
    size_t got = 0, tried = 0;
    proctor_status first_err = PROCTOR_OK;
    for (size_t i = 0; i < nc && got < want; i++) {
        size_t j = i + (size_t)(n->host->random_u64(n->ctx) % (nc - i));
        size_t t = cand[i];
        cand[i] = cand[j];
        cand[j] = t;
        const hf_file *f = &l.files[cand[i]];
        char dest[PATH_MAX + NAME_MAX + 2], err[512], name[NAME_MAX + 1];
        local_name_(f->path, name, sizeof name);
        snprintf(dest, sizeof dest, "%s/%s", n->sources, name);
        struct stat sb;
        tried++;
        if (stat(dest, &sb) == 0 && sb.st_size == f->size) {
            utimensat(AT_FDCWD, dest, NULL, 0); /* counts as fresh for the oldest-first budget */
            got++;
            continue;
        }
        n->host->log(n->ctx, PROCTOR_LOG_INFO, "downloading %s (%lld bytes)", f->path, (long long)f->size);
        st = hf_download(n->hub, &n->hrepo, &l, f, dest, err, sizeof err);
        if (st == PROCTOR_OK) {
            got++;
            n->host->log(n->ctx, PROCTOR_LOG_SUCCESS, "downloaded %s as %s", f->path, name);
            continue;
        }
        n->host->log(n->ctx, PROCTOR_LOG_WARNING, "download failed: %s", err);
        if (first_err == PROCTOR_OK) {
            first_err = st;
            n->host->set_error(n->ctx, "%s", err);
        }
        if (st == PROCTOR_CANCELLED || st == PROCTOR_IO) break;
        if (st == PROCTOR_FAILED) unlink(n->listing_path); /* file gone or changed: list again next time */
    }
    free(cand);
    hf_listing_free(&l);
    enforce_budget_(n);
    return got ? PROCTOR_OK : first_err != PROCTOR_OK ? first_err : PROCTOR_NOT_READY;
}

/* ---- extraction --------------------------------------------------------------------------- */

static proctor_status extract_all_(natix *n)
{
    srcfile *fs;
    size_t cnt = list_sources_(n, &fs);
    nx_sink sink = {s_put_, s_has_, n->host->image_sniff, h_random_, h_cancelled_, n, NULL, h_log_};
    nx_extract_stats tot = {0};
    proctor_status rc = PROCTOR_OK;
    for (size_t i = 0; i < cnt; i++) {
        char p[PATH_MAX + NAME_MAX + 2], err[512];
        snprintf(p, sizeof p, "%s/%s", n->sources, fs[i].name);
        nx_extract_stats st = {0};
        n->host->progress(n->ctx, "extracting", i, cnt);
        proctor_status s = nx_extract(p, (size_t)n->images_per_file, &sink, &st, err, sizeof err);
        tot.picked += st.picked, tot.written += st.written, tot.already += st.already;
        tot.inconsistent += st.inconsistent, tot.bad_label += st.bad_label;
        tot.null_image += st.null_image, tot.not_image += st.not_image, tot.put_failed += st.put_failed;
        if (s == PROCTOR_INVALID) {
            /* a file we cannot read will not get better: make room for one we can */
            drop_unreadable_(n, p, fs[i].name, err);
        } else if (s != PROCTOR_OK) {
            n->host->set_error(n->ctx, "%s", err);
            rc = s;
            break;
        }
    }
    free(fs);
    n->host->progress(n->ctx, "extracting", cnt, cnt);
    n->host->log(n->ctx, PROCTOR_LOG_INFO,
                 "extracted %u images from %zu file(s); skipped: %u already cached, %u label/description "
                 "disagree, %u bad label or description, %u null image, %u not a whole JPEG/PNG, "
                 "%u refused by the cache (reasons at DEBUG)",
                 tot.written, cnt, tot.already, tot.inconsistent, tot.bad_label, tot.null_image,
                 tot.not_image, tot.put_failed);
    return rc;
}

/* ---- ops ------------------------------------------------------------------------------------ */

static void natix_destroy(void *inst)
{
    natix *n = inst;
    if (!n) return;
    hf_free(n->hub);
    free(n->bad);
    free(n);
}

static proctor_status natix_create(const proctor_host *host, proctor_ctx *ctx, void **instance)
{
    *instance = NULL;
    natix *n = calloc(1, sizeof *n);
    if (!n) return PROCTOR_NOMEM;
    n->host = host;
    n->ctx = ctx;
    snprintf(n->repo, sizeof n->repo, "%s", host->config_string(ctx, "repo"));
    snprintf(n->revision, sizeof n->revision, "%s", host->config_string(ctx, "revision"));
    n->parquet_interval = host->config_double(ctx, "parquet_interval");
    n->extract_interval = host->config_double(ctx, "extract_interval");
    n->listing_ttl = host->config_double(ctx, "listing_ttl");
    n->parquet_files = host->config_int(ctx, "parquet_files");
    n->images_per_file = host->config_int(ctx, "images_per_file");
    n->sources_budget = host->config_int(ctx, "sources_budget");
    if (n->parquet_files < 1 || n->images_per_file < 1 || n->sources_budget < 0 || !*n->repo) {
        host->set_error(ctx, "parquet_files and images_per_file must be >= 1, sources_budget >= 0, repo set");
        natix_destroy(n);
        return PROCTOR_INVALID;
    }
    const char *dir = host->cache_dir(ctx, PROCTOR_CACHE_REAL_SOURCES);
    if (!dir) {
        host->set_error(ctx, "no sources cache directory");
        natix_destroy(n);
        return PROCTOR_IO;
    }
    snprintf(n->sources, sizeof n->sources, "%s", dir);
    char safe[160];
    snprintf(safe, sizeof safe, "%.100s@%.50s", n->repo, n->revision);
    for (char *p = safe; *p; p++)
        if (*p == '/' || *p == ' ') *p = '_';
    snprintf(n->listing_path, sizeof n->listing_path, "%.*s/.natix-listing-%s.json", PATH_MAX - 1, n->sources, safe);
    snprintf(n->bad_path, sizeof n->bad_path, "%.*s/.natix-unreadable.json", PATH_MAX - 1, n->sources);
    bad_load_(n);
    n->hrepo = (hf_repo){HF_DATASET, n->repo, n->revision};
    hf_opts o = hf_opts_default();
    o.endpoint = host->config_string(ctx, "endpoint");
    const char *tok = host->config_string(ctx, "token");
    o.token = tok && *tok ? tok : NULL;
    o.max_retries = (int)host->config_int(ctx, "max_retries");
    if (o.max_retries < 0) o.max_retries = 0; /* 0 = no retry, as configured */
    o.user_agent = "proctor-natix/" PROCTOR_VERSION;
    o.retry_after_max_s = host->config_double(ctx, "retry_after_max");
    o.random = h_random_;
    o.cancelled = h_cancelled_;
    o.progress = h_progress_;
    o.log = h_log_;
    o.user = n;
    char err[256];
    n->hub = hf_new(&o, err, sizeof err);
    if (!n->hub) {
        host->set_error(ctx, "%s", err);
        natix_destroy(n);
        return PROCTOR_INVALID;
    }
    host->log(ctx, PROCTOR_LOG_INFO, "dataset %s@%s from %s (%s token)", n->repo, n->revision,
              hf_endpoint(n->hub), hf_has_token(n->hub) ? "with a" : "no");
    *instance = n;
    return PROCTOR_OK;
}

static int real_cache_empty_(natix *n)
{
    proctor_item *it = NULL;
    proctor_status s = n->host->cache_sample(n->ctx, PROCTOR_CACHE_REAL, -1, &it);
    if (it) n->host->item_free(it);
    return s == PROCTOR_NOT_READY;
}

static proctor_status natix_refresh(void *inst)
{
    natix *n = inst;
    if (!n->started) {
        clear_incomplete_(n);
        srcfile *fs;
        size_t cnt = list_sources_(n, &fs);
        /* the parquet timer continues from the newest file on disk, as upstream */
        n->last_parquet = cnt ? fs[cnt - 1].mtime : 0;
        free(fs);
        n->started = 1;
    }
    if (!n->first_done) {
        if (real_cache_empty_(n)) {
            srcfile *fs;
            size_t cnt = list_sources_(n, &fs);
            free(fs);
            if (cnt == 0) {
                n->host->log(n->ctx, PROCTOR_LOG_INFO, "empty cache: fetching one file first");
                proctor_status st = fetch_(n, 1);
                if (st != PROCTOR_OK) return st;
                n->last_parquet = now_();
            }
            proctor_status st = extract_all_(n);
            if (st != PROCTOR_OK) return st;
            n->last_extract = now_();
        }
        n->first_done = 1;
    }
    proctor_status rc = PROCTOR_OK;
    if (now_() - n->last_parquet >= n->parquet_interval) {
        proctor_status st = fetch_(n, (size_t)n->parquet_files);
        if (st == PROCTOR_OK) n->last_parquet = now_();
        else rc = st;
    }
    if (rc != PROCTOR_CANCELLED && now_() - n->last_extract >= n->extract_interval) {
        proctor_status st = extract_all_(n);
        if (st == PROCTOR_OK) n->last_extract = now_();
        else if (rc == PROCTOR_OK) rc = st;
    }
    return rc;
}

static const proctor_source_ops natix_ops = {sizeof(proctor_source_ops), natix_create, natix_refresh,
                                             natix_destroy};

static const proctor_plugin natix_plugin = {
    PROCTOR_DESCRIPTOR_HEADER,
    PROCTOR_KIND_SOURCE,
    "natix",
    PROCTOR_VERSION,
    "NATIX roadwork dataset from the Hugging Face Hub (Parquet -> cached images)",
    natix_keys,
    &natix_ops,
};

PROCTOR_PLUGIN(natix_plugin)
