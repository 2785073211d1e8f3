/* hf_http.c — one HTTP exchange with the Hub or its CDN (no redirect followed), the headers the
 * Hub speaks (Link, X-Repo-Commit, X-Linked-*, RateLimit, Retry-After, Content-Range), and how
 * a status maps to a proctor_status and a message. */
#include "hf_internal.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void reset_resp_(hf_resp *r)
{
    memset(r, 0, sizeof *r);
    r->linked_size = r->range_start = r->range_total = -1;
    r->retry_after = r->ratelimit_reset = -1;
}

static void copy_val_(char *dst, size_t n, const char *v, size_t vlen)
{
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ')) vlen--;
    while (vlen && *v == ' ') v++, vlen--;
    if (vlen >= n) vlen = n - 1;
    memcpy(dst, v, vlen);
    dst[vlen] = 0;
}

/* Link: <url>; rel="next", <url2>; rel="prev" */
static void parse_link_(hf_resp *r, const char *v)
{
    const char *p = v;
    while ((p = strchr(p, '<'))) {
        const char *e = strchr(p, '>');
        if (!e) return;
        const char *params = e + 1, *next = strchr(params, '<');
        size_t plen = next ? (size_t)(next - params) : strlen(params);
        char pbuf[256];
        copy_val_(pbuf, sizeof pbuf, params, plen);
        if (strstr(pbuf, "rel=\"next\"") || strstr(pbuf, "rel=next")) {
            copy_val_(r->link_next, sizeof r->link_next, p + 1, (size_t)(e - p - 1));
            return;
        }
        p = e + 1;
    }
}

/* RateLimit: "api";r=0;t=12 */
static void parse_ratelimit_(hf_resp *r, const char *v)
{
    const char *rp = strstr(v, ";r="), *tp = strstr(v, ";t=");
    if (!rp || !tp) return;
    long rem = strtol(rp + 3, NULL, 10), t = strtol(tp + 3, NULL, 10);
    if (rem == 0 && t >= 0) r->ratelimit_reset = (double)t + 1;
}

static size_t on_header_(char *buf, size_t size, size_t n, void *ud)
{
    hf_xfer *x = ud;
    hf_resp *r = x->r;
    size_t len = size * n;
    char line[8192];
    copy_val_(line, sizeof line, buf, len);
    if (strncmp(line, "HTTP/", 5) == 0) {
        /* a new response (e.g. after 100 Continue): forget the previous headers */
        reset_resp_(r);
        const char *sp = strchr(line, ' ');
        r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        return len;
    }
    char *colon = strchr(line, ':');
    if (!colon) return len;
    *colon = 0;
    const char *v = colon + 1;
    while (*v == ' ') v++;
    if (!strcasecmp(line, "location")) copy_val_(r->location, sizeof r->location, v, strlen(v));
    else if (!strcasecmp(line, "link")) parse_link_(r, v);
    else if (!strcasecmp(line, "x-repo-commit")) copy_val_(r->commit, sizeof r->commit, v, strlen(v));
    else if (!strcasecmp(line, "x-linked-etag")) copy_val_(r->linked_etag, sizeof r->linked_etag, v, strlen(v));
    else if (!strcasecmp(line, "x-linked-size")) r->linked_size = strtoll(v, NULL, 10);
    else if (!strcasecmp(line, "x-error-code")) copy_val_(r->error_code, sizeof r->error_code, v, strlen(v));
    else if (!strcasecmp(line, "retry-after")) {
        char *end;
        double s = strtod(v, &end);
        if (end != v && s >= 0) r->retry_after = s; /* only the seconds form, as huggingface_hub */
    } else if (!strcasecmp(line, "ratelimit")) parse_ratelimit_(r, v);
    else if (!strcasecmp(line, "content-range")) {
        long long a, b, t;
        if (sscanf(v, "bytes %lld-%lld/%lld", &a, &b, &t) == 3) r->range_start = a, r->range_total = t;
        else if (sscanf(v, "bytes */%lld", &t) == 1) r->range_total = t; /* a 416's */
    }
    return len;
}

static size_t on_body_(char *buf, size_t size, size_t n, void *ud)
{
    hf_xfer *x = ud;
    size_t len = size * n;
    long st = x->r->status;
    if (x->fd < 0 || (st != 200 && st != 206)) {
        /* listing pages, or an error body kept for the message */
        size_t max = (st == 200 && x->fd < 0) ? x->mem_max : 2048;
        if (x->mem_len + len > max) {
            if (st == 200) return x->too_long = 1, 0;
            len = max > x->mem_len ? max - x->mem_len : 0;
            if (!len) return size * n;
        }
        if (x->mem_len + len + 1 > x->mem_cap) {
            size_t cap = x->mem_cap ? x->mem_cap : 16384;
            while (cap < x->mem_len + len + 1) cap *= 2;
            char *m = realloc(x->mem, cap);
            if (!m) return 0;
            x->mem = m;
            x->mem_cap = cap;
        }
        memcpy(x->mem + x->mem_len, buf, len);
        x->mem_len += len;
        x->mem[x->mem_len] = 0;
        return size * n;
    }
    if (x->pos == x->start) {
        /* first body bytes: decide where they go */
        if (st == 200 && x->start > 0) {
            /* the server ignored our Range: start over */
            if (ftruncate(x->fd, 0) != 0) return x->io_error = 1, 0;
            x->pos = x->start = 0;
            x->restarted = 1;
        } else if (st == 206 && x->r->range_start != x->start) {
            return x->bad_range = 1, 0;
        }
    }
    if (x->expected >= 0 && x->pos + (int64_t)len > x->expected) return x->too_long = 1, 0;
    size_t off = 0;
    while (off < len) {
        ssize_t w = pwrite(x->fd, buf + off, len - off, (off_t)(x->pos + (int64_t)off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return x->io_error = 1, 0;
        off += (size_t)w;
    }
    x->pos += (int64_t)len;
    return len;
}

static int on_progress_(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    hf_xfer *x = ud;
    if (hf_cancelled_(x->c)) return 1;
    if (x->fd >= 0 && x->c->o.progress && x->expected > 0)
        x->c->o.progress(x->c->o.user, x->what, (uint64_t)x->pos, (uint64_t)x->expected);
    return 0;
}

/* One request, no redirects followed. Returns the curl code; fills x->r. The token goes only
 * to the endpoint's own origin: a CDN or any other host never sees it. */
CURLcode hf_perform_(hf_client *c, const char *url, hf_xfer *x, int64_t range_from)
{
    CURL *h = curl_easy_init();
    if (!h) return CURLE_OUT_OF_MEMORY;
    struct curl_slist *hdrs = NULL;
    char range[64];
    char *o = hf_origin_of_(url);
    int same = o && strcmp(o, c->origin) == 0;
    free(o);
    char *auth = NULL;
    if (c->token && same) {
        size_t n = strlen(c->token) + 32;
        auth = malloc(n);
        if (auth) {
            snprintf(auth, n, "Authorization: Bearer %s", c->token);
            hdrs = curl_slist_append(hdrs, auth);
            c->stats.auth_sent++;
        }
    }
    if (range_from > 0) {
        snprintf(range, sizeof range, "Range: bytes=%lld-", (long long)range_from);
        hdrs = curl_slist_append(hdrs, range);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, c->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->o.connect_timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)ceil(c->o.stall_timeout_s));
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header_);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body_);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress_);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
    reset_resp_(x->r);
    c->stats.requests++;
    CURLcode rc = curl_easy_perform(h);
    long st = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
    if (st) x->r->status = st;
    curl_slist_free_all(hdrs);
    if (auth) {
        sodium_memzero(auth, strlen(auth));
        free(auth);
    }
    curl_easy_cleanup(h);
    return rc;
}

int hf_retryable_status_(long st) { return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504; }

/* How long to wait before the next attempt after a failure with this response. */
double hf_wait_for_(hf_client *c, const hf_resp *r, int attempt)
{
    if (r->status == 429) {
        c->stats.rate_limited++;
        double w = r->ratelimit_reset >= 0 ? r->ratelimit_reset : r->retry_after;
        if (w >= 0) return w < c->o.retry_after_max_s ? w : c->o.retry_after_max_s;
    }
    return hf_backoff_(c, attempt);
}

int hf_is_redirect_(long st) { return st == 301 || st == 302 || st == 303 || st == 307 || st == 308; }

int hf_scheme_ok_(hf_client *c, const char *url)
{
    return strncasecmp(url, "https://", 8) == 0 || (c->allow_http && strncasecmp(url, "http://", 7) == 0);
}

/* 429 and 5xx are retryable later; so are 401/403: a gated or private repo may be opened (or
 * a token set) without a restart, and a supervisor must back off instead of failing fast. */
proctor_status hf_http_error_(hf_client *c, const hf_repo *repo, const hf_resp *r, const char *what,
                              char *err, size_t errlen)
{
    const char *code = r->error_code[0] ? r->error_code : "";
    const char *kind = repo ? hf_kind_(repo) : "repo";
    if (r->status == 401 && !c->token)
        return hf_fail_(PROCTOR_NOT_READY, err, errlen, "%s: HTTP 401: the %s needs a token: set HF_TOKEN%s%s%s",
                        what, kind, *code ? " (" : "", code, *code ? ")" : "");
    if (c->token && (r->status == 401 || r->status == 403))
        return hf_fail_(PROCTOR_NOT_READY, err, errlen, "%s: HTTP %ld: the token was refused for this %s%s%s%s",
                        what, r->status, kind, *code ? " (" : "", code, *code ? ")" : "");
    proctor_status s = r->status == 429 ? PROCTOR_RATE_LIMITED
                     : (r->status >= 500 || r->status == 408) ? PROCTOR_NETWORK : PROCTOR_FAILED;
    return hf_fail_(s, err, errlen, "%s: HTTP %ld%s%s", what, r->status, *code ? " " : "", code);
}
