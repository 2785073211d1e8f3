/* hub.h — hub_, a small Hugging Face Hub client for dataset repos (libcurl + cJSON).
 *
 * - list: GET {endpoint}/api/datasets/{repo}/tree/{revision}?recursive=true, following the
 *   `Link: <...>; rel="next"` pages (same origin only, no repeats, capped). A page that fails
 *   fails the whole listing: a partial list is never returned.
 * - download: GET {endpoint}/datasets/{repo}/resolve/{commit or revision}/{path}, redirects
 *   followed by hand so `Authorization` only ever goes to the Hub's own host; into
 *   `<dest>.incomplete`, resumed with Range (a 200 to a ranged request restarts from zero);
 *   size and sha256 (libsodium, streamed) checked against the listing; then renamed to dest.
 * - retries with exponential backoff and jitter on network errors, 408 and 5xx; on 429 waits
 *   what `RateLimit` (r=0;t=N) or `Retry-After` says, capped.
 * - the token (HF_TOKEN, HUGGING_FACE_HUB_TOKEN, $HF_TOKEN_PATH or the huggingface token file)
 *   is never logged. HF_ENDPOINT is honoured; HF_HUB_OFFLINE=1 means no network.
 *
 * Status codes are the SDK's proctor_status: NETWORK / RATE_LIMITED are retryable later,
 * FAILED names what is wrong (404, hash mismatch), CANCELLED when the cancel hook said so. */
#ifndef NATIX_HUB_H
#define NATIX_HUB_H

#include "proctor.h"

#include <stddef.h>
#include <stdint.h>

typedef struct hub_file {
    char *path;        /* repo-relative, '/'-separated, validated (no "..", not absolute) */
    int64_t size;
    char sha256[65];   /* LFS oid (sha256 of the content); "" when the file is not in LFS */
} hub_file;

typedef struct hub_listing {
    char *commit;      /* commit the revision resolved to (X-Repo-Commit), or NULL */
    hub_file *files;
    size_t count;
} hub_listing;

typedef struct hub_opts {
    const char *endpoint;      /* NULL or "": $HF_ENDPOINT, else https://huggingface.co */
    const char *token;         /* NULL: discover; "": send none */
    int max_retries;           /* 0 = 5 */
    double backoff_base_s;     /* 0 = 1 s, doubling ... */
    double backoff_max_s;      /* 0 = ... up to 8 s */
    double retry_after_max_s;  /* 0 = 300 s: cap on what a 429 may ask */
    double connect_timeout_s;  /* 0 = 10 s */
    double stall_timeout_s;    /* 0 = 30 s without a byte aborts a transfer */
    /* hooks, all optional; `user` is passed back */
    uint64_t (*random)(void *user);
    int (*cancelled)(void *user);
    void (*progress)(void *user, const char *what, uint64_t done, uint64_t total);
    void (*log)(void *user, proctor_log_level level, const char *msg);
    void *user;
} hub_opts;

typedef struct hub_stats {
    unsigned requests, retries, redirects, rate_limited, resumed, restarted, auth_sent;
} hub_stats;

typedef struct hub_client hub_client;

hub_client *hub_new(const hub_opts *opts, char *err, size_t errlen);
void hub_free(hub_client *c);
const char *hub_endpoint(const hub_client *c);
int hub_has_token(const hub_client *c);
const hub_stats *hub_get_stats(const hub_client *c);

proctor_status hub_list(hub_client *c, const char *repo, const char *revision, hub_listing *out,
                        char *err, size_t errlen);
void hub_listing_free(hub_listing *l);

/* Download one listed file to `dest` (same directory gets dest.incomplete). `revision` is used
 * when the listing has no commit. */
proctor_status hub_download(hub_client *c, const char *repo, const char *revision,
                            const hub_listing *l, const hub_file *f, const char *dest, char *err,
                            size_t errlen);

/* The token the Hub's own tools would use; malloc'd, NULL when none. */
char *hub_token_discover(void);

/* Listing cache on disk (JSON, atomic write). load returns 0 when `path` holds a listing of
 * this repo and revision younger than max_age_s, -1 otherwise. */
int hub_listing_save(const hub_listing *l, const char *repo, const char *revision, const char *path);
int hub_listing_load(hub_listing *out, const char *repo, const char *revision, double max_age_s,
                     const char *path);

#endif
