/* hub.c — Hugging Face Hub client: listing, resolve + download with manual redirects, resume,
 * retries, integrity. See hub.h for the contract and natix-data.md section 3 for the Hub's API. */
#include "hub.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOPS 10
#define MAX_PAGES 1000
#define MAX_LISTING_PAGE (64u << 20)

struct hub_client {
    hub_opts o;
    char *endpoint;   /* no trailing slash */
    char *origin;     /* scheme://host[:port] of the endpoint, lowercase */
    char *token;      /* NULL: none */
    int allow_http;
    hub_stats stats;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static proctor_status fail_(proctor_status s, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static proctor_status fail_(proctor_status s, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return s;
}

static void logf_(hub_client *c, proctor_log_level lv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void logf_(hub_client *c, proctor_log_level lv, const char *fmt, ...)
{
    if (!c->o.log) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->o.log(c->o.user, lv, msg);
}

static int cancelled_(hub_client *c) { return c->o.cancelled && c->o.cancelled(c->o.user); }

static char *strip_dup_(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (!n) return NULL;
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n), d[n] = 0;
    return d;
}

static char *read_token_file_(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    return strip_dup_(buf, n);
}

static int env_true_(const char *name)
{
    const char *v = getenv(name);
    return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

char *hub_token_discover(void)
{
    if (env_true_("HF_HUB_DISABLE_IMPLICIT_TOKEN")) return NULL;
    const char *envs[] = {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"};
    for (int i = 0; i < 2; i++) {
        const char *v = getenv(envs[i]);
        char *t = v ? strip_dup_(v, strlen(v)) : NULL;
        if (t) return t;
    }
    char path[4096];
    const char *p = getenv("HF_TOKEN_PATH");
    if (p && *p) return read_token_file_(p);
    const char *home = getenv("HF_HOME"), *xdg = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    if (home && *home) snprintf(path, sizeof path, "%s/token", home);
    else if (xdg && *xdg) snprintf(path, sizeof path, "%s/huggingface/token", xdg);
    else if (h && *h) snprintf(path, sizeof path, "%s/.cache/huggingface/token", h);
    else return NULL;
    return read_token_file_(path);
}

/* scheme://host:port, lowercase, of an absolute URL; NULL if it cannot be parsed. */
static char *origin_of_(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        size_t n = strlen(scheme) + strlen(host) + strlen(port) + 5;
        out = malloc(n);
        if (out) {
            snprintf(out, n, "%s://%s:%s", scheme, host, port);
            for (char *q = out; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

/* Resolve a Location (absolute or relative) against the URL it came from. */
static char *resolve_url_(const char *base, const char *loc)
{
    CURLU *u = curl_url();
    char *full = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
        out = strdup(full);
    curl_free(full);
    curl_url_cleanup(u);
    return out;
}

/* Percent-encode; keep '/' when keep_slash. */
static void pct_(char *out, size_t outlen, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t w = 0;
    for (; *s && w + 4 < outlen; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
            out[w++] = (char)ch;
        } else {
            out[w++] = '%';
            out[w++] = hex[ch >> 4];
            out[w++] = hex[ch & 15];
        }
    }
    out[w] = 0;
}

static int valid_repo_(const char *repo)
{
    int slashes = 0;
    if (!repo || !*repo || *repo == '/' || strstr(repo, "..")) return 0;
    for (const char *p = repo; *p; p++) {
        if (*p == '/') slashes++;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                   *p == '-' || *p == '_' || *p == '.'))
            return 0;
    }
    return slashes == 1 && repo[strlen(repo) - 1] != '/';
}

/* Repo paths come from the server: refuse anything that could escape a directory. */
static int valid_path_(const char *p)
{
    if (!*p || *p == '/' || strchr(p, '\\') || strlen(p) > 1024) return 0;
    for (const unsigned char *q = (const unsigned char *)p; *q; q++)
        if (*q < 0x20 || *q == 0x7f) return 0;
    const char *seg = p;
    while (1) {
        const char *e = strchr(seg, '/');
        size_t n = e ? (size_t)(e - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return 0;
        if (!e) return 1;
        seg = e + 1;
    }
}

/* ---- client ------------------------------------------------------------------------------- */

hub_client *hub_new(const hub_opts *opts, char *err, size_t errlen)
{
    static int global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || sodium_init() < 0) {
            fail_(PROCTOR_FAILED, err, errlen, "libcurl/libsodium initialisation failed");
            return NULL;
        }
        global_done = 1;
    }
    hub_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (opts) c->o = *opts;
    if (!c->o.max_retries) c->o.max_retries = 5;
    if (c->o.backoff_base_s <= 0) c->o.backoff_base_s = 1;
    if (c->o.backoff_max_s <= 0) c->o.backoff_max_s = 8;
    if (c->o.retry_after_max_s <= 0) c->o.retry_after_max_s = 300;
    if (c->o.connect_timeout_s <= 0) c->o.connect_timeout_s = 10;
    if (c->o.stall_timeout_s <= 0) c->o.stall_timeout_s = 30;
    const char *ep = opts && opts->endpoint && *opts->endpoint ? opts->endpoint : getenv("HF_ENDPOINT");
    if (!ep || !*ep) ep = "https://huggingface.co";
    c->endpoint = strdup(ep);
    if (c->endpoint) {
        size_t n = strlen(c->endpoint);
        while (n && c->endpoint[n - 1] == '/') c->endpoint[--n] = 0;
    }
    c->origin = c->endpoint ? origin_of_(c->endpoint) : NULL;
    if (!c->origin || (strncmp(c->origin, "https://", 8) && strncmp(c->origin, "http://", 7))) {
        fail_(PROCTOR_INVALID, err, errlen, "Hub endpoint '%s' is not an http(s) URL", ep);
        hub_free(c);
        return NULL;
    }
    /* plain http only when the operator pointed us at an http endpoint (a local mirror, tests) */
    c->allow_http = strncmp(c->origin, "http://", 7) == 0;
    if (opts && opts->token) c->token = *opts->token ? strdup(opts->token) : NULL;
    else c->token = hub_token_discover();
    return c;
}

void hub_free(hub_client *c)
{
    if (!c) return;
    free(c->endpoint);
    free(c->origin);
    if (c->token) sodium_memzero(c->token, strlen(c->token));
    free(c->token);
    free(c);
}

const char *hub_endpoint(const hub_client *c) { return c->endpoint; }
int hub_has_token(const hub_client *c) { return c->token != NULL; }
const hub_stats *hub_get_stats(const hub_client *c) { return &c->stats; }

/* Sleep in small slices so a cancel request is seen quickly. Returns -1 when cancelled. */
static int nap_(hub_client *c, double seconds)
{
    while (seconds > 0) {
        if (cancelled_(c)) return -1;
        double s = seconds < 0.05 ? seconds : 0.05;
        struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
        nanosleep(&ts, NULL);
        seconds -= s;
    }
    return cancelled_(c) ? -1 : 0;
}

static double backoff_(hub_client *c, int attempt)
{
    double d = c->o.backoff_base_s * pow(2.0, attempt);
    if (d > c->o.backoff_max_s) d = c->o.backoff_max_s;
    /* jitter: 75%..125%, so many validators do not retry in lockstep */
    uint64_t r = c->o.random ? c->o.random(c->o.user) : (uint64_t)randombytes_random();
    return d * (0.75 + 0.5 * (double)(r % 1000) / 1000.0);
}

/* ---- one HTTP exchange --------------------------------------------------------------------- */

typedef struct resp {
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
} resp;

typedef struct xfer {
    hub_client *c;
    resp *r;
    /* body to memory */
    char *mem;
    size_t mem_len, mem_cap, mem_max;
    /* body to a file */
    int fd;
    int64_t pos, expected, start; /* start: bytes already on disk when the request began */
    int restarted, bad_range, too_long, io_error;
    const char *what;
} xfer;

static void reset_resp_(resp *r)
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
static void parse_link_(resp *r, const char *v)
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
static void parse_ratelimit_(resp *r, const char *v)
{
    const char *rp = strstr(v, ";r="), *tp = strstr(v, ";t=");
    if (!rp || !tp) return;
    long rem = strtol(rp + 3, NULL, 10), t = strtol(tp + 3, NULL, 10);
    if (rem == 0 && t >= 0) r->ratelimit_reset = (double)t + 1;
}

static size_t on_header_(char *buf, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    resp *r = x->r;
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
    }
    return len;
}

static size_t on_body_(char *buf, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
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
    xfer *x = ud;
    if (cancelled_(x->c)) return 1;
    if (x->fd >= 0 && x->c->o.progress && x->expected > 0)
        x->c->o.progress(x->c->o.user, x->what, (uint64_t)x->pos, (uint64_t)x->expected);
    return 0;
}

/* One request, no redirects followed. Returns the curl code; fills x->r. */
static CURLcode perform_(hub_client *c, const char *url, xfer *x, int64_t range_from)
{
    CURL *h = curl_easy_init();
    if (!h) return CURLE_OUT_OF_MEMORY;
    struct curl_slist *hdrs = NULL;
    char ua[128], range[64];
    snprintf(ua, sizeof ua, "proctor-natix/%s", PROCTOR_VERSION);
    char *o = origin_of_(url);
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
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
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

static int retryable_status_(long st) { return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504; }

/* How long to wait before the next attempt after a failure with this response. */
static double wait_for_(hub_client *c, const resp *r, int attempt)
{
    if (r->status == 429) {
        c->stats.rate_limited++;
        double w = r->ratelimit_reset >= 0 ? r->ratelimit_reset : r->retry_after;
        if (w >= 0) return w < c->o.retry_after_max_s ? w : c->o.retry_after_max_s;
    }
    return backoff_(c, attempt);
}

static int is_redirect_(long st) { return st == 301 || st == 302 || st == 303 || st == 307 || st == 308; }

static int scheme_ok_(hub_client *c, const char *url)
{
    return strncasecmp(url, "https://", 8) == 0 || (c->allow_http && strncasecmp(url, "http://", 7) == 0);
}

static proctor_status http_error_(const resp *r, const char *what, char *err, size_t errlen)
{
    const char *code = r->error_code[0] ? r->error_code : "";
    proctor_status s = r->status == 429 ? PROCTOR_RATE_LIMITED
                     : (r->status >= 500 || r->status == 408) ? PROCTOR_NETWORK : PROCTOR_FAILED;
    return fail_(s, err, errlen, "%s: HTTP %ld%s%s", what, r->status, *code ? " " : "", code);
}

/* ---- listing ------------------------------------------------------------------------------ */

static int parse_page_(hub_listing *l, const char *body, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(body);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        fail_(0, err, errlen, "listing page is not a JSON array");
        return -1;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const cJSON *type = cJSON_GetObjectItem(e, "type"), *path = cJSON_GetObjectItem(e, "path");
        if (!cJSON_IsString(type) || !cJSON_IsString(path)) goto bad;
        if (strcmp(type->valuestring, "file")) continue; /* directories */
        if (!valid_path_(path->valuestring)) {
            fail_(0, err, errlen, "listing holds an unsafe path");
            cJSON_Delete(root);
            return -1;
        }
        const cJSON *size = cJSON_GetObjectItem(e, "size"), *lfs = cJSON_GetObjectItem(e, "lfs");
        if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 9.0e15) goto bad;
        hub_file *nf = realloc(l->files, (l->count + 1) * sizeof *nf);
        if (!nf) goto bad;
        l->files = nf;
        hub_file *f = &l->files[l->count];
        memset(f, 0, sizeof *f);
        f->path = strdup(path->valuestring);
        if (!f->path) goto bad;
        f->size = (int64_t)size->valuedouble;
        if (cJSON_IsObject(lfs)) {
            const cJSON *oid = cJSON_GetObjectItem(lfs, "oid"), *ls = cJSON_GetObjectItem(lfs, "size");
            if (cJSON_IsString(oid) && strlen(oid->valuestring) == 64 &&
                strspn(oid->valuestring, "0123456789abcdef") == 64)
                memcpy(f->sha256, oid->valuestring, 65);
            if (cJSON_IsNumber(ls) && ls->valuedouble >= 0) f->size = (int64_t)ls->valuedouble;
        }
        l->count++;
    }
    cJSON_Delete(root);
    return 0;
bad:
    cJSON_Delete(root);
    fail_(0, err, errlen, "listing entry with missing or ill-typed fields");
    return -1;
}

void hub_listing_free(hub_listing *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->count; i++) free(l->files[i].path);
    free(l->files);
    free(l->commit);
    memset(l, 0, sizeof *l);
}

proctor_status hub_list(hub_client *c, const char *repo, const char *revision, hub_listing *out,
                        char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!valid_repo_(repo)) return fail_(PROCTOR_INVALID, err, errlen, "bad repo id '%s' (want org/name)", repo ? repo : "");
    if (env_true_("HF_HUB_OFFLINE")) return fail_(PROCTOR_NOT_READY, err, errlen, "HF_HUB_OFFLINE is set");
    char rev[512], url[4096];
    pct_(rev, sizeof rev, revision && *revision ? revision : "main", 0);
    snprintf(url, sizeof url, "%s/api/datasets/%s/tree/%s?recursive=true&expand=false", c->endpoint, repo, rev);
    char **seen = NULL;
    size_t nseen = 0;
    proctor_status st = PROCTOR_OK;
    char *cur = strdup(url);
    while (cur && st == PROCTOR_OK) {
        for (size_t i = 0; i < nseen; i++)
            if (!strcmp(seen[i], cur)) st = fail_(PROCTOR_FAILED, err, errlen, "listing pages loop");
        if (st) break;
        if (nseen >= MAX_PAGES) {
            st = fail_(PROCTOR_FAILED, err, errlen, "listing has more than %d pages", MAX_PAGES);
            break;
        }
        char **ns = realloc(seen, (nseen + 1) * sizeof *ns);
        if (!ns) { st = PROCTOR_NOMEM; break; }
        seen = ns;
        seen[nseen++] = cur;
        resp r;
        xfer x = {.c = c, .r = &r, .mem_max = MAX_LISTING_PAGE, .fd = -1, .expected = -1, .what = "listing"};
        for (int attempt = 0;; attempt++) {
            if (cancelled_(c)) { st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
            x.mem_len = 0;
            x.too_long = 0;
            CURLcode cc = perform_(c, cur, &x, 0);
            if (cc == CURLE_OK && r.status == 200) break;
            if (x.too_long) { st = fail_(PROCTOR_FAILED, err, errlen, "listing page over %u bytes", MAX_LISTING_PAGE); break; }
            int retry = cc != CURLE_OK || retryable_status_(r.status);
            if (!retry || attempt >= c->o.max_retries) {
                if (cc == CURLE_ABORTED_BY_CALLBACK) st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled");
                else if (cc != CURLE_OK) st = fail_(PROCTOR_NETWORK, err, errlen, "listing %s: %s", repo, curl_easy_strerror(cc));
                else st = http_error_(&r, "listing", err, errlen);
                break;
            }
            double w = cc == CURLE_OK ? wait_for_(c, &r, attempt) : backoff_(c, attempt);
            c->stats.retries++;
            logf_(c, PROCTOR_LOG_DEBUG, "listing: %s, retrying in %.1f s",
                  cc != CURLE_OK ? curl_easy_strerror(cc) : "HTTP error", w);
            if (nap_(c, w)) { st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        }
        if (st == PROCTOR_OK) {
            if (!out->commit && r.commit[0]) out->commit = strdup(r.commit);
            if (parse_page_(out, x.mem ? x.mem : "", err, errlen)) st = PROCTOR_FAILED;
        }
        free(x.mem);
        cur = NULL;
        if (st == PROCTOR_OK && r.link_next[0]) {
            char *next = resolve_url_(seen[nseen - 1], r.link_next);
            char *o = next ? origin_of_(next) : NULL;
            if (!o || strcmp(o, c->origin)) st = fail_(PROCTOR_FAILED, err, errlen, "listing's next page is on another host");
            else cur = next, next = NULL;
            free(o);
            free(next);
        }
    }
    for (size_t i = 0; i < nseen; i++) free(seen[i]);
    free(seen);
    if (st != PROCTOR_OK) hub_listing_free(out);
    return st;
}

/* ---- download ----------------------------------------------------------------------------- */

static int sha256_file_(int fd, char hex[65])
{
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    enum { BUF = 1 << 20 };
    unsigned char *buf = malloc(BUF);
    if (!buf) return -1;
    off_t off = 0;
    while (1) {
        ssize_t n = pread(fd, buf, BUF, off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0) break;
        crypto_hash_sha256_update(&s, buf, (unsigned long long)n);
        off += n;
    }
    free(buf);
    unsigned char h[32];
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(hex, 65, h, 32);
    return 0;
}

static void normalise_etag_(char *e)
{
    char *p = e;
    if (!strncmp(p, "W/", 2)) p += 2;
    if (*p == '"') p++;
    size_t n = strlen(p);
    if (n && p[n - 1] == '"') n--;
    memmove(e, p, n);
    e[n] = 0;
}

proctor_status hub_download(hub_client *c, const char *repo, const char *revision,
                            const hub_listing *l, const hub_file *f, const char *dest, char *err,
                            size_t errlen)
{
    if (!valid_repo_(repo)) return fail_(PROCTOR_INVALID, err, errlen, "bad repo id");
    if (!valid_path_(f->path)) return fail_(PROCTOR_INVALID, err, errlen, "unsafe path");
    if (env_true_("HF_HUB_OFFLINE")) return fail_(PROCTOR_NOT_READY, err, errlen, "HF_HUB_OFFLINE is set");
    char rev[512], path[3072], start_url[4096], tmp[4096];
    pct_(rev, sizeof rev, l && l->commit ? l->commit : revision && *revision ? revision : "main", 0);
    pct_(path, sizeof path, f->path, 1);
    snprintf(start_url, sizeof start_url, "%s/datasets/%s/resolve/%s/%s", c->endpoint, repo, rev, path);
    /* hidden temp name: never matches a served suffix nor "*.parquet" */
    const char *slash = strrchr(dest, '/');
    if (slash) snprintf(tmp, sizeof tmp, "%.*s/.%s.incomplete", (int)(slash - dest), dest, slash + 1);
    else snprintf(tmp, sizeof tmp, ".%s.incomplete", dest);
    int fd = open(tmp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return fail_(PROCTOR_IO, err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    struct stat sb;
    int64_t have = fstat(fd, &sb) == 0 ? (int64_t)sb.st_size : 0;
    if (have > f->size) {
        if (ftruncate(fd, 0) != 0) have = -1;
        else have = 0;
    }
    if (have > 0) {
        c->stats.resumed++;
        logf_(c, PROCTOR_LOG_DEBUG, "%s: resuming at %lld of %lld bytes", f->path, (long long)have, (long long)f->size);
    }
    proctor_status st = PROCTOR_OK;
    char *url = strdup(start_url);
    int hops = 0, attempt = 0;
    resp r;
    while (st == PROCTOR_OK && have >= 0) {
        if (have == f->size) break;
        if (cancelled_(c)) { st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        xfer x = {.c = c, .r = &r, .fd = fd, .pos = have, .expected = f->size, .start = have, .what = f->path};
        CURLcode cc = perform_(c, url, &x, have);
        int64_t before = have;
        if (x.restarted) c->stats.restarted++;
        if (r.status == 200 || r.status == 206) have = x.pos;
        free(x.mem);
        if (x.io_error) { st = fail_(PROCTOR_IO, err, errlen, "writing %s: %s", tmp, strerror(errno)); break; }
        if (x.too_long) { st = fail_(PROCTOR_FAILED, err, errlen, "%s: server sent more than the listed %lld bytes", f->path, (long long)f->size); break; }
        if (cc == CURLE_ABORTED_BY_CALLBACK && cancelled_(c)) { st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        if (cc == CURLE_OK && is_redirect_(r.status)) {
            if (++hops > MAX_HOPS) { st = fail_(PROCTOR_FAILED, err, errlen, "%s: too many redirects", f->path); break; }
            if (r.linked_size >= 0 && r.linked_size != f->size) {
                st = fail_(PROCTOR_FAILED, err, errlen, "%s changed since it was listed (size %lld, listed %lld)",
                           f->path, (long long)r.linked_size, (long long)f->size);
                break;
            }
            if (r.linked_etag[0] && f->sha256[0]) {
                normalise_etag_(r.linked_etag);
                if (strcmp(r.linked_etag, f->sha256)) {
                    st = fail_(PROCTOR_FAILED, err, errlen, "%s changed since it was listed (etag)", f->path);
                    break;
                }
            }
            char *next = r.location[0] ? resolve_url_(url, r.location) : NULL;
            if (!next || !scheme_ok_(c, next)) {
                free(next);
                st = fail_(PROCTOR_FAILED, err, errlen, "%s: redirect to a refused URL", f->path);
                break;
            }
            c->stats.redirects++;
            free(url);
            url = next;
            continue;
        }
        if (cc == CURLE_OK && r.status == 416) {
            /* our start is at or past the end: complete if the size is right, else start over */
            if (have == f->size) break;
            if (ftruncate(fd, 0) != 0) { st = fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp); break; }
            have = 0;
            c->stats.restarted++;
        } else if (cc == CURLE_OK && (r.status == 200 || r.status == 206)) {
            if (have == f->size) break;
            /* body ended short without an error: resume */
        } else if (cc == CURLE_OK && !retryable_status_(r.status)) {
            st = http_error_(&r, f->path, err, errlen);
            break;
        } else if (x.bad_range) {
            if (ftruncate(fd, 0) != 0) { st = fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp); break; }
            have = 0;
            c->stats.restarted++;
        }
        /* retry: a transfer that made progress resets the attempt counter (huggingface_hub does) */
        if (have > before) attempt = 0;
        if (attempt >= c->o.max_retries) {
            if (cc != CURLE_OK) st = fail_(PROCTOR_NETWORK, err, errlen, "%s: %s", f->path, curl_easy_strerror(cc));
            else st = http_error_(&r, f->path, err, errlen);
            break;
        }
        double w = cc == CURLE_OK ? wait_for_(c, &r, attempt) : (have > before ? 0 : backoff_(c, attempt));
        attempt++;
        c->stats.retries++;
        logf_(c, PROCTOR_LOG_DEBUG, "%s: %s at %lld bytes, retrying in %.1f s", f->path,
              cc != CURLE_OK ? curl_easy_strerror(cc) : "HTTP error", (long long)have, w);
        if (nap_(c, w)) { st = fail_(PROCTOR_CANCELLED, err, errlen, "cancelled"); break; }
        /* signed CDN URLs expire: go back through /resolve/ */
        free(url);
        url = strdup(start_url);
        hops = 0;
    }
    free(url);
    if (st == PROCTOR_OK && have < 0) st = fail_(PROCTOR_IO, err, errlen, "truncate %s", tmp);
    if (st == PROCTOR_OK && f->sha256[0]) {
        char hex[65];
        if (sha256_file_(fd, hex)) st = fail_(PROCTOR_IO, err, errlen, "reading %s back", tmp);
        else if (strcmp(hex, f->sha256)) {
            st = fail_(PROCTOR_FAILED, err, errlen, "%s: sha256 %.12s... does not match the listing's %.12s...",
                       f->path, hex, f->sha256);
            unlink(tmp); /* a wrong file is not worth resuming */
        }
    }
    if (st == PROCTOR_OK && fsync(fd) != 0) st = fail_(PROCTOR_IO, err, errlen, "fsync %s: %s", tmp, strerror(errno));
    close(fd);
    if (st == PROCTOR_OK && rename(tmp, dest) != 0)
        st = fail_(PROCTOR_IO, err, errlen, "rename to %s: %s", dest, strerror(errno));
    if (st == PROCTOR_FAILED && strstr(err, "changed since")) unlink(tmp);
    return st;
}
