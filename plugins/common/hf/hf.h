/* hf.h — hf_, a Hugging Face Hub client (libcurl + cJSON + libsodium), static library libhf.a.
 *
 * API summary:
 *   hf_opts o = hf_opts_default();  o.log = ...;       defaults: 5 retries, backoff 1..8 s, jitter
 *   hf_client *c = hf_new(&o, err, sizeof err);        token: o.token, else HF_TOKEN / token file
 *   hf_repo r = {HF_MODEL, "org/name", "main"};        or HF_DATASET; revision NULL = "main"
 *   hf_list(c, &r, &l, err, n)      recursive tree at r.revision; l.commit = resolved sha or NULL;
 *                                   unsafe paths skipped (l.skipped) and logged
 *   hf_listing_find(&l, "unet/diffusion_pytorch_model.safetensors") -> const hf_file * or NULL
 *   hf_download(c, &r, &l, f, "/dir/file", err, n)     Range resume from /dir/.file.incomplete,
 *                                   sha256 (LFS oid) or size checked, atomic rename, progress hook
 *   hf_listing_free(&l); hf_free(c);   statuses: proctor_status (NETWORK/RATE_LIMITED/NOT_READY
 *                                   are retryable; 401 -> NOT_READY "HTTP 401: the dataset needs a token: set HF_TOKEN")
 *
 * - list: GET {endpoint}/api/{models|datasets}/{repo}/tree/{revision}?recursive=true, following
 *   `Link: <...>; rel="next"` pages (same origin only, no repeats, capped). A page that fails
 *   fails the whole listing: a partial list is never returned.
 * - download: GET {endpoint}[/datasets]/{repo}/resolve/{commit or revision}/{path}, redirects
 *   followed by hand so `Authorization` only ever goes to the Hub's own host (dropped on a
 *   cross-host redirect); a 200 to a ranged request restarts from zero; a 404 leaves nothing.
 * - retries with exponential backoff and jitter on network errors, 408 and 5xx; on 429 waits
 *   what `RateLimit` (r=0;t=N) or `Retry-After` says, capped.
 * - the token is never logged. HF_ENDPOINT is honoured; HF_HUB_OFFLINE=1 means no network. */
#ifndef PROCTOR_HF_H
#define PROCTOR_HF_H

#include "proctor.h"

#include <stddef.h>
#include <stdint.h>

typedef enum hf_repo_type { HF_MODEL = 0, HF_DATASET = 1 } hf_repo_type;

typedef struct hf_repo {
    hf_repo_type type;
    const char *id;        /* "org/name" (models may also be a bare "name") */
    const char *revision;  /* branch, tag or commit; NULL or "" = "main" */
} hf_repo;

typedef struct hf_file {
    char *path;        /* repo-relative, '/'-separated, validated (no "..", not absolute) */
    int64_t size;
    char sha256[65];   /* LFS oid (sha256 of the content); "" when the file is not in LFS */
} hf_file;

typedef struct hf_listing {
    char *commit;      /* commit the revision resolved to (X-Repo-Commit), or NULL */
    hf_file *files;
    size_t count;
    size_t skipped;    /* entries refused for an unsafe path */
} hf_listing;

typedef struct hf_opts {
    const char *endpoint;      /* NULL or "": $HF_ENDPOINT, else https://huggingface.co */
    const char *token;         /* NULL: discover; "": send none */
    const char *user_agent;    /* NULL: "proctor-hf/<version>" */
    int max_retries;           /* retries after the first attempt; 0 = none (default 5) */
    double backoff_base_s;     /* <= 0: 1 s, doubling ... */
    double backoff_max_s;      /* <= 0: ... up to 8 s */
    double retry_after_max_s;  /* <= 0: 300 s: cap on what a 429 may ask */
    double connect_timeout_s;  /* <= 0: 10 s */
    double stall_timeout_s;    /* <= 0: 30 s without a byte aborts a transfer */
    /* hooks, all optional; `user` is passed back */
    uint64_t (*random)(void *user);
    int (*cancelled)(void *user);
    void (*progress)(void *user, const char *what, uint64_t done, uint64_t total);
    void (*log)(void *user, proctor_log_level level, const char *msg);
    void *user;
} hf_opts;

typedef struct hf_stats {
    unsigned requests, retries, redirects, rate_limited, resumed, restarted, auth_sent;
} hf_stats;

typedef struct hf_client hf_client;

hf_opts hf_opts_default(void);
hf_client *hf_new(const hf_opts *opts, char *err, size_t errlen);
void hf_free(hf_client *c);
const char *hf_endpoint(const hf_client *c);
int hf_has_token(const hf_client *c);
const hf_stats *hf_get_stats(const hf_client *c);

proctor_status hf_list(hf_client *c, const hf_repo *repo, hf_listing *out, char *err, size_t errlen);
void hf_listing_free(hf_listing *l);
const hf_file *hf_listing_find(const hf_listing *l, const char *path);

/* Download one listed file to `dest` (its directory gets .<name>.incomplete, kept for resuming
 * after a retryable failure). The listing's commit, when known, pins the download; `l` may be
 * NULL (then repo->revision). f->size < 0 means unknown: no size check, sha256 if given. */
proctor_status hf_download(hf_client *c, const hf_repo *repo, const hf_listing *l, const hf_file *f,
                           const char *dest, char *err, size_t errlen);

/* The token the Hub's own tools would use; malloc'd, NULL when none. */
char *hf_token_discover(void);

/* A repo path that is safe to join under a directory: no "..", ".", empty segment, leading '/',
 * backslash or control character. */
int hf_path_safe(const char *path);

/* Listing cache on disk (JSON, atomic write). load returns 0 when `path` holds a listing of
 * this repo (type, id, revision) younger than max_age_s, -1 otherwise. */
int hf_listing_save(const hf_listing *l, const hf_repo *repo, const char *path);
int hf_listing_load(hf_listing *out, const hf_repo *repo, double max_age_s, const char *path);

#endif
