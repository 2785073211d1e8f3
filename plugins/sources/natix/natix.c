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
 *   max_retries       5                            per request
 *   retry_after_max   5m                           cap on what a 429 may ask us to wait
 *
 * Schedule: the core calls refresh every `interval`; the two timers live here. On the first
 * refresh with an empty real-image cache, one file is fetched (if none is on disk) and extracted
 * before anything else, so a fresh validator has images within minutes. Parquet files whose
 * footer does not parse are deleted on start (upstream does the same). */
#include "extract.h"
#include "hf.h"
#include "parquet.h"

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
} natix;

static const proctor_config_key natix_keys[] = {
    {"repo", PROCTOR_CFG_STRING, "natix-network-org/roadwork", "Hugging Face dataset repo (org/name)"},
    {"revision", PROCTOR_CFG_STRING, "main", "branch, tag or commit to list and download"},
    {"endpoint", PROCTOR_CFG_STRING, "", "Hub URL; empty: $HF_ENDPOINT or https://huggingface.co"},
    {"token", PROCTOR_CFG_SECRET, "", "Hub token; empty: HF_TOKEN or the huggingface token file"},
    {"parquet_interval", PROCTOR_CFG_DURATION, "2h", "how often new Parquet files are downloaded"},
    {"parquet_files", PROCTOR_CFG_INT, "5", "distinct Parquet files downloaded per refresh"},
    {"extract_interval", PROCTOR_CFG_DURATION, "1h", "how often images are extracted from the files"},
    {"images_per_file", PROCTOR_CFG_INT, "100", "random rows extracted per file per extraction"},
    {"sources_budget", PROCTOR_CFG_SIZE, "100GiB", "bytes of Parquet files kept (oldest deleted first)"},
    {"listing_ttl", PROCTOR_CFG_DURATION, "30m", "how long the Hub file listing is reused"},
    {"max_retries", PROCTOR_CFG_INT, "5", "retries per Hub request"},
    {"retry_after_max", PROCTOR_CFG_DURATION, "5m", "longest wait a 429 answer may ask for"},
    {NULL, 0, NULL, NULL}};

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

static int ends_with_parquet_(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] != '.' && strcasecmp(name + n - 8, ".parquet") == 0;
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
        n->host->log(n->ctx, PROCTOR_LOG_WARNING, "deleting unreadable %s: %s", fs[i].name, err);
        unlink(p);
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
    for (size_t i = 0; i < l.count; i++)
        if (ends_with_parquet_(base_(l.files[i].path)) && strlen(base_(l.files[i].path)) <= NAME_MAX) cand[nc++] = i;
    if (nc == 0) {
        free(cand);
        hf_listing_free(&l);
        n->host->set_error(n->ctx, "%s@%s holds no .parquet files", n->repo, n->revision);
        return PROCTOR_NOT_READY;
    }
    /* partial Fisher-Yates: distinct picks (upstream draws with replacement) */
    size_t got = 0, tried = 0;
    proctor_status first_err = PROCTOR_OK;
    for (size_t i = 0; i < nc && got < want; i++) {
        size_t j = i + (size_t)(n->host->random_u64(n->ctx) % (nc - i));
        size_t t = cand[i];
        cand[i] = cand[j];
        cand[j] = t;
        const hf_file *f = &l.files[cand[i]];
        /* two repo folders may hold the same basename; the cache is flat, so keep one */
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++) dup = !strcmp(base_(l.files[cand[k]].path), base_(f->path));
        if (dup) continue;
        char dest[PATH_MAX + NAME_MAX + 2], err[512];
        snprintf(dest, sizeof dest, "%s/%s", n->sources, base_(f->path));
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
            n->host->log(n->ctx, PROCTOR_LOG_SUCCESS, "downloaded %s", base_(f->path));
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
            n->host->log(n->ctx, PROCTOR_LOG_WARNING, "deleting %s: %s", fs[i].name, err);
            unlink(p);
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
                 "disagree, %u bad label, %u null image, %u not JPEG/PNG, %u refused by the cache",
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
