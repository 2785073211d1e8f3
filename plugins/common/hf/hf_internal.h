/* hf_internal.h — what the hf_ files share: the client, one HTTP exchange, small helpers.
 * Not installed; everything here is hidden by -fvisibility=hidden in libhf.a. */
#ifndef PROCTOR_HF_INTERNAL_H
#define PROCTOR_HF_INTERNAL_H

#include "hf.h"

#include <curl/curl.h>

#define HF_MAX_HOPS 10
#define HF_MAX_PAGES 1000
#define HF_MAX_LISTING_PAGE (64u << 20)

struct hf_client {
    hf_opts o;
    char *endpoint;   /* no trailing slash */
    char *origin;     /* scheme://host:port of the endpoint, lowercase */
    char *token;      /* NULL: none */
    char *user_agent;
    int allow_http;
    hf_stats stats;
};

typedef struct hf_resp {
    long status;
    char location[4096];
    char link_next[4096];
    char commit[128];
    char linked_etag[130];
    int64_t linked_size;
    int64_t range_start, range_total; /* from Content-Range, -1 when absent */
    double retry_after;               /* seconds, -1 when absent */
    double ratelimit_reset;           /* t= of a RateLimit header whose r=0, -1 otherwise */
    char error_code[64];
} hf_resp;

typedef struct hf_xfer {
    hf_client *c;
    hf_resp *r;
    /* body to memory */
    char *mem;
    size_t mem_len, mem_cap, mem_max;
    /* body to a file */
    int fd;
    int64_t pos, expected, start; /* expected < 0: unknown; start: bytes on disk before */
    int restarted, bad_range, too_long, io_error;
    const char *what;
} hf_xfer;

proctor_status hf_fail_(proctor_status s, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void hf_logf_(hf_client *c, proctor_log_level lv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int hf_cancelled_(hf_client *c);
int hf_env_true_(const char *name);
char *hf_origin_of_(const char *url);
char *hf_resolve_url_(const char *base, const char *loc);
void hf_pct_(char *out, size_t outlen, const char *s, int keep_slash);
int hf_valid_repo_(const hf_repo *r);
const char *hf_rev_(const hf_repo *r);
const char *hf_kind_(const hf_repo *r); /* "dataset" / "model", for messages */
int hf_nap_(hf_client *c, double seconds);
double hf_backoff_(hf_client *c, int attempt);

/* hf_http.c */
CURLcode hf_perform_(hf_client *c, const char *url, hf_xfer *x, int64_t range_from);
int hf_retryable_status_(long st);
double hf_wait_for_(hf_client *c, const hf_resp *r, int attempt);
int hf_is_redirect_(long st);
int hf_scheme_ok_(hf_client *c, const char *url);
proctor_status hf_http_error_(hf_client *c, const hf_repo *repo, const hf_resp *r, const char *what,
                              char *err, size_t errlen);

#endif
